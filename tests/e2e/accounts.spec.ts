import type { Page } from '@playwright/test'
import { documentInForce, GUEST_KINDS, REGISTER_KINDS, shownVersions } from './support/accounts-dataset'
import {
  acceptanceBox,
  acceptanceWording,
  accountPageStatus,
  expect,
  expectCheckInboxThenSignIn,
  expectSignedIn,
  expectSignedOut,
  fillRegistration,
  formPost,
  header,
  matchesPlural,
  newPerson,
  originOf,
  registerOverHttp,
  signInOverHttp,
  signInWithForm,
  startGuestOverHttp,
  submitButton,
  test,
  uiPlural,
  waitForMail,
  confirmationLink,
  registrationMail,
  type Person,
} from './support/accounts'
import { expectAccessible, hydrated } from './support/axe'
import { browserLocale, LOCALES, otherLocale, ui, type Locale } from './support/ui-text'

// Accounts on the "accounts" server (tests/fixtures/e2e/accounts-dataset.ndjson:
// terms v1, privacy v2, consent v1 in both languages). Every test makes its
// own people with unique addresses, from its own client address (see
// support/accounts.ts), so tests run in any order and in parallel.

/** The three checkboxes, unticked, each naming and linking the exact version, and the hidden field naming them. */
async function expectAcceptanceForm(page: Page, locale: Locale, kinds: readonly ('terms' | 'privacy' | 'consent')[]) {
  const boxes = page.getByRole('main').getByRole('checkbox')
  await expect(boxes).toHaveCount(kinds.length)
  for (const kind of kinds) {
    const doc = documentInForce(kind, locale)
    const box = acceptanceBox(page, locale, kind)
    await expect(box, `${kind} checkbox`).toBeVisible()
    await expect(box).not.toBeChecked()
    const item = page.locator('.acceptance__item').filter({ has: box })
    await expect(item.getByRole('link', { name: ui(locale, 'account:acceptance.open') })).toHaveAttribute(
      'href',
      `/${locale}/${kind}/v/${doc.version}`,
    )
  }
  await expect(page.locator('input[type=hidden][name=shownVersions]')).toHaveValue(shownVersions(kinds, locale))
}

async function expectFieldError(page: Page, locale: Locale, kind: string, message: string) {
  const box = page.locator(`#accept-${kind}`)
  await expect(box).toHaveAttribute('aria-invalid', 'true')
  await expect(box).toHaveAccessibleDescription(message)
}

/** The account page right after registering: welcome, a letter is on its way, the address is not confirmed yet. */
async function expectUnconfirmed(page: Page, person: Person) {
  const { locale, email } = person
  await expect(page.getByRole('main')).toContainText(ui(locale, 'email:notice.unverified', { email }))
  await expect(submitButton(page, ui(locale, 'email:verify.resend'))).toBeVisible()
}

/**
 * The registration letter names the exact versions just accepted, with links
 * to them; its confirmation link opens a page whose button confirms the
 * address (with or without JavaScript), after which the account page no
 * longer asks for it.
 */
async function confirmFromLetter(page: Page, person: Person) {
  const { locale, email } = person
  const mail = await registrationMail(person)
  for (const kind of REGISTER_KINDS) {
    const { version } = documentInForce(kind, locale)
    expect(mail.text).toMatch(new RegExp(`https?://\\S+/${locale}/${kind}/v/${version}\\s`))
  }
  const link = confirmationLink(mail)
  await page.goto(`${link.pathname}${link.search}`)
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(ui(locale, 'email:verify.title'))
  await expect(page.getByRole('main')).toContainText(ui(locale, 'email:verify.confirmLead', { email }))
  await submitButton(page, ui(locale, 'email:verify.confirmSubmit')).click()
  await expect(page).toHaveURL(`/${locale}/verify-email?done=1`)
  await expect(page.getByRole('status')).toHaveText(ui(locale, 'email:verify.done'))
  await page.goto(`/${locale}/account`)
  await expect(page.getByRole('main')).not.toContainText(ui(locale, 'email:notice.unverified', { email }))
  await expect(submitButton(page, ui(locale, 'email:verify.resend'))).toHaveCount(0)
}

