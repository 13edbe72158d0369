import type { BrowserContext, Cookie, Page } from '@playwright/test'
import { documentInForce, appendNextVersion, type NewVersion } from './support/accounts-dataset'
import {
  acceptanceBox,
  accountPageStatus,
  expect,
  expectSignedIn,
  expectSignedOut,
  expectCheckInboxThenSignIn,
  fillRegistration,
  formPost,
  header,
  newPerson,
  registerOverHttp,
  signInOverHttp,
  signInWithForm,
  startGuestOverHttp,
  submitButton,
  test,
  type Person,
} from './support/accounts'
import { expectAccessible, hydrated } from './support/axe'
import { browserLocale, LOCALES, ui, type Locale } from './support/ui-text'

// A new material version appearing in the local dataset, and the interstitial
// that follows (/:lang/account/accept). The "reaccept" server serves a copy
// of tests/fixtures/e2e/accounts-dataset.ndjson that this spec edits while
// the server runs, the way the legal team publishing a version would change
// what the site serves. The order matters, so the tests run in sequence:
// people register and a guest starts on terms v1, then terms v2 (material)
// and privacy v3 (not material) appear, then each person meets them. Run
// the file as a whole: a later test picked alone (-g) has no one to ask.

test.describe.configure({ mode: 'serial' })

function datasetCopy(): string {
  const file = process.env.PALITRA_E2E_REACCEPT_DATASET
  if (!file) throw new Error('PALITRA_E2E_REACCEPT_DATASET is not set: run through playwright.config.ts')
  return file
}

// Effective in the past, so in force as soon as the server reads it, and
// after the versions before it (v2 on 2 October 2025, v3 on the 3rd...).
const effectiveFrom = (version: number) => `2025-10-${String(version).padStart(2, '0')}T00:00:00+03:00`

/** A date as the site prints it: long form, Moscow time. */
function printedDate(locale: Locale, iso: string) {
  return new Intl.DateTimeFormat(locale === 'ru' ? 'ru-RU' : 'en-GB', {
    dateStyle: 'long',
    timeZone: 'Europe/Moscow',
  }).format(new Date(iso))
}

/** Who existed before the change, with their cookies (set in the first test, used by the later ones). */
const before: {
  /** The terms version in force when they registered (1 on a fresh server). */
  termsVersion?: Record<Locale, number>
  accepting?: Record<Locale, { person: Person; cookies: Cookie[] }>
  declining?: { person: Person; cookies: Cookie[] }
  guest?: { locale: Locale; cookies: Cookie[] }
} = {}
/** Registration forms opened and filled in before the change, submitted after it (ru without JavaScript, en with). */
const openedBefore: Partial<Record<Locale, { context: BrowserContext; page: Page; person: Person }>> = {}
let terms: Record<Locale, NewVersion> | undefined
let privacy: Record<Locale, NewVersion> | undefined

test.afterAll(async () => {
  for (const opened of Object.values(openedBefore)) await opened.context.close()
})

function acceptPage(locale: Locale, redirectTo: string) {
  return `/${locale}/account/accept?${new URLSearchParams({ redirectTo })}`
}

function notice(page: Page, locale: Locale) {
  return page.getByRole('complementary', { name: ui(locale, 'reaccept:notice.label') })
}

