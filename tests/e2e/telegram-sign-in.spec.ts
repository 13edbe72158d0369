import { expect, test, type Page } from '@playwright/test'
import { expectAccessible, hydrated } from './support/axe'
import { LOCALES, ui } from './support/ui-text'

// Telegram's sign-in button is a script from telegram.org; loading it hands
// Telegram the visitor's IP address. The "seed" server has Telegram
// sign-in switched on (playwright.config.ts), and the browser never reaches
// the real telegram.org: a stand-in script answers for it and writes down
// what the page gave it.

const BOT = process.env.PALITRA_E2E_TELEGRAM_BOT ?? 'PalitraE2eBot'

/** Answers every request to telegram.org with a stand-in widget; returns the addresses asked for. */
async function standInTelegram(page: Page): Promise<string[]> {
  const asked: string[] = []
  await page.route(
    (url) => url.hostname === 'telegram.org' || url.hostname.endsWith('.telegram.org'),
    (route) => {
      asked.push(route.request().url())
      return route.fulfill({
        contentType: 'application/javascript',
        body: `(() => {
          const s = document.currentScript
          const p = document.createElement('p')
          p.id = 'telegram-stand-in'
          p.textContent = s.dataset.telegramLogin + ' ' + s.dataset.authUrl
          s.before(p)
        })()`,
      })
    },
  )
  return asked
}

const telegramLink = (page: Page, locale: (typeof LOCALES)[number]) =>
  page.getByRole('link', { name: ui(locale, 'account:providers.signInWith', { name: 'Telegram' }) })

for (const locale of LOCALES) {
  test.describe(`Telegram sign-in in ${locale}`, () => {
    test('the sign-in page lists Telegram but neither names nor contacts telegram.org', async ({ page, request }) => {
      const html = await (await request.get(`/${locale}/login`)).text()
      expect(html).toContain(`/${locale}/login/telegram`)
      expect(html).not.toContain('telegram.org')

      const asked = await standInTelegram(page)
      await page.goto(`/${locale}/login`)
      await hydrated(page)
      await expect(telegramLink(page, locale)).toBeVisible()
      await expect(page.getByText(ui(locale, 'account:providers.telegramHint'))).toBeVisible()
      expect(asked).toEqual([])
    })

    test('the Telegram step says what Telegram receives, then loads its button', async ({ page, request, baseURL }) => {
      const html = await (await request.get(`/${locale}/login/telegram`)).text()
      expect(html).toContain('telegram.org')

      const asked = await standInTelegram(page)
      await page.goto(`/${locale}/login`)
      await hydrated(page)
      // Chosen on the sign-in page: a client-side navigation, which must still start the widget.
      await telegramLink(page, locale).click()
      await expect(page).toHaveURL(`/${locale}/login/telegram`)
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(ui(locale, 'account:telegram.title'))
      await expect(page.getByText(ui(locale, 'account:telegram.notice'))).toBeVisible()
      await expect(page.locator('#telegram-stand-in')).toHaveText(`${BOT} ${baseURL}/auth/telegram/callback`)
      expect(asked).toEqual(['https://telegram.org/js/telegram-widget.js?22'])
      await expectAccessible(page, `/${locale}/login/telegram`)

      // Opened directly, the same: one widget.
      await page.goto(`/${locale}/login/telegram`)
      await expect(page.locator('#telegram-stand-in')).toHaveCount(1)
      await page.getByRole('link', { name: ui(locale, 'account:telegram.back') }).click()
      await expect(page).toHaveURL(`/${locale}/login`)
      // Leaving the step takes the button away with it.
      await expect(page.locator('#telegram-stand-in')).toHaveCount(0)
    })

    test.describe('without JavaScript', () => {
      test.use({ javaScriptEnabled: false })

      test('the link leads to the step, which explains that the button needs JavaScript', async ({ page, request }) => {
        const asked = await standInTelegram(page)
        await page.goto(`/${locale}/login`)
        await telegramLink(page, locale).click()
        await expect(page).toHaveURL(`/${locale}/login/telegram`)
        await expect(page.getByText(ui(locale, 'account:telegram.notice'))).toBeVisible()
        expect(asked).toEqual([])
        // Playwright's switch blocks scripts without turning the parser's
        // scripting flag off, so Chromium does not show <noscript> here; the
        // explanation is checked in the HTML a browser without JavaScript gets.
        const html = await (await request.get(`/${locale}/login/telegram`)).text()
        expect(html).toContain(`${ui(locale, 'account:telegram.noScript')}</p></noscript>`)
      })
    })
  })
}
