import { expect, test } from '@playwright/test'
import { EFFECTIVE_DATE, fixtureDocument, PRIVACY, settings } from './support/fixture-dataset'
import { LOCALES, ui } from './support/ui-text'

// People read policies from search results, printers and browsers with
// JavaScript off: the server-rendered page must be complete on its own.
test.use({ javaScriptEnabled: false })

for (const locale of LOCALES) {
  test.describe(`${locale} privacy policy without JavaScript`, () => {
    const document = fixtureDocument('privacy', locale, PRIVACY.inForce)

    test.beforeEach(async ({ page }) => {
      const response = await page.goto(`/${locale}/privacy`)
      expect(response?.status()).toBe(200)
    })

    test('shows title, version in force and effective date', async ({ page }) => {
      await expect(page).toHaveTitle(`${document.title} — ${ui(locale, 'siteName')}`)
      const article = page.getByRole('article', { name: document.title })
      await expect(article.getByRole('heading', { level: 1 })).toHaveText(document.title)
      const meta = article.locator('.legal__meta')
      await expect(meta).toContainText(ui(locale, 'legal:version', { version: PRIVACY.inForce }))
      await expect(meta).toContainText(
        ui(locale, 'legal:effectiveFrom', { date: EFFECTIVE_DATE[locale][PRIVACY.inForce] }),
      )
      await expect(meta).toContainText(ui(locale, 'legal:inForceBadge'))
      await expect(article.locator('.checksum')).toHaveText(new RegExp(`[0-9a-f]{64}$`))
      // The print button is added by JavaScript only, so its absence shows scripts did not run.
      await expect(page.getByRole('button', { name: ui(locale, 'legal:printLink') })).toHaveCount(0)
      // A draft in the dataset (version 4) is never shown.
      await expect(page.getByText('DRAFT-MUST-NOT-APPEAR')).toHaveCount(0)
    })

    test('announces the published future version', async ({ page }) => {
      const note = page.getByRole('note')
      await expect(note).toContainText(
        ui(locale, 'legal:announcement', { version: PRIVACY.future, date: EFFECTIVE_DATE[locale][PRIVACY.future] }),
      )
      await expect(note.getByRole('link', { name: ui(locale, 'legal:announcementLink') })).toHaveAttribute(
        'href',
        `/${locale}/privacy/changes?from=${PRIVACY.inForce}&to=${PRIVACY.future}`,
      )
    })

    test('table of contents anchors lead to their sections', async ({ page }) => {
      const toc = page.getByRole('navigation', { name: ui(locale, 'legal:tocHeading') })
      const links = toc.getByRole('link')
      const count = await links.count()
      expect(count).toBeGreaterThanOrEqual(4)
      for (let i = 0; i < count; i++) {
        const link = links.nth(i)
        const href = await link.getAttribute('href')
        expect(href).toMatch(/^#.+/)
        const target = page.locator(`[id="${href!.slice(1)}"]`)
        await expect(target, `${href} has exactly one target`).toHaveCount(1)
        // The target is the heading whose text the entry repeats.
        await expect(target).toContainText((await link.textContent())!.trim())
      }
      const last = links.nth(count - 1)
      const href = (await last.getAttribute('href'))!
      await last.click()
      await expect.poll(() => decodeURIComponent(new URL(page.url()).hash)).toBe(href)
      await expect(page.locator(`[id="${href.slice(1)}"]`)).toBeInViewport()
    })

    test('names the operator and how to reach them', async ({ page }) => {
      // The footer has an "Operator" region too; the document's own is inside main.
      const operator = page.getByRole('main').getByRole('region', { name: ui(locale, 'legal:operatorHeading') })
      await expect(operator).toContainText(settings.operatorName[locale])
      await expect(operator.getByRole('link', { name: settings.contactEmail })).toHaveAttribute(
        'href',
        `mailto:${settings.contactEmail}`,
      )
      await expect(operator.getByRole('link', { name: settings.dataRequestEmail })).toHaveAttribute(
        'href',
        `mailto:${settings.dataRequestEmail}`,
      )
      await expect(operator.getByRole('heading', { name: ui(locale, 'legal:dataRequestsHeading') })).toBeVisible()
    })

    test('links to the archive and the previous version’s changes, and they work', async ({ page }) => {
      await page.getByRole('link', { name: ui(locale, 'legal:changesFromPrevious', { version: 1 }) }).click()
      await expect(page).toHaveURL(new RegExp(`/${locale}/privacy/changes\\?from=1&to=2$`))
      await expect(page.locator('.diff ins').first()).toBeVisible()
      await page.goBack()
      await page
        .getByRole('main')
        .getByRole('link', { name: ui(locale, 'legal:archiveLink') })
        .click()
      await expect(page).toHaveURL(new RegExp(`/${locale}/privacy/versions$`))
    })
  })
}