/** The interstitial as it should look: only the material change is asked for, with what changed. */
async function expectInterstitial(page: Page, locale: Locale, viewer: 'user' | 'guest', acceptedVersion: number) {
  const v = terms![locale]
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(ui(locale, 'reaccept:title'))
  const main = page.getByRole('main')
  await expect(main).toContainText(ui(locale, viewer === 'guest' ? 'reaccept:leadGuest' : 'reaccept:lead'))
  const section = main.getByRole('region', { name: v.title })
  await expect(section).toContainText(
    ui(locale, 'reaccept:inForceSince', { version: v.version, date: printedDate(locale, v.effectiveFrom) }),
  )
  await expect(section).toContainText(ui(locale, 'reaccept:youAccepted', { version: acceptedVersion }))
  await expect(section.getByRole('listitem')).toHaveText([
    ui(locale, 'reaccept:versionSummary', { version: v.version, summary: v.changeSummary }),
  ])
  await expect(
    section.getByRole('link', { name: ui(locale, 'reaccept:read', { version: v.version }) }),
  ).toHaveAttribute('href', `/${locale}/terms/v/${v.version}`)
  await expect(
    section.getByRole('link', { name: ui(locale, 'reaccept:compare', { from: acceptedVersion, to: v.version }) }),
  ).toHaveAttribute('href', `/${locale}/terms/changes?from=${acceptedVersion}&to=${v.version}`)
  // Privacy changed too, but not materially: it is not asked for.
  await expect(main.getByRole('region', { name: privacy![locale].title })).toHaveCount(0)
  await expect(main.getByRole('checkbox')).toHaveCount(1)
  await expect(acceptanceBox(page, locale, 'terms', v.version, v.title)).not.toBeChecked()
  await expect(page.locator('input[type=hidden][name=shownVersions]')).toHaveValue(`terms:${v.version}`)
}

test('before the change: people register and a guest starts on the versions in force', async ({
  playwright,
  browser,
  baseURL,
}) => {
  const client = (n: number) => ({ 'X-Forwarded-For': `10.200.${n}.${Math.floor(Math.random() * 250) + 1}` })
  const open = async (n: number) => playwright.request.newContext({ baseURL, extraHTTPHeaders: client(n) })
  const accepting = {} as Record<Locale, { person: Person; cookies: Cookie[] }>
  for (const [n, locale] of (['ru', 'en'] as const).entries()) {
    const api = await open(n)
    const person = newPerson(locale, 'reaccept')
    await registerOverHttp(api, baseURL, person)
    // Nothing is pending yet: the interstitial just carries on.
    const response = await api.get(acceptPage(locale, `/${locale}/account`), { maxRedirects: 0 })
    expect(response.status()).toBe(302)
    expect(response.headers()['location']).toBe(`/${locale}/account`)
    accepting[locale] = { person, cookies: (await api.storageState()).cookies }
    await api.dispose()
  }
  before.accepting = accepting
  before.termsVersion = {
    ru: documentInForce('terms', 'ru', datasetCopy()).version,
    en: documentInForce('terms', 'en', datasetCopy()).version,
  }

  const api = await open(2)
  const declining = newPerson('ru', 'decline')
  await registerOverHttp(api, baseURL, declining)
  before.declining = { person: declining, cookies: (await api.storageState()).cookies }
  await api.dispose()

  const guestApi = await open(3)
  await startGuestOverHttp(guestApi, baseURL, 'en')
  before.guest = { locale: 'en', cookies: (await guestApi.storageState()).cookies }
  await guestApi.dispose()

  for (const [n, locale] of LOCALES.entries()) {
    const javaScriptEnabled = locale === 'en'
    const context = await browser.newContext({
      baseURL,
      extraHTTPHeaders: client(10 + n),
      javaScriptEnabled,
      locale: browserLocale(locale),
    })
    const page = await context.newPage()
    await page.goto(`/${locale}/register`)
    if (javaScriptEnabled) await hydrated(page)
    const person = newPerson(locale, 'open-form')
    await fillRegistration(page, person, undefined, datasetCopy())
    openedBefore[locale] = { context, page, person }
  }
})

test('a new material version of the terms appears in the local dataset', async ({ request }) => {
  const shows = async (locale: Locale, kind: string, version: number) =>
    (await (await request.get(`/${locale}/${kind}`)).text()).includes(ui(locale, 'legal:version', { version }))
  for (const locale of ['ru', 'en'] as const) {
    expect(await shows(locale, 'terms', documentInForce('terms', locale, datasetCopy()).version + 1)).toBe(false)
  }
  terms = appendNextVersion(datasetCopy(), 'terms', {
    material: true,
    effectiveFrom,
    marker: 'E2E-MATERIAL-TERMS',
  })
  privacy = appendNextVersion(datasetCopy(), 'privacy', {
    material: false,
    effectiveFrom,
    marker: 'E2E-MINOR-PRIVACY',
  })
  // The server notices the changed file by itself; give it a few seconds.
  for (const locale of ['ru', 'en'] as const) {
    for (const added of [terms[locale], privacy[locale]]) {
      await expect
        .poll(() => shows(locale, added.kind, added.version), {
          message: `/${locale}/${added.kind} shows version ${added.version}`,
          timeout: 10_000,
        })
        .toBe(true)
    }
  }
})

