import { execFile } from 'node:child_process'
import { randomInt } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { promisify } from 'node:util'
import type { Page } from '@playwright/test'
import pg from 'pg'
import { parseCsv } from '../../app/flows/legal-admin/csv'
import { documentInForce } from './support/accounts-dataset'
import {
  expect,
  expectCheckInboxThenSignIn,
  fillRegistration,
  newPerson,
  registerOverHttp,
  submitButton,
  test,
  type Person,
} from './support/accounts'
import { expectAccessible, hydrated } from './support/axe'
import { ROOT } from './support/production-server.mjs'
import { ui } from './support/ui-text'

// The legal team's view on the "legal" server: the accounts dataset on a
// PostgreSQL database of its own (playwright.config.ts, serve-legal.mjs), so
// that `npm run grant-role` can run against it while the server is up. The
// project runs one test at a time: the counts on the pages are compared with
// the CSV file, and nothing else registers people in between.

const run = promisify(execFile)
const locale = 'en'
const LEGAL_PAGES = ['', '/versions', '/publishing', '/archive-check', '/requests', '/calendar']

function databaseUrl(): string {
  const url = process.env.PALITRA_E2E_LEGAL_DATABASE_URL
  if (!url) throw new Error('PALITRA_E2E_LEGAL_DATABASE_URL is not set: run through playwright.config.ts')
  return url
}

/** `npm run grant-role -- EMAIL legal` against the server's database, as an operator runs it. */
async function grantLegalRole(email: string) {
  const { stdout } = await run('npm', ['run', '--silent', 'grant-role', '--', email, 'legal'], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl(),
      NODE_ENV: 'production',
      PUBLIC_URL: 'https://palitra.example',
      LOG_LEVEL: 'warn',
    },
    timeout: 60_000,
  })
  expect(stdout).toContain(`granted the role "legal" to ${email}`)
}

/** Any archived version's id, read from the server's database (what a legal team member would see). */
async function someArchivedVersionId(): Promise<string> {
  const client = new pg.Client({ connectionString: databaseUrl() })
  await client.connect()
  try {
    const result = await client.query<{ id: string }>('select id from legal_document_versions limit 1')
    if (!result.rows[0]) throw new Error('nothing archived yet')
    return result.rows[0].id
  } finally {
    await client.end()
  }
}

async function expectNotFound(page: Page, path: string) {
  const response = await page.goto(path)
  expect(response?.status(), path).toBe(404)
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(ui(locale, 'errors.notFoundTitle'))
  await expect(page.getByRole('navigation', { name: ui(locale, 'legal-admin:nav.heading') })).toHaveCount(0)
}

async function registerWithForm(page: Page, person: Person) {
  await page.goto(`/${person.locale}/register`)
  await fillRegistration(page, person)
  await submitButton(page, ui(person.locale, 'account:register.submit')).click()
  await expectCheckInboxThenSignIn(page, person)
}

function legalNav(page: Page) {
  return page.getByRole('navigation', { name: ui(locale, 'legal-admin:nav.heading') })
}

test('the legal view is a 404 for anyone without the legal role', async ({ page, baseURL }) => {
  // Someone has to have registered for a version to be archived.
  await registerOverHttp(page.request, baseURL, newPerson(locale, 'member'))
  const csv = `/${locale}/legal-admin/versions/${await someArchivedVersionId()}.csv`

  // Signed in without the role.
  for (const path of LEGAL_PAGES) await expectNotFound(page, `/${locale}/legal-admin${path}`)
  const refused = await page.request.get(csv)
  expect(refused.status()).toBe(404)
  expect(refused.headers()['content-disposition']).toBeUndefined()

  // No link to it on the account page either.
  await page.goto(`/${locale}/account`)
  await expect(page.getByRole('link', { name: ui(locale, 'legal-admin:accountLink') })).toHaveCount(0)

  // Signed out.
  await page.context().clearCookies()
  await expectNotFound(page, `/${locale}/legal-admin`)
  expect((await page.request.get(csv)).status()).toBe(404)
})

