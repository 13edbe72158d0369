import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { isLanguageLessPage, LANGUAGE_LESS_PAGES, languageLessTarget } from './language-less'
import { LOCALES } from './locales'

/** The path after `/:lang` of a `$lang.…` route file, written like LANGUAGE_LESS_PAGES ('' for the home). */
function routePath(file: string): string {
  const name = file.replace(/\.(tsx|ts)$/, '').replace(/^\$lang\.?/, '')
  if (name === '') return ''
  return name
    .split(/\.(?![^[]*\])/)
    .filter((segment) => segment !== '_index')
    .map((segment) => segment.replace(/_$/, '').replace(/\[\.\]/g, '.'))
    .map((segment) => (segment === '$' ? '*' : segment.startsWith('$') ? `:${segment.slice(1)}` : segment))
    .join('/')
}

const routeFiles = readdirSync(path.resolve('app/routes')).filter((file) => /^\$lang[.]/.test(file))
const routePaths = new Set(routeFiles.map(routePath))

// Pages under /:lang that are not answered without the prefix, and why.
const LEFT_OUT: Record<string, string> = {
  '': '`/` has its own route (_index) that picks the language',
  '*': 'the 404 for unknown paths under a language',
  logout: 'only ever posted to by a form',
  'checkout/:packId': 'addresses made by the site for one checkout, always with the language',
  'checkout/:orderId/done': 'addresses made by the site for one checkout, always with the language',
  'checkout/sandbox/:orderId': 'addresses made by the site for one checkout, always with the language',
  'generations/:id': 'addresses made by the site for one generation, always with the language',
  'legal-admin/requests/:number': 'addresses made by the legal view, always with the language',
  'legal-admin/versions/:id.csv': 'addresses made by the legal view, always with the language',
}

describe('LANGUAGE_LESS_PAGES', () => {
  it('names only pages that exist under /:lang', () => {
    expect(routePaths).toContain('account/delete')
    expect(routePaths).toContain(':kind/v/:version')
    for (const page of LANGUAGE_LESS_PAGES) expect(routePaths, page).toContain(page)
  })

  it('covers every page under /:lang, apart from those left out on purpose', () => {
    const listed = new Set<string>(LANGUAGE_LESS_PAGES)
    const neither = [...routePaths].filter((p) => !listed.has(p) && !(p in LEFT_OUT))
    expect(neither).toEqual([])
    for (const page of Object.keys(LEFT_OUT)) expect(routePaths, page).toContain(page)
  })

  it('accepts the pages with their parameters checked, and nothing else', () => {
    for (const page of ['/account/delete', '/account/export', '/account/delete/', '/privacy', '/consent/versions']) {
      expect(isLanguageLessPage(page), page).toBe(true)
    }
    expect(isLanguageLessPage('/terms/v/3')).toBe(true)
    expect(isLanguageLessPage('/cookies/changes')).toBe(true)
    for (const page of [
      '/',
      '/de',
      '/de/privacy',
      '/EN/privacy',
      '/xx/privacy/versions',
      '/unknown',
      '/account/unknown',
      '/account/delete/extra',
      '/privacy/v/0',
      '/privacy/v/abc',
      '/recipes/versions',
      '/logout',
      '/generations/123',
      '//evil.example/account',
      '/account//delete',
    ]) {
      expect(isLanguageLessPage(page), page).toBe(false)
    }
  })

  it('keeps the query string and drops a trailing slash', () => {
    const url = (path: string) => new URL(`http://localhost${path}`)
    expect(languageLessTarget(url('/account/delete?from=archive&x=1'), 'en')).toBe(
      '/en/account/delete?from=archive&x=1',
    )
    expect(languageLessTarget(url('/account/export/'), 'ru')).toBe('/ru/account/export')
    expect(languageLessTarget(url('/nowhere?x=1'), 'ru')).toBeNull()
  })
})

/** Every site-relative link target in the seed's legal texts and in the test datasets. */
function siteRelativeLinks(): Map<string, string[]> {
  const sources = [
    ...readdirSync(path.resolve('cms/seed/src'))
      .filter((file) => file.endsWith('.md'))
      .map((file) => path.join('cms/seed/src', file)),
    'cms/seed/production.ndjson',
    ...readdirSync(path.resolve('tests/fixtures'), { recursive: true, encoding: 'utf8' })
      .filter((file) => /\.(ndjson|md|json)$/.test(file))
      .map((file) => path.join('tests/fixtures', file)),
  ]
  const found = new Map<string, string[]>()
  for (const source of sources) {
    const text = readFileSync(path.resolve(source), 'utf8')
    // Markdown links and Portable Text link marks.
    for (const match of text.matchAll(/\]\((\/[^)\s]*)\)|"href"\s*:\s*"(\/[^"]*)"/g)) {
      const href = match[1] ?? match[2]!
      if (href.startsWith('//')) continue
      found.set(href, [...(found.get(href) ?? []), source])
    }
  }
  return found
}

describe('links in the legal texts', () => {
  const links = siteRelativeLinks()

  it('finds the language-less links the archived texts carry', () => {
    expect([...links.keys()]).toEqual(expect.arrayContaining(['/account/delete', '/account/export']))
  })

  it('resolves every one of them: a page under a language, or one the language-less redirect knows', () => {
    const unresolved = [...links.keys()].filter((href) => {
      const { pathname } = new URL(href, 'http://localhost')
      const prefix = LOCALES.find((locale) => pathname === `/${locale}` || pathname.startsWith(`/${locale}/`))
      return !isLanguageLessPage(prefix ? pathname.slice(prefix.length + 1) || '/' : pathname) && pathname !== '/'
    })
    expect(unresolved.map((href) => `${href} (${links.get(href)!.join(', ')})`)).toEqual([])
  })
})
