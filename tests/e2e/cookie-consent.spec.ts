import { expect, test, type BrowserContext, type Page } from '@playwright/test'
import { expectAccessible, hydrated } from './support/axe'
import { LOCALES, ui, type Locale } from './support/ui-text'

// The cookie banner on the shipped seed content (it has a cookie policy in
// both languages). The version the banner asks about is read from the page:
// the legal team publishes new ones.

const OPTIONAL = ['palitra_consent', 'palitra_prefs', 'palitra_stats']

function banner(page: Page, locale: Locale) {
  return page.getByRole('region', { name: ui(locale, 'cookie-consent:heading') })
}

function button(scope: Page | ReturnType<typeof banner>, locale: Locale, key: string) {
  return scope.getByRole('button', { name: ui(locale, `cookie-consent:${key}`), exact: true })
}

function checkbox(scope: Page | ReturnType<typeof banner>, locale: Locale, category: string) {
  return scope.getByRole('checkbox', { name: ui(locale, `cookie-consent:${category}.label`) })
}

function footerSettings(page: Page, locale: Locale) {
  return page.getByRole('contentinfo').getByRole('link', { name: ui(locale, 'footer.cookieSettings'), exact: true })
}

async function cookieNames(context: BrowserContext): Promise<string[]> {
  return (await context.cookies()).map((c) => c.name)
}

/** The cookie policy version the banner names, from its link to the exact text. */
async function versionAsked(page: Page, locale: Locale): Promise<number> {
  const href = await banner(page, locale).locator(`a[href^="/${locale}/cookies/v/"]`).getAttribute('href')
  const version = Number(/\/v\/(\d+)$/.exec(href ?? '')?.[1])
  expect(version, `the banner links to a version (${href})`).toBeGreaterThan(0)
  return version
}

async function expectAsking(page: Page, locale: Locale) {
  const region = banner(page, locale)
  await expect(region).toBeVisible()
  for (const key of ['acceptAll', 'essentialOnly', 'customise']) await expect(button(region, locale, key)).toBeVisible()
  await expect(region.getByRole('checkbox')).toHaveCount(0)
  const version = await versionAsked(page, locale)
  await expect(region.locator('input[type=hidden][name=shownVersion]')).toHaveValue(String(version))
}

