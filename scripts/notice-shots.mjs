#!/usr/bin/env node
// node scripts/notice-shots.mjs [--rebuild]
// Screenshots of what a material change looks like on the site, for the legal
// team's guide (docs/legal-team.md): the advance notice on the account page
// and the legal view's publishing page, in Russian and English, desktop and a
// 390 px phone. It serves a copy of the e2e accounts dataset to which it adds
// a privacy policy in force that discloses notices and a material version of
// the terms taking effect in five days, registers two people, and restarts
// the server so that the hourly notice job runs at start.
// Writes docs/legal-team/notice-*.png and publishing-*.png.
import { execFileSync } from 'node:child_process'
import { randomInt } from 'node:crypto'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { chromium } from '@playwright/test'
import { ensureBuild, ROOT, startProductionServer } from '../tests/e2e/support/production-server.mjs'
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../tests/support/chromium.mjs'

const { values } = parseArgs({ options: { rebuild: { type: 'boolean', default: false } } })
const OUT = path.join(ROOT, 'docs/legal-team')
const DEVICES = {
  desktop: { viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 },
  phone: { viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, isMobile: true, hasTouch: true },
}
const DAY = 24 * 60 * 60 * 1000
const SUMMARY = {
  ru: 'Раздел 7 теперь описывает возврат денег за неизрасходованные кредиты по шагам, а срок ответа на претензию сокращён до 7 рабочих дней.',
  en: 'Section 7 now sets out step by step how money for unspent credits is refunded, and claims are answered within 7 working days instead of 10.',
}
const ADDED = {
  ru: 'Оператор отвечает на претензию в течение 7 рабочих дней.',
  en: 'The Operator answers a claim within 7 working days.',
}

ensureBuild({ rebuild: values.rebuild })
mkdirSync(OUT, { recursive: true })
const work = mkdtempSync(path.join(os.tmpdir(), 'palitra-notice-shots-'))
const dataDir = path.join(work, 'data')
const dataset = path.join(work, 'dataset.ndjson')

// The accounts dataset, plus what a legal team would have published.
const documents = readFileSync(path.join(ROOT, 'tests/fixtures/e2e/accounts-dataset.ndjson'), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((line) => JSON.parse(line))
const find = (kind, locale, version) =>
  documents.find((d) => d.kind === kind && d.locale === locale && d.version === version)
const block = (key, text) => ({
  _type: 'block',
  _key: key,
  style: 'normal',
  markDefs: [],
  children: [{ _type: 'span', _key: `${key}s`, text, marks: [] }],
})
for (const locale of ['ru', 'en']) {
  const privacy = find('privacy', locale, 2)
  documents.push({
    ...privacy,
    _id: `shots.privacy.${locale}.v3`,
    version: 3,
    effectiveFrom: new Date(Date.now() - DAY).toISOString(),
    material: false,
    changeSummary: locale === 'ru' ? 'Добавлена таблица уведомлений.' : 'The notices table is added.',
    body: [...privacy.body, { _type: 'registerTable', _key: 'notices', table: 'notices' }],
  })
  const terms = find('terms', locale, 1)
  documents.push({
    ...terms,
    _id: `shots.terms.${locale}.v2`,
    version: 2,
    effectiveFrom: new Date(Math.ceil((Date.now() + 5 * DAY) / DAY) * DAY - 3 * 60 * 60 * 1000).toISOString(),
    material: true,
    changeSummary: SUMMARY[locale],
    body: [...terms.body, block('added', ADDED[locale])],
  })
}
writeFileSync(dataset, documents.map((d) => JSON.stringify(d)).join('\n') + '\n')

const browser = await chromium.launch({
  executablePath: CHROMIUM_PATH,
  args: CHROMIUM_ARGS,
})
const people = {}
const taken = []
let server = await startProductionServer({ dataset, dataDir, stdio: 'ignore' })

async function hiddenField(request, url, name) {
  const html = await (await request.get(url)).text()
  const match = new RegExp(`name="${name}" value="([^"]*)"`).exec(html)
  if (!match) throw new Error(`no hidden ${name} field on ${url}`)
  return match[1]
}

function newContext(options, locale) {
  return browser.newContext({
    ...options,
    locale,
    baseURL: server.url,
    extraHTTPHeaders: { 'X-Forwarded-For': `10.${randomInt(1, 255)}.${randomInt(255)}.${randomInt(1, 255)}` },
  })
}

async function signIn(context, locale, person) {
  const signedIn = await context.request.post(`${server.url}/${locale}/login`, {
    form: person,
    headers: { Origin: server.url },
    maxRedirects: 0,
  })
  if (signedIn.status() !== 302) throw new Error(`signing in answered ${signedIn.status()}`)
}

try {
  for (const locale of ['ru', 'en']) {
    const context = await newContext(DEVICES.desktop, locale)
    const person = {
      email: `notice-${locale}-${randomInt(1e9)}@palitra-shots.example`,
      password: `Quiet harbour ${randomInt(1e9)} lantern`,
    }
    const shownVersions = await hiddenField(context.request, `${server.url}/${locale}/register`, 'shownVersions')
    const registered = await context.request.post(`${server.url}/${locale}/register`, {
      form: { ...person, shownVersions, accept_terms: 'yes', accept_privacy: 'yes', accept_consent: 'yes' },
      headers: { Origin: server.url },
      maxRedirects: 0,
    })
    if (registered.status() !== 303) throw new Error(`registering answered ${registered.status()}`)
    // In production the publish webhook archives a version at once; here a visit does.
    await context.request.get(`${server.url}/${locale}/terms/v/2`)
    people[locale] = person
    await context.close()
  }
  // Stopped without stop(), which would remove the data directory.
  const exited = new Promise((resolve) => server.child.once('exit', resolve))
  server.child.kill('SIGTERM')
  await exited
  execFileSync('npm', ['run', '--silent', 'grant-role', '--', people.ru.email, 'legal'], {
    cwd: ROOT,
    env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '', LOG_LEVEL: 'warn' },
    stdio: 'inherit',
  })
  // The notice job runs when the server starts.
  server = await startProductionServer({ dataset, dataDir, stdio: 'ignore' })
  await new Promise((resolve) => setTimeout(resolve, 3000))

  for (const locale of ['ru', 'en']) {
    for (const [device, options] of Object.entries(DEVICES)) {
      const context = await newContext(options, locale)
      await signIn(context, locale, people[locale])
      const page = await context.newPage()
      await page.goto(`/${locale}/account`)
      const banner = page.locator('.cookie-banner')
      if (await banner.count()) {
        await banner.locator('button').first().click()
        await banner.waitFor({ state: 'detached' })
      }
      await page.locator('.legal-notices').waitFor()
      await page.evaluate(() => document.fonts.ready)
      const file = path.join(OUT, `notice-${locale}-${device}.png`)
      await page.screenshot({ path: file })
      taken.push(file)
      {
        await signIn(context, locale, people.ru)
        await page.goto(`/${locale}/legal-admin/publishing`)
        await page.evaluate(() => document.fonts.ready)
        const publishing = path.join(OUT, `publishing-${locale}-${device}.png`)
        await page.screenshot({ path: publishing, fullPage: true })
        taken.push(publishing)
      }
      await context.close()
    }
  }
} finally {
  await browser.close()
  await server.stop()
  rmSync(work, { recursive: true, force: true })
}
for (const file of taken) console.log(path.relative(ROOT, file))