test('a registration form opened before the change records nothing and comes back with the new versions', async () => {
  for (const locale of LOCALES) {
    const { page, person } = openedBefore[locale]!
    const refused = formPost(page, `/${locale}/register`)
    await submitButton(page, ui(locale, 'account:register.submit')).click()
    expect((await refused).status(), locale).toBe(409)

    // Both changed documents named, each in the quotation marks of the page's language.
    const quote = (title: string) => (locale === 'ru' ? `«${title}»` : `“${title}”`)
    const titles = [terms![locale].title, privacy![locale].title].map(quote).join(', ')
    await expect(page.getByRole('alert')).toHaveText(ui(locale, 'account:acceptance.changed', { titles }))

    const consent = documentInForce('consent', locale, datasetCopy()).version
    await expect(page.locator('input[type=hidden][name=shownVersions]')).toHaveValue(
      `terms:${terms![locale].version},privacy:${privacy![locale].version},consent:${consent}`,
    )
    const newTerms = acceptanceBox(page, locale, 'terms', terms![locale].version, terms![locale].title)
    const newPrivacy = acceptanceBox(page, locale, 'privacy', privacy![locale].version, privacy![locale].title)
    // Ticked for the old versions is not ticked for the new ones, with or without JavaScript.
    await expect(newTerms).not.toBeChecked()
    await expect(newPrivacy).not.toBeChecked()

    // Nothing was created: the same address registers now, on the new versions.
    await page.getByLabel(ui(locale, 'account:fields.password'), { exact: true }).fill(person.password)
    await newTerms.check()
    await newPrivacy.check()
    const consentDoc = documentInForce('consent', locale, datasetCopy())
    await acceptanceBox(page, locale, 'consent', consentDoc.version, consentDoc.title).check()
    await submitButton(page, ui(locale, 'account:register.submit')).click()
    await expectCheckInboxThenSignIn(page, person)
    await page.goto(`/${locale}/account/consents`)
    // One registration row per document, each of the version in force now.
    const versions = page.getByRole('main').locator('tbody tr td:nth-child(2)')
    await expect(versions).toHaveCount(3)
    expect((await versions.allInnerTexts()).sort()).toEqual(
      [terms![locale].version, privacy![locale].version, consent].map(String).sort(),
    )
  }
})

