import { expect, test, type Page } from '@playwright/test'
import { expectAccessible, hydrated } from './support/axe'
import { LOCALES } from './support/ui-text'

// axe-core in a real browser, on the shipped seed content. Serious and
// critical findings fail the test; moderate and minor ones are attached to
// the report so they are seen without blocking.

async function open(page: Page, path: string, status = 200) {
  const response = await page.goto(path)
  expect(response?.status(), path).toBe(status)
  await hydrated(page)
}

for (const locale of LOCALES) {
  test.describe(`accessibility in ${locale}`, () => {
    test('home page', async ({ page }) => {
      await open(page, `/${locale}`)
      await expectAccessible(page, `/${locale}`)
    })

    test('policy page', async ({ page }) => {
      await open(page, `/${locale}/privacy`)
      await expectAccessible(page, `/${locale}/privacy`)
    })

    test('versions page and an old version', async ({ page }) => {
      await open(page, `/${locale}/privacy/versions`)
      await expectAccessible(page, `/${locale}/privacy/versions`)
      const old = page.locator('table.versions tbody tr').last().getByRole('rowheader').getByRole('link')
      const href = await old.getAttribute('href')
      expect(href).toMatch(new RegExp(`^/${locale}/privacy/v/\\d+$`))
      await open(page, href!)
      await expectAccessible(page, href!)
    })

    test('changes page', async ({ page }) => {
      await open(page, `/${locale}/privacy/versions`)
      const compare = page.locator('table.versions a[href*="/changes?"]').first()
      const href = (await compare.getAttribute('href')) ?? `/${locale}/privacy/changes`
      await open(page, href)
      await expect(page.locator('.diff ins, .diff del').first()).toBeVisible()
      await expectAccessible(page, href)
    })

    test('not-found page', async ({ page }) => {
      await open(page, `/${locale}/no-such-page`, 404)
      await expectAccessible(page, `/${locale}/no-such-page`)
    })
  })
}
