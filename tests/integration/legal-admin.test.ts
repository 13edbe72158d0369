import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type * as LayoutRoute from '~/routes/$lang.legal-admin'
import type * as OverviewRoute from '~/routes/$lang.legal-admin._index'
import type * as VersionsRoute from '~/routes/$lang.legal-admin.versions._index'
import type * as ArchiveCheckRoute from '~/routes/$lang.legal-admin.archive-check'
import type * as PublishingRoute from '~/routes/$lang.legal-admin.publishing'
import type * as CsvRoute from '~/routes/$lang.legal-admin.versions.$id[.]csv'
import type * as RegisterRoute from '~/routes/$lang.register'
import type * as GuestRoute from '~/routes/$lang.guest'
import type * as AccountRoute from '~/routes/$lang.account._index'
import { parseCsv } from '~/flows/legal-admin/csv'
import { isolateProcessDatabase } from '../db'
import { closeAppResources, signInThroughLoginPage, statusOf, thrownBy, type DataResult } from './support'
import { cookieNamed, get, post as formPost } from '../support/requests'

// The legal team's view through its routes, against the process-wide database
// (PGlite in a temporary DATA_DIR, or the run's PostgreSQL under test:pg) and
// the shipped seed dataset. People register and start guest sessions through
// the real routes; the role is given the way `npm run grant-role` gives it.

const dir = mkdtempSync(path.join(tmpdir(), 'palitra-legal-admin-'))
process.env.DATA_DIR = dir
let dropOwnDatabase: () => Promise<void> = async () => {}

const PASSWORD = 'amber tramline over the bay'

let routes: {
  layout: typeof LayoutRoute
  overview: typeof OverviewRoute
  versions: typeof VersionsRoute
  archiveCheck: typeof ArchiveCheckRoute
  publishing: typeof PublishingRoute
  csv: typeof CsvRoute
  register: typeof RegisterRoute
  guest: typeof GuestRoute
  account: typeof AccountRoute
}

type Viewer = { name: string; cookie?: string }
let legal: Viewer & { userId: string; email: string }
let member: Viewer & { userId: string }
let guest: Viewer
const signedOut: Viewer = { name: 'signed out' }
/** The archive row of the Russian terms in force: everyone here accepted it. */
let termsId: string

let ipCounter = 20
const nextIp = () => `198.51.100.${ipCounter++}`

const post = (url: string, fields: Record<string, string>, cookie?: string) =>
  formPost(url, fields, cookie, { userAgent: '=cmd|calc (legal-admin test)', multipart: true })

async function register(name: string) {
  const email = `${name}.${randomBytes(4).toString('hex')}@mail.example`
  const page = (await routes.register.loader({
    request: get('/ru/register'),
    params: { lang: 'ru' },
    context: {},
  })) as {
    shownVersions: string
  }
  const created = (await routes.register.action({
    request: post('/ru/register', {
      email,
      password: PASSWORD,
      shownVersions: page.shownVersions,
      accept_terms: 'yes',
      accept_privacy: 'yes',
      accept_consent: 'yes',
    }),
    params: { lang: 'ru' },
    context: { clientIp: nextIp() },
  })) as Response
  expect(created.status).toBe(303)
  const cookie = await signInThroughLoginPage(email, PASSWORD, { clientIp: nextIp() })
  const { getSessionUser } = await import('~/identity/session.server')
  const session = await getSessionUser(get('/', cookie))
  return { name, email, cookie, userId: session!.user.id }
}

beforeAll(async () => {
  dropOwnDatabase = await isolateProcessDatabase()
  const { getDb } = await import('~/platform/db/client.server')
  await getDb()
  routes = {
    layout: await import('~/routes/$lang.legal-admin'),
    overview: await import('~/routes/$lang.legal-admin._index'),
    versions: await import('~/routes/$lang.legal-admin.versions._index'),
    archiveCheck: await import('~/routes/$lang.legal-admin.archive-check'),
    publishing: await import('~/routes/$lang.legal-admin.publishing'),
    csv: await import('~/routes/$lang.legal-admin.versions.$id[.]csv'),
    register: await import('~/routes/$lang.register'),
    guest: await import('~/routes/$lang.guest'),
    account: await import('~/routes/$lang.account._index'),
  }

  legal = await register('legal')
  member = await register('member')
  const { changeRole } = await import('~/flows/legal-admin/roles.server')
  expect(await changeRole(await getDb(), { email: legal.email.toUpperCase(), role: 'legal' })).toMatchObject({
    outcome: 'changed',
  })

  const form = (await routes.guest.loader({ request: get('/ru/guest'), params: { lang: 'ru' }, context: {} })) as {
    shownVersions: string
  }
  const started = (await routes.guest.action({
    request: post('/ru/guest', {
      shownVersions: form.shownVersions,
      accept_terms: 'yes',
      accept_privacy: 'yes',
      accept_consent: 'yes',
    }),
    params: { lang: 'ru' },
    context: { clientIp: nextIp() },
  })) as Response
  guest = { name: 'guest', cookie: cookieNamed(started, 'palitra_guest') }
  termsId = await termsInForceId()
})

