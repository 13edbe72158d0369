import { execFile } from 'node:child_process'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { promisify } from 'node:util'
import { expect, test } from '@playwright/test'
import { expectAccessible, hydrated } from './support/axe'
import { LOCALES, ui, type Locale } from './support/ui-text'

// The draft preview on the "fixture" server: the dataset holds unpublished
// drafts of the terms' version 2 in both languages (tests/fixtures/e2e/
// build-dataset.mjs). The secret comes from `npm run preview:link`, which
// writes it to the server's DATA_DIR, as a developer without a Studio gets
// one; the server checks it with the same validatePreviewUrl as for Sanity.

const run = promisify(execFile)
const STUDIO_PORT = Number(process.env.PALITRA_E2E_STUDIO_PORT)
const STUDIO = `http://127.0.0.1:${STUDIO_PORT}`

const DRAFT = {
  title: { ru: 'Тестовые условия использования', en: 'Test Terms of Use' },
  date: { ru: '1 марта 2099 г.', en: '1 March 2099' },
} as const

let secret = ''

test.beforeAll(async () => {
  const baseURL = test.info().project.use.baseURL!
  const { stdout } = await run(path.resolve('node_modules/.bin/tsx'), ['scripts/preview-link.ts', 'ru', 'terms', '2'], {
    env: {
      ...process.env,
      NODE_ENV: 'development',
      LOG_LEVEL: 'silent',
      DATA_DIR: process.env.PALITRA_E2E_FIXTURE_DATA_DIR,
      PUBLIC_URL: baseURL,
      SANITY_PROJECT_ID: '',
    },
  })
  const link = new URL(stdout.trim())
  expect(`${link.origin}${link.pathname}`).toBe(`${baseURL}/ru/terms/preview/2`)
  secret = link.searchParams.get('sanity-preview-secret')!
})

const previewPath = (locale: Locale, value = secret) =>
  `/${locale}/terms/preview/2?sanity-preview-secret=${encodeURIComponent(value)}`

for (const locale of LOCALES) {
  test.describe(`${locale} draft preview`, () => {
    test('shows the draft with the preview bar, the summary, the announcement and the diff', async ({ page }) => {
      const response = await page.goto(previewPath(locale))
      expect(response?.status()).toBe(200)
      await expect(page.locator('html')).toHaveAttribute('lang', locale)
      await expect(page.getByRole('region', { name: ui(locale, 'legal:preview.barTitle') })).toBeVisible()
      // The header outside the site layout still speaks the page's language.
      await expect(page.getByRole('link', { name: ui(locale, 'account:nav.signIn'), exact: true })).toBeVisible()
      await expect(page.locator('body')).not.toContainText('nav.signIn')
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(DRAFT.title[locale])
      const article = page.locator('article.legal')
      await expect(article).toContainText('E2E-DRAFT-TEXT')
      await expect(article.locator('.legal__meta')).toContainText(ui(locale, 'legal:version', { version: 2 }))

      const about = page.getByRole('region', { name: ui(locale, 'legal:preview.aboutHeading') })
      await expect(about).toContainText('E2E-DRAFT-SUMMARY')
      await expect(about).toContainText(ui(locale, 'legal:preview.materialYes'))
      // Version 1's page will announce it, material note included, until 1 March 2099.
      const banner = about.getByRole('note')
      await expect(banner).toContainText(ui(locale, 'legal:announcement', { version: 2, date: DRAFT.date[locale] }))
      await expect(banner).toContainText(ui(locale, 'legal:announcementMaterial'))

      const diff = page.getByRole('region', { name: ui(locale, 'legal:preview.diffHeading', { version: 1 }) })
      await expect(diff.locator('ins', { hasText: 'E2E-DRAFT-TEXT' })).toHaveCount(1)
      await expect(diff.locator('del').first()).toBeVisible()

      // Nothing here can be accepted or chosen: no form at all (not even the cookie banner's).
      await expect(page.locator('form')).toHaveCount(0)
      await expect(page.locator('input[type="checkbox"]')).toHaveCount(0)
      await hydrated(page)
      await expectAccessible(page, `${locale} draft preview`)
    })

    test('is never cached, never indexed, and framable by the Studio only', async ({ page }) => {
      const response = await page.goto(previewPath(locale))
      const headers = response!.headers()
      expect(headers['cache-control']).toBe('no-store, private')
      expect(headers['x-robots-tag']).toBe('noindex, nofollow')
      expect(headers['etag']).toBeUndefined()
      expect(headers['set-cookie']).toBeUndefined()
      expect(headers['content-security-policy']).toContain(`frame-ancestors ${STUDIO}`)
      await expect(page.locator('meta[name="robots"]')).toHaveAttribute('content', 'noindex, nofollow')
      // The public pages stay unframable.
      const policy = await page.request.get(`/${locale}/terms`)
      expect(policy.headers()['content-security-policy']).toContain("frame-ancestors 'none'")
    })

    test('a wrong or missing secret is a localized 404', async ({ page }) => {
      for (const address of [previewPath(locale, 'not-the-secret'), `/${locale}/terms/preview/2`]) {
        const response = await page.goto(address)
        expect(response?.status(), address).toBe(404)
        expect(response!.headers()['cache-control']).toBe('no-store, private')
        await expect(page.getByRole('heading', { level: 1 })).toHaveText(ui(locale, 'errors.notFoundTitle'))
        await expect(page.locator('body')).not.toContainText('E2E-DRAFT')
      }
      // A published version, or a number with no draft, is no preview either.
      expect((await page.goto(`/${locale}/terms/preview/1?sanity-preview-secret=${secret}`))?.status()).toBe(404)
      expect((await page.goto(`/${locale}/terms/preview/7?sanity-preview-secret=${secret}`))?.status()).toBe(404)
    })

    test('nothing can be posted to it', async ({ page, baseURL }) => {
      const answer = await page.request.post(previewPath(locale), {
        form: { accept: 'terms' },
        headers: { Origin: baseURL! },
      })
      expect(answer.status()).toBe(405)
    })

    test('the public pages never show the draft', async ({ page }) => {
      await page.goto(`/${locale}/terms`)
      await expect(page.locator('main')).not.toContainText('E2E-DRAFT')
      await expect(page.getByRole('note')).toHaveCount(0)
      expect((await page.goto(`/${locale}/terms/v/2`))?.status()).toBe(404)
      expect((await page.goto(`/${locale}/terms/changes?from=1&to=2`))?.status()).toBe(404)
      await page.goto(`/${locale}/terms/versions`)
      await expect(page.locator('main')).not.toContainText('E2E-DRAFT')
      await expect(page.locator('main')).not.toContainText(ui(locale, 'legal:version', { version: 2 }))
    })
  })
}