test('the legal team sees the acceptances, downloads the evidence and checks the archive', async ({
  page,
  clientIp,
}) => {
  const person = newPerson(locale, 'legal')
  await registerWithForm(page, person)
  await grantLegalRole(person.email)

  // From the account page into the view.
  await page.goto(`/${locale}/account`)
  await page.getByRole('link', { name: ui(locale, 'legal-admin:accountLink') }).click()
  await expect(page).toHaveURL(`/${locale}/legal-admin`)
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(ui(locale, 'legal-admin:overview.title'))
  const overviewResponse = await page.reload()
  expect(overviewResponse?.headers()['cache-control']).toBe('private, no-store')
  expect(overviewResponse?.headers()['x-robots-tag']).toBe('noindex, nofollow')
  await expect(page.locator('meta[name="robots"]')).toHaveAttribute('content', 'noindex, nofollow')
  await hydrated(page)
  await expectAccessible(page, 'legal overview')

  // The English terms in force: how many times accepted, and this account among those who did.
  const terms = documentInForce('terms', locale)
  const termsName = ui(locale, 'common:documentKinds.terms')
  const termsRow = page
    .getByRole('row')
    .filter({ has: page.getByRole('rowheader', { name: `${termsName} ${ui(locale, 'legal-admin:languages.en')}` }) })
  await expect(
    termsRow.getByRole('link', { name: ui(locale, 'legal-admin:overview.versionLink', { version: terms.version }) }),
  ).toBeVisible()
  const acceptedTimes = Number(await termsRow.locator('.legal-admin__count').innerText())
  expect(acceptedTimes).toBeGreaterThanOrEqual(1)
  const acceptedAccounts = termsRow
    .locator('.legal-admin__standings dl > div')
    .filter({ hasText: ui(locale, 'legal-admin:overview.accepted') })
    .locator('dd')
  expect(Number(await acceptedAccounts.innerText())).toBeGreaterThanOrEqual(1)

  // Versions and acceptances, and the CSV of the English terms in force.
  await legalNav(page)
    .getByRole('link', { name: ui(locale, 'legal-admin:nav.versions') })
    .click()
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(ui(locale, 'legal-admin:versions.title'))
  await hydrated(page)
  await expectAccessible(page, 'legal versions')
  const csvLink = page.getByRole('link', {
    name: ui(locale, 'legal-admin:versions.csvLabel', {
      document: termsName,
      language: ui(locale, 'legal-admin:languages.en'),
      version: terms.version,
    }),
  })
  const downloading = page.waitForEvent('download')
  await csvLink.click()
  const download = await downloading
  expect(download.suggestedFilename()).toBe(`palitra-acceptances-terms-en-v${terms.version}.csv`)
  const [header, ...records] = parseCsv(readFileSync((await download.path())!, 'utf8'))
  const column = (name: string) => header!.indexOf(name)
  // Every record of that version, as many as the overview counted.
  expect(records).toHaveLength(acceptedTimes)
  expect(
    records.every((r) => r[column('document_kind')] === 'terms' && r[column('version')] === `${terms.version}`),
  ).toBe(true)
  // This account's registration, with its evidence.
  const own = records.filter((r) => r[column('ip')] === clientIp)
  expect(own).toHaveLength(1)
  expect(own[0]![column('event')]).toBe('register')
  expect(own[0]![column('subject_type')]).toBe('user')
  expect(own[0]![column('content_sha256')]).toMatch(/^[0-9a-f]{64}$/)
  const file = await page.request.get((await csvLink.getAttribute('href'))!)
  expect(file.headers()['content-disposition']).toMatch(/^attachment; filename=/)
  expect(file.headers()['cache-control']).toBe('no-store')

  // The archive check: the dataset the server serves still holds every archived text.
  await legalNav(page)
    .getByRole('link', { name: ui(locale, 'legal-admin:nav.archiveCheck') })
    .click()
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(ui(locale, 'legal-admin:archive.title'))
  const figure = (state: string) =>
    page
      .locator('.legal-admin__figures > div')
      .filter({ has: page.getByText(ui(locale, `legal-admin:archive.states.${state}`), { exact: true }) })
      .locator('dd')
  expect(Number(await figure('matches').innerText())).toBeGreaterThanOrEqual(3)
  for (const state of ['differs', 'missing', 'unavailable']) await expect(figure(state)).toHaveText('0')
  await expect(
    page.getByRole('table').getByText(ui(locale, 'legal-admin:archive.states.matches')).first(),
  ).toBeVisible()
  await hydrated(page)
  await expectAccessible(page, 'legal archive check')

  // Publishing: versions the dataset publishes but the archive lacks (privacy v1, superseded and
  // never shown here) are archived with one button.
  await legalNav(page)
    .getByRole('link', { name: ui(locale, 'legal-admin:nav.publishing') })
    .click()
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(ui(locale, 'legal-admin:publishing.title'))
  await hydrated(page)
  await expectAccessible(page, 'legal publishing')
  const archiveNow = page.getByRole('button', { name: ui(locale, 'legal-admin:publishing.archiveNow') })
  await expect(
    page.getByRole('listitem').filter({ hasText: ui(locale, 'common:documentKinds.privacy') }),
  ).not.toHaveCount(0)
  await archiveNow.click()
  await expect(page.getByText(ui(locale, 'legal-admin:publishing.unarchivedEmpty'))).toBeVisible()
  await expect(archiveNow).toHaveCount(0)
  await expect(page.getByText(ui(locale, 'legal-admin:publishing.deliveriesEmpty'))).toBeVisible()
})

