import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Locator, Page } from '@playwright/test'
import { documentInForce, REGISTER_KINDS } from './support/accounts-dataset'
import {
  acceptanceBox,
  confirmationLink,
  confirmEmailOverHttp,
  expect,
  expectCheckInboxThenSignIn,
  fillRegistration,
  formPost,
  header,
  newPerson,
  originOf,
  registerOverHttp,
  registrationMail,
  seedDataDir,
  startGuestOverHttp,
  submitButton,
  test,
  waitForMail,
  type Person,
} from './support/accounts'
import { hydrated } from './support/axe'
import { credits, generateOverHttp, generationForm, headerBalance, waitForJobDone } from './support/generation'
import { browserLocale, LOCALES, otherLocale, ui, type Locale } from './support/ui-text'

// Buying credits on the "seed" server: the shipped cms/seed/production.ndjson
// has the credit packs (the accounts dataset has none) and terms, privacy and
// the consent in force, so people register there as anywhere. No T-Bank
// terminal is configured, so payments go through the sandbox: a local test
// payment page that sends signed notifications through the webhook code.
// Every test registers its own person from its own client address
// (support/accounts.ts), so tests run in any order and in parallel.

const SEED_DATASET = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../cms/seed/production.ndjson')

type SeedPack = {
  _id: string
  _type: string
  credits: number
  priceKopecks: number
  name: Record<Locale, string>
  badge?: Partial<Record<Locale, string>>
  order: number
  active?: boolean
}

