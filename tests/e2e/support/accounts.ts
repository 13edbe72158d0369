import { randomBytes, randomInt } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { test as base, expect, type APIRequestContext, type Locator, type Page, type Response } from '@playwright/test'
import { ACCOUNTS_DATASET, documentInForce, type AccountsKind } from './accounts-dataset'
import { ui, type Locale } from './ui-text'

/**
 * Helpers for the account specs (accounts.spec.ts, reaccept.spec.ts): people
 * with unique addresses, the forms filled the way a person fills them, the
 * same forms posted over HTTP for set-up, and the stored mail.
 */

/**
 * Each test is a different client address. The server trusts
 * X-Forwarded-For from loopback (TRUST_PROXY's default), and the rate limits
 * (10 registrations an hour per IP, 20 sign-ins per 15 minutes) are per
 * address: without this, the suite would run into them as one client. The
 * address also shows up where the evidence records it (sessions, export).
 */
export const test = base.extend<{ clientIp: string }>({
  // Playwright reads the fixtures a fixture needs from its first parameter's pattern: none here.
  // eslint-disable-next-line no-empty-pattern
  clientIp: async ({}, use) => {
    await use(`10.${randomInt(1, 255)}.${randomInt(0, 256)}.${randomInt(1, 255)}`)
  },
  extraHTTPHeaders: async ({ extraHTTPHeaders, clientIp }, use) => {
    await use({ ...extraHTTPHeaders, 'X-Forwarded-For': clientIp })
  },
})

export { expect }

export type Person = { email: string; password: string; locale: Locale }

/** A person nobody registered yet: a unique address and a password that passes the rules. */
export function newPerson(locale: Locale, tag: string): Person {
  const id = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`
  return {
    email: `${tag}-${id}@palitra-e2e.example`,
    password: `Lilac harbour ${randomBytes(4).toString('hex')} tram`,
    locale,
  }
}

/** The label of a document's checkbox, as the ledger records it ("I accept “Title” (version 1)"). */
export function acceptanceWording(locale: Locale, kind: AccountsKind, version?: number, title?: string): string {
  const doc = version === undefined || title === undefined ? documentInForce(kind, locale) : null
  return ui(locale, `account:acceptance.${kind}`, {
    title: title ?? doc!.title,
    version: version ?? doc!.version,
  })
}

export function acceptanceBox(page: Page, locale: Locale, kind: AccountsKind, version?: number, title?: string) {
  return page.getByRole('checkbox', { name: acceptanceWording(locale, kind, version, title) })
}

/**
 * Whether `text` is the plural interface string `key` for some count, in the
 * form the language's rules pick for that count (the count is not known in advance).
 */
export function matchesPlural(locale: Locale, key: string, text: string): boolean {
  const rules = new Intl.PluralRules(locale)
  for (const form of ['zero', 'one', 'two', 'few', 'many', 'other'] as const) {
    let template: string
    try {
      template = ui(locale, `${key}_${form}`, { count: '\u0001' })
    } catch {
      continue
    }
    const pattern = template.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace('\u0001', '(\\d+)')
    const match = new RegExp(`^${pattern}$`).exec(text.trim())
    if (match && rules.select(Number(match[1])) === form) return true
  }
  return false
}

/** A plural interface string: i18next's `_one`/`_few`/`_many`/`_other` picked by the language's rules. */
export function uiPlural(locale: Locale, key: string, count: number, vars: Record<string, string | number> = {}) {
  const form = new Intl.PluralRules(locale).select(count)
  return ui(locale, `${key}_${form}`, { ...vars, count })
}

export function header(page: Page): Locator {
  return page.getByRole('banner')
}

export async function expectSignedIn(page: Page, locale: Locale) {
  await expect(header(page).getByRole('button', { name: ui(locale, 'account:nav.signOut') })).toBeVisible()
}

export async function expectSignedOut(page: Page, locale: Locale) {
  await expect(header(page).getByRole('link', { name: ui(locale, 'account:nav.signIn') })).toBeVisible()
  await expect(header(page).getByRole('button', { name: ui(locale, 'account:nav.signOut') })).toHaveCount(0)
}

/**
 * Fills the registration form; `tick` names the boxes to tick (all three
 * unless told), as the versions in force in `dataset` name them.
 */
export async function fillRegistration(
  page: Page,
  person: Person,
  tick: readonly AccountsKind[] = ['terms', 'privacy', 'consent'],
  dataset = ACCOUNTS_DATASET,
) {
  const { locale } = person
  await page.getByLabel(ui(locale, 'account:fields.email'), { exact: true }).fill(person.email)
  await page.getByLabel(ui(locale, 'account:fields.password'), { exact: true }).fill(person.password)
  for (const kind of tick) {
    const { version, title } = documentInForce(kind, locale, dataset)
    await acceptanceBox(page, locale, kind, version, title).check()
  }
}

/**
 * The POST a click sends: the document request without JavaScript, Remix's
 * single-fetch request (`<path>.data`) with it. Both carry the action's status.
 */
export function formPost(page: Page, pathname: string): Promise<Response> {
  return page.waitForResponse((r) => {
    const path = new URL(r.url()).pathname
    return r.request().method() === 'POST' && (path === pathname || path === `${pathname}.data`)
  })
}

export function submitButton(page: Page, name: string) {
  return page.getByRole('main').getByRole('button', { name, exact: true })
}

/** Signs in through the form on /:lang/login and waits for the account page. */
export async function signInWithForm(page: Page, person: Person) {
  const { locale } = person
  await page.goto(`/${locale}/login`)
  await page.getByLabel(ui(locale, 'account:fields.email'), { exact: true }).fill(person.email)
  await page.getByLabel(ui(locale, 'account:fields.password'), { exact: true }).fill(person.password)
  await submitButton(page, ui(locale, 'account:login.submit')).click()
  await expect(page).toHaveURL(`/${locale}/account`)
  await expectSignedIn(page, locale)
}

/**
 * After the registration form is sent: the "check your inbox" page, which a
 * taken address gets too (so it starts no session), then signing in with the
 * form, which lands on the account page.
 */
export async function expectCheckInboxThenSignIn(page: Page, person: Person) {
  const { locale } = person
  await expect(page).toHaveURL(`/${locale}/register/sent`)
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(ui(locale, 'account:register.sentTitle'))
  await expect(page.getByRole('status')).toHaveText(ui(locale, 'account:register.sentLead'))
  await expectSignedOut(page, locale)
  await signInWithForm(page, person)
}

/** The value of a hidden field in a page's HTML (forms render it on the server). */
function hiddenField(html: string, name: string): string {
  const match = new RegExp(`name="${name}" value="([^"]*)"`).exec(html)
  if (!match) throw new Error(`no hidden ${name} field in the page`)
  return match[1]!
}

