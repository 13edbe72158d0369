import { expect, test, type Page } from '@playwright/test'
import { browserLocale, LOCALES, otherLocale, ui, type Locale } from './support/ui-text'

// Addresses under a known language prefix answer in that language, whatever
// the browser asks for; the rest follow Accept-Language.
const UNDER_PREFIX = [
  '/{lang}/unknown-kind',
  '/{lang}/privacy/v/99',
  '/{lang}/privacy/v/0',
  '/{lang}/privacy/v/abc',
  '/{lang}/privacy/versions/extra',
  '/{lang}/privacy/changes?from=1&to=99',
  '/{lang}/consent/versions',
]
const NO_PREFIX = ['/fr', '/de/privacy', '/xx/privacy/versions', '/EN/privacy']

test.describe('server-rendered 404 pages', () => {
  // What matters is what the server answers; scripts only slow the many loads down.
  test.use({ javaScriptEnabled: false })

  for (const locale of LOCALES) {
    test.describe(`404 pages in ${locale}`, () => {
      // The browser prefers the other language, so the prefix alone must decide.
      test.use({ locale: browserLocale(otherLocale(locale)) })

      for (const template of UNDER_PREFIX) {
        const path = template.replace('{lang}', locale)
        test(`${path} is a localized 404 inside the site layout`, async ({ page }) => {
          const response = await page.goto(path)
          expect(response?.status()).toBe(404)
          await expectNotFoundPage(page, locale)
          // The language layout (header and footer) is kept around the error.
          await expect(page.getByRole('link', { name: ui(locale, 'skipToContent') })).toBeAttached()
          await expect(page.getByRole('contentinfo')).toBeVisible()
        })
      }
    })

    test.describe(`404 pages without a known prefix, Accept-Language ${locale}`, () => {
      test.use({ locale: browserLocale(locale) })
      for (const path of NO_PREFIX) {
        test(`${path} is a 404 in ${locale}`, async ({ page }) => {
          const response = await page.goto(path)
          expect(response?.status()).toBe(404)
          await expectNotFoundPage(page, locale)
        })
      }
    })
  }
})

test('a 404 stays localized once JavaScript has hydrated it', async ({ page }) => {
  for (const locale of LOCALES) {
    await page.goto(`/${locale}/privacy/v/99`)
    await page.waitForFunction(() => '__remixRouter' in window)
    await expectNotFoundPage(page, locale)
  }
})

test('a document missing in one language says so and links to the other', async ({ page }) => {
  // The fixture dataset has a Russian cookie policy and no English one.
  const response = await page.goto('/en/cookies')
  expect(response?.status()).toBe(404)
  await expect(page.locator('html')).toHaveAttribute('lang', 'en')
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(ui('en', 'documentKinds.cookies'))
  await expect(page.getByRole('main')).toContainText(ui('en', 'legal:missingInLocale'))
  await page.getByRole('link', { name: ui('en', 'legal:readInOtherLocale') }).click()
  await expect(page).toHaveURL(/\/ru\/cookies$/)
  await expect(page.locator('html')).toHaveAttribute('lang', 'ru')
})

test('a kind with no document in any language is a 404 that says so', async ({ page }) => {
  const response = await page.goto('/ru/consent')
  expect(response?.status()).toBe(404)
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(ui('ru', 'documentKinds.consent'))
  await expect(page.getByRole('main')).toContainText(ui('ru', 'legal:missingInLocale'))
  await expect(page.getByRole('link', { name: ui('ru', 'legal:readInOtherLocale') })).toHaveCount(0)
})

async function expectNotFoundPage(page: Page, locale: Locale) {
  await expect(page.locator('html')).toHaveAttribute('lang', locale)
  await expect(page).toHaveTitle(`${ui(locale, 'errors.notFoundTitle')} — ${ui(locale, 'siteName')}`)
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(ui(locale, 'errors.notFoundTitle'))
  await expect(page.getByRole('main')).toContainText(ui(locale, 'errors.notFoundText'))
  await expect(page.getByRole('link', { name: ui(locale, 'errors.backHome') })).toHaveAttribute('href', `/${locale}`)
}
