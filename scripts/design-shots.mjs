#!/usr/bin/env node
// npm run design:shots [-- --rebuild] [-- --only landing,pricing]
// Takes the screenshots in docs/design.md from a fresh start: the production
// build on the shipped seed dataset with an empty DATA_DIR (embedded
// database, local preview engine, sandbox payments), driven in Chromium as a
// newcomer would, in Russian and English, on a desktop and a 390 px phone.
// Writes docs/design/<page>-<lang>-<device>.png and prints what it took.
import { randomInt } from 'node:crypto'
import { mkdirSync } from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { chromium } from '@playwright/test'
import { ensureBuild, ROOT, startProductionServer } from '../tests/e2e/support/production-server.mjs'
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../tests/support/chromium.mjs'

const { values } = parseArgs({
  options: { rebuild: { type: 'boolean', default: false }, only: { type: 'string' } },
})
const only = values.only ? new Set(values.only.split(',')) : null
const OUT = path.join(ROOT, 'docs/design')
const LOCALES = ['ru', 'en']
const DEVICES = {
  desktop: { viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 },
  phone: { viewport: { width: 390, height: 844 }, deviceScaleFactor: 1, isMobile: true, hasTouch: true },
}
const PROMPTS = {
  ru: 'Закат над морем, горы на горизонте, тёплые цвета',
  en: 'Sunset over the sea, mountains on the horizon, warm colours',
}

ensureBuild({ rebuild: values.rebuild })
mkdirSync(OUT, { recursive: true })
const server = await startProductionServer({ stdio: 'ignore' })
const browser = await chromium.launch({
  executablePath: CHROMIUM_PATH,
  args: CHROMIUM_ARGS,
})

const taken = []
async function shot(page, name, locale, device, { fullPage = false } = {}) {
  // Web fonts and images settle before the picture is taken.
  await page.evaluate(() => document.fonts.ready)
  if (fullPage) {
    // Lazy images load as a person scrolls to them: scroll once to the end and back.
    await page.evaluate(async () => {
      for (let y = 0; y < document.body.scrollHeight; y += innerHeight / 2) {
        scrollTo(0, y)
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
      scrollTo(0, 0)
    })
  }
  await page.waitForLoadState('networkidle')
  await page.waitForFunction(() => [...document.images].every((img) => img.complete))
  const file = path.join(OUT, `${name}-${locale}-${device}.png`)
  await page.screenshot({ path: file, fullPage })
  taken.push(path.relative(ROOT, file))
}

/** The value of a hidden field in a form the server rendered. */
async function hiddenField(request, url, name) {
  const html = await (await request.get(url)).text()
  const match = new RegExp(`name="${name}" value="([^"]*)"`).exec(html)
  if (!match) throw new Error(`no hidden ${name} field on ${url}`)
  return match[1]
}

async function chooseEssentialCookies(page) {
  const banner = page.locator('.cookie-banner')
  if (await banner.count()) {
    await banner.locator('button').first().click()
    await banner.waitFor({ state: 'detached' })
  }
}

async function register(context, locale) {
  const email = `design-${Date.now().toString(36)}-${randomInt(1e6)}@palitra-shots.example`
  const password = `Quiet harbour ${randomInt(1e9)} lantern`
  const shownVersions = await hiddenField(context.request, `${server.url}/${locale}/register`, 'shownVersions')
  const headers = { Origin: server.url }
  const registered = await context.request.post(`${server.url}/${locale}/register`, {
    form: { email, password, shownVersions, accept_terms: 'yes', accept_privacy: 'yes', accept_consent: 'yes' },
    headers,
    maxRedirects: 0,
  })
  if (registered.status() !== 303) throw new Error(`registering answered ${registered.status()}`)
  const signedIn = await context.request.post(`${server.url}/${locale}/login`, {
    form: { email, password },
    headers,
    maxRedirects: 0,
  })
  if (signedIn.status() !== 302) throw new Error(`signing in answered ${signedIn.status()}`)
}

async function startGuest(context, locale) {
  const shownVersions = await hiddenField(context.request, `${server.url}/${locale}/guest`, 'shownVersions')
  const started = await context.request.post(`${server.url}/${locale}/guest`, {
    form: { shownVersions, accept_terms: 'yes', accept_privacy: 'yes', accept_consent: 'yes' },
    headers: { Origin: server.url },
    maxRedirects: 0,
  })
  if (started.status() !== 302) throw new Error(`starting a guest session answered ${started.status()}`)
}

async function generate(page, locale) {
  const form = page.locator('form', { has: page.locator('textarea[name="prompt"]') })
  await form.locator('textarea[name="prompt"]').fill(PROMPTS[locale])
  await form.locator('button[type="submit"]').last().click()
  await page.locator('.job-card img, .result-panel img').first().waitFor({ timeout: 60_000 })
  await page.waitForFunction(() =>
    [...document.querySelectorAll('.job-card img, .result-panel img')].every((img) => img.complete),
  )
}

try {
  for (const locale of LOCALES) {
    for (const [device, options] of Object.entries(DEVICES)) {
      // Each pass is a new visitor from their own address (the rate limits count per address).
      const context = await browser.newContext({
        ...options,
        locale,
        baseURL: server.url,
        extraHTTPHeaders: { 'X-Forwarded-For': `10.${randomInt(1, 255)}.${randomInt(255)}.${randomInt(1, 255)}` },
      })
      const page = await context.newPage()
      const want = (name) => !only || only.has(name)

      await page.goto(`/${locale}`)
      if (want('first-visit')) await shot(page, 'first-visit', locale, device)
      await chooseEssentialCookies(page)
      if (want('landing')) await shot(page, 'landing', locale, device)
      if (want('landing-full')) await shot(page, 'landing-full', locale, device, { fullPage: true })
      if (want('pricing')) {
        await page.goto(`/${locale}/pricing`)
        await shot(page, 'pricing', locale, device, { fullPage: true })
      }
      if (want('policy')) {
        await page.goto(`/${locale}/privacy`)
        await shot(page, 'policy', locale, device)
      }
      // A guest's free credits pay for the result; registering then takes the guest's generations along.
      await startGuest(context, locale)
      if (want('result')) {
        await page.goto(`/${locale}`)
        await generate(page, locale)
        await shot(page, 'result', locale, device)
      }
      if (want('history')) {
        await page.goto(`/${locale}/history`)
        await shot(page, 'history', locale, device)
      }
      await register(context, locale)
      if (want('account')) {
        await page.goto(`/${locale}/account`)
        await shot(page, 'account', locale, device, { fullPage: true })
      }
      await context.close()
    }
  }
  console.log(`${taken.length} screenshots:\n${taken.map((f) => `  ${f}`).join('\n')}`)
} finally {
  await browser.close()
  await server.stop()
}