/** The account's consent history as [document, version, event] rows. */
async function consentRows(page: Page, locale: Locale): Promise<string[][]> {
  await page.goto(`/${locale}/account/consents`)
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(ui(locale, 'account:consents.title'))
  const rows = page.getByRole('main').locator('tbody tr')
  const result: string[][] = []
  for (let i = 0; i < (await rows.count()); i++) {
    const row = rows.nth(i)
    result.push([
      (await row.getByRole('rowheader').innerText()).trim(),
      (await row.getByRole('cell').nth(0).innerText()).trim(),
      (await row.getByRole('cell').nth(2).innerText()).trim(),
    ])
  }
  return result.sort()
}

function registrationRows(locale: Locale): string[][] {
  return REGISTER_KINDS.map((kind) => [
    ui(locale, `common:documentKinds.${kind}`),
    String(documentInForce(kind, locale).version),
    ui(locale, 'account:consents.events.register'),
  ]).sort()
}

for (const locale of LOCALES) {
  test.describe(`accounts in ${locale}`, () => {
    // The browser asks for the other language: every message must still follow the page's.
    test.use({ locale: browserLocale(otherLocale(locale)) })

    test('registering with JavaScript: a box left unticked is refused, then the account is made', async ({ page }) => {
      const person = newPerson(locale, 'reg-js')
      await page.goto(`/${locale}/register`)
      await hydrated(page)
      await expect(page.locator('html')).toHaveAttribute('lang', locale)
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(ui(locale, 'account:register.title'))
      await expectAcceptanceForm(page, locale, REGISTER_KINDS)

      // The consent to processing is separate: without it, nothing is created.
      await fillRegistration(page, person, ['terms', 'privacy'])
      const refused = formPost(page, `/${locale}/register`)
      await submitButton(page, ui(locale, 'account:register.submit')).click()
      expect((await refused).status()).toBe(400)
      await expect(page.getByRole('alert')).toHaveText(ui(locale, 'account:errors.formInvalid'))
      await expectFieldError(page, locale, 'consent', ui(locale, 'account:acceptance.required'))
      await expect(page.locator('#accept-terms')).not.toHaveAttribute('aria-invalid', 'true')
      await expect(page).toHaveURL(`/${locale}/register`)
      await expectSignedOut(page, locale)

      // The same address registers now, so the refused attempt created nothing.
      await fillRegistration(page, person)
      await submitButton(page, ui(locale, 'account:register.submit')).click()
      await expectCheckInboxThenSignIn(page, person)
      await expectUnconfirmed(page, person)
      await expect(page.getByRole('main')).toContainText(
        ui(locale, 'account:account.signedInAs', { email: person.email }),
      )
      await expectSignedIn(page, locale)

      expect(await consentRows(page, locale)).toEqual(registrationRows(locale))
      await confirmFromLetter(page, person)

      // Sign out from the header, then back in through the form.
      await header(page)
        .getByRole('button', { name: ui(locale, 'account:nav.signOut') })
        .click()
      await expect(page).toHaveURL(`/${locale}`)
      await expectSignedOut(page, locale)
      await page.goto(`/${locale}/account`)
      await expect(page).toHaveURL(new RegExp(`/${locale}/login\\?redirectTo=`))
      await signInWithForm(page, person)
    })

    test.describe('without JavaScript', () => {
      test.use({ javaScriptEnabled: false })

      test('registering, signing out and in again with plain forms', async ({ page }) => {
        const person = newPerson(locale, 'reg-nojs')
        await page.goto(`/${locale}/register`)
        await expectAcceptanceForm(page, locale, REGISTER_KINDS)

        await fillRegistration(page, person, ['terms', 'consent'])
        const refused = formPost(page, `/${locale}/register`)
        await submitButton(page, ui(locale, 'account:register.submit')).click()
        expect((await refused).status()).toBe(400)
        await expect(page.getByRole('alert')).toHaveText(ui(locale, 'account:errors.formInvalid'))
        await expectFieldError(page, locale, 'privacy', ui(locale, 'account:acceptance.required'))
        // The page comes back from the server: the address is kept, the password and boxes are not.
        await expect(page.getByLabel(ui(locale, 'account:fields.email'), { exact: true })).toHaveValue(person.email)
        await expectAcceptanceForm(page, locale, REGISTER_KINDS)

        await fillRegistration(page, person)
        await submitButton(page, ui(locale, 'account:register.submit')).click()
        await expectCheckInboxThenSignIn(page, person)
        await expectUnconfirmed(page, person)
        expect(await consentRows(page, locale)).toEqual(registrationRows(locale))
        await confirmFromLetter(page, person)

        await header(page)
          .getByRole('button', { name: ui(locale, 'account:nav.signOut') })
          .click()
        await expect(page).toHaveURL(`/${locale}`)
        await expectSignedOut(page, locale)

        // A wrong password is refused in the page's language, keeping the address.
        await page.goto(`/${locale}/login`)
        await expect(page.getByRole('link', { name: ui(locale, 'account:login.forgot') })).toHaveAttribute(
          'href',
          `/${locale}/forgot-password`,
        )
        await page.getByLabel(ui(locale, 'account:fields.email'), { exact: true }).fill(person.email)
        await page.getByLabel(ui(locale, 'account:fields.password'), { exact: true }).fill(`${person.password}x`)
        const wrong = formPost(page, `/${locale}/login`)
        await submitButton(page, ui(locale, 'account:login.submit')).click()
        expect((await wrong).status()).toBe(400)
        await expect(page.getByRole('alert')).toHaveText(ui(locale, 'account:errors.credentials'))
        await expect(page.getByLabel(ui(locale, 'account:fields.email'), { exact: true })).toHaveValue(person.email)
        await signInWithForm(page, person)
      })
    })

    test.describe('a guest without JavaScript', () => {
      test.use({ javaScriptEnabled: false })

      test('starts with a plain form: the consent box is required, then three ledger rows', async ({ page }) => {
        await page.goto(`/${locale}/guest`)
        await expectAcceptanceForm(page, locale, GUEST_KINDS)
        await acceptanceBox(page, locale, 'terms').check()
        await acceptanceBox(page, locale, 'privacy').check()
        const refused = formPost(page, `/${locale}/guest`)
        await submitButton(page, ui(locale, 'account:guest.submit')).click()
        expect((await refused).status()).toBe(400)
        await expect(page.getByRole('alert')).toHaveText(ui(locale, 'account:errors.formInvalid'))
        await expectFieldError(page, locale, 'consent', ui(locale, 'account:acceptance.required'))
        // The page comes back from the server with every box unticked again.
        await expectAcceptanceForm(page, locale, GUEST_KINDS)

        for (const kind of GUEST_KINDS) await acceptanceBox(page, locale, kind).check()
        await submitButton(page, ui(locale, 'account:guest.submit')).click()
        await expect(page).toHaveURL(`/${locale}/guest`)
        const rows = page.getByRole('main').locator('tbody tr')
        await expect(rows).toHaveCount(GUEST_KINDS.length)
        await expect(
          rows.filter({ has: page.getByRole('rowheader', { name: ui(locale, 'common:documentKinds.consent') }) }),
        ).toContainText(ui(locale, 'account:consents.events.guest'))
      })
    })

    test('an address registered already gets the same answer as a new one, in any letter case, and its holder a letter', async ({
      page,
      request,
      baseURL,
    }) => {
      const person = newPerson(locale, 'taken')
      await registerOverHttp(request, baseURL, person)
      const [local, domain] = person.email.split('@') as [string, string]
      const shouted: Person = { ...person, email: `${local.toUpperCase()}@${domain.toUpperCase()}` }
      await page.goto(`/${locale}/register`)
      await hydrated(page)
      await fillRegistration(page, shouted)
      const answered = formPost(page, `/${locale}/register`)
      await submitButton(page, ui(locale, 'account:register.submit')).click()
      expect((await answered).status()).toBeLessThan(400)
      // The "check your inbox" page, as for a new address, and no session.
      await expect(page).toHaveURL(`/${locale}/register/sent`)
      await expect(page.getByRole('status')).toHaveText(ui(locale, 'account:register.sentLead'))
      await expectSignedOut(page, locale)
      // The holder hears of it, with links to sign in and to reset the password.
      const letter = await waitForMail(person.email, { subject: ui(locale, 'email:mail.registrationAttempt.subject') })
      expect(letter.text).toMatch(new RegExp(`https?://\\S+/${locale}/login\\s`))
      expect(letter.text).toMatch(new RegExp(`https?://\\S+/${locale}/forgot-password\\s`))
      // The account is untouched: its own password still opens it.
      await signInWithForm(page, person)
    })

    test('a guest accepts the terms, the privacy policy and the consent, sees them, and keeps them when registering', async ({
      page,
    }) => {
      await page.goto(`/${locale}/guest`)
      await hydrated(page)
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(ui(locale, 'account:guest.title'))
      await expectAcceptanceForm(page, locale, GUEST_KINDS)

      const refused = formPost(page, `/${locale}/guest`)
      await submitButton(page, ui(locale, 'account:guest.submit')).click()
      expect((await refused).status()).toBe(400)
      for (const kind of GUEST_KINDS)
        await expectFieldError(page, locale, kind, ui(locale, 'account:acceptance.required'))

      // The consent to processing is its own box: the other two are not enough, and no guest is made.
      await acceptanceBox(page, locale, 'terms').check()
      await acceptanceBox(page, locale, 'privacy').check()
      const withoutConsent = formPost(page, `/${locale}/guest`)
      await submitButton(page, ui(locale, 'account:guest.submit')).click()
      expect((await withoutConsent).status()).toBe(400)
      await expectFieldError(page, locale, 'consent', ui(locale, 'account:acceptance.required'))
      expect((await page.context().cookies()).map((c) => c.name)).not.toContain('palitra_guest')

      for (const kind of GUEST_KINDS) await acceptanceBox(page, locale, kind).check()
      await submitButton(page, ui(locale, 'account:guest.submit')).click()
      await expect(page.getByRole('heading', { level: 2, name: ui(locale, 'account:guest.history') })).toBeVisible()
      await expect(header(page).getByRole('link', { name: ui(locale, 'account:nav.guest') })).toBeVisible()
      const guestRows = page.getByRole('main').locator('tbody tr')
      await expect(guestRows).toHaveCount(GUEST_KINDS.length)
      for (const kind of GUEST_KINDS) {
        const row = guestRows.filter({
          has: page.getByRole('rowheader', { name: ui(locale, `common:documentKinds.${kind}`) }),
        })
        await expect(row).toContainText(ui(locale, 'account:consents.events.guest'))
        await expect(row.getByRole('link', { name: String(documentInForce(kind, locale).version) })).toHaveAttribute(
          'href',
          `/${locale}/${kind}/v/${documentInForce(kind, locale).version}`,
        )
      }

      await page.getByRole('link', { name: ui(locale, 'account:guest.registerCta') }).click()
      await expect(page).toHaveURL(`/${locale}/register`)
      await expect(page.getByRole('main')).toContainText(ui(locale, 'account:register.guestLinked'))
      const person = newPerson(locale, 'guest-reg')
      await fillRegistration(page, person)
      await submitButton(page, ui(locale, 'account:register.submit')).click()
      await expectCheckInboxThenSignIn(page, person)

      // The guest-mode event says so once, without "(as a guest)" after it.
      const asGuest = ui(locale, 'account:consents.events.guest')
      const guestHistory = GUEST_KINDS.map((kind) => [
        ui(locale, `common:documentKinds.${kind}`),
        String(documentInForce(kind, locale).version),
        asGuest,
      ])
      expect(await consentRows(page, locale)).toEqual([...registrationRows(locale), ...guestHistory].sort())
      // The guest cookie is gone: the header offers the account, not the guest page.
      await expect(header(page).getByRole('link', { name: ui(locale, 'account:nav.guest') })).toHaveCount(0)

      // The export names the guest session the account took over.
      const exported = (await (await page.request.get(`/${locale}/account/export.json`)).json()) as {
        guestSessions: unknown[]
        acceptances: Array<{ event: string; recordedUnder: { type: string } }>
      }
      expect(exported.guestSessions).toHaveLength(1)
      expect(exported.acceptances.filter((a) => a.recordedUnder.type === 'guest').map((a) => a.event)).toEqual([
        'guest',
        'guest',
        'guest',
      ])
    })

    test('sessions: the list, ending another session, signing out everywhere', async ({
      page,
      request,
      baseURL,
      clientIp,
    }) => {
      const person = newPerson(locale, 'sessions')
      // `request` is another device: it registers, and keeps that session.
      await registerOverHttp(request, baseURL, person)
      await signInWithForm(page, person)

      const sessions = page
        .getByRole('region', { name: ui(locale, 'account:account.sessionsHeading') })
        .locator('ul.sessions > li')
      await expect(sessions).toHaveCount(2)
      const current = sessions.filter({ hasText: `(${ui(locale, 'account:account.sessionCurrent')})` })
      await expect(current).toHaveCount(1)
      await expect(current).toContainText(clientIp)
      await expect(current.getByRole('button')).toHaveCount(0)
      // The device by name, the raw user-agent string in the title; the start time says its zone.
      const device = current.locator('strong')
      // The test browser is Chrome; the system is whatever the project's device says.
      const pattern = ui(locale, 'account:account.sessionDevice', { browser: 'Chrome', system: 'SYSTEM' })
      await expect(device).toHaveText(new RegExp(`^${pattern.replace('SYSTEM', '(Windows|Linux|macOS)')}$`))
      await expect(device).toHaveAttribute('title', await page.evaluate(() => navigator.userAgent))
      const zone = ui(locale, 'account:account.sessionStarted', { date: '<date>' }).split('<date>')[1]!.trim()
      await expect(current.locator('time')).toContainText(zone)
      await expect(current.locator('time')).not.toContainText('..')

      const other = sessions.filter({ hasNotText: `(${ui(locale, 'account:account.sessionCurrent')})` })
      await other.getByRole('button', { name: ui(locale, 'account:account.revoke') }).click()
      await expect(sessions).toHaveCount(1)
      expect(await accountPageStatus(request, locale)).toBe('signed-out')

      await signInOverHttp(request, baseURL, person)
      await page.reload()
      await expect(sessions).toHaveCount(2)
      await page.getByRole('button', { name: ui(locale, 'account:account.signOutEverywhere') }).click()
      await expect(page).toHaveURL(`/${locale}/login`)
      await expectSignedOut(page, locale)
      expect(await accountPageStatus(request, locale)).toBe('signed-out')
      expect(await accountPageStatus(page.request, locale)).toBe('signed-out')
    })

    test('export: the page and the JSON file with the acceptance evidence', async ({
      page,
      request,
      baseURL,
      clientIp,
    }) => {
      // Nobody signed in: the file is not served.
      const anonymous = await request.get(`/${locale}/account/export.json`, { maxRedirects: 0 })
      expect(anonymous.status()).toBe(302)
      expect(anonymous.headers()['location']).toMatch(new RegExp(`^/${locale}/login\\?`))

      const person = newPerson(locale, 'export')
      await registerOverHttp(page.request, baseURL, person)
      await page.goto(`/${locale}/account/export`)
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(ui(locale, 'account-data:export.title'))
      const downloading = page.waitForEvent('download')
      await page.getByRole('button', { name: ui(locale, 'account-data:export.download') }).click()
      const download = await downloading
      expect(download.suggestedFilename()).toMatch(/^palitra-export-\d{4}-\d{2}-\d{2}\.json$/)
      const text = await download.createReadStream().then(async (stream) => {
        const chunks: Buffer[] = []
        for await (const chunk of stream) chunks.push(chunk as Buffer)
        return Buffer.concat(chunks).toString('utf8')
      })
      expect(text).not.toContain('argon2')
      expect(text).not.toContain(person.password)
      const file = JSON.parse(text) as {
        format: string
        formatVersion: number
        profile: { email: string; locale: string; hasPassword: boolean }
        sessions: Array<{ current: boolean; ip: string | null }>
        acceptances: Array<{
          documentKind: string
          version: number
          locale: string
          contentSha256: string
          documentPath: string
          event: string
          state: string
          wording: string
          ip: string | null
        }>
      }
      expect(file.format).toBe('palitra-personal-data-export')
      expect(file.formatVersion).toBe(1)
      expect(file.profile).toMatchObject({ email: person.email, locale, hasPassword: true })
      expect(file.sessions).toEqual([expect.objectContaining({ current: true, ip: clientIp })])
      expect(file.acceptances).toHaveLength(REGISTER_KINDS.length)
      for (const kind of REGISTER_KINDS) {
        const version = documentInForce(kind, locale).version
        const row = file.acceptances.find((a) => a.documentKind === kind)
        expect(row, kind).toMatchObject({
          version,
          locale,
          event: 'register',
          state: 'given',
          wording: acceptanceWording(locale, kind),
          ip: clientIp,
          documentPath: `/${locale}/${kind}/v/${version}`,
        })
        expect(row!.contentSha256).toMatch(/^[0-9a-f]{64}$/)
      }
      // The checksum is the one the archived page shows for that version.
      const terms = file.acceptances.find((a) => a.documentKind === 'terms')!
      await page.goto(terms.documentPath)
      await expect(page.locator('.checksum')).toContainText(terms.contentSha256)
    })

    test('deleting the account: refused without the right password, then done; the address is free again', async ({
      page,
      request,
      baseURL,
    }) => {
      const person = newPerson(locale, 'delete')
      await registerOverHttp(page.request, baseURL, person)
      await page.goto(`/${locale}/account/delete`)
      await hydrated(page)
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(ui(locale, 'account-data:delete.title'))
      const password = page.getByLabel(ui(locale, 'account-data:confirm.password'), { exact: true })
      const submit = submitButton(page, ui(locale, 'account-data:delete.submit'))

      const empty = formPost(page, `/${locale}/account/delete`)
      await submit.click()
      expect((await empty).status()).toBe(400)
      await expect(password).toHaveAccessibleDescription(
        new RegExp(escapeRegExp(ui(locale, 'account-data:errors.passwordRequired'))),
      )

      await password.fill(`${person.password}x`)
      const wrong = formPost(page, `/${locale}/account/delete`)
      await submit.click()
      expect((await wrong).status()).toBe(400)
      await expect(password).toHaveAccessibleDescription(
        new RegExp(escapeRegExp(ui(locale, 'account-data:errors.passwordWrong'))),
      )
      expect(await accountPageStatus(page.request, locale)).toBe('signed-in')

      await password.fill(person.password)
      await submit.click()
      await expect(page).toHaveURL(`/${locale}/account/delete?done=1`)
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(ui(locale, 'account-data:delete.doneTitle'))
      await expect(page.getByRole('status')).toHaveText(ui(locale, 'account-data:delete.doneText'))
      await expectSignedOut(page, locale)

      const signIn = await request.post(`/${locale}/login`, {
        form: { email: person.email, password: person.password },
        headers: { Origin: originOf(baseURL) },
        maxRedirects: 0,
      })
      expect(signIn.status()).toBe(400)
      // "You can later register again with the same e-mail address."
      await registerOverHttp(request, baseURL, person)
    })

    test('withdrawing the consent to processing closes the account', async ({ page, request, baseURL }) => {
      const person = newPerson(locale, 'withdraw')
      await registerOverHttp(page.request, baseURL, person)
      await page.goto(`/${locale}/account/withdraw`)
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(ui(locale, 'account-data:withdraw.title'))
      const consent = documentInForce('consent', locale)
      await expect(page.getByRole('main')).toContainText(
        ui(locale, 'account-data:withdraw.withdrawing', { title: consent.title, version: consent.version }),
      )
      await page.getByLabel(ui(locale, 'account-data:confirm.password'), { exact: true }).fill(person.password)
      await submitButton(page, ui(locale, 'account-data:withdraw.submit')).click()
      await expect(page).toHaveURL(`/${locale}/account/withdraw?done=1`)
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(ui(locale, 'account-data:withdraw.doneTitle'))
      await expectSignedOut(page, locale)
      const signIn = await request.post(`/${locale}/login`, {
        form: { email: person.email, password: person.password },
        headers: { Origin: originOf(baseURL) },
        maxRedirects: 0,
      })
      expect(signIn.status()).toBe(400)
    })

    test('a forgotten password is reset through the mailed link, once', async ({ page, request, baseURL }) => {
      const person = newPerson(locale, 'reset')
      await registerOverHttp(request, baseURL, person)

      await page.goto(`/${locale}/login`)
      await page.getByRole('link', { name: ui(locale, 'account:login.forgot') }).click()
      await expect(page).toHaveURL(`/${locale}/forgot-password`)
      await page.getByLabel(ui(locale, 'account:fields.email'), { exact: true }).fill(person.email)
      await submitButton(page, ui(locale, 'auth:reset.forgotSubmit')).click()
      await expect(page).toHaveURL(`/${locale}/forgot-password?sent=1`)
      await expect(page.getByRole('status')).toHaveText(uiPlural(locale, 'auth:reset.sent', 60))
      // Production keeps the development mail viewer closed.
      await expect(page.getByRole('link', { name: ui(locale, 'auth:reset.devMailLink') })).toHaveCount(0)
      expect((await request.get('/dev/mail')).status()).toBe(404)

      // The letter is in the language of the page it was asked for on.
      const mail = await waitForMail(person.email, { subject: ui(locale, 'auth:mail.passwordReset.subject') })
      const link = /https?:\/\/\S+\/reset-password\?token=\S+/.exec(mail.text)?.[0]
      expect(link, 'a reset link in the mail').toBeTruthy()
      const target = new URL(link!)
      expect(target.pathname).toBe(`/${locale}/reset-password`)

      await page.goto(`${target.pathname}${target.search}`)
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(ui(locale, 'auth:reset.title'))
      await expect(page.getByRole('main')).toContainText(ui(locale, 'auth:reset.forAccount', { email: person.email }))
      const renewed: Person = { ...person, password: `${person.password} renewed` }
      await page.getByLabel(ui(locale, 'auth:reset.newPassword'), { exact: true }).fill(renewed.password)
      await submitButton(page, ui(locale, 'auth:reset.submit')).click()
      await expect(page).toHaveURL(`/${locale}/reset-password?done=1`)
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(ui(locale, 'auth:reset.doneTitle'))
      // Every session ended, the other device's too.
      expect(await accountPageStatus(request, locale)).toBe('signed-out')

      const old = await request.post(`/${locale}/login`, {
        form: { email: person.email, password: person.password },
        headers: { Origin: originOf(baseURL) },
        maxRedirects: 0,
      })
      expect(old.status()).toBe(400)
      await signInWithForm(page, renewed)

      // The link worked once.
      const again = await page.goto(`${target.pathname}${target.search}`)
      expect(again?.status()).toBeGreaterThanOrEqual(400)
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(ui(locale, 'auth:reset.refusedTitle'))
      await expect(page.getByRole('main')).toContainText(ui(locale, 'auth:errors.resetUsed'))
    })

    test('a form posted from another site is refused with 403 in the page language', async ({
      page,
      request,
      baseURL,
    }) => {
      const foreign = 'https://palitra-e2e-attacker.example'
      const person = newPerson(locale, 'csrf')
      const isRussian = (text: string) => /[а-яё]/i.test(text)
      const login = { email: person.email, password: person.password }

      const withOrigin = await request.post(`/${locale}/login`, { form: login, headers: { Origin: foreign } })
      expect(withOrigin.status()).toBe(403)
      expect(isRussian(await withOrigin.text())).toBe(locale === 'ru')
      const withReferer = await request.post(`/${locale}/login`, {
        form: login,
        headers: { Referer: `${foreign}/page` },
      })
      expect(withReferer.status()).toBe(403)
      const withNeither = await request.post(`/${locale}/login`, { form: login })
      expect(withNeither.status()).toBe(403)

      // Signing out is a POST: a link or an image cannot do it.
      expect((await request.get(`/${locale}/logout`)).status()).toBe(405)

      // A signed-in person's session survives a forged "sign out everywhere" and a forged sign-out.
      await registerOverHttp(page.request, baseURL, person)
      const forged = await page.request.post(`/${locale}/account?index`, {
        form: { intent: 'signout-everywhere' },
        headers: { Origin: foreign },
        maxRedirects: 0,
      })
      expect(forged.status()).toBe(403)
      const forgedSignOut = await page.request.post(`/${locale}/logout`, {
        headers: { Origin: foreign },
        maxRedirects: 0,
      })
      expect(forgedSignOut.status()).toBe(403)
      expect(await accountPageStatus(page.request, locale)).toBe('signed-in')

      // The same sign-out from this site works.
      const signOut = await page.request.post(`/${locale}/logout`, {
        headers: { Origin: originOf(baseURL) },
        maxRedirects: 0,
      })
      expect(signOut.status()).toBe(302)
      expect(await accountPageStatus(page.request, locale)).toBe('signed-out')
    })

    test('too many registrations from one address: 429 with a message in the page language', async ({
      page,
      baseURL,
    }) => {
      // Refused attempts count too (no boxes ticked: quick, nothing is hashed). Post until the limit is hit.
      let status = 0
      for (let attempt = 0; attempt < 30 && status !== 429; attempt++) {
        const response = await page.request.post(`/${locale}/register`, {
          form: {
            email: 'limit@palitra-e2e.example',
            password: 'x',
            shownVersions: shownVersions(REGISTER_KINDS, locale),
          },
          headers: { Origin: originOf(baseURL) },
        })
        status = response.status()
        if (status !== 429) expect(status).toBe(400)
      }
      expect(status, 'the registration limit per address').toBe(429)

      // A person now filling in the form properly sees why it is refused, in the page's language.
      await page.goto(`/${locale}/register`)
      await fillRegistration(page, newPerson(locale, 'limited'))
      const limited = formPost(page, `/${locale}/register`)
      await submitButton(page, ui(locale, 'account:register.submit')).click()
      const response = await limited
      expect(response.status()).toBe(429)
      const message = await page.getByRole('alert').innerText()
      expect(matchesPlural(locale, 'auth:errors.rateLimited', message), message).toBe(true)
      // Browsers and scripts learn when to come back.
      expect(response.headers()['retry-after']).toMatch(/^\d+$/)
    })

    test('account pages have no serious or critical axe findings', async ({ page, baseURL }) => {
      // Eight pages, each hydrated and scanned: about 20 s on a quiet machine, so three times the usual limit.
      test.slow()
      const check = async (path: string, what = path) => {
        const response = await page.goto(path)
        expect(response?.status(), path).toBe(200)
        await hydrated(page)
        await expectAccessible(page, what)
      }
      await check(`/${locale}/register`)
      // With the error messages showing.
      await submitButton(page, ui(locale, 'account:register.submit')).click()
      await expect(page.getByRole('alert')).toBeVisible()
      await expectAccessible(page, `/${locale}/register with errors`)
      await check(`/${locale}/login`)
      await check(`/${locale}/forgot-password`)
      await check(`/${locale}/guest`)
      await startGuestOverHttp(page.request, baseURL, locale)
      await check(`/${locale}/guest`, `/${locale}/guest as a guest`)
      await registerOverHttp(page.request, baseURL, newPerson(locale, 'axe'))
      await check(`/${locale}/account`)
      // The confirmation status, after asking for a new link.
      await submitButton(page, ui(locale, 'email:verify.resend')).click()
      await expect(page).toHaveURL(`/${locale}/verify-email?sent=1`)
      await expectAccessible(page, `/${locale}/verify-email?sent`)
      await check(`/${locale}/account/consents`)
      await check(`/${locale}/account/export`)
      await check(`/${locale}/account/delete`)
      await check(`/${locale}/account/withdraw`)
    })
  })
}

function escapeRegExp(text: string) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