test('ru: ending a session waits for the new terms; accepting records them and the action goes through', async ({
  page,
  request,
  baseURL,
}) => {
  const { person, cookies } = before.accepting!.ru
  await page.context().addCookies(cookies)
  // Another device, whose session this person is about to end.
  await signInOverHttp(request, baseURL, person)

  // Reading stays open; the non-material privacy change is only mentioned.
  await page.goto('/ru/account')
  await hydrated(page)
  await expect(page).toHaveURL('/ru/account')
  await expect(notice(page, 'ru')).toContainText(
    ui('ru', 'reaccept:notice.item', {
      title: privacy!.ru.title,
      version: privacy!.ru.version,
      date: printedDate('ru', privacy!.ru.effectiveFrom),
    }),
  )
  const sessions = page.locator('ul.sessions > li')
  await expect(sessions).toHaveCount(2)

  const revoke = page.getByRole('button', { name: ui('ru', 'account:account.revoke') })
  await revoke.click()
  await expect(page).toHaveURL(acceptPage('ru', '/ru/account'))
  await expectInterstitial(page, 'ru', 'user', before.termsVersion!.ru)
  await expectAccessible(page, '/ru/account/accept')
  expect(await accountPageStatus(request, 'ru'), 'nothing was revoked yet').toBe('signed-in')

  // The box is required.
  const accept = submitButton(page, ui('ru', 'reaccept:accept'))
  const refused = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().includes('/ru/account/accept'))
  await accept.click()
  expect((await refused).status()).toBe(400)
  const box = acceptanceBox(page, 'ru', 'terms', terms!.ru.version, terms!.ru.title)
  await expect(box).toHaveAccessibleDescription(ui('ru', 'account:acceptance.required'))
  await expectAccessible(page, '/ru/account/accept with an error')

  await box.check()
  await accept.click()
  await expect(page).toHaveURL('/ru/account')
  await expect(sessions).toHaveCount(2)
  // Now the same action goes through.
  await revoke.click()
  await expect(sessions).toHaveCount(1)
  expect(await accountPageStatus(request, 'ru')).toBe('signed-out')

  // The ledger has the new acceptance, as a new-version event.
  await page.goto('/ru/account/consents')
  const reaccepted = page
    .getByRole('main')
    .locator('tbody tr')
    .filter({ hasText: ui('ru', 'account:consents.events.reaccept') })
  await expect(reaccepted).toHaveCount(1)
  await expect(reaccepted.getByRole('rowheader')).toHaveText(ui('ru', 'common:documentKinds.terms'))
  await expect(reaccepted.getByRole('link', { name: String(terms!.ru.version) })).toHaveAttribute(
    'href',
    `/ru/terms/v/${terms!.ru.version}`,
  )
  // Nothing left to accept.
  await page.goto(acceptPage('ru', '/ru/account/consents'))
  await expect(page).toHaveURL('/ru/account/consents')

  // The notice is dismissed once and stays away.
  await notice(page, 'ru')
    .getByRole('button', { name: ui('ru', 'reaccept:notice.dismiss') })
    .click()
  await expect(notice(page, 'ru')).toHaveCount(0)
  await expect(page).toHaveURL('/ru/account/consents')
  await page.reload()
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(ui('ru', 'account:consents.title'))
  await expect(notice(page, 'ru')).toHaveCount(0)
})

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false })

  test('en: "sign out everywhere" waits for the new terms, then goes through', async ({ page }) => {
    const { cookies } = before.accepting!.en
    await page.context().addCookies(cookies)
    await page.goto('/en/account')
    const signOutEverywhere = page.getByRole('button', { name: ui('en', 'account:account.signOutEverywhere') })
    await signOutEverywhere.click()
    await expect(page).toHaveURL(acceptPage('en', '/en/account'))
    await expectInterstitial(page, 'en', 'user', before.termsVersion!.en)
    await expectSignedIn(page, 'en')

    await acceptanceBox(page, 'en', 'terms', terms!.en.version, terms!.en.title).check()
    await submitButton(page, ui('en', 'reaccept:accept')).click()
    await expect(page).toHaveURL('/en/account')
    await signOutEverywhere.click()
    await expect(page).toHaveURL('/en/login')
    await expectSignedOut(page, 'en')
  })
})