afterAll(async () => {
  await closeAppResources()
  rmSync(dir, { recursive: true, force: true })
  await dropOwnDatabase()
})

async function termsInForceId() {
  const { currentVersionsForAcceptance } = await import('~/acceptances/current-versions.server')
  const [terms] = await currentVersionsForAcceptance(['terms'], 'ru')
  return terms!.documentVersionId
}

const pages = () =>
  [
    ['layout', '/ru/legal-admin', routes.layout.loader],
    ['overview', '/ru/legal-admin', routes.overview.loader],
    ['versions', '/ru/legal-admin/versions', routes.versions.loader],
    ['archive check', '/ru/legal-admin/archive-check', routes.archiveCheck.loader],
    ['publishing', '/ru/legal-admin/publishing', routes.publishing.loader],
  ] as const

describe('who may see the legal view', () => {
  it.each(['signed out', 'member', 'guest'])('answers 404 on every page for %s', async (who) => {
    const viewer = who === 'signed out' ? signedOut : who === 'member' ? member : guest
    for (const [name, url, loader] of pages()) {
      const thrown = await thrownBy(() =>
        loader({ request: get(url, viewer.cookie), params: { lang: 'ru' }, context: {} }),
      )
      expect(statusOf(thrown), `${name} for ${who}`).toBe(404)
    }
    const csv = (await routes.csv.loader({
      request: get(`/ru/legal-admin/versions/${termsId}.csv`, viewer.cookie),
      params: { lang: 'ru', id: termsId },
      context: {},
    })) as Response
    expect(csv.status).toBe(404)
    expect(csv.headers.get('Content-Disposition')).toBeNull()
    expect(await csv.text()).toMatch(/^Такой страницы нет/)
  })

  it('opens every page for the legal team, never to be cached or indexed', async () => {
    for (const [name, url, loader] of pages()) {
      const result = (await loader({
        request: get(url, legal.cookie),
        params: { lang: 'ru' },
        context: {},
      })) as unknown as DataResult
      expect(result.init?.status ?? 200, name).toBe(200)
      const headers = new Headers(result.init?.headers)
      expect(headers.get('Cache-Control'), name).toBe('private, no-store')
      expect(headers.get('X-Robots-Tag'), name).toBe('noindex, nofollow')
    }
    const meta = routes.overview.meta({ data: { title: 'x' } } as never)
    expect(meta).toContainEqual({ name: 'robots', content: 'noindex, nofollow' })
  })

  it('stops at once when the role is revoked', async () => {
    const { getDb } = await import('~/platform/db/client.server')
    const { changeRole } = await import('~/flows/legal-admin/roles.server')
    await changeRole(await getDb(), { email: legal.email, role: 'legal', revoke: true })
    try {
      const thrown = await thrownBy(() =>
        routes.overview.loader({ request: get('/ru/legal-admin', legal.cookie), params: { lang: 'ru' }, context: {} }),
      )
      expect(statusOf(thrown)).toBe(404)
    } finally {
      await changeRole(await getDb(), { email: legal.email, role: 'legal' })
    }
  })

  it('links the view from the account page of legal team members only', async () => {
    const own = (await routes.account.loader({
      request: get('/ru/account', legal.cookie),
      params: { lang: 'ru' },
      context: {},
    })) as { legalView: boolean }
    const other = (await routes.account.loader({
      request: get('/ru/account', member.cookie),
      params: { lang: 'ru' },
      context: {},
    })) as { legalView: boolean }
    expect([own.legalView, other.legalView]).toEqual([true, false])
  })
})

