import { expect, test } from '@playwright/test'
import { EFFECTIVE_DATE, fixtureDocument, PRIVACY } from './support/fixture-dataset'
import { LOCALES, ui } from './support/ui-text'

// Words the fixture dataset changes between versions 1 and 2 of the privacy policy.
const CHANGED = {
  ru: { deleted: 'обращается', inserted: 'собирает' },
  en: { deleted: 'handles', inserted: 'collects' },
} as const

for (const locale of LOCALES) {
  test.describe(`${locale} changes page`, () => {
    const documentName = ui(locale, 'documentKinds.privacy')
    const title = (from: number, to: number) => ui(locale, 'legal:changes.title', { document: documentName, from, to })

    test('marks inserted and deleted text and shows the change summary', async ({ page }) => {
      const response = await page.goto(`/${locale}/privacy/changes?from=1&to=2`)
      expect(response?.status()).toBe(200)
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(title(1, 2))
      await expect(page).toHaveTitle(`${title(1, 2)} — ${ui(locale, 'siteName')}`)
      await expect(page.locator('meta[name="robots"]')).toHaveAttribute('content', 'noindex')

      const diff = page.locator('.diff')
      expect(await diff.locator('ins').count()).toBeGreaterThan(0)
      expect(await diff.locator('del').count()).toBeGreaterThan(0)
      await expect(diff.locator('del', { hasText: CHANGED[locale].deleted })).toHaveCount(1)
      await expect(diff.locator('ins', { hasText: CHANGED[locale].inserted })).toHaveCount(1)
      // Screen readers hear which is which, not only see a colour.
      await expect(diff.locator('ins').first()).toContainText(ui(locale, 'legal:changes.inserted'))
      await expect(diff.locator('del').first()).toContainText(ui(locale, 'legal:changes.deleted'))

      const summary = page.getByRole('region', { name: ui(locale, 'legal:changes.summaryHeading') })
      await expect(summary).toContainText(fixtureDocument('privacy', locale, 2).changeSummary!)
      await expect(summary).not.toContainText(fixtureDocument('privacy', locale, 3).changeSummary!)

      const meta = page.locator('.legal__meta')
      await expect(meta).toContainText(EFFECTIVE_DATE[locale][1])
      await expect(meta).toContainText(EFFECTIVE_DATE[locale][2])
    })

    test('a table that changed stays a table, the changed cell marked inside its row', async ({ page }) => {
      // Versions 2 and 3 of the fixture differ in one cell of the retention table ("90" → "60" days).
      await page.goto(`/${locale}/privacy/changes?from=2&to=3`)
      const table = page.locator('.diff table')
      await expect(table).toHaveCount(1)
      const before = fixtureDocument('privacy', locale, 2).body.find((b) => b._type === 'table')!
      const header = before.rows[0]!.cells
      await expect(table.locator('thead th')).toHaveText(header)
      await expect(table.locator('caption')).toHaveText(before.caption!)
      const changedRow = table.locator('tbody tr', { has: page.locator('del') })
      await expect(changedRow).toHaveCount(1)
      await expect(changedRow.locator('td').first()).toHaveText(before.rows[2]!.cells[0]!)
      await expect(changedRow.locator('td').nth(1).locator('del')).toContainText('90')
      await expect(changedRow.locator('td').nth(1).locator('ins')).toContainText('60')
      // The unchanged row is a row of cells, not a line of text.
      await expect(table.locator('tbody tr').first().locator('td')).toHaveText(before.rows[1]!.cells)
    })

    test('without a range compares the version in force with the one before', async ({ page }) => {
      await page.goto(`/${locale}/privacy/changes`)
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(title(PRIVACY.superseded, PRIVACY.inForce))
    })

    test('a range over several versions shows every summary in it', async ({ page }) => {
      await page.goto(`/${locale}/privacy/changes?from=1&to=3`)
      const summary = page.getByRole('region', { name: ui(locale, 'legal:changes.summaryHeading') })
      await expect(summary).toContainText(fixtureDocument('privacy', locale, 2).changeSummary!)
      await expect(summary).toContainText(fixtureDocument('privacy', locale, 3).changeSummary!)
      await expect(summary).toContainText(ui(locale, 'legal:versions.material'))
    })

    test('a backwards range is a localized 400', async ({ page }) => {
      const response = await page.goto(`/${locale}/privacy/changes?from=2&to=1`)
      expect(response?.status()).toBe(400)
      await expect(page.locator('html')).toHaveAttribute('lang', locale)
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(ui(locale, 'errors.badRequestTitle'))
      await expect(page.getByRole('main')).toContainText(ui(locale, 'legal:changes.badRange'))
    })

    test.describe('without JavaScript', () => {
      test.use({ javaScriptEnabled: false })

      test('the version picker is a plain GET form', async ({ page }) => {
        await page.goto(`/${locale}/privacy/changes?from=1&to=2`)
        const picker = page.getByRole('form', { name: ui(locale, 'legal:changes.pickerLegend') })
        await picker.getByLabel(ui(locale, 'legal:changes.from')).selectOption('2')
        await picker.getByLabel(ui(locale, 'legal:changes.to')).selectOption('3')
        await picker.getByRole('button', { name: ui(locale, 'legal:changes.submit') }).click()

        await expect(page).toHaveURL(new RegExp(`/${locale}/privacy/changes\\?from=2&to=3$`))
        await expect(page.getByRole('heading', { level: 1 })).toHaveText(title(2, 3))
        const summary = page.getByRole('region', { name: ui(locale, 'legal:changes.summaryHeading') })
        await expect(summary).toContainText(fixtureDocument('privacy', locale, 3).changeSummary!)
        await expect(summary).not.toContainText(fixtureDocument('privacy', locale, 2).changeSummary!)
        // The picker keeps the chosen range.
        await expect(picker.getByLabel(ui(locale, 'legal:changes.from'))).toHaveValue('2')
        await expect(picker.getByLabel(ui(locale, 'legal:changes.to'))).toHaveValue('3')
      })
    })
  })
}
