import type { Page } from '@playwright/test'
import { expectSignedIn, header, newPerson, registerOverHttp, test, expect } from './support/accounts'
import { hydrated } from './support/axe'
import { headerBalance } from './support/generation'
import { LOCALES, ui, type Locale } from './support/ui-text'

// The layout on a 390 px phone, on the shipped seed content (it has credit
// packs, past versions of every document, and lets people register): no page
// scrolls sideways, the header stays one short row, and its menu opens
// without JavaScript.

const PHONE = { width: 390, height: 844 }
const HEADER_MAX = 72
const KINDS = ['privacy', 'terms', 'cookies', 'consent'] as const

test.use({ viewport: PHONE })

/** Every page a visitor can reach, in one language. */
function visitorPages(locale: Locale): string[] {
  return [
    `/${locale}`,
    `/${locale}/pricing`,
    ...KINDS.flatMap((kind) => [
      `/${locale}/${kind}`,
      `/${locale}/${kind}/versions`,
      `/${locale}/${kind}/v/1`,
      `/${locale}/${kind}/changes?from=1&to=2`,
    ]),
    `/${locale}/login`,
    `/${locale}/register`,
    `/${locale}/forgot-password`,
    `/${locale}/guest`,
    `/${locale}/privacy/request`,
    `/${locale}/cookie-consent`,
    `/${locale}/no-such-page-here`,
  ]
}

/** The pages of a signed-in person. */
function accountPages(locale: Locale): string[] {
  return [
    `/${locale}`,
    `/${locale}/pricing`,
    `/${locale}/account`,
    `/${locale}/account/payments`,
    `/${locale}/account/consents`,
    `/${locale}/account/export`,
    `/${locale}/history`,
  ]
}

/** How far each page is wider than the phone's screen (after hydration, which may change the layout). */
async function overflowing(page: Page, paths: string[]): Promise<string[]> {
  const wide: string[] = []
  for (const path of paths) {
    const response = await page.goto(path)
    expect(response?.status(), path).toBeLessThan(500)
    await hydrated(page)
    const { scroll, client } = await page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      client: document.documentElement.clientWidth,
    }))
    if (scroll > client) wide.push(`${path}: ${scroll}px wide on a ${client}px screen`)
  }
  return wide
}

function cookieBanner(page: Page, locale: Locale) {
  return page.getByRole('region', { name: ui(locale, 'cookie-consent:heading') })
}

/** Answers the cookie banner with "Essential only", so the pages after it show no banner. */
async function dismissCookieBanner(page: Page, locale: Locale) {
  await page.goto(`/${locale}`)
  await hydrated(page)
  const banner = cookieBanner(page, locale)
  await banner.getByRole('button', { name: ui(locale, 'cookie-consent:essentialOnly'), exact: true }).click()
  await expect(banner).toHaveCount(0)
}

async function headerHeight(page: Page): Promise<number> {
  const box = await header(page).boundingBox()
  expect(box, 'the header is on the page').not.toBeNull()
  return box!.height
}

function menuToggle(page: Page, locale: Locale) {
  return header(page).locator('summary', { hasText: ui(locale, 'common:nav.menu') })
}

