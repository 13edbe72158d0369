import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CurrentVersion } from '~/acceptances/current-versions.server'
import type * as LangRoute from '~/routes/$lang'
import type * as ConsentRoute from '~/routes/$lang.cookie-consent'
import type * as BeaconRoute from '~/routes/api.page-view'
import type * as HomeRoute from '~/routes/$lang._index'
import type * as PolicyRoute from '~/routes/$lang.$kind._index'
import type * as ConsentsRoute from '~/routes/$lang.account.consents'
import { isolateProcessDatabase } from '../db'
import { type DataResult, closeAppResources, settle } from './support'
import { get, post as formPost } from '../support/requests'

// The cookie banner, the consent action, the page-view beacon and the
// preferences cookie through the routes, against the process-wide database
// and the shipped seed dataset. Versions are read from the archive, never
// written down here: the seed's cookie policy gets new versions.
const dir = mkdtempSync(path.join(tmpdir(), 'palitra-cookie-consent-'))
process.env.DATA_DIR = dir

const ORIGIN = 'http://localhost'
const UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36'

let dropOwnDatabase: () => Promise<void> = async () => {}
let routes: {
  lang: typeof LangRoute
  consent: typeof ConsentRoute
  beacon: typeof BeaconRoute
  home: typeof HomeRoute
  policy: typeof PolicyRoute
  consents: typeof ConsentsRoute
}
let policy: Record<'ru' | 'en', CurrentVersion>

beforeAll(async () => {
  dropOwnDatabase = await isolateProcessDatabase()
  const { getDb } = await import('~/platform/db/client.server')
  await getDb()
  routes = {
    lang: await import('~/routes/$lang'),
    consent: await import('~/routes/$lang.cookie-consent'),
    beacon: await import('~/routes/api.page-view'),
    home: await import('~/routes/$lang._index'),
    policy: await import('~/routes/$lang.$kind._index'),
    consents: await import('~/routes/$lang.account.consents'),
  }
  const { currentVersionsForAcceptance } = await import('~/acceptances/current-versions.server')
  policy = {
    ru: (await currentVersionsForAcceptance(['cookies'], 'ru'))[0]!,
    en: (await currentVersionsForAcceptance(['cookies'], 'en'))[0]!,
  }
})

afterAll(async () => {
  await closeAppResources()
  rmSync(dir, { recursive: true, force: true })
  await dropOwnDatabase()
})

// ---------------------------------------------------------------------------
// Helpers

/** A browser's request for a whole page. */
const page = (url: string, headers: Record<string, string> = {}) =>
  get(url, undefined, { userAgent: UA, headers: { 'Sec-Fetch-Dest': 'document', Accept: 'text/html', ...headers } })

