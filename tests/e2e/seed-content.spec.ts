import { expect, test, type Page } from '@playwright/test'
import { DOCUMENT_KINDS } from '../../app/platform/document-kinds'
import { LOCALES, ui, type Locale } from './support/ui-text'

// Runs against the shipped seed dataset (cms/seed/production.ndjson). The
// legal texts change while they are being written, so nothing here knows
// them: titles, versions and dates are read from what the pages show.

/** A regular expression from an interface string, with `{{name}}` placeholders as capture groups. */
function pattern(locale: Locale, key: string, groups: Record<string, string>): RegExp {
  const marker = (name: string) => `PLACEHOLDER${name}PLACEHOLDER`
  const text = ui(locale, key, Object.fromEntries(Object.keys(groups).map((name) => [name, marker(name)])))
  const escaped = text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  return new RegExp(escaped.replace(/PLACEHOLDER(\w+?)PLACEHOLDER/g, (_, name: string) => `(${groups[name]})`))
}

async function versionShown(page: Page, locale: Locale): Promise<number> {
  const meta = (await page.locator('.legal__meta').innerText()).trim()
  const match = pattern(locale, 'legal:version', { version: '\\d+' }).exec(meta)
  expect(match, `"${meta}" names a version`).not.toBeNull()
  return Number(match![1])
}

// What is checked here is what the server sends; JavaScript-driven flows are
// covered on the fixture dataset. Without it the many page loads are quicker.
test.use({ javaScriptEnabled: false })