/** The packs on sale in the seed, in pricing-page order, read from the file so tests follow price changes. */
const PACKS: SeedPack[] = readFileSync(SEED_DATASET, 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((line) => JSON.parse(line) as SeedPack)
  .filter((row) => row._type === 'creditPack' && !row._id.startsWith('drafts.') && row.active !== false)
  .sort((a, b) => a.order - b.order)

const OFF_SALE: SeedPack[] = readFileSync(SEED_DATASET, 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((line) => JSON.parse(line) as SeedPack)
  .filter((row) => row._type === 'creditPack' && !row._id.startsWith('drafts.') && row.active === false)

function pack(id: string): SeedPack {
  const found = PACKS.find((p) => p._id === id)
  if (!found) throw new Error(`the seed has no active pack ${id}`)
  return found
}

/** The cheapest pack (Start) and another one, so the two orders of a test are told apart. */
const START = pack('creditPack.start')
const BASIC = pack('creditPack.basic')

/** Money as the site writes it (app/platform/i18n/format.ts): roubles, kopecks only when there are some. */
function money(locale: Locale, kopecks: number): string {
  return new Intl.NumberFormat(locale === 'ru' ? 'ru-RU' : 'en-GB', {
    style: 'currency',
    currency: 'RUB',
    currencyDisplay: 'narrowSymbol',
    minimumFractionDigits: kopecks % 100 === 0 ? 0 : 2,
  }).format(kopecks / 100)
}

/** A long date in Moscow time, as the site prints dates (app/platform/i18n/format.ts). */
function longDate(locale: Locale, date: Date): string {
  return new Intl.DateTimeFormat(locale === 'ru' ? 'ru-RU' : 'en-GB', {
    dateStyle: 'long',
    timeZone: 'Europe/Moscow',
  }).format(date)
}

/** The last day a refund can be asked for: 14 days after the payment day (Moscow time). */
function refundUntil(locale: Locale, paidAt: Date): string {
  return longDate(locale, new Date(paidAt.getTime() + 14 * 24 * 60 * 60 * 1000))
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/** A string's whitespace as Playwright compares it (a no-break space is a space). */
function loose(text: string): RegExp {
  return new RegExp(escapeRegExp(text).replace(/\s+/g, '\\s+'))
}

function main(page: Page): Locator {
  return page.getByRole('main')
}

/** The pack's Buy link on the pricing page, named with the pack, its credits and its price. */
function buyLink(page: Page, locale: Locale, p: SeedPack): Locator {
  return main(page).getByRole('link', {
    name: ui(locale, 'pricing:buyLabel', {
      name: p.name[locale],
      credits: credits(locale, p.credits),
      price: money(locale, p.priceKopecks),
    }),
    exact: true,
  })
}

function termsBox(page: Page, locale: Locale): Locator {
  const terms = documentInForce('terms', locale, SEED_DATASET)
  return acceptanceBox(page, locale, 'terms', terms.version, terms.title)
}

function payButton(page: Page, locale: Locale, p: SeedPack): Locator {
  return submitButton(page, ui(locale, 'checkout:pay', { price: money(locale, p.priceKopecks) }))
}

function sandboxButton(page: Page, locale: Locale, decision: 'approve' | 'decline'): Locator {
  return submitButton(page, ui(locale, `checkout:sandbox.${decision}`))
}

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}'

/** The order id in a sandbox or done page's path. */
function orderIdOf(url: string): string {
  const match = new RegExp(`/checkout/(?:sandbox/)?(${UUID})`).exec(url)
  if (!match) throw new Error(`no order id in ${url}`)
  return match[1]!
}

/**
 * From the pricing page (open) through checkout and the sandbox page to the
 * done page, as a person clicks it. Returns the order's id.
 */
async function buy(page: Page, locale: Locale, p: SeedPack, decision: 'approve' | 'decline'): Promise<string> {
  await buyLink(page, locale, p).click()
  await expect(page).toHaveURL(`/${locale}/checkout/${p._id}`)
  await termsBox(page, locale).check()
  await payButton(page, locale, p).click()
  await expect(page).toHaveURL(new RegExp(`/${locale}/checkout/sandbox/${UUID}$`))
  const orderId = orderIdOf(page.url())
  await sandboxButton(page, locale, decision).click()
  const result = decision === 'approve' ? 'success' : 'fail'
  await expect(page).toHaveURL(`/${locale}/checkout/${orderId}/done?result=${result}`)
  return orderId
}

/** Opens the registration letter's link in the browser and presses its button: the address is confirmed. */
async function confirmFromLetter(page: Page, person: Person) {
  const { locale } = person
  const link = confirmationLink(await registrationMail(person, seedDataDir()))
  await page.goto(`${link.pathname}${link.search}`)
  await submitButton(page, ui(locale, 'email:verify.confirmSubmit')).click()
  await expect(page).toHaveURL(`/${locale}/verify-email?done=1`)
  await expect(main(page).getByRole('status')).toHaveText(ui(locale, 'email:verify.done'))
}

/** The mail sent when the payment of the order was confirmed. */
function paymentMail(person: Person, orderId: string) {
  return waitForMail(person.email, {
    subject: ui(person.locale, 'email:mail.payment.subject', { order: orderId }),
    dataDir: seedDataDir(),
  })
}

/** The orders on the payments page. */
function orderCards(page: Page): Locator {
  return main(page).locator('li.payments__order')
}

/** One order's card, found by the order number it shows. */
function orderCard(page: Page, orderId: string): Locator {
  return orderCards(page).filter({ hasText: orderId })
}

/** A term's value in an order's details list ("Status" → "Paid"). */
function detail(card: Locator, locale: Locale, key: string): Locator {
  return card.locator(`dt:text-is("${ui(locale, `checkout:payments.${key}`)}") + dd`)
}

async function expectOrderStatus(card: Locator, locale: Locale, status: string) {
  await expect(detail(card, locale, 'status')).toHaveText(ui(locale, `checkout:payments.statuses.${status}`))
}

/** The refund button of an order's card: it opens the confirmation step, it refunds nothing by itself. */
function refundButton(card: Locator, locale: Locale, kopecks: number): Locator {
  return card.getByRole('button', {
    name: ui(locale, 'checkout:payments.refundButton', { amount: money(locale, kopecks) }),
  })
}

/** The refund's confirmation panel, above the list. */
function confirmPanel(page: Page, locale: Locale, p: SeedPack): Locator {
  return main(page).getByRole('region', {
    name: ui(locale, 'checkout:payments.confirm.title', { pack: p.name[locale] }),
  })
}

/** The "Try again" link of a card or a done page: a new checkout of the same pack. */
function retryLink(scope: Locator, locale: Locale, key = 'checkout:payments.retry'): Locator {
  return scope.getByRole('link', { name: ui(locale, key), exact: true })
}

/** The payment acceptances on the consents page, as [document, version] pairs. */
async function paymentAcceptances(page: Page, locale: Locale): Promise<string[][]> {
  await page.goto(`/${locale}/account/consents`)
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(ui(locale, 'account:consents.title'))
  const rows = main(page)
    .locator('tbody tr')
    .filter({ has: page.getByRole('cell', { name: ui(locale, 'account:consents.events.payment'), exact: true }) })
  const result: string[][] = []
  for (let i = 0; i < (await rows.count()); i++) {
    const row = rows.nth(i)
    result.push([
      (await row.getByRole('rowheader').innerText()).trim(),
      (await row.getByRole('cell').nth(0).innerText()).trim(),
    ])
  }
  return result
}

function termsRow(locale: Locale): string[] {
  return [ui(locale, 'common:documentKinds.terms'), String(documentInForce('terms', locale, SEED_DATASET).version)]
}

/** The acceptances the data export lists for the account, with the action each was given for. */
async function exportedAcceptances(page: Page, locale: Locale) {
  const response = await page.request.get(`/${locale}/account/export.json`)
  expect(response.status(), 'the data export').toBe(200)
  const exported = (await response.json()) as {
    acceptances: Array<{ event: string; documentKind: string; version: number; action: { type: string; id: string } }>
  }
  return exported.acceptances
}

for (const locale of LOCALES) {
  const terms = documentInForce('terms', locale, SEED_DATASET)

  test.describe(`payments in ${locale}`, () => {
    // The browser asks for the other language: every page must still follow the URL's.
    test.use({ locale: browserLocale(otherLocale(locale)) })

    test('buying a pack: confirming the address first, pricing, checkout with the terms box, the test payment page, paid, balance, acceptance, payments list, the payment mail', async ({
      page,
      baseURL,
    }) => {
      // The whole purchase in one test, about 25 s on a quiet machine: three times the usual limit.
      test.slow()
      const person: Person = newPerson(locale, 'buy')
      await page.goto(`/${locale}/register`)
      await hydrated(page)
      await fillRegistration(page, person, REGISTER_KINDS, SEED_DATASET)
      await submitButton(page, ui(locale, 'account:register.submit')).click()
      await expectCheckInboxThenSignIn(page, person)
      await expect(headerBalance(page, locale, 0)).toBeVisible()
      await expect(
        header(page).getByRole('link', { name: ui(locale, 'common:nav.pricing'), exact: true }),
      ).toHaveAttribute('href', `/${locale}/pricing`)

      // No credits: the form on the home page offers to buy some.
      await page.goto(`/${locale}`)
      await hydrated(page)
      const buyCredits = generationForm(page).getByRole('link', { name: ui(locale, 'generate:form.buyCredits') })
      await expect(buyCredits).toHaveAttribute('href', `/${locale}/pricing`)
      await buyCredits.click()

      // The pricing page: every pack on sale in order, with its price per credit; none that is off sale.
      await expect(page).toHaveURL(`/${locale}/pricing`)
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(ui(locale, 'pricing:heading'))
      const cards = main(page).locator('li.pricing__pack')
      await expect(cards).toHaveCount(PACKS.length)
      await expect(cards.getByRole('heading', { level: 2 })).toHaveText(PACKS.map((p) => p.name[locale]))
      for (const [i, p] of PACKS.entries()) {
        const card = cards.nth(i)
        await expect(card).toContainText(loose(`${credits(locale, p.credits)} — ${money(locale, p.priceKopecks)}`))
        const exact = p.priceKopecks % p.credits === 0
        const perCredit = ui(locale, exact ? 'pricing:perCredit' : 'pricing:perCreditApprox', {
          price: money(locale, Math.round(p.priceKopecks / p.credits)),
        })
        await expect(card.locator('.pricing__per-credit')).toHaveText(loose(perCredit))
        if (p.badge?.[locale]) await expect(card.locator('.pricing__badge')).toHaveText(p.badge[locale]!)
        await expect(buyLink(page, locale, p)).toHaveAttribute('href', `/${locale}/checkout/${p._id}`)
      }
      for (const p of OFF_SALE) await expect(main(page)).not.toContainText(p.name[locale])

      // The address is not confirmed yet: the pricing page says so, and checkout offers a new link instead of paying.
      const unconfirmed = ui(locale, 'email:notice.unverified', { email: person.email })
      await expect(main(page)).toContainText(unconfirmed)
      await buyLink(page, locale, START).click()
      await expect(page).toHaveURL(`/${locale}/checkout/${START._id}`)
      await expect(main(page)).toContainText(unconfirmed)
      await expect(main(page)).not.toContainText(ui(locale, 'checkout:receipt', { email: person.email }))
      await expect(payButton(page, locale, START)).toBeDisabled()
      await expect(submitButton(page, ui(locale, 'email:verify.resend'))).toBeVisible()
      // Sent anyway (a form kept from earlier, a script): 403, and nothing is created.
      const forced = await page.request.post(`/${locale}/checkout/${START._id}`, {
        form: { shownVersions: `terms:${terms.version}`, accept_terms: 'yes' },
        headers: { Origin: originOf(baseURL) },
        maxRedirects: 0,
      })
      expect(forced.status()).toBe(403)
      await page.goto(`/${locale}/account/payments`)
      await expect(orderCards(page)).toHaveCount(0)

      // Confirmed from the letter, the same page lets the person pay.
      await confirmFromLetter(page, person)
      await page.goto(`/${locale}/pricing`)
      await hydrated(page)
      await expect(main(page)).not.toContainText(unconfirmed)

      // Checkout: the pack, the receipt address, the sandbox notice and one unticked box for the terms in force.
      await buyLink(page, locale, START).click()
      await expect(page).toHaveURL(`/${locale}/checkout/${START._id}`)
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(ui(locale, 'checkout:title'))
      await expect(main(page).getByRole('heading', { level: 2 })).toHaveText(START.name[locale])
      await expect(main(page).locator('.checkout__price')).toHaveText(
        loose(
          ui(locale, 'checkout:packLine', {
            credits: credits(locale, START.credits),
            price: money(locale, START.priceKopecks),
          }),
        ),
      )
      await expect(main(page)).toContainText(ui(locale, 'checkout:receipt', { email: person.email }))
      await expect(main(page)).toContainText(ui(locale, 'checkout:sandboxNotice'))
      await expect(main(page).getByRole('checkbox')).toHaveCount(1)
      const box = termsBox(page, locale)
      await expect(box).not.toBeChecked()
      await expect(
        page
          .locator('.acceptance__item')
          .filter({ has: box })
          .getByRole('link', { name: ui(locale, 'account:acceptance.open') }),
      ).toHaveAttribute('href', `/${locale}/terms/v/${terms.version}`)
      await expect(page.locator('input[type=hidden][name=shownVersions]')).toHaveValue(`terms:${terms.version}`)

      // Without the box nothing is created: the form says why, in the page's language.
      const refused = formPost(page, `/${locale}/checkout/${START._id}`)
      await payButton(page, locale, START).click()
      expect((await refused).status()).toBe(400)
      await expect(main(page).getByRole('alert')).toHaveText(ui(locale, 'account:errors.formInvalid'))
      await expect(box).toHaveAttribute('aria-invalid', 'true')
      await expect(box).toHaveAccessibleDescription(ui(locale, 'account:acceptance.required'))
      await expect(page).toHaveURL(`/${locale}/checkout/${START._id}`)

      // With it: the test payment page, loudly marked as a test.
      await box.check()
      await payButton(page, locale, START).click()
      await expect(page).toHaveURL(new RegExp(`/${locale}/checkout/sandbox/${UUID}$`))
      const orderId = orderIdOf(page.url())
      await expect(main(page).getByRole('note')).toHaveText(ui(locale, 'checkout:sandbox.banner'))
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(ui(locale, 'checkout:sandbox.title'))
      await expect(main(page).locator('dl')).toContainText(START.name[locale])
      await expect(main(page).locator('dl')).toContainText(credits(locale, START.credits))
      await expect(main(page).locator('dl')).toContainText(loose(money(locale, START.priceKopecks)))
      await sandboxButton(page, locale, 'approve').click()

      // The done page tells the order's state from the database; the header's balance follows.
      await expect(page).toHaveURL(`/${locale}/checkout/${orderId}/done?result=success`)
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(ui(locale, 'checkout:done.title.confirmed'))
      await expect(main(page).getByRole('status')).toHaveText(
        ui(locale, 'checkout:done.text.confirmed', { credits: credits(locale, START.credits) }),
      )
      await expect(main(page)).toContainText(
        ui(locale, 'checkout:done.balance', { credits: credits(locale, START.credits) }),
      )
      await expect(headerBalance(page, locale, START.credits)).toBeVisible()

      // Deciding again is not possible.
      await page.goto(`/${locale}/checkout/sandbox/${orderId}`)
      await expect(main(page)).toContainText(ui(locale, 'checkout:sandbox.closed'))
      await expect(sandboxButton(page, locale, 'approve')).toHaveCount(0)

      // The acceptance of the terms for this payment is in the history, tied to the order.
      expect(await paymentAcceptances(page, locale)).toEqual([termsRow(locale)])
      const forPayment = (await exportedAcceptances(page, locale)).filter((a) => a.event === 'payment')
      expect(forPayment).toEqual([
        expect.objectContaining({
          documentKind: 'terms',
          version: terms.version,
          action: { type: 'order', id: orderId },
        }),
      ])

      // The payments page lists the order as paid, with the receipt address.
      await page.goto(`/${locale}/account/payments`)
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(ui(locale, 'checkout:payments.title'))
      await expect(orderCards(page)).toHaveCount(1)
      const card = orderCard(page, orderId)
      await expect(card.getByRole('heading', { level: 2 })).toHaveText(
        loose(`${START.name[locale]}: ${credits(locale, START.credits)}, ${money(locale, START.priceKopecks)}`),
      )
      await expectOrderStatus(card, locale, 'confirmed')
      await expect(detail(card, locale, 'receipt')).toHaveText(person.email)
      await expect(detail(card, locale, 'order')).toHaveText(`${orderId} (${ui(locale, 'checkout:payments.sandbox')})`)
      await expect(detail(card, locale, 'paid')).toBeVisible()
      await expect(detail(card, locale, 'created')).toBeVisible()

      // The payment mail: to the confirmed address, naming the terms version accepted for this order.
      const mail = await paymentMail(person, orderId)
      expect(mail.text).toMatch(new RegExp(`https?://\\S+/${locale}/terms/v/${terms.version}\\s`))
      expect(mail.text).toContain(ui(locale, 'email:mail.payment.sandbox'))
    })

    test('a declined payment adds no credits and is listed as declined', async ({ page, baseURL }) => {
      const person = newPerson(locale, 'decline')
      await registerOverHttp(page.request, baseURL, person)
      await confirmEmailOverHttp(page.request, baseURL, person, seedDataDir())
      await page.goto(`/${locale}/pricing`)
      await hydrated(page)
      const orderId = await buy(page, locale, BASIC, 'decline')
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(ui(locale, 'checkout:done.title.rejected'))
      await expect(main(page).getByRole('status')).toHaveText(
        loose(ui(locale, 'checkout:done.text.rejected', { amount: money(locale, BASIC.priceKopecks) })),
      )
      await expect(main(page)).not.toContainText(
        ui(locale, 'checkout:done.balance', { credits: credits(locale, BASIC.credits) }),
      )
      await expect(headerBalance(page, locale, 0)).toBeVisible()
      // The done page offers to try again: a new checkout of the same pack.
      await expect(retryLink(main(page), locale, 'checkout:done.retry')).toHaveAttribute(
        'href',
        `/${locale}/checkout/${BASIC._id}`,
      )

      await page.goto(`/${locale}/account/payments`)
      await expect(orderCards(page)).toHaveCount(1)
      const card = orderCard(page, orderId)
      await expectOrderStatus(card, locale, 'rejected')
      await expect(detail(card, locale, 'paid')).toHaveCount(0)
      // Nothing was paid, so nothing is offered back.
      await expect(card.getByRole('button')).toHaveCount(0)
      await expect(card.locator('.payments__refund-rule')).toHaveCount(0)
      await expect(headerBalance(page, locale, 0)).toBeVisible()
      // The acceptance was given all the same: it was for this order.
      expect(await paymentAcceptances(page, locale)).toEqual([termsRow(locale)])

      // Trying again from the payments page: the checkout of the same pack, with its terms box unticked again.
      await page.goto(`/${locale}/account/payments`)
      await hydrated(page)
      await retryLink(orderCard(page, orderId), locale).click()
      await expect(page).toHaveURL(`/${locale}/checkout/${BASIC._id}`)
      await expect(termsBox(page, locale)).not.toBeChecked()
      await termsBox(page, locale).check()
      await payButton(page, locale, BASIC).click()
      await expect(page).toHaveURL(new RegExp(`/${locale}/checkout/sandbox/${UUID}$`))
      const second = orderIdOf(page.url())
      await sandboxButton(page, locale, 'approve').click()
      await expect(page).toHaveURL(`/${locale}/checkout/${second}/done?result=success`)
      await expect(headerBalance(page, locale, BASIC.credits)).toBeVisible()
      await page.goto(`/${locale}/account/payments`)
      await expectOrderStatus(orderCard(page, second), locale, 'confirmed')
      await expectOrderStatus(orderCard(page, orderId), locale, 'rejected')
    })

    test('an abandoned checkout waits with its deadline, can be paid on its page again, or cancelled', async ({
      page,
      baseURL,
    }) => {
      const person = newPerson(locale, 'abandon')
      await registerOverHttp(page.request, baseURL, person)
      await confirmEmailOverHttp(page.request, baseURL, person, seedDataDir())
      await page.goto(`/${locale}/checkout/${START._id}`)
      await hydrated(page)
      await termsBox(page, locale).check()
      await payButton(page, locale, START).click()
      await expect(page).toHaveURL(new RegExp(`/${locale}/checkout/sandbox/${UUID}$`))
      const orderId = orderIdOf(page.url())
      const paymentPage = new URL(page.url()).pathname

      // The person leaves the bank's page without paying; the payments page says the order waits, until when.
      await page.goto(`/${locale}/account/payments`)
      await hydrated(page)
      const card = orderCard(page, orderId)
      await expectOrderStatus(card, locale, 'pending')
      await expect(detail(card, locale, 'payBy')).toBeVisible()
      const resume = card.getByRole('link', {
        name: ui(locale, 'checkout:payments.resume', { amount: money(locale, START.priceKopecks) }),
      })
      await expect(resume).toHaveAttribute('href', paymentPage)
      // The done page, opened later, offers the same instead of waiting forever.
      await page.goto(`/${locale}/checkout/${orderId}/done`)
      await expect(main(page).locator('meta[http-equiv=refresh]')).toHaveCount(0)
      await expect(
        main(page).getByRole('link', {
          name: ui(locale, 'checkout:payments.resume', { amount: money(locale, START.priceKopecks) }),
        }),
      ).toHaveAttribute('href', paymentPage)

      // Back on the payments page: resuming leads to the same payment page, still open.
      await page.goto(`/${locale}/account/payments`)
      await hydrated(page)
      await resume.click()
      await expect(page).toHaveURL(paymentPage)
      await expect(sandboxButton(page, locale, 'approve')).toBeVisible()

      // Cancelled instead: nothing charged, and the payment page no longer takes the payment.
      await page.goto(`/${locale}/account/payments`)
      await hydrated(page)
      await card.getByRole('button', { name: ui(locale, 'checkout:payments.cancelOrder') }).click()
      await expect(page).toHaveURL(`/${locale}/account/payments?canceled=1`)
      await expect(main(page).getByRole('status')).toHaveText(ui(locale, 'checkout:payments.canceledNotice'))
      await expectOrderStatus(card, locale, 'canceled')
      await expect(card.getByRole('button')).toHaveCount(0)
      await expect(retryLink(card, locale)).toHaveAttribute('href', `/${locale}/checkout/${START._id}`)
      await page.goto(paymentPage)
      await expect(main(page)).toContainText(ui(locale, 'checkout:sandbox.closed'))
      await expect(headerBalance(page, locale, 0)).toBeVisible()
    })

    test('a refund of the unspent credits: offered with its amount, then the order is partly refunded and the balance drops', async ({
      page,
      baseURL,
    }) => {
      const person = newPerson(locale, 'refund')
      await registerOverHttp(page.request, baseURL, person)
      await confirmEmailOverHttp(page.request, baseURL, person, seedDataDir())
      await page.goto(`/${locale}/pricing`)
      await hydrated(page)
      const boughtAt = new Date()
      const orderId = await buy(page, locale, START, 'approve')
      await expect(headerBalance(page, locale, START.credits)).toBeVisible()

      // One image spends part of the purchase: only the rest can be refunded.
      const job = await generateOverHttp(page.request, baseURL, locale, { prompt: 'A lighthouse at dawn' })
      const { balance } = await waitForJobDone(page.request, job)
      expect(balance).toBeLessThan(START.credits)
      expect(balance).toBeGreaterThan(0)
      const amount = Math.min(START.priceKopecks, Math.ceil((START.priceKopecks * balance) / START.credits))

      await page.goto(`/${locale}/account/payments`)
      await hydrated(page)
      await expect(headerBalance(page, locale, balance)).toBeVisible()
      const card = orderCard(page, orderId)
      await expectOrderStatus(card, locale, 'confirmed')
      const until = [refundUntil(locale, boughtAt), refundUntil(locale, new Date())]
      const offers = until.map((u) =>
        ui(locale, 'checkout:payments.refundOffer', {
          credits: credits(locale, balance),
          amount: money(locale, amount),
          until: u,
        }),
      )
      await expect(card).toContainText(new RegExp(offers.map((o) => loose(o).source).join('|')))

      // A POST without the confirmation step (a script, a kept form) is refused and changes nothing.
      const unconfirmed = await page.request.post(`/${locale}/account/payments`, {
        form: { intent: 'refund', orderId },
        headers: { Origin: originOf(baseURL) },
        maxRedirects: 0,
      })
      expect(unconfirmed.status()).toBe(400)
      expect(await unconfirmed.text()).toContain(ui(locale, 'checkout:payments.confirmRequired'))

      // The button opens the confirmation: what comes back to the card, what leaves the balance.
      await refundButton(card, locale, amount).click()
      await expect(page).toHaveURL(`/${locale}/account/payments?refund=${orderId}`)
      const panel = confirmPanel(page, locale, START)
      await expect(panel).toBeFocused()
      await expect(panel).toContainText(
        loose(
          ui(locale, 'checkout:payments.confirm.text', {
            amount: money(locale, amount),
            credits: credits(locale, balance),
          }),
        ),
      )
      // "Cancel" leaves everything as it was.
      await panel.getByRole('link', { name: ui(locale, 'checkout:payments.confirm.no'), exact: true }).click()
      await expect(page).toHaveURL(`/${locale}/account/payments`)
      await expect(confirmPanel(page, locale, START)).toHaveCount(0)
      await expectOrderStatus(card, locale, 'confirmed')
      await expect(headerBalance(page, locale, balance)).toBeVisible()

      await refundButton(card, locale, amount).click()
      await confirmPanel(page, locale, START)
        .getByRole('button', { name: ui(locale, 'checkout:payments.confirm.yes', { amount: money(locale, amount) }) })
        .click()
      await expect(page).toHaveURL(`/${locale}/account/payments?refunded=succeeded`)
      await expect(main(page).getByRole('status')).toHaveText(ui(locale, 'checkout:payments.refundDone'))
      await expectOrderStatus(card, locale, 'partially-refunded')
      await expect(detail(card, locale, 'refunded')).toHaveText(
        loose(`${money(locale, amount)}, ${credits(locale, balance)}`),
      )
      // Nothing is left to refund now.
      await expect(card.getByRole('button')).toHaveCount(0)
      await expect(card.locator('.payments__refund-rule')).toHaveText(
        ui(locale, 'checkout:payments.refusal.nothing-unspent'),
      )
      await expect(headerBalance(page, locale, 0)).toBeVisible()
    })

    test('a guest clicking Buy is sent to register; a visitor with no session to sign in, and back to checkout', async ({
      page,
      browser,
      baseURL,
      extraHTTPHeaders,
    }) => {
      await startGuestOverHttp(page.request, baseURL, locale)
      await page.goto(`/${locale}/pricing`)
      await hydrated(page)
      const conditions = main(page).getByRole('region', { name: ui(locale, 'pricing:conditionsHeading') })
      await expect(conditions).toContainText(ui(locale, 'pricing:accountRequired'))
      await expect(conditions.getByRole('link', { name: ui(locale, 'pricing:register'), exact: true })).toHaveAttribute(
        'href',
        `/${locale}/register`,
      )
      await buyLink(page, locale, START).click()
      await expect(page).toHaveURL(`/${locale}/register?from=checkout`)
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(ui(locale, 'account:register.title'))
      // Registering from there, then signing in, leads back to the packs.
      const buyer = newPerson(locale, 'guest-buy')
      await fillRegistration(page, buyer, REGISTER_KINDS, SEED_DATASET)
      await submitButton(page, ui(locale, 'account:register.submit')).click()
      await expect(page).toHaveURL(`/${locale}/register/sent?from=checkout`)
      await page.getByRole('link', { name: ui(locale, 'account:register.sentSignIn') }).click()
      await expect(page).toHaveURL(`/${locale}/login?${new URLSearchParams({ redirectTo: `/${locale}/pricing` })}`)
      await page.getByLabel(ui(locale, 'account:fields.email'), { exact: true }).fill(buyer.email)
      await page.getByLabel(ui(locale, 'account:fields.password'), { exact: true }).fill(buyer.password)
      await submitButton(page, ui(locale, 'account:login.submit')).click()
      await expect(page).toHaveURL(`/${locale}/pricing`)

      // No session at all: sign in first, then the checkout of the same pack opens.
      const person = newPerson(locale, 'anon-buy')
      const context = await browser.newContext({ baseURL, extraHTTPHeaders, locale: browserLocale(locale) })
      try {
        await registerOverHttp(context.request, baseURL, person)
        await context.clearCookies()
        const visitor = await context.newPage()
        await visitor.goto(`/${locale}/pricing`)
        await hydrated(visitor)
        await buyLink(visitor, locale, START).click()
        await expect(visitor).toHaveURL(
          `/${locale}/login?${new URLSearchParams({ redirectTo: `/${locale}/checkout/${START._id}` })}`,
        )
        await visitor.getByLabel(ui(locale, 'account:fields.email'), { exact: true }).fill(person.email)
        await visitor.getByLabel(ui(locale, 'account:fields.password'), { exact: true }).fill(person.password)
        await submitButton(visitor, ui(locale, 'account:login.submit')).click()
        await expect(visitor).toHaveURL(`/${locale}/checkout/${START._id}`)
        await expect(termsBox(visitor, locale)).not.toBeChecked()
      } finally {
        await context.close()
      }
    })

    test.describe('without JavaScript', () => {
      test.use({ javaScriptEnabled: false })

      test('the whole buy flow and a full refund work with plain forms', async ({ page }) => {
        const person = newPerson(locale, 'buy-nojs')
        await page.goto(`/${locale}/register`)
        await fillRegistration(page, person, REGISTER_KINDS, SEED_DATASET)
        await submitButton(page, ui(locale, 'account:register.submit')).click()
        await expectCheckInboxThenSignIn(page, person)
        // The letter's page confirms the address with a plain form too.
        await confirmFromLetter(page, person)

        await header(page)
          .getByRole('link', { name: ui(locale, 'common:nav.pricing'), exact: true })
          .click()
        await expect(page).toHaveURL(`/${locale}/pricing`)
        await buyLink(page, locale, START).click()
        await expect(page).toHaveURL(`/${locale}/checkout/${START._id}`)

        const refused = formPost(page, `/${locale}/checkout/${START._id}`)
        await payButton(page, locale, START).click()
        expect((await refused).status()).toBe(400)
        await expect(main(page).getByRole('alert')).toHaveText(ui(locale, 'account:errors.formInvalid'))
        await expect(termsBox(page, locale)).toHaveAccessibleDescription(ui(locale, 'account:acceptance.required'))
        await expect(termsBox(page, locale)).not.toBeChecked()

        await termsBox(page, locale).check()
        await payButton(page, locale, START).click()
        await expect(page).toHaveURL(new RegExp(`/${locale}/checkout/sandbox/${UUID}$`))
        const orderId = orderIdOf(page.url())
        await expect(main(page).getByRole('note')).toHaveText(ui(locale, 'checkout:sandbox.banner'))
        await sandboxButton(page, locale, 'approve').click()
        await expect(page).toHaveURL(`/${locale}/checkout/${orderId}/done?result=success`)
        await expect(page.getByRole('heading', { level: 1 })).toHaveText(ui(locale, 'checkout:done.title.confirmed'))
        await expect(headerBalance(page, locale, START.credits)).toBeVisible()

        expect(await paymentAcceptances(page, locale)).toEqual([termsRow(locale)])

        // Nothing spent: the whole amount comes back and the order is refunded.
        await page.goto(`/${locale}/account/payments`)
        const card = orderCard(page, orderId)
        await expectOrderStatus(card, locale, 'confirmed')
        await expect(detail(card, locale, 'receipt')).toHaveText(person.email)
        // The button is a plain GET form: the confirmation step, then the refund from its own form.
        await refundButton(card, locale, START.priceKopecks).click()
        await expect(page).toHaveURL(`/${locale}/account/payments?refund=${orderId}`)
        const panel = confirmPanel(page, locale, START)
        await expect(panel).toContainText(
          loose(
            ui(locale, 'checkout:payments.confirm.text', {
              amount: money(locale, START.priceKopecks),
              credits: credits(locale, START.credits),
            }),
          ),
        )
        await expectOrderStatus(card, locale, 'confirmed')
        await panel
          .getByRole('button', {
            name: ui(locale, 'checkout:payments.confirm.yes', { amount: money(locale, START.priceKopecks) }),
          })
          .click()
        await expect(page).toHaveURL(`/${locale}/account/payments?refunded=succeeded`)
        await expect(main(page).getByRole('status')).toHaveText(ui(locale, 'checkout:payments.refundDone'))
        await expectOrderStatus(card, locale, 'refunded')
        await expect(detail(card, locale, 'refunded')).toHaveText(
          loose(`${money(locale, START.priceKopecks)}, ${credits(locale, START.credits)}`),
        )
        await expect(headerBalance(page, locale, 0)).toBeVisible()
      })
    })
  })
}