for (const locale of LOCALES) {
  test.describe(`${locale}: without JavaScript`, () => {
    test.use({ javaScriptEnabled: false })

    test('the banner asks, "Essential only" is one click, and the footer link shows the choice', async ({
      page,
      context,
    }) => {
      await page.goto(`/${locale}/pricing`)
      await expectAsking(page, locale)
      // Nothing optional before a choice.
      expect((await cookieNames(context)).filter((n) => OPTIONAL.includes(n))).toEqual([])

      await button(banner(page, locale), locale, 'essentialOnly').click()
      await expect(page).toHaveURL(new RegExp(`/${locale}/pricing$`))
      await expect(banner(page, locale)).toHaveCount(0)
      const names = await cookieNames(context)
      expect(names).toContain('palitra_consent')
      expect(names).not.toContain('palitra_stats')
      expect(names).not.toContain('palitra_prefs')

      // "Cookie settings" at the bottom: a page with the choice in force.
      await footerSettings(page, locale).click()
      await expect(page).toHaveURL(new RegExp(`/${locale}/cookie-consent\\?returnTo=%2F${locale}%2Fpricing$`))
      const main = page.getByRole('main')
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(ui(locale, 'cookie-consent:settings.title'))
      const essential = checkbox(main, locale, 'essential')
      await expect(essential).toBeChecked()
      await expect(essential).toBeDisabled()
      await expect(checkbox(main, locale, 'preferences')).not.toBeChecked()
      await expect(checkbox(main, locale, 'analytics')).not.toBeChecked()

      // Turning preferences on from there goes back to the page.
      await checkbox(main, locale, 'preferences').check()
      await button(main, locale, 'save').click()
      await expect(page).toHaveURL(new RegExp(`/${locale}/pricing$`))
      await expect(banner(page, locale)).toHaveCount(0)
      await footerSettings(page, locale).click()
      await expect(checkbox(page.getByRole('main'), locale, 'preferences')).toBeChecked()
      await expect(checkbox(page.getByRole('main'), locale, 'analytics')).not.toBeChecked()
    })

    test('"Customise" leads to the checkboxes, and "Accept all" turns analytics on', async ({ page, context }) => {
      await page.goto(`/${locale}`)
      await button(banner(page, locale), locale, 'customise').click()
      await expect(page).toHaveURL(new RegExp(`/${locale}/cookie-consent\\?returnTo=%2F${locale}$`))
      const main = page.getByRole('main')
      await expect(checkbox(main, locale, 'analytics')).not.toBeChecked()
      await button(main, locale, 'acceptAll').click()
      await expect(page).toHaveURL(new RegExp(`/${locale}$`))
      await expect(banner(page, locale)).toHaveCount(0)
      expect(await cookieNames(context)).toEqual(expect.arrayContaining(['palitra_consent', 'palitra_stats']))
    })
  })

  test.describe(`${locale}: with JavaScript`, () => {
    test('choices are saved in place, and the footer link reopens the banner with them', async ({ page, context }) => {
      await page.goto(`/${locale}/pricing`)
      await hydrated(page)
      await expectAsking(page, locale)
      await expectAccessible(page, `cookie banner ${locale}`)

      await button(banner(page, locale), locale, 'essentialOnly').click()
      await expect(page.getByRole('status').filter({ hasText: ui(locale, 'cookie-consent:saved') })).toBeVisible()
      await expect(banner(page, locale)).toHaveCount(0)
      await expect(page).toHaveURL(new RegExp(`/${locale}/pricing$`))
      expect(await cookieNames(context)).toContain('palitra_consent')
      expect(await cookieNames(context)).not.toContain('palitra_stats')

      // Reopened in place, showing the choice, focus on it.
      await footerSettings(page, locale).click()
      await expect(page).toHaveURL(new RegExp(`/${locale}/pricing$`))
      const region = banner(page, locale)
      await expect(region).toBeVisible()
      await expect(region.getByRole('heading', { level: 2 })).toBeFocused()
      await expect(checkbox(region, locale, 'preferences')).not.toBeChecked()
      await expect(checkbox(region, locale, 'analytics')).not.toBeChecked()
      await expectAccessible(page, `cookie settings ${locale}`)

      // "Accept all" from there: both on, analytics starts its visitor id.
      await button(region, locale, 'acceptAll').click()
      await expect(banner(page, locale)).toHaveCount(0)
      await expect.poll(() => cookieNames(context)).toContain('palitra_stats')
      await footerSettings(page, locale).click()
      await expect(checkbox(banner(page, locale), locale, 'preferences')).toBeChecked()
      await expect(checkbox(banner(page, locale), locale, 'analytics')).toBeChecked()

      // Switching analytics off deletes its cookie.
      await checkbox(banner(page, locale), locale, 'analytics').uncheck()
      await button(banner(page, locale), locale, 'save').click()
      await expect(banner(page, locale)).toHaveCount(0)
      await expect.poll(() => cookieNames(context)).not.toContain('palitra_stats')
      expect(await cookieNames(context)).toContain('palitra_consent')
    })

    test('"Customise" opens the checkboxes in place', async ({ page }) => {
      await page.goto(`/${locale}`)
      await hydrated(page)
      await button(banner(page, locale), locale, 'customise').click()
      await expect(page).toHaveURL(new RegExp(`/${locale}$`))
      await expect(checkbox(banner(page, locale), locale, 'preferences')).not.toBeChecked()
      await expect(checkbox(banner(page, locale), locale, 'analytics')).not.toBeChecked()
      await expect(button(banner(page, locale), locale, 'save')).toBeVisible()
    })
  })

  test.describe(`${locale}: with Global Privacy Control`, () => {
    test.use({ extraHTTPHeaders: { 'Sec-GPC': '1' } })

    test('the banner says why analytics stays off, and "Accept all" leaves it off', async ({ page, context }) => {
      await page.goto(`/${locale}/pricing`)
      await hydrated(page)
      await expect(banner(page, locale)).toContainText(ui(locale, 'cookie-consent:gpc'))
      await button(banner(page, locale), locale, 'acceptAll').click()
      await expect(banner(page, locale)).toHaveCount(0)
      const names = await cookieNames(context)
      expect(names).toContain('palitra_consent')
      expect(names).not.toContain('palitra_stats')

      await footerSettings(page, locale).click()
      const region = banner(page, locale)
      await expect(checkbox(region, locale, 'preferences')).toBeChecked()
      await expect(checkbox(region, locale, 'analytics')).not.toBeChecked()

      // Only an explicit tick turns it on.
      await checkbox(region, locale, 'analytics').check()
      await button(region, locale, 'save').click()
      await expect(banner(page, locale)).toHaveCount(0)
      await expect.poll(() => cookieNames(context)).toContain('palitra_stats')
    })
  })
}