for (const locale of LOCALES) {
  for (const kind of DOCUMENT_KINDS) {
    test(`${locale}/${kind}: the version in force, its archive and its changes`, async ({ page }) => {
      const kindName = ui(locale, `documentKinds.${kind}`)
      await page.goto(`/${locale}`)
      await page.locator('#documents').getByRole('link', { name: kindName, exact: true }).click()
      await expect(page).toHaveURL(new RegExp(`/${locale}/${kind}$`))
      const status = (await page.request.get(page.url(), { maxRedirects: 0 })).status()

      if (status === 404) {
        // Not (yet) published in this language: an explanation, not an error.
        expect(kind, 'the privacy policy is published in every language').not.toBe('privacy')
        await expect(page.getByRole('heading', { level: 1 })).toHaveText(kindName)
        const text = await page.getByRole('main').innerText()
        expect(
          [ui(locale, 'legal:missingInLocale'), ui(locale, 'legal:notPublished')].some((s) => text.includes(s)),
          text,
        ).toBe(true)
        test.info().annotations.push({ type: 'not published', description: `${locale}/${kind}` })
        return
      }
      expect(status).toBe(200)

      // The document itself.
      const title = (await page.getByRole('heading', { level: 1 }).innerText()).trim()
      expect(title.length).toBeGreaterThan(3)
      await expect(page).toHaveTitle(`${title} — ${ui(locale, 'siteName')}`)
      const inForce = await versionShown(page, locale)
      await expect(page.locator('.legal__meta')).toContainText(pattern(locale, 'legal:effectiveFrom', { date: '.+' }))
      await expect(page.locator('.legal__meta')).toContainText(ui(locale, 'legal:inForceBadge'))
      expect((await page.locator('.legal-body').innerText()).length, 'a body of some length').toBeGreaterThan(300)
      const operator = page.getByRole('main').getByRole('region', { name: ui(locale, 'legal:operatorHeading') })
      await expect(operator.locator('a[href^="mailto:"]').first()).toBeVisible()

      const tocLinks = page.getByRole('navigation', { name: ui(locale, 'legal:tocHeading') }).getByRole('link')
      for (const href of await tocLinks.evaluateAll((links) => links.map((a) => a.getAttribute('href')))) {
        expect(href).toMatch(/^#./)
        await expect(page.locator(`[id="${href!.slice(1)}"]`), `${href} has one target`).toHaveCount(1)
      }
      // The headings are numbered in the text ("1. …"): the list adds no second number, and no
      // marker column cuts off "10." and up.
      const markers = await tocLinks.evaluateAll((links) =>
        links.map((a) => getComputedStyle(a.closest('li')!).listStyleType),
      )
      expect(new Set(markers)).toEqual(new Set(['none']))

      // The archive lists it as the version in force, with the others around it.
      await page
        .getByRole('main')
        .getByRole('link', { name: ui(locale, 'legal:archiveLink') })
        .click()
      await expect(page).toHaveURL(new RegExp(`/${locale}/${kind}/versions$`))
      const rows = page.locator('table.versions tbody tr')
      const listed = await rows.evaluateAll((trs) =>
        trs.map((tr) => ({
          version: Number(tr.querySelector('th')?.textContent),
          text: tr.textContent ?? '',
          compare: tr.querySelector('td a[href*="/changes?"]')?.getAttribute('href') ?? null,
        })),
      )
      expect(listed.length).toBeGreaterThanOrEqual(1)
      expect(listed.map((row) => row.version)).toEqual([...listed.map((row) => row.version)].sort((a, b) => b - a))
      const inForceRows = listed.filter((row) => row.text.includes(ui(locale, 'legal:versions.inForce')))
      expect(inForceRows.map((row) => row.version)).toEqual([inForce])

      // Every listed version opens; the ones not in force say so.
      for (const { version } of listed) {
        const response = await page.goto(`/${locale}/${kind}/v/${version}`)
        expect(response?.status(), `version ${version}`).toBe(200)
        expect(await versionShown(page, locale)).toBe(version)
        await expect(page.getByRole('note')).toHaveCount(version === inForce ? 0 : 1)
      }

      // Every comparison offered by the archive works and shows a summary.
      for (const { compare } of listed) {
        if (!compare) continue
        const response = await page.goto(compare)
        expect(response?.status(), compare).toBe(200)
        await expect(page.getByRole('heading', { name: ui(locale, 'legal:changes.summaryHeading') })).toBeVisible()
        const marks = await page.locator('.diff ins, .diff del').count()
        if (marks === 0) await expect(page.getByRole('main')).toContainText(ui(locale, 'legal:changes.noChanges'))
      }
    })
  }
}

test('the shipped privacy policy has an archive with at least two versions in each language', async ({ page }) => {
  for (const locale of LOCALES) {
    const response = await page.goto(`/${locale}/privacy/versions`)
    expect(response?.status()).toBe(200)
    expect(await page.locator('table.versions tbody tr').count(), `${locale} privacy versions`).toBeGreaterThanOrEqual(
      2,
    )
  }
})

test('every page of the shipped documents is clean UTF-8 without NUL bytes', async ({ request }) => {
  // React 18's streaming renderer can leave NUL bytes where a multi-byte
  // character meets a 2 KB chunk boundary (facebook/react#26228, fixed only in
  // React 19); browsers show them as U+FFFD inside the legal text.
  const pages = new Set<string>()
  for (const locale of LOCALES) {
    pages.add(`/${locale}`)
    for (const kind of DOCUMENT_KINDS) {
      const versions = await request.get(`/${locale}/${kind}/versions`)
      if (versions.status() !== 200) continue
      pages.add(`/${locale}/${kind}`)
      pages.add(`/${locale}/${kind}/versions`)
      const html = await versions.text()
      for (const [, href] of html.matchAll(/href="(\/[a-z]{2}\/[a-z]+\/(?:v\/\d+|changes\?[^"]+))"/g)) {
        pages.add(href!.replaceAll('&amp;', '&'))
      }
    }
  }
  const problems: string[] = []
  for (const path of pages) {
    const body = await (await request.get(path)).body()
    const nul = body.indexOf(0)
    if (nul !== -1) {
      const around = body
        .subarray(Math.max(0, nul - 40), nul + 20)
        .toString('utf8')
        .replaceAll('\0', '\\0')
      problems.push(`${path}: ${body.filter((byte) => byte === 0).length} NUL byte(s), first in "…${around}…"`)
    }
    if (new TextDecoder('utf-8', { fatal: false }).decode(body).includes('\uFFFD')) {
      problems.push(`${path}: invalid UTF-8 (U+FFFD after decoding)`)
    }
  }
  expect(pages.size).toBeGreaterThan(4)
  expect(problems).toEqual([])
})