test('declining records nothing and leaves reading, export, sign-out and deletion open', async ({ page }) => {
  const { person, cookies } = before.declining!
  await page.context().addCookies(cookies)
  await page.goto('/ru/account')
  await page.getByRole('button', { name: ui('ru', 'account:account.signOutEverywhere') }).click()
  await expect(page).toHaveURL(acceptPage('ru', '/ru/account'))
  await page.getByRole('button', { name: ui('ru', 'reaccept:decline') }).click()
  await expect(page).toHaveURL(/declined=1/)
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(ui('ru', 'reaccept:declined.title'))
  await hydrated(page)
  await expectAccessible(page, '/ru/account/accept?declined=1')
  const main = page.getByRole('main')
  await expect(main.getByRole('link', { name: terms!.ru.title })).toHaveAttribute(
    'href',
    `/ru/terms/v/${terms!.ru.version}`,
  )
  await expect(main.getByRole('link', { name: ui('ru', 'reaccept:declined.reconsider') })).toHaveAttribute(
    'href',
    acceptPage('ru', '/ru/account'),
  )

  // Nothing was recorded.
  await page.goto('/ru/account/consents')
  await expect(
    page
      .getByRole('main')
      .locator('tbody tr')
      .filter({ hasText: ui('ru', 'account:consents.events.reaccept') }),
  ).toHaveCount(0)

  // The declined page's own links lead somewhere that works.
  await page.goto(acceptPage('ru', '/ru/account') + '&declined=1')
  await page
    .getByRole('main')
    .getByRole('link', { name: ui('ru', 'reaccept:declined.export') })
    .click()
  await expect(page).toHaveURL('/ru/account/export')
  const file = await page.request.get('/ru/account/export.json')
  expect(file.status()).toBe(200)
  expect(((await file.json()) as { profile: { email: string } }).profile.email).toBe(person.email)
  expect((await page.request.get(`/ru/terms/v/${terms!.ru.version}`)).status()).toBe(200)

  // Signing out and in never waits.
  await header(page)
    .getByRole('button', { name: ui('ru', 'account:nav.signOut') })
    .click()
  await expectSignedOut(page, 'ru')
  await signInWithForm(page, person)
  // ...and the next protected action asks again.
  await page.getByRole('button', { name: ui('ru', 'account:account.signOutEverywhere') }).click()
  await expect(page).toHaveURL(acceptPage('ru', '/ru/account'))

  // Deleting the account does not wait either.
  await page.goto('/ru/account/delete')
  await page.getByLabel(ui('ru', 'account-data:confirm.password'), { exact: true }).fill(person.password)
  await submitButton(page, ui('ru', 'account-data:delete.submit')).click()
  await expect(page).toHaveURL('/ru/account/delete?done=1')
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(ui('ru', 'account-data:delete.doneTitle'))
})

test('en: a guest from before the change is asked too, and the acceptance joins the guest history', async ({
  page,
}) => {
  await page.context().addCookies(before.guest!.cookies)
  await page.goto(acceptPage('en', '/en/guest'))
  await hydrated(page)
  await expectInterstitial(page, 'en', 'guest', before.termsVersion!.en)
  await expect(page.getByRole('main')).toContainText(ui('en', 'reaccept:declineHintGuest'))
  await expectAccessible(page, '/en/account/accept as a guest')
  await acceptanceBox(page, 'en', 'terms', terms!.en.version, terms!.en.title).check()
  await submitButton(page, ui('en', 'reaccept:accept')).click()
  await expect(page).toHaveURL('/en/guest')
  const reaccepted = page
    .getByRole('main')
    .locator('tbody tr')
    .filter({ hasText: ui('en', 'account:consents.events.reaccept') })
  await expect(reaccepted).toHaveCount(1)
  await expect(reaccepted.getByRole('link', { name: String(terms!.en.version) })).toHaveAttribute(
    'href',
    `/en/terms/v/${terms!.en.version}`,
  )
})

test('ru: someone registering after the change accepts the new versions and is not asked again', async ({ page }) => {
  await page.goto('/ru/register')
  await hydrated(page)
  await expect(acceptanceBox(page, 'ru', 'terms', terms!.ru.version, terms!.ru.title)).toBeVisible()
  await expect(acceptanceBox(page, 'ru', 'privacy', privacy!.ru.version, privacy!.ru.title)).toBeVisible()
  await expect(page.locator('input[type=hidden][name=shownVersions]')).toHaveValue(
    `terms:${terms!.ru.version},privacy:${privacy!.ru.version},consent:${documentInForce('consent', 'ru', datasetCopy()).version}`,
  )
  const person = newPerson('ru', 'after')
  await fillRegistration(page, person, undefined, datasetCopy())
  await submitButton(page, ui('ru', 'account:register.submit')).click()
  await expectCheckInboxThenSignIn(page, person)
  await expect(notice(page, 'ru')).toHaveCount(0)
  await page.goto(acceptPage('ru', '/ru/account'))
  await expect(page).toHaveURL('/ru/account')
})
