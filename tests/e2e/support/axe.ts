import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { expect, test, type Page } from '@playwright/test'
import type { AxeResults, ImpactValue } from 'axe-core'

/**
 * axe-core in the real browser, as accessibility.spec.ts runs it: serious
 * and critical findings fail, moderate and minor ones become annotations,
 * and every finding is attached to the test.
 */

// Evaluated through the DevTools protocol, not added as a <script>: the
// pages' Content-Security-Policy refuses inline scripts without its nonce.
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')
const BLOCKING: ImpactValue[] = ['serious', 'critical']

type Finding = {
  rule: string
  impact: ImpactValue | null | undefined
  help: string
  nodes: Array<{ target: string; html: string; summary: string | undefined }>
}

async function axeFindings(page: Page): Promise<Finding[]> {
  await page.evaluate(AXE_SOURCE)
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

/** Waits for hydration, so axe sees what a person with JavaScript sees. */
export async function hydrated(page: Page) {
  await page.waitForFunction(() => '__remixRouter' in window)
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => resolve(null))))
}

/** Checks the page as it is now. Uses expect.soft, so one page's findings do not hide the next page's. */
export async function expectAccessible(page: Page, what: string) {
  const findings = await axeFindings(page)
  await test.info().attach(`axe ${what}.json`, {
    body: JSON.stringify(findings, null, 2),
    contentType: 'application/json',
  })
  for (const finding of findings.filter((f) => !BLOCKING.includes(f.impact ?? 'minor'))) {
    test.info().annotations.push({
      type: `axe ${finding.impact}`,
      description: `${what}: ${finding.rule} (${finding.help}) at ${finding.nodes.map((n) => n.target).join(', ')}`,
    })
  }
  const blocking = findings.filter((f) => BLOCKING.includes(f.impact ?? 'minor'))
  expect
    .soft(
      blocking.map(
        (f) => `${f.impact} ${f.rule}: ${f.help}\n${f.nodes.map((n) => `  ${n.target}  ${n.html}`).join('\n')}`,
      ),
      `${what}: no serious or critical axe violations`,
    )
    .toEqual([])
}