/** The Origin a browser sends with a form of this site (the CSRF check wants it). */
export function originOf(baseURL: string | undefined): string {
  if (!baseURL) throw new Error('no baseURL')
  return new URL(baseURL).origin
}

/**
 * Registers over HTTP the way the form without JavaScript does, then signs
 * in (registering starts no session), as set-up for tests about something
 * else. With `page.request` the session cookie lands in the page's browser
 * context, so the page is signed in afterwards.
 */
export async function registerOverHttp(request: APIRequestContext, baseURL: string | undefined, person: Person) {
  const { locale } = person
  const form = await request.get(`/${locale}/register`)
  expect(form.status(), 'register page').toBe(200)
  const response = await request.post(`/${locale}/register`, {
    form: {
      email: person.email,
      password: person.password,
      shownVersions: hiddenField(await form.text(), 'shownVersions'),
      accept_terms: 'yes',
      accept_privacy: 'yes',
      accept_consent: 'yes',
    },
    headers: { Origin: originOf(baseURL) },
    maxRedirects: 0,
  })
  expect(response.status(), `registering ${person.email}`).toBe(303)
  expect(response.headers()['location']).toBe(`/${locale}/register/sent`)
  expect(response.headers()['set-cookie'] ?? '').not.toContain('palitra_session=')
  await signInOverHttp(request, baseURL, person)
}

/** Starts a guest session over HTTP (terms, privacy and the consent ticked). */
export async function startGuestOverHttp(request: APIRequestContext, baseURL: string | undefined, locale: Locale) {
  const form = await request.get(`/${locale}/guest`)
  expect(form.status(), 'guest page').toBe(200)
  const response = await request.post(`/${locale}/guest`, {
    form: {
      shownVersions: hiddenField(await form.text(), 'shownVersions'),
      accept_terms: 'yes',
      accept_privacy: 'yes',
      accept_consent: 'yes',
    },
    headers: { Origin: originOf(baseURL) },
    maxRedirects: 0,
  })
  expect(response.status(), 'starting a guest session').toBe(302)
}

