import type { Page } from '@playwright/test'
import {
  expect,
  formPost,
  newPerson,
  registerOverHttp,
  submitButton,
  test,
  uiPlural,
  waitForMail,
} from './support/accounts'
import { expectAccessible, hydrated } from './support/axe'
import { browserLocale, LOCALES, otherLocale, ui, type Locale } from './support/ui-text'

// Data-subject requests on the "accounts" server: a signed-out person files
// one and confirms it from the mail the server stored under its DATA_DIR; a
// signed-in person files one without confirming anything; the forms work
// without JavaScript. Every test uses its own addresses and client IP.

const intlLocale: Record<Locale, string> = { ru: 'ru-RU', en: 'en-GB' }

/** A GDPR request's due date: 30 days or one month after today's Moscow date, whichever is earlier, as the pages print it. */
function gdprDueDate(locale: Locale): string {
  const today = new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Europe/Moscow',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date())
  const [year, month, day] = today.split('-').map(Number) as [number, number, number]
  const thirtyDays = new Date(Date.UTC(year, month - 1, day + 30, 12))
  const lastOfNext = new Date(Date.UTC(year, month + 1, 0)).getUTCDate()
  const oneMonth = new Date(Date.UTC(year, month, Math.min(day, lastOfNext), 12))
  const due = thirtyDays < oneMonth ? thirtyDays : oneMonth
  return new Intl.DateTimeFormat(intlLocale[locale], { dateStyle: 'long', timeZone: 'Europe/Moscow' }).format(due)
}

/** A pattern for an interface string with {{date}} in it, capturing the date. */
function withDate(locale: Locale, key: string, vars: Record<string, string | number> = {}): RegExp {
  const template = ui(locale, key, { ...vars, date: '\u0001' })
  return new RegExp(`^${template.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace('\u0001', '(.+)')}$`)
}

async function chooseKindAndLaw(page: Page, locale: Locale, kind: string, regime: 'ru' | 'gdpr') {
  await page.getByRole('radio', { name: ui(locale, `privacy-request:kinds.${kind}`) }).check()
  await page.getByRole('radio', { name: ui(locale, `privacy-request:regimes.${regime}`) }).check()
}

function emailField(page: Page, locale: Locale) {
  return page.getByLabel(ui(locale, 'privacy-request:form.email'), { exact: true })
}

/** The number in the subject of the confirmation mail. */
function numberIn(subject: string): string {
  const number = /(\d+)\s*$/.exec(subject)?.[1]
  if (!number) throw new Error(`no request number in “${subject}”`)
  return number
}