const post = (url: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
  formPost(url, fields, undefined, { userAgent: UA, headers })

function setCookies(result: unknown): string[] {
  if (result instanceof Response) return result.headers.getSetCookie()
  const init = (result as DataResult).init
  return init?.headers ? new Headers(init.headers).getSetCookie() : []
}

/** What the banner says for a refused choice: its message, in the page's language. */
async function refusalText(locale: 'ru' | 'en', result: DataResult): Promise<string> {
  const { getFixedT } = await import('~/platform/i18n/i18next.server')
  const { failure } = result.data as { failure: { formError: string; formErrorParams?: Record<string, unknown> } }
  return getFixedT(locale, 'cookie-consent')(failure.formError, failure.formErrorParams ?? {})
}

/** The Cookie header a browser sends after these Set-Cookie values. */
function browserCookies(set: string[], keep: string[] = []): string {
  const jar = new Map<string, string>()
  for (const c of keep) jar.set(c.split('=')[0]!, c)
  for (const c of set) {
    const pair = c.split(';')[0]!
    const name = pair.split('=')[0]!
    if (/Max-Age=0/.test(c)) jar.delete(name)
    else jar.set(name, pair)
  }
  return [...jar.values()].join('; ')
}

type LayoutData = {
  cookieBanner: { ask: boolean; outdated: boolean; gpc: boolean; policy: { version: number }; current: object } | null
  analytics: boolean
}

async function layout(url: string, cookie = '', extra: Record<string, string> = {}) {
  const lang = url.split('/')[1]!
  const result = (await routes.lang.loader({
    request: page(url, { ...(cookie ? { Cookie: cookie } : {}), ...extra }),
    params: { lang },
    context: {},
  })) as unknown as DataResult
  return { data: result.data as unknown as LayoutData, setCookies: setCookies(result) }
}

async function choose(
  lang: 'ru' | 'en',
  fields: Record<string, string>,
  headers: Record<string, string> = {},
  query = '',
) {
  return settle(() =>
    routes.consent.action({
      request: post(`/${lang}/cookie-consent${query}`, { returnTo: `/${lang}/pricing`, ...fields }, headers),
      params: { lang },
      context: { clientIp: '198.51.100.77' },
    }),
  )
}

async function db() {
  const { getDb } = await import('~/platform/db/client.server')
  return getDb()
}

async function pageViewCount(): Promise<number> {
  const { sql } = await import('drizzle-orm')
  const result = await (await db()).execute(sql`select count(*)::int as n from page_views`)
  return (result as unknown as { rows: Array<{ n: number }> }).rows[0]!.n
}

async function cookieRows(consentId: string) {
  const { acceptances } = await import('../support/schema')
  const { eq } = await import('drizzle-orm')
  return (await db()).select().from(acceptances).where(eq(acceptances.consentId, consentId))
}

async function consentIdOf(set: string[]): Promise<string> {
  const { readConsentCookie } = await import('~/cookie-consent/cookie.server')
  const choice = await readConsentCookie(new Request(ORIGIN, { headers: { Cookie: browserCookies(set) } }))
  if (!choice) throw new Error('no consent cookie was set')
  return choice.consentId
}

/** A consent cookie signed by this server for a version that is not the one in force. */
async function cookieForVersion(version: number, method: 'all' | 'custom' = 'all') {
  const { CONSENT_COOKIE, consentCookieValue, newConsentId } = await import('~/cookie-consent/cookie.server')
  const value = await consentCookieValue({
    consentId: newConsentId(),
    locale: 'ru',
    version,
    method,
    preferences: true,
    analytics: true,
    issuedAt: Math.floor(Date.now() / 1000) - 60,
  })
  return `${CONSENT_COOKIE}=${value}`
}

const STATS = 'palitra_stats=AAAAAAAAAAAAAAAAAAAAAA'
const hasCookie = (set: string[], name: string) => set.some((c) => c.startsWith(`${name}=`) && !/Max-Age=0/.test(c))
const deletes = (set: string[], name: string) => set.some((c) => c.startsWith(`${name}=;`) && /Max-Age=0/.test(c))

// ---------------------------------------------------------------------------

describe('the banner in the layout', () => {
  it('asks a first-time visitor, with the version in force, and sets nothing optional', async () => {
    const before = await pageViewCount()
    const { data, setCookies } = await layout('/ru/pricing')
    expect(data.cookieBanner).toMatchObject({
      ask: true,
      outdated: false,
      gpc: false,
      policy: { version: policy.ru.version },
    })
    expect(data.analytics).toBe(false)
    expect(setCookies).toEqual([])
    expect(await pageViewCount()).toBe(before)
  })

  it('says so when the browser sends Global Privacy Control', async () => {
    const { data } = await layout('/en', '', { 'Sec-GPC': '1' })
    expect(data.cookieBanner).toMatchObject({ ask: true, gpc: true, policy: { version: policy.en.version } })
  })

  it('asks again, deletes optional cookies and counts nothing for a choice of another version', async () => {
    const before = await pageViewCount()
    for (const version of [policy.ru.version + 1, ...(policy.ru.version > 1 ? [policy.ru.version - 1] : [])]) {
      const stale = await cookieForVersion(version)
      const { data, setCookies } = await layout('/ru/pricing', `${stale}; ${STATS}; palitra_prefs=noir.1:1.2`)
      expect(data.cookieBanner).toMatchObject({ ask: true, outdated: true })
      expect(data.analytics).toBe(false)
      expect(deletes(setCookies, 'palitra_stats')).toBe(true)
      expect(deletes(setCookies, 'palitra_prefs')).toBe(true)
    }
    expect(await pageViewCount()).toBe(before)
  })

  it('ignores a forged or mangled consent cookie', async () => {
    const before = await pageViewCount()
    const good = await cookieForVersion(policy.ru.version)
    // The first character of the signed content changed, the signature kept.
    const mangled = good.replace(/=(.)/, (_, first: string) => `=${first === 'e' ? 'f' : 'e'}`)
    for (const cookie of [good.slice(0, -2), mangled, 'palitra_consent=all', 'palitra_consent=']) {
      const { data, setCookies } = await layout('/ru/pricing', `${cookie}; ${STATS}`)
      expect(data.cookieBanner, cookie).toMatchObject({ ask: true, outdated: false })
      expect(deletes(setCookies, 'palitra_stats'), cookie).toBe(true)
    }
    expect(await pageViewCount()).toBe(before)
  })
})

describe('POST /:lang/cookie-consent', () => {
  it('without JavaScript: records the choice, sets the cookies and goes back to the page', async () => {
    const response = (await choose('ru', { intent: 'all', shownVersion: String(policy.ru.version) })) as Response
    expect(response).toBeInstanceOf(Response)
    expect(response.status).toBe(303)
    expect(response.headers.get('Location')).toBe('/ru/pricing')
    const set = setCookies(response)
    expect(hasCookie(set, 'palitra_consent')).toBe(true)
    expect(hasCookie(set, 'palitra_stats')).toBe(true)
    const consentId = await consentIdOf(set)
    const rows = await cookieRows(consentId)
    expect(rows.map((r) => [r.scope, r.state, r.version, r.contentSha256, r.ip]).sort()).toEqual([
      ['analytics', 'given', policy.ru.version, policy.ru.sha256, '198.51.100.77'],
      ['preferences', 'given', policy.ru.version, policy.ru.sha256, '198.51.100.77'],
    ])

    // The next page: no banner, and a page view under the pattern, never the address.
    const before = await pageViewCount()
    const next = await layout('/ru/pricing?utm_source=mail', browserCookies(set))
    expect(next.data.cookieBanner).toMatchObject({ ask: false, current: { preferences: true, analytics: true } })
    expect(next.data.analytics).toBe(true)
    expect(next.setCookies).toEqual([])
    expect(await pageViewCount()).toBe(before + 1)
    const { pageViews } = await import('../support/schema')
    const views = await (await db()).select().from(pageViews)
    expect(views.some((v) => v.route === '/:lang/pricing' && v.locale === 'ru' && v.device === 'desktop')).toBe(true)
    expect(JSON.stringify(views)).not.toContain('utm_source')

    // The app's own data requests are not whole pages: the beacon counts those.
    await layout('/ru/pricing', browserCookies(set), { 'Sec-Fetch-Dest': 'empty', Accept: '*/*' })
    expect(await pageViewCount()).toBe(before + 1)
  })

  it('with JavaScript (?inline=1): answers with the choice as data and the cookies', async () => {
    const result = (await choose(
      'en',
      { intent: 'custom', preferences: 'on', shownVersion: String(policy.en.version) },
      {},
      '?inline=1',
    )) as DataResult
    expect(result.data).toEqual({ ok: true, preferences: true, analytics: false })
    const set = setCookies(result)
    expect(hasCookie(set, 'palitra_consent')).toBe(true)
    expect(deletes(set, 'palitra_stats')).toBe(true)
    const rows = await cookieRows(await consentIdOf(set))
    expect(rows.map((r) => [r.scope, r.state, r.locale]).sort()).toEqual([
      ['analytics', 'withdrawn', 'en'],
      ['preferences', 'given', 'en'],
    ])
  })

  it('"Accept all" with GPC leaves analytics off; the layout then counts nothing', async () => {
    const response = (await choose(
      'ru',
      { intent: 'all', shownVersion: String(policy.ru.version) },
      { 'Sec-GPC': '1' },
    )) as Response
    const set = setCookies(response)
    expect(hasCookie(set, 'palitra_stats')).toBe(false)
    const rows = await cookieRows(await consentIdOf(set))
    expect(rows.find((r) => r.scope === 'analytics')!.state).toBe('withdrawn')
    const before = await pageViewCount()
    const next = await layout('/ru', browserCookies(set), { 'Sec-GPC': '1' })
    expect(next.data).toMatchObject({ analytics: false, cookieBanner: { ask: false, gpc: true } })
    expect(await pageViewCount()).toBe(before)
  })

  it('records nothing for a form that showed another version, and says so with a 409', async () => {
    const { sql } = await import('drizzle-orm')
    const count = async () =>
      (
        (await (
          await db()
        ).execute(sql`select count(*)::int as n from acceptances where event = 'cookie'`)) as unknown as {
          rows: Array<{ n: number }>
        }
      ).rows[0]!.n
    const before = await count()
    for (const shownVersion of [String(policy.ru.version + 1), '0', '', 'v1']) {
      const result = (await choose('ru', { intent: 'all', shownVersion })) as DataResult
      expect(result.init?.status, shownVersion).toBe(409)
      expect(result.data).toMatchObject({
        ok: false,
        failure: { formError: 'cookie-consent:versionChanged' },
        returnTo: '/ru/pricing',
      })
      expect(await refusalText('ru', result)).toContain(String(policy.ru.version))
      expect(setCookies(result)).toEqual([])
    }
    expect(await count()).toBe(before)
  })

  it('sends "Customise" without JavaScript to the settings page, and refuses other intents', async () => {
    const customise = (await choose('en', { intent: 'customise' })) as Response
    expect(customise.status).toBe(303)
    expect(customise.headers.get('Location')).toBe(`/en/cookie-consent?returnTo=${encodeURIComponent('/en/pricing')}`)
    const bad = (await choose('en', { intent: 'everything', shownVersion: String(policy.en.version) })) as DataResult
    expect(bad.init?.status).toBe(400)
    expect(bad.data).toMatchObject({ ok: false, failure: { formError: 'cookie-consent:badForm' } })
    const offsite = (await choose('en', {
      intent: 'essential',
      shownVersion: String(policy.en.version),
      returnTo: 'https://evil.example/',
    })) as Response
    expect(offsite.headers.get('Location')).toBe('/en')
  })

  it('links the choice to the signed-in account, whose history and settings page show it', async () => {
    const { users } = await import('../support/schema')
    const { createUserSession } = await import('~/identity/session.server')
    const userId = `user_${randomUUID()}`
    await (await db()).insert(users).values({ id: userId, locale: 'en' })
    const session = (await createUserSession(await db(), userId, {})).cookie.split(';')[0]!
    const response = (await choose(
      'en',
      { intent: 'essential', shownVersion: String(policy.en.version) },
      { Cookie: session },
    )) as Response
    const cookies = browserCookies(setCookies(response), [session])

    const history = (await routes.consents.loader({
      request: page('/en/account/consents', { Cookie: cookies }),
      params: { lang: 'en' },
      context: {},
    })) as { rows: Array<{ kind: string; scope?: string | null; state: string; event: string }> }
    expect(
      history.rows
        .filter((r) => r.event === 'cookie')
        .map((r) => [r.kind, r.scope, r.state])
        .sort(),
    ).toEqual([
      ['cookies', 'analytics', 'withdrawn'],
      ['cookies', 'preferences', 'withdrawn'],
    ])

    const settings = (await routes.consent.loader({
      request: page('/en/cookie-consent?returnTo=%2Fen%2Fhistory', { Cookie: cookies }),
      params: { lang: 'en' },
      context: {},
    })) as unknown as DataResult
    expect(settings.data).toMatchObject({
      returnTo: '/en/history',
      banner: { ask: false, hasChoice: true, current: { preferences: false, analytics: false } },
    })
  })
})

describe('POST /api/page-view', () => {
  const beacon = (fields: Record<string, string>, cookie = '', extra: Record<string, string> = {}) =>
    routes.beacon.action({
      request: post('/api/page-view', fields, { ...(cookie ? { Cookie: cookie } : {}), ...extra }),
      params: {},
      context: {},
    })

  it('stores nothing and sets nothing without consent, with GPC or for another version', async () => {
    const before = await pageViewCount()
    const stale = await cookieForVersion(policy.ru.version + 1)
    const gpcAll = setCookies(await choose('ru', { intent: 'all', shownVersion: String(policy.ru.version) }))
    for (const [cookie, extra] of [
      ['', {}],
      [STATS, {}],
      [`${stale}; ${STATS}`, {}],
      [browserCookies(gpcAll), { 'Sec-GPC': '1' }],
    ] as Array<[string, Record<string, string>]>) {
      const response = await beacon({ route: '/:lang/history', locale: 'ru' }, cookie, extra)
      expect(response.status, cookie).toBe(204)
      expect(response.headers.getSetCookie(), cookie).toEqual([])
    }
    expect(await pageViewCount()).toBe(before)
  })

  it('counts a navigation with consent, and refuses what is not a pattern', async () => {
    const set = setCookies(
      await choose('en', { intent: 'custom', analytics: 'on', shownVersion: String(policy.en.version) }),
    )
    const cookies = browserCookies(set)
    const before = await pageViewCount()
    const counted = await beacon({ route: '/:lang/:kind/v/:version', locale: 'en' }, cookies)
    expect(counted.status).toBe(204)
    expect(counted.headers.getSetCookie()).toEqual([])
    expect(await pageViewCount()).toBe(before + 1)
    for (const fields of [
      { route: '/en/privacy/v/2', locale: 'en' },
      { route: '/:lang', locale: 'de' },
      { route: '/:lang?x=1', locale: 'en' },
    ]) {
      expect((await beacon(fields, cookies)).status, JSON.stringify(fields)).toBe(400)
    }
    expect(await pageViewCount()).toBe(before + 1)
  })
})

describe('palitra_prefs', () => {
  async function homeDefaults(cookie: string) {
    const data = (await routes.home.loader({
      request: page('/ru', cookie ? { Cookie: cookie } : {}),
      params: { lang: 'ru' },
      context: {},
    })) as { defaults?: object }
    return data.defaults
  }

  it('fills the generation form only with consent to preferences', async () => {
    const prefs = 'palitra_prefs=neon.16:9.3'
    expect(await homeDefaults(prefs)).toBeUndefined()
    const essential = setCookies(await choose('ru', { intent: 'essential', shownVersion: String(policy.ru.version) }))
    expect(await homeDefaults(`${browserCookies(essential)}; ${prefs}`)).toBeUndefined()
    const custom = setCookies(
      await choose('ru', { intent: 'custom', preferences: 'on', shownVersion: String(policy.ru.version) }),
    )
    expect(await homeDefaults(`${browserCookies(custom)}; ${prefs}`)).toEqual({
      style: 'neon',
      aspectRatio: '16:9',
      count: 3,
    })
    expect(await homeDefaults(`${browserCookies(custom)}; palitra_prefs=neon.16:9.9`)).toBeUndefined()
  })

  it('is written only with consent to preferences', async () => {
    const { rememberGenerationSettings } = await import('~/cookie-consent/preferences.server')
    const settings = { style: 'noir' as const, aspectRatio: '1:1' as const, count: 2 }
    const req = (cookie: string) => new Request(`${ORIGIN}/ru`, { headers: { Cookie: cookie } })
    expect(await rememberGenerationSettings(req(''), 'ru', settings)).toBeNull()
    const essential = setCookies(await choose('ru', { intent: 'essential', shownVersion: String(policy.ru.version) }))
    expect(await rememberGenerationSettings(req(browserCookies(essential)), 'ru', settings)).toBeNull()
    const all = setCookies(await choose('ru', { intent: 'all', shownVersion: String(policy.ru.version) }))
    expect(await rememberGenerationSettings(req(browserCookies(all)), 'ru', settings)).toMatch(
      /^palitra_prefs=noir\.1:1\.2; Max-Age=31536000;/,
    )
  })
})

describe('public pages', () => {
  it('vary on Cookie and Sec-GPC, and their ETag follows what the banner shows', async () => {
    const etag = async (headers: Record<string, string>) => {
      const result = (await routes.policy.loader({
        request: page('/en/privacy', headers),
        params: { lang: 'en', kind: 'privacy' },
        context: {},
      })) as unknown as DataResult
      const h = new Headers(result.init!.headers)
      expect(h.get('Vary')).toBe('Cookie, Sec-GPC')
      return h.get('ETag')
    }
    const anonymous = await etag({})
    expect(await etag({})).toBe(anonymous)
    expect(await etag({ 'Sec-GPC': '1' })).not.toBe(anonymous)
    const set = setCookies(await choose('en', { intent: 'essential', shownVersion: String(policy.en.version) }))
    expect(await etag({ Cookie: browserCookies(set) })).not.toBe(anonymous)
  })
})
