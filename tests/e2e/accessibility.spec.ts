import { createRequire } from 'node:module'
import { expect, test, type Page } from '@playwright/test'
import type { AxeResults, ImpactValue } from 'axe-core'
import { LOCALES } from './support/ui-text'

// axe-core in a real browser, on the shipped seed content. Serious and
// critical findings fail the test; moderate and minor ones are attached to
// the report so they are seen without blocking.

const AXE_SCRIPT = createRequire(import.meta.url).resolve('axe-core/axe.min.js')
const BLOCKING: ImpactValue[] = ['serious', 'critical']

type Finding = {
  rule: string
  impact: ImpactValue | null | undefined
  help: string
  nodes: Array<{ target: string; html: string; summary: string | undefined }>
}

async function axeFindings(page: Page): Promise<Finding[]> {
  await page.addScriptTag({ path: AXE_SCRIPT })
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (context: Document) => Promise<AxeResults> } }).axe
    const results = await axe.run(document)
    return results.violations
  })
  return violations.map((v) => ({
    rule: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.map((node) => ({ target: node.target.join(' '), html: node.html, summary: node.failureSummary })),
  }))
}

async function expectAccessible(page: Page, what: string) {
  const findings = await axeFindings(page)
  await test.info().attach(`axe ${what}.json`, {
    body: JSON.stringify(findings, null, 2),
    contentType: 'application/json',
  })
  // Minor and moderate findings are reported, serious and critical ones fail.
  for (const finding of findings.filter((f) => !BLOCKING.includes(f.impact ?? 'minor'))) {
    test.info().annotations.push({
      type: `axe ${finding.impact}`,
      description: `${what}: ${finding.rule} (${finding.help}) at ${finding.nodes.map((n) => n.target).join(', ')}`,
    })
  }
  const blocking = findings.filter((f) => BLOCKING.includes(f.impact ?? 'minor'))
  expect(
    blocking.map(
      (f) => `${f.impact} ${f.rule}: ${f.help}\n${f.nodes.map((n) => `  ${n.target}  ${n.html}`).join('\n')}`,
    ),
    `${what}: no serious or critical axe violations`,
  ).toEqual([])
}

async function open(page: Page, path: string, status = 200) {
  const response = await page.goto(path)
  expect(response?.status(), path).toBe(status)
  // Let hydration finish so axe sees what a person with JavaScript sees
  // (RemixBrowser publishes its router when it hydrates).
  await page.waitForFunction(() => '__remixRouter' in window)
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => resolve(null))))
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
