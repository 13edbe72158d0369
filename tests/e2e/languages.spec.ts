import { expect, test, type Page } from '@playwright/test'
import { fixtureDocument } from './support/fixture-dataset'
import { browserLocale, LOCALES, otherLocale, ui, type Locale } from './support/ui-text'

async function expectAlternates(page: Page, baseURL: string, path: string) {
  const rest = path.replace(/^\/[a-z]{2}/, '')
  for (const locale of LOCALES) {
    await expect(page.locator(`head link[rel="alternate"][hreflang="${locale}"]`)).toHaveAttribute(
      'href',
      `${baseURL}/${locale}${rest}`,
    )
  }
  await expect(page.locator('head link[rel="alternate"][hreflang="x-default"]')).toHaveAttribute('href', `${baseURL}/`)
}

for (const locale of LOCALES) {
  test.describe(`${locale} pages`, () => {
    test('home renders in its language with hreflang alternates', async ({ page, baseURL }) => {
      const response = await page.goto(`/${locale}`)
      expect(response?.status()).toBe(200)
      await expect(page.locator('html')).toHaveAttribute('lang', locale)
      await expect(page).toHaveTitle(ui(locale, 'home:title'))
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(ui(locale, 'home:heroTitle'))
      await expect(page.getByRole('link', { name: ui(locale, 'skipToContent') })).toHaveAttribute('href', '#main')
      await expectAlternates(page, baseURL!, `/${locale}`)
      // Every document kind is offered, in this language.
      const documents = page.locator('#documents')
      for (const kind of ['privacy', 'terms', 'cookies', 'consent']) {
        await expect(documents.getByRole('link', { name: ui(locale, `documentKinds.${kind}`) })).toHaveAttribute(
          'href',
          `/${locale}/${kind}`,
        )
      }
    })

    test('a policy page has a localized title and alternates', async ({ page, baseURL }) => {
      const document = fixtureDocument('privacy', locale, 2)
      await page.goto(`/${locale}/privacy`)
      await expect(page.locator('html')).toHaveAttribute('lang', locale)
      await expect(page).toHaveTitle(`${document.title} — ${ui(locale, 'siteName')}`)
      await expectAlternates(page, baseURL!, `/${locale}/privacy`)
    })
  })
}