/** Signs in over HTTP: another device with its own session. */
export async function signInOverHttp(request: APIRequestContext, baseURL: string | undefined, person: Person) {
  const response = await request.post(`/${person.locale}/login`, {
    form: { email: person.email, password: person.password },
    headers: { Origin: originOf(baseURL) },
    maxRedirects: 0,
  })
  expect(response.status(), `signing in ${person.email}`).toBe(302)
}

/** Whether a request context's session still opens the account page. */
export async function accountPageStatus(
  request: APIRequestContext,
  locale: Locale,
): Promise<'signed-in' | 'signed-out'> {
  const response = await request.get(`/${locale}/account`, { maxRedirects: 0 })
  if (response.status() === 200) return 'signed-in'
  expect(response.status()).toBe(302)
  expect(response.headers()['location']).toMatch(new RegExp(`^/${locale}/login\\?`))
  return 'signed-out'
}

// ---------------------------------------------------------------------------
// Stored mail: without SMTP_URL the server writes each message as JSON under
// DATA_DIR/mail (in production too; only the /dev/mail viewer is dev-only).

export type StoredMail = { id: string; to: string; subject: string; text: string; date: string }

/** The "accounts" server's DATA_DIR, which playwright.config.ts chose and serve.mjs created. */
export function accountsDataDir(): string {
  const dir = process.env.PALITRA_E2E_ACCOUNTS_DATA_DIR
  if (!dir) throw new Error('PALITRA_E2E_ACCOUNTS_DATA_DIR is not set: run through playwright.config.ts')
  return dir
}

/** The "seed" server's DATA_DIR (payments: buyers confirm their address from the stored mail). */
export function seedDataDir(): string {
  const dir = process.env.PALITRA_E2E_SEED_DATA_DIR
  if (!dir) throw new Error('PALITRA_E2E_SEED_DATA_DIR is not set: run through playwright.config.ts')
  return dir
}

/** Which stored mail: to whom is always given; optionally its subject, and the server's DATA_DIR. */
export type MailQuery = { subject?: string | RegExp; dataDir?: string }

function storedMailTo(address: string, { subject, dataDir = accountsDataDir() }: MailQuery = {}): StoredMail[] {
  const dir = path.join(dataDir, 'mail')
  let files: string[]
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.json'))
  } catch {
    return []
  }
  return files
    .map((f) => JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as StoredMail)
    .filter((m) => m.to.toLowerCase() === address.toLowerCase())
    .filter(
      (m) => subject === undefined || (typeof subject === 'string' ? m.subject === subject : subject.test(m.subject)),
    )
    .sort((a, b) => a.id.localeCompare(b.id))
}

/**
 * Waits (briefly) for a message to `address` (with that subject, when
 * given) and returns the newest. Registering mails the address too, so a
 * test waiting for a later letter names its subject.
 */
export async function waitForMail(address: string, query: MailQuery = {}): Promise<StoredMail> {
  await expect
    .poll(() => storedMailTo(address, query).length, { message: `mail to ${address}`, timeout: 10_000 })
    .toBeGreaterThan(0)
  return storedMailTo(address, query).at(-1)!
}

/** The confirmation link in a letter (absolute, on the server's address). */
export function confirmationLink(mail: StoredMail): URL {
  const link = /https?:\/\/\S+\/verify-email\?token=\S+/.exec(mail.text)?.[0]
  if (!link) throw new Error(`no confirmation link in “${mail.subject}”`)
  return new URL(link)
}

/** The letter registration sends (confirm the address; the versions accepted). */
export function registrationMail(person: Person, dataDir?: string): Promise<StoredMail> {
  return waitForMail(person.email, { subject: ui(person.locale, 'email:mail.verify.subject'), dataDir })
}

/**
 * Confirms the person's address the way the letter's page does without
 * JavaScript: opens the link (which spends nothing), then posts its button.
 * Set-up for tests about something else, such as buying.
 */
export async function confirmEmailOverHttp(
  request: APIRequestContext,
  baseURL: string | undefined,
  person: Person,
  dataDir?: string,
) {
  const link = confirmationLink(await registrationMail(person, dataDir))
  const page = await request.get(`${link.pathname}${link.search}`)
  expect(page.status(), 'the confirmation page').toBe(200)
  const response = await request.post(`${link.pathname}${link.search}`, {
    form: { intent: 'confirm', token: hiddenField(await page.text(), 'token') },
    headers: { Origin: originOf(baseURL) },
    maxRedirects: 0,
  })
  expect(response.status(), `confirming ${person.email}`).toBe(302)
  expect(response.headers()['location']).toBe(`/${person.locale}/verify-email?done=1`)
}