for (const locale of LOCALES) {
  test.describe(`data-subject requests in ${locale}`, () => {
    // The browser asks for the other language: pages and mails must follow the page's.
    test.use({ locale: browserLocale(otherLocale(locale)) })

    test('a signed-out person files a request, confirms it from the mail and sees its number and due date', async ({
      page,
    }) => {
      const person = newPerson(locale, 'dsr')
      const response = await page.goto(`/${locale}/privacy/request`)
      expect(response?.status()).toBe(200)
      await hydrated(page)
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(ui(locale, 'privacy-request:form.title'))
      await expectAccessible(page, `/${locale}/privacy/request`)

      // No kind chosen and no address: refused, with the reasons next to the fields.
      const refused = formPost(page, `/${locale}/privacy/request`)
      await submitButton(page, ui(locale, 'privacy-request:form.submit')).click()
      expect((await refused).status()).toBe(400)
      await expect(page.getByRole('alert')).toHaveText(ui(locale, 'account:errors.formInvalid'))
      await expect(emailField(page, locale)).toHaveAttribute('aria-invalid', 'true')
      await expect(emailField(page, locale)).toHaveAccessibleDescription(
        `${ui(locale, 'privacy-request:form.emailHint')} ${ui(locale, 'privacy-request:errors.emailInvalid')}`,
      )
      await expect(
        page.getByRole('group', { name: ui(locale, 'privacy-request:form.kindLegend') }),
      ).toHaveAccessibleDescription(ui(locale, 'privacy-request:errors.kind'))
      await expectAccessible(page, `/${locale}/privacy/request with errors`)

      await chooseKindAndLaw(page, locale, 'portability', 'gdpr')
      await emailField(page, locale).fill(person.email)
      await page.getByLabel(ui(locale, 'privacy-request:form.details')).fill('The images I made last month.')
      await submitButton(page, ui(locale, 'privacy-request:form.submit')).click()
      await expect(page).toHaveURL(`/${locale}/privacy/request/sent?confirm=1`)
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(ui(locale, 'privacy-request:sent.title'))
      await expect(page.getByRole('status')).toHaveText(
        ui(locale, 'privacy-request:sent.checkMail', { hours: uiPlural(locale, 'privacy-request:hours', 24) }),
      )
      // Production keeps the development mail viewer closed.
      await expect(page.getByRole('link', { name: ui(locale, 'privacy-request:sent.devMailLink') })).toHaveCount(0)
      await expectAccessible(page, `/${locale}/privacy/request/sent`)

      // The letter is in the page's language and links to a page that asks for a press of a button.
      const mail = await waitForMail(person.email)
      const number = numberIn(mail.subject)
      expect(mail.subject).toBe(ui(locale, 'privacy-request:mail.confirmation.subject', { number }))
      const link = new URL(/https?:\/\/\S+/.exec(mail.text)![0])
      expect(link.pathname).toBe(`/${locale}/privacy/request/confirm`)
      await page.goto(`${link.pathname}${link.search}`)
      await hydrated(page)
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(ui(locale, 'privacy-request:confirm.title'))
      await expect(page.getByRole('main')).toContainText(
        ui(locale, 'privacy-request:confirm.lead', { number, kind: ui(locale, 'privacy-request:kinds.portability') }),
      )
      await expectAccessible(page, `/${locale}/privacy/request/confirm`)

      await submitButton(page, ui(locale, 'privacy-request:confirm.submit')).click()
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(
        ui(locale, 'privacy-request:confirm.confirmedTitle'),
      )
      const status = page.getByRole('status')
      await expect(status).toContainText(
        ui(locale, 'privacy-request:confirm.confirmed', {
          number,
          kind: ui(locale, 'privacy-request:kinds.portability'),
        }),
      )
      await expect(status).toContainText(ui(locale, 'privacy-request:due.fixed.gdpr', { date: gdprDueDate(locale) }))
      await expectAccessible(page, `/${locale}/privacy/request/confirm after confirming`)

      // Then the receipt, with the same due date.
      await expect
        .poll(async () => (await waitForMail(person.email)).subject)
        .toBe(ui(locale, 'privacy-request:mail.receipt.subject', { number }))
      expect((await waitForMail(person.email)).text).toContain(gdprDueDate(locale))
    })

    test('a signed-in person is identified by the account and gets the number at once', async ({ page, baseURL }) => {
      const person = newPerson(locale, 'dsr-account')
      await registerOverHttp(page.request, baseURL, person)
      await page.goto(`/${locale}/account`)
      await page.getByRole('link', { name: ui(locale, 'privacy-request:accountLink') }).click()
      await expect(page).toHaveURL(`/${locale}/privacy/request`)
      await hydrated(page)
      await expect(page.getByRole('main')).toContainText(
        ui(locale, 'privacy-request:form.identifiedAs', { email: person.email }),
      )
      // The reply goes to the account's address: there is none to type.
      await expect(emailField(page, locale)).toHaveCount(0)
      await expectAccessible(page, `/${locale}/privacy/request signed in`)

      await chooseKindAndLaw(page, locale, 'access', 'ru')
      await submitButton(page, ui(locale, 'privacy-request:form.submit')).click()
      await expect(page).toHaveURL(new RegExp(`/${locale}/privacy/request/sent\\?number=\\d+$`))
      const number = new URL(page.url()).searchParams.get('number')!
      const status = page.getByRole('status')
      await expect(status).toContainText(ui(locale, 'privacy-request:sent.received', { number }))
      await expect(status).toContainText(ui(locale, 'privacy-request:sent.mailedTo', { email: person.email }))
      // Access under 152-FZ: 10 working days, which may be extended once by 5.
      const dueWithExtension = withDate(locale, 'privacy-request:due.extendable', {
        extension: uiPlural(locale, 'privacy-request:period.workingDays', 5),
      })
      const dueLine = status.getByText(dueWithExtension)
      await expect(dueLine).toBeVisible()
      const dueDate = dueWithExtension.exec((await dueLine.innerText()).trim())![1]!
      await expectAccessible(page, `/${locale}/privacy/request/sent signed in`)

      // Registering mailed this address too: wait for the request's own letter.
      const receipt = await waitForMail(person.email, {
        subject: ui(locale, 'privacy-request:mail.receipt.subject', { number }),
      })
      expect(receipt.text).toContain(dueDate)
    })

    test.describe('without JavaScript', () => {
      test.use({ javaScriptEnabled: false })

      test('the form refuses bad input, then files the request, and the link confirms it', async ({ page }) => {
        const person = newPerson(locale, 'dsr-nojs')
        await page.goto(`/${locale}/privacy/request`)
        await chooseKindAndLaw(page, locale, 'correction', 'ru')
        await emailField(page, locale).fill('not an address')
        const refused = formPost(page, `/${locale}/privacy/request`)
        await submitButton(page, ui(locale, 'privacy-request:form.submit')).click()
        expect((await refused).status()).toBe(400)
        await expect(page.getByRole('alert')).toHaveText(ui(locale, 'account:errors.formInvalid'))
        const details = page.getByLabel(ui(locale, 'privacy-request:form.details'))
        await expect(details).toHaveAttribute('aria-invalid', 'true')
        await expect(page.getByText(ui(locale, 'privacy-request:errors.detailsRequired'))).toBeVisible()
        await expect(page.getByText(ui(locale, 'privacy-request:errors.emailInvalid'))).toBeVisible()
        // What was typed and chosen comes back.
        await expect(emailField(page, locale)).toHaveValue('not an address')
        await expect(page.getByRole('radio', { name: ui(locale, 'privacy-request:kinds.correction') })).toBeChecked()

        await emailField(page, locale).fill(person.email)
        await details.fill('My name is spelled wrong in the receipts.')
        await submitButton(page, ui(locale, 'privacy-request:form.submit')).click()
        await expect(page).toHaveURL(`/${locale}/privacy/request/sent?confirm=1`)

        const mail = await waitForMail(person.email)
        const number = numberIn(mail.subject)
        const link = new URL(/https?:\/\/\S+/.exec(mail.text)![0])
        await page.goto(`${link.pathname}${link.search}`)
        await submitButton(page, ui(locale, 'privacy-request:confirm.submit')).click()
        await expect(page.getByRole('heading', { level: 1 })).toHaveText(
          ui(locale, 'privacy-request:confirm.confirmedTitle'),
        )
        await expect(page.getByRole('status')).toContainText(
          ui(locale, 'privacy-request:confirm.confirmed', {
            number,
            kind: ui(locale, 'privacy-request:kinds.correction'),
          }),
        )
        // A correction under 152-FZ: 7 working days, and no extension.
        await expect(page.getByRole('status').getByText(withDate(locale, 'privacy-request:due.fixed.ru'))).toBeVisible()

        // The link works once: opening it again only shows the request.
        const again = await page.goto(`${link.pathname}${link.search}`)
        expect(again?.status()).toBe(200)
        await expect(page.getByRole('button', { name: ui(locale, 'privacy-request:confirm.submit') })).toHaveCount(0)
      })
    })
  })
}

test('a confirmation link that was never issued is refused with 400', async ({ page }) => {
  const response = await page.goto('/en/privacy/request/confirm?token=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')
  expect(response?.status()).toBe(400)
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(ui('en', 'privacy-request:confirm.refusedTitle'))
  await expect(page.getByRole('alert')).toHaveText(ui('en', 'privacy-request:errors.linkInvalid'))
})