test.describe('/ picks a language', () => {
  const cases: Array<[string, string | undefined, Locale]> = [
    ['English Accept-Language', 'en-US,en;q=0.9', 'en'],
    ['Russian Accept-Language', 'ru-RU,ru;q=0.9,en;q=0.8', 'ru'],
    ['English preferred over Russian by quality', 'ru;q=0.5,en;q=0.8', 'en'],
    ['English acceptable after an unsupported first choice', 'de-DE,de;q=0.9,en;q=0.8', 'en'],
    ['an unsupported language falls back to ru', 'fr-FR,fr;q=0.9', 'ru'],
    ['no Accept-Language falls back to ru', undefined, 'ru'],
  ]
  for (const [name, header, expected] of cases) {
    test(`${name} → /${expected}`, async ({ playwright, baseURL }) => {
      // Known bug: remix-i18next's header detection keeps only the client's
      // first choice ("de"), finds it unsupported and falls back to ru,
      // although en is acceptable. Remove this line when detectLocale is fixed.
      // A fresh request context: no cookie from any other test.
      const request = await playwright.request.newContext({ baseURL })
      const response = await request.get('/', {
        maxRedirects: 0,
        headers: header ? { 'Accept-Language': header } : {},
      })
      expect(response.status()).toBe(302)
      expect(response.headers()['location']).toBe(`/${expected}`)
      expect(response.headers()['vary']).toMatch(/Accept-Language/i)
      expect(response.headers()['vary']).toMatch(/Cookie/i)
      await request.dispose()
    })
  }

  test('the remembered language cookie wins over Accept-Language', async ({ playwright, baseURL }) => {
    const request = await playwright.request.newContext({ baseURL })
    const chosen = await request.get('/language?lang=en&next=/en', { maxRedirects: 0 })
    expect(chosen.status()).toBe(303)
    expect(chosen.headers()['location']).toBe('/en')
    const setCookie = chosen.headers()['set-cookie'] ?? ''
    expect(setCookie).toMatch(/^lng=/)
    expect(setCookie).toMatch(/HttpOnly/i)
    expect(setCookie).toMatch(/SameSite=Lax/i)
    expect(setCookie).toMatch(/Path=\//i)

    const root = await request.get('/', { maxRedirects: 0, headers: { 'Accept-Language': 'ru-RU,ru;q=0.9' } })
    expect(root.headers()['location']).toBe('/en')
    await request.dispose()
  })

  test('a language-less link of an archived legal text reaches the page in the person’s language', async ({
    playwright,
    baseURL,
  }) => {
    const request = await playwright.request.newContext({ baseURL })
    const english = await request.get('/account/delete?from=archive', {
      maxRedirects: 0,
      headers: { 'Accept-Language': 'en-GB,en;q=0.9' },
    })
    expect(english.status()).toBe(302)
    expect(english.headers()['location']).toBe('/en/account/delete?from=archive')
    const russian = await request.get('/account/export', { maxRedirects: 0 })
    expect(russian.status()).toBe(302)
    expect(russian.headers()['location']).toBe('/ru/account/export')
    // Followed, it ends on a page of the site, not on a 404.
    expect((await request.get('/privacy', { headers: { 'Accept-Language': 'en-GB,en;q=0.9' } })).url()).toBe(
      `${baseURL}/en/privacy`,
    )
    // Paths that are no page of the site stay 404s.
    for (const path of ['/account/nothing', '/de/privacy', '/nowhere']) {
      expect((await request.get(path, { maxRedirects: 0 })).status(), path).toBe(404)
    }
    await request.dispose()
  })

  test('the language switch only redirects within the site', async ({ request }) => {
    for (const next of ['//evil.example/en', 'https://evil.example/en', '/en\\@evil.example', '/ru/privacy']) {
      const response = await request.get(`/language?${new URLSearchParams({ lang: 'en', next })}`, { maxRedirects: 0 })
      expect(response.status(), next).toBe(303)
      expect(response.headers()['location'], next).toBe('/en')
    }
    const bad = await request.get('/language?lang=de&next=/de', { maxRedirects: 0 })
    expect(bad.status()).toBe(400)
  })
})

test.describe('the language switch', () => {
  // The browser asks for Russian; only the switch can make the site English.
  test.use({ locale: browserLocale('ru') })

  test('keeps the page, then / remembers the choice', async ({ page }) => {
    await page.goto('/')
    await expect(page).toHaveURL(/\/ru$/)

    await page.goto('/ru/privacy/changes?from=1&to=3')
    await page.getByRole('link', { name: ui('ru', 'language.switchTo') }).click()
    await expect(page).toHaveURL(/\/en\/privacy\/changes\?from=1&to=3$/)
    await expect(page.locator('html')).toHaveAttribute('lang', 'en')
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(
      ui('en', 'legal:changes.title', { document: ui('en', 'documentKinds.privacy'), from: 1, to: 3 }),
    )

    await page.goto('/')
    await expect(page).toHaveURL(/\/en$/)
    await expect(page.locator('html')).toHaveAttribute('lang', 'en')

    // And back again.
    await page.goto('/en/privacy/versions')
    await page.getByRole('link', { name: ui('en', 'language.switchTo') }).click()
    await expect(page).toHaveURL(/\/ru\/privacy\/versions$/)
    await expect(page.locator('html')).toHaveAttribute('lang', 'ru')
    await page.goto('/')
    await expect(page).toHaveURL(/\/ru$/)
  })

  test('works without JavaScript', async ({ browser }) => {
    const context = await browser.newContext({ javaScriptEnabled: false, locale: browserLocale('ru') })
    const page = await context.newPage()
    for (const locale of LOCALES) {
      const target = otherLocale(locale)
      await page.goto(`/${locale}/privacy/v/1`)
      await page.getByRole('link', { name: ui(locale, 'language.switchTo') }).click()
      await expect(page).toHaveURL(new RegExp(`/${target}/privacy/v/1$`))
      await expect(page.locator('html')).toHaveAttribute('lang', target)
    }
    await context.close()
  })
})