for (const locale of LOCALES) {
  test.describe(`${locale}: a 390 px phone`, () => {
    test('no visitor page scrolls sideways, with the cookie banner', async ({ page }) => {
      test.setTimeout(180_000)
      await page.goto(`/${locale}`)
      await expect(cookieBanner(page, locale)).toBeVisible()
      expect(await overflowing(page, visitorPages(locale))).toEqual([])
    })

    test('no visitor page scrolls sideways, without the cookie banner', async ({ page }) => {
      test.setTimeout(180_000)
      await dismissCookieBanner(page, locale)
      expect(await overflowing(page, visitorPages(locale))).toEqual([])
    })

    test('the cookie banner leaves most of the first screen to the page', async ({ page }) => {
      await page.goto(`/${locale}/pricing`)
      const banner = await cookieBanner(page, locale).boundingBox()
      expect(banner).not.toBeNull()
      expect(banner!.height, 'the banner is less than half the screen high').toBeLessThan(PHONE.height / 2)
      // The page's own heading is in the first screen too.
      const heading = await page.getByRole('heading', { level: 1 }).boundingBox()
      expect(heading!.y + heading!.height).toBeLessThan(PHONE.height)
    })

    test('a signed-in person: no page scrolls sideways, the header is one short row with the balance and the account', async ({
      page,
      baseURL,
    }) => {
      test.setTimeout(180_000)
      const person = newPerson(locale, 'layout')
      await registerOverHttp(page.request, baseURL, person)
      await dismissCookieBanner(page, locale)
      expect(await overflowing(page, accountPages(locale))).toEqual([])

      await page.goto(`/${locale}`)
      await hydrated(page)
      expect(await headerHeight(page)).toBeLessThanOrEqual(HEADER_MAX)
      // At hand without opening the menu: the balance and the account.
      await expect(headerBalance(page, locale, 0)).toBeVisible()
      await expect(
        header(page).getByRole('link', { name: ui(locale, 'account:nav.account'), exact: true }),
      ).toBeVisible()
      // Signing out is in the menu.
      await expect(header(page).getByRole('button', { name: ui(locale, 'account:nav.signOut') })).toHaveCount(0)
      await menuToggle(page, locale).click()
      await expectSignedIn(page, locale)
      // The menu opened over the page, not pushing it down: the header is as high as before.
      expect(await headerHeight(page)).toBeLessThanOrEqual(HEADER_MAX)
      // Following a link closes it.
      await header(page)
        .getByRole('link', { name: ui(locale, 'common:nav.pricing'), exact: true })
        .click()
      await expect(page).toHaveURL(`/${locale}/pricing`)
      await expect(header(page).getByRole('button', { name: ui(locale, 'account:nav.signOut') })).toHaveCount(0)
    })

    test('a visitor: the header is one short row, and the menu holds the navigation, the account links and the language', async ({
      page,
    }) => {
      await page.goto(`/${locale}/privacy`)
      await hydrated(page)
      expect(await headerHeight(page)).toBeLessThanOrEqual(HEADER_MAX)
      await expect(
        header(page).getByRole('link', { name: ui(locale, 'account:nav.signIn'), exact: true }),
      ).toBeVisible()
      const pricing = header(page).getByRole('link', { name: ui(locale, 'common:nav.pricing'), exact: true })
      await expect(pricing).toBeHidden()
      await menuToggle(page, locale).click()
      await expect(pricing).toBeVisible()
      await expect(
        header(page).getByRole('link', { name: ui(locale, 'account:nav.register'), exact: true }),
      ).toBeVisible()
      await expect(header(page).getByRole('link', { name: ui(locale, 'common:language.switchTo') })).toBeVisible()
      // Escape closes it again.
      await page.keyboard.press('Escape')
      await expect(pricing).toBeHidden()
    })
  })

  test.describe(`${locale}: a 390 px phone without JavaScript`, () => {
    test.use({ javaScriptEnabled: false })

    test('the menu opens and its links work', async ({ page }) => {
      await page.goto(`/${locale}`)
      expect(await headerHeight(page)).toBeLessThanOrEqual(HEADER_MAX)
      const nav = header(page).getByRole('navigation', { name: ui(locale, 'common:nav.label') })
      const pricing = header(page).getByRole('link', { name: ui(locale, 'common:nav.pricing'), exact: true })
      await expect(nav).toBeHidden()
      await menuToggle(page, locale).click()
      await expect(nav).toBeVisible()
      await expect(pricing).toBeVisible()
      await pricing.click()
      await expect(page).toHaveURL(`/${locale}/pricing`)
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(ui(locale, 'pricing:heading'))
    })
  })

  test.describe(`${locale}: a desktop screen`, () => {
    test.use({ viewport: { width: 1280, height: 800 } })

    test('the narrowest screen with the header in one row fits a signed-in person’s links', async ({
      page,
      baseURL,
    }) => {
      await page.setViewportSize({ width: 961, height: 800 })
      await registerOverHttp(page.request, baseURL, newPerson(locale, 'layout-wide'))
      expect(await overflowing(page, [`/${locale}/pricing`])).toEqual([])
      await expect(menuToggle(page, locale)).toBeHidden()
      await expectSignedIn(page, locale)
      expect(await headerHeight(page)).toBeLessThanOrEqual(HEADER_MAX)
    })

    test('the menu stands open in the header row, without a menu button', async ({ page }) => {
      await page.goto(`/${locale}`)
      await expect(menuToggle(page, locale)).toBeHidden()
      await expect(header(page).getByRole('navigation', { name: ui(locale, 'common:nav.label') })).toBeVisible()
      await expect(
        header(page).getByRole('link', { name: ui(locale, 'account:nav.signIn'), exact: true }),
      ).toBeVisible()
      await expect(header(page).getByRole('link', { name: ui(locale, 'common:language.switchTo') })).toBeVisible()
      expect(await headerHeight(page)).toBeLessThanOrEqual(HEADER_MAX)
    })
  })
}
