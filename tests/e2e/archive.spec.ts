import { expect, test } from '@playwright/test'
import { EFFECTIVE_DATE, fixtureDocument, PRIVACY } from './support/fixture-dataset'
import { LOCALES, ui } from './support/ui-text'

for (const locale of LOCALES) {
  test.describe(`${locale} versions archive`, () => {
    const documentName = ui(locale, 'documentKinds.privacy')

    test('lists every version with its status and summary', async ({ page }) => {
      const response = await page.goto(`/${locale}/privacy/versions`)
      expect(response?.status()).toBe(200)
      await expect(page).toHaveTitle(
        `${ui(locale, 'legal:versions.title', { document: documentName })} — ${ui(locale, 'siteName')}`,
      )
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(
        ui(locale, 'legal:versions.title', { document: documentName }),
      )
      const rows = page.locator('table.versions tbody tr')
      await expect(rows).toHaveCount(3)
      const expected = [
        { version: PRIVACY.future, status: 'legal:versions.future' },
        { version: PRIVACY.inForce, status: 'legal:versions.inForce' },
        { version: PRIVACY.superseded, status: 'legal:versions.superseded' },
      ]
      for (const [index, { version, status }] of expected.entries()) {
        const row = rows.nth(index)
        await expect(row.getByRole('rowheader')).toHaveText(String(version))
        await expect(row).toContainText(EFFECTIVE_DATE[locale][version as 1 | 2 | 3])
        await expect(row).toContainText(ui(locale, status))
        const summary = fixtureDocument('privacy', locale, version).changeSummary
        if (summary) await expect(row).toContainText(summary)
      }
      await expect(rows.nth(0)).toContainText(ui(locale, 'legal:versions.material'))
      await expect(rows.nth(1)).not.toContainText(ui(locale, 'legal:versions.material'))
      // Each row but the first version compares with the one before it.
      await expect(
        rows.nth(0).getByRole('link', { name: ui(locale, 'legal:versions.compare', { version: 2 }) }),
      ).toHaveAttribute('href', `/${locale}/privacy/changes?from=2&to=3`)
      await expect(rows.nth(2).getByRole('link', { name: /./ })).toHaveCount(1)
    })

    test('an old version is clearly marked as not in force', async ({ page }) => {
      await page.goto(`/${locale}/privacy/versions`)
      await page.getByRole('link', { name: ui(locale, 'legal:versions.open', { version: PRIVACY.superseded }) }).click()
      await expect(page).toHaveURL(new RegExp(`/${locale}/privacy/v/${PRIVACY.superseded}$`))

      const old = fixtureDocument('privacy', locale, PRIVACY.superseded)
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(old.title)
      await expect(page).toHaveTitle(
        `${old.title} (${ui(locale, 'legal:version', { version: PRIVACY.superseded })}) — ${ui(locale, 'siteName')}`,
      )
      const notice = page.getByRole('note')
      await expect(notice).toContainText(
        ui(locale, 'legal:notInForceNotice', { version: PRIVACY.superseded, current: PRIVACY.inForce }),
      )
      await expect(page.getByText(ui(locale, 'legal:inForceBadge'), { exact: true })).toHaveCount(0)
      await expect(page.locator('meta[name="robots"]')).toHaveAttribute('content', 'noindex')
      await expect(page.getByRole('main')).toContainText(ui(locale, 'legal:firstVersion'))

      await notice.getByRole('link', { name: ui(locale, 'legal:readCurrent') }).click()
      await expect(page).toHaveURL(new RegExp(`/${locale}/privacy$`))
      await expect(page.locator('.legal__meta')).toContainText(
        ui(locale, 'legal:version', { version: PRIVACY.inForce }),
      )
    })

    test('a future version says when it takes effect', async ({ page }) => {
      const response = await page.goto(`/${locale}/privacy/v/${PRIVACY.future}`)
      expect(response?.status()).toBe(200)
      await expect(page.getByRole('note')).toContainText(
        ui(locale, 'legal:futureNotice', {
          version: PRIVACY.future,
          date: EFFECTIVE_DATE[locale][PRIVACY.future],
          current: PRIVACY.inForce,
        }),
      )
      await expect(page.locator('.legal__meta')).toContainText(
        ui(locale, 'legal:effectiveFromFuture', { date: EFFECTIVE_DATE[locale][PRIVACY.future] }),
      )
      await expect(page.locator('meta[name="robots"]')).toHaveAttribute('content', 'noindex')
    })

    test('the version in force under its own number is indexable and unmarked', async ({ page }) => {
      await page.goto(`/${locale}/privacy/v/${PRIVACY.inForce}`)
      await expect(page.locator('.legal__meta')).toContainText(ui(locale, 'legal:inForceBadge'))
      await expect(page.getByRole('note')).toHaveCount(0)
      await expect(page.locator('meta[name="robots"]')).toHaveCount(0)
    })
  })
}
