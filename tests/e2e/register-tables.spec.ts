import { expect, test, type Page } from '@playwright/test'
import { COOKIES, RETENTION, type CookieDeclaration, type RetentionEntry } from '../../app/platform/processing-register'
import { DOCUMENT_KINDS } from '../../app/platform/document-kinds'
import { LOCALES, ui, type Locale } from './support/ui-text'

// Runs against the shipped seed dataset. The newest version of the cookie
// policy and of the privacy policy shows tables filled from the register of
// processing: what a reader sees is what the code declares.

test.use({ javaScriptEnabled: false })

async function openNewest(page: Page, locale: Locale, kind: 'cookies' | 'privacy') {
  await page.goto(`/${locale}/${kind}/versions`)
  const versions = await page
    .locator('table.versions tbody tr th')
    .evaluateAll((ths) => ths.map((th) => Number(th.textContent)))
  const newest = Math.max(...versions)
  const response = await page.goto(`/${locale}/${kind}/v/${newest}`)
  expect(response?.status()).toBe(200)
}

/** The first cell of every body row of every table in the document. */
async function firstCells(page: Page): Promise<string[]> {
  return page
    .locator('.legal-body table tbody tr')
    .evaluateAll((trs) => trs.map((tr) => tr.querySelector('td')?.textContent?.trim() ?? ''))
}

for (const locale of LOCALES) {
  test(`${locale}: the newest cookie policy lists every cookie the site sets`, async ({ page }) => {
    await openNewest(page, locale, 'cookies')
    const cells = await firstCells(page)
    for (const cookie of COOKIES as readonly CookieDeclaration[]) {
      expect(cells, cookie.name).toContain(cookie.names ? cookie.names.join(', ') : cookie.name)
    }
  })

  test(`${locale}: the newest privacy policy shows every retention period the code keeps`, async ({ page }) => {
    await openNewest(page, locale, 'privacy')
    const cells = await firstCells(page)
    for (const entry of Object.values(RETENTION) as RetentionEntry[])
      expect(cells, entry.id).toContain(entry.data[locale])
  })

  test(`${locale}: the newest privacy policy says, for each document, when and how account holders are told of a material change`, async ({
    page,
  }) => {
    await openNewest(page, locale, 'privacy')
    const caption =
      locale === 'ru'
        ? 'Предварительное уведомление о существенных изменениях документов'
        : 'Advance notice of material changes to the documents'
    const table = page.locator('.legal-body table').filter({ has: page.locator('caption', { hasText: caption }) })
    await expect(table).toHaveCount(1)
    const rows = await table
      .locator('tbody tr')
      .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent?.trim() ?? '')))
    expect(rows.map((cells) => cells[0])).toEqual(DOCUMENT_KINDS.map((kind) => ui(locale, `documentKinds.${kind}`)))
    for (const cells of rows) expect(cells[1]).toMatch(/\d/)
  })

  test(`${locale}: on a phone, the cookie table reads as one card per cookie`, async ({ page }) => {
    await page.setViewportSize({ width: 390, height: 844 })
    await openNewest(page, locale, 'cookies')
    const wrap = page.locator('.table-wrap--stacks').first()
    await expect(wrap).toBeVisible()
    // No sideways scrolling: the table fits the screen.
    const { scrollWidth, clientWidth } = await wrap.evaluate((el) => ({
      scrollWidth: el.scrollWidth,
      clientWidth: el.clientWidth,
    }))
    expect(scrollWidth).toBeLessThanOrEqual(clientWidth)
  })
}