describe('the pages', () => {
  it('count the registrations and the guest on the overview', async () => {
    const result = (await routes.overview.loader({
      request: get('/ru/legal-admin', legal.cookie),
      params: { lang: 'ru' },
      context: {},
    })) as unknown as DataResult
    const inForce = result.data.inForce as Array<Record<string, unknown>>
    const terms = inForce.find((r) => r.kind === 'terms' && r.locale === 'ru')!
    // Two registrations and one guest session accepted the terms in force.
    expect(terms).toMatchObject({ state: 'ok', given: 3, withdrawn: 0 })
    expect(terms.accounts).toMatchObject({ accounts: 2, accepted: 2, notYetAccepted: 0 })
    expect(result.data.requests).toEqual({ open: 0, overdue: 0, dueToday: 0, awaitingConfirmation: 0 })
  })

  it('list the versions with counts by event, and the archive check finds the seed unchanged', async () => {
    const versions = (await routes.versions.loader({
      request: get('/ru/legal-admin/versions', legal.cookie),
      params: { lang: 'ru' },
      context: {},
    })) as unknown as DataResult
    const rows = versions.data.versions as Array<{ id: string; inForce: boolean; byEvent: Record<string, unknown> }>
    const terms = rows.find((r) => r.id === termsId)!
    expect(terms.inForce).toBe(true)
    expect(terms.byEvent.register).toEqual({ given: 2, withdrawn: 0, declined: 0 })
    expect(terms.byEvent.guest).toEqual({ given: 1, withdrawn: 0, declined: 0 })

    const check = (await routes.archiveCheck.loader({
      request: get('/ru/legal-admin/archive-check', legal.cookie),
      params: { lang: 'ru' },
      context: {},
    })) as unknown as DataResult
    const result = check.data.result as { source: string; counts: Record<string, number>; entries: unknown[] }
    expect(result.source).toBe('local')
    expect(result.entries.length).toBeGreaterThan(0)
    expect(result.counts).toEqual({ matches: result.entries.length, differs: 0, missing: 0, unavailable: 0 })
  })

  it('serve the CSV of one version as a download that is never stored', async () => {
    const id = termsId
    const response = (await routes.csv.loader({
      request: get(`/ru/legal-admin/versions/${id}.csv`, legal.cookie),
      params: { lang: 'ru', id },
      context: {},
    })) as Response
    expect(response.status).toBe(200)
    expect(response.headers.get('Content-Type')).toBe('text/csv; charset=utf-8')
    expect(response.headers.get('Content-Disposition')).toMatch(
      /^attachment; filename="palitra-acceptances-terms-ru-v\d+\.csv"$/,
    )
    expect(response.headers.get('Cache-Control')).toBe('no-store')
    const [header, ...records] = parseCsv(await response.text())
    expect(header![0]).toBe('record_id')
    expect(records).toHaveLength(3)
    const subjects = records.map((r) => `${r[1]}:${r[2]}`)
    expect(subjects).toContain(`user:${legal.userId}`)
    expect(subjects).toContain(`user:${member.userId}`)
    // The hostile user agent every request here sends is written as text.
    expect(records.every((r) => r[header!.indexOf('user_agent')] === "'=cmd|calc (legal-admin test)")).toBe(true)
  })

  it('answer 404 for a CSV of no archived version', async () => {
    for (const id of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid']) {
      const response = (await routes.csv.loader({
        request: get(`/ru/legal-admin/versions/${id}.csv`, legal.cookie),
        params: { lang: 'ru', id },
        context: {},
      })) as Response
      expect(response.status, id).toBe(404)
    }
  })
})

describe('the publishing page', () => {
  type Listed = { kind: string; locale: string; version: number }
  const names = (list: Listed[]) => list.map((v) => `${v.kind}/${v.locale}/v${v.version}`).sort()
  const load = async () =>
    (await routes.publishing.loader({
      request: get('/ru/legal-admin/publishing', legal.cookie),
      params: { lang: 'ru' },
      context: {},
    })) as unknown as DataResult

  it('lists every published version not in force yet, and the published versions the archive lacks', async () => {
    const { getContentSource } = await import('~/content/index.server')
    const { allArchivedVersions } = await import('~/legal/index.server')
    const { getDb } = await import('~/platform/db/client.server')
    const source = getContentSource()
    const now = Date.now()
    const published: Array<Listed & { effectiveFrom: string }> = []
    for (const kind of ['privacy', 'terms', 'cookies', 'consent'] as const) {
      for (const locale of ['ru', 'en'] as const) {
        for (const v of await source.listVersions(kind, locale)) published.push(v)
      }
    }
    const archived = new Set(names(await allArchivedVersions(await getDb())))

    const page = await load()
    expect(names(page.data.upcoming as Listed[])).toEqual(
      names(published.filter((v) => Date.parse(v.effectiveFrom) > now)),
    )
    const unarchived = page.data.unarchived as Listed[]
    expect(names(unarchived)).toEqual(names(published).filter((name) => !archived.has(name)))
    expect(unarchived.length).toBeGreaterThan(0)

    const done = (await routes.publishing.action({
      request: post('/ru/legal-admin/publishing', { intent: 'archive-unarchived' }, legal.cookie),
      params: { lang: 'ru' },
      context: {},
    })) as unknown as DataResult
    expect(done.data.archived).toBe(unarchived.length)
    expect((await load()).data.unarchived).toEqual([])
  })

  it('says for a material upcoming version how many accounts are to be told and when', async () => {
    const upcoming = (await load()).data.upcoming as Array<
      Listed & { material: boolean; notices: { accountsToTell: number; days: number } | null }
    >
    for (const v of upcoming) {
      if (!v.material) expect(v.notices).toBeNull()
      else expect(v.notices!.days).toBe(v.kind === 'terms' ? 30 : 10)
    }
  })

  it('refuses an unknown action with 400 and is a 404 for anyone outside the legal team', async () => {
    const unknown = await thrownBy(() =>
      routes.publishing.action({
        request: post('/ru/legal-admin/publishing', { intent: 'publish-everything' }, legal.cookie),
        params: { lang: 'ru' },
        context: {},
      }),
    )
    expect(statusOf(unknown)).toBe(400)
    const outsider = await thrownBy(() =>
      routes.publishing.action({
        request: post('/ru/legal-admin/publishing', { intent: 'archive-unarchived' }, member.cookie),
        params: { lang: 'ru' },
        context: {},
      }),
    )
    expect(statusOf(outsider)).toBe(404)
  })
})