test('a request filed through the privacy request form shows up in the legal view', async ({
  page,
  browser,
  baseURL,
}) => {
  const legal = newPerson(locale, 'legal')
  await registerOverHttp(page.request, baseURL, legal)
  await grantLegalRole(legal.email)

  // Someone else, in their own browser, asks for access to their data.
  const member = newPerson(locale, 'requester')
  const theirs = await browser.newContext({
    baseURL,
    extraHTTPHeaders: { 'X-Forwarded-For': `10.${randomInt(1, 255)}.${randomInt(0, 256)}.${randomInt(1, 255)}` },
  })
  let number: string
  try {
    const requester = await theirs.newPage()
    await registerOverHttp(requester.request, baseURL, member)
    await requester.goto(`/${locale}/privacy/request`)
    await requester.getByRole('radio', { name: ui(locale, 'privacy-request:kinds.access') }).check()
    await requester.getByRole('radio', { name: ui(locale, 'privacy-request:regimes.ru') }).check()
    await requester.getByLabel(ui(locale, 'privacy-request:form.details')).fill('Which data do you keep about me?')
    await requester.getByRole('button', { name: ui(locale, 'privacy-request:form.submit') }).click()
    await expect(requester).toHaveURL(/\/privacy\/request\/sent\?number=\d+$/)
    number = new URL(requester.url()).searchParams.get('number')!
  } finally {
    await theirs.close()
  }

  // The overview counts it as open; the queue lists it.
  await page.goto(`/${locale}/legal-admin`)
  const open = page
    .locator('.legal-admin__figures > div')
    .filter({ has: page.getByText(ui(locale, 'legal-admin:overview.requestsOpen'), { exact: true }) })
    .locator('dd')
  expect(Number(await open.innerText())).toBeGreaterThanOrEqual(1)
  await legalNav(page)
    .getByRole('link', { name: ui(locale, 'legal-admin:nav.requests') })
    .click()
  await expect(page).toHaveURL(`/${locale}/legal-admin/requests`)
  const entry = page.getByRole('link', { name: ui(locale, 'legal-admin-requests:queue.open', { number }) })
  await expect(entry).toBeVisible()
  // The queue page as loaded from the server.
  await page.reload()
  await expect(page.getByRole('row').filter({ has: entry })).toContainText(ui(locale, 'privacy-request:kinds.access'))
  await hydrated(page)
  await expectAccessible(page, 'legal request queue')
})