/** A page on its own origin (a local server on `port`, 0 for any) that frames the preview and a public page. */
async function framingPage(port: number, baseURL: string): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((_request, response) => {
    response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' })
    response.end(`<!doctype html><title>Studio</title>
      <iframe id="preview" src="${baseURL}${previewPath('en')}"></iframe>
      <iframe id="policy" src="${baseURL}/en/terms"></iframe>`)
  })
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  const { port: bound } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${bound}/desk`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}

test('the Studio can show the preview in a frame; no other site can, and no public page can be framed', async ({
  page,
  baseURL,
}) => {
  const shown = () => page.frames().map((frame) => frame.url())
  const studio = await framingPage(STUDIO_PORT, baseURL!)
  try {
    await page.goto(studio.url)
    await expect(page.frameLocator('#preview').getByText(ui('en', 'legal:preview.barTitle'))).toBeVisible()
    await page.waitForLoadState('load')
    expect(shown()).not.toContain(`${baseURL}/en/terms`)
  } finally {
    await studio.close()
  }
  const elsewhere = await framingPage(0, baseURL!)
  try {
    await page.goto(elsewhere.url)
    await page.waitForLoadState('load')
    expect(shown()).not.toContain(`${baseURL}${previewPath('en')}`)
    expect(shown()).not.toContain(`${baseURL}/en/terms`)
  } finally {
    await elsewhere.close()
  }
})

test('screenshots of the preview, desktop and phone', async ({ browser }, testInfo) => {
  for (const locale of LOCALES) {
    for (const [device, viewport] of [
      ['desktop', { width: 1280, height: 800 }],
      ['phone', { width: 390, height: 844 }],
    ] as const) {
      const context = await browser.newContext({ viewport, isMobile: device === 'phone' })
      const page = await context.newPage()
      await page.goto(previewPath(locale))
      await hydrated(page)
      const file = testInfo.outputPath(`preview-${locale}-${device}.png`)
      await page.screenshot({ path: file, fullPage: true })
      await testInfo.attach(`preview ${locale} ${device}`, { path: file, contentType: 'image/png' })
      // The bar stays on top and readable at every width.
      const bar = page.getByRole('region', { name: ui(locale, 'legal:preview.barTitle') })
      expect((await bar.boundingBox())!.y).toBe(0)
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
      expect(overflow, `${locale} ${device} scrolls sideways`).toBeLessThanOrEqual(0)
      await context.close()
    }
  }
})
