import type { Page, Route } from '@playwright/test'
import { siteUrl } from '../../../cms/environment'
import type { SanityStandIn } from './stand-in'

/** The site the Studio was built to talk to (SANITY_STUDIO_SITE_URL, default http://localhost:3000). */
export const SITE_URL = siteUrl

/** What `/api/studio/publish-impact` answers: a status and a JSON body. */
export interface SiteAnswer {
  status: number
  json: unknown
}

/** The name of the secret-bearing query parameter (@sanity/preview-url-secret). */
export const SECRET_PARAM = 'sanity-preview-secret'

/**
 * The web site, as far as the Studio reaches it: Playwright answers every
 * request to SITE_URL in the page (the Preview tab's frame, the publish
 * confirmation's count), so no site has to run. The preview page it serves
 * says only whether the secret in its address is a `sanity.previewUrlSecret`
 * document in the stand-in's dataset, which is what the real site checks
 * first. Requests to any other path of the site are recorded in `unknown`,
 * and the fixture fails the test on them.
 */
export class SiteStandIn {
  /** Every request the page made to the site, in order. */
  readonly requests: URL[] = []
  readonly unknown: string[] = []
  /** The answer of /api/studio/publish-impact. */
  publishImpact: SiteAnswer = { status: 200, json: { accountsToAskAgain: 0 } }

  constructor(
    private readonly standIn: SanityStandIn,
    private readonly studioOrigin: string,
  ) {}

  async attach(page: Page): Promise<void> {
    await page.route(`${SITE_URL}/**`, (route) => this.answer(route))
  }

  /** The stored secret document whose secret is `secret`, if any. */
  secretDocument(secret: string | null): Record<string, unknown> | undefined {
    if (!secret) return undefined
    return this.standIn.lake
      .all()
      .find((document) => document._type === 'sanity.previewUrlSecret' && document.secret === secret)
  }

  private async answer(route: Route): Promise<void> {
    const request = route.request()
    const url = new URL(request.url())
    this.requests.push(url)
    const cors = { 'access-control-allow-origin': this.studioOrigin, vary: 'Origin', 'cache-control': 'no-store' }
    if (request.method() === 'OPTIONS') {
      await route.fulfill({ status: 204, headers: { ...cors, 'access-control-allow-methods': 'GET' } })
      return
    }
    if (url.pathname === '/api/studio/publish-impact') {
      await route.fulfill({
        status: this.publishImpact.status,
        headers: cors,
        contentType: 'application/json',
        body: JSON.stringify(this.publishImpact.json),
      })
      return
    }
    const preview = /^\/(ru|en)\/([a-z]+)\/preview\/(\d+)$/.exec(url.pathname)
    if (preview) {
      const [, locale, kind, version] = preview
      const secret = url.searchParams.get(SECRET_PARAM)
      const matched = this.secretDocument(secret) !== undefined
      await route.fulfill({
        status: matched ? 200 : 404,
        headers: { 'cache-control': 'no-store' },
        contentType: 'text/html; charset=utf-8',
        body: previewPage({ locale: String(locale), kind: String(kind), version: String(version), matched }),
      })
      return
    }
    this.unknown.push(`${request.method()} ${url.pathname}`)
    await route.fulfill({ status: 404, contentType: 'text/plain', body: 'not a page of the site stand-in' })
  }
}

function previewPage(page: { locale: string; kind: string; version: string; matched: boolean }): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Preview</title>
<style>body{font:16px/1.5 system-ui,sans-serif;margin:0;color:#1f2328}
.bar{background:#fff4ce;padding:8px 24px;border-bottom:1px solid #e0c36a}main{padding:24px}</style></head>
<body>
<div class="bar">Preview of an unpublished draft</div>
<main>
<h1>${page.kind} · ${page.locale} · version ${page.version}</h1>
<p>This frame is the Studio suite's stand-in for the site's preview page.</p>
<p>The secret in the address is a preview secret in the dataset: <strong data-testid="secret-matched">${page.matched ? 'yes' : 'no'}</strong></p>
</main>
</body>
</html>`
}
