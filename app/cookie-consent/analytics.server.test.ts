import { randomUUID } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, type TestDatabase } from '../../tests/db'
import { pageViews } from './schema'
import { isDocumentRequest, pageViewCutoff, purgeOldPageViews, recordPageView } from './analytics.server'
import { newVisitorId, STATS_COOKIE } from './cookie.server'

let database: TestDatabase

beforeAll(async () => {
  database = await createTestDatabase()
})

afterAll(async () => {
  await database?.close()
})

const PHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148'
const allowed = { allowed: { preferences: false, analytics: true } }
const refused = { allowed: { preferences: true, analytics: false } }

function request(cookie?: string) {
  return new Request('http://localhost/en/generations/1?secret=yes', { headers: cookie ? { Cookie: cookie } : {} })
}

async function viewsOf(visitorId: string) {
  return database.db.select().from(pageViews).where(eq(pageViews.visitorId, visitorId))
}

describe('recordPageView', () => {
  it('stores nothing and sets no cookie without analytics consent', async () => {
    const visitorId = newVisitorId()
    const view = await recordPageView(database.db, request(`${STATS_COOKIE}=${visitorId}`), refused, {
      route: '/:lang/generations/:id',
      locale: 'en',
      userAgent: PHONE,
    })
    expect(view).toEqual({ recorded: false, setCookie: null })
    expect(await viewsOf(visitorId)).toEqual([])
    const fresh = await recordPageView(database.db, request(), refused, {
      route: '/:lang',
      locale: 'en',
      userAgent: PHONE,
    })
    expect(fresh).toEqual({ recorded: false, setCookie: null })
  })

  it('with consent, stores the pattern, language, device and hour under the visitor id, and nothing else', async () => {
    const visitorId = newVisitorId()
    const view = await recordPageView(database.db, request(`${STATS_COOKIE}=${visitorId}`), allowed, {
      route: '/:lang/generations/:id',
      locale: 'en',
      userAgent: PHONE,
      now: new Date('2026-11-21T14:37:12.345Z'),
    })
    expect(view).toEqual({ recorded: true, setCookie: null })
    const [row, ...more] = await viewsOf(visitorId)
    expect(more).toEqual([])
    expect(Object.keys(row!).sort()).toEqual(['device', 'id', 'locale', 'route', 'viewedAt', 'visitorId'])
    expect(row).toMatchObject({
      route: '/:lang/generations/:id',
      locale: 'en',
      device: 'mobile',
      viewedAt: new Date('2026-11-21T14:00:00.000Z'),
    })
  })

  it('starts a visitor id, with its cookie, for a browser that has none', async () => {
    const view = await recordPageView(database.db, request(), allowed, {
      route: '/:lang/pricing',
      locale: 'ru',
      userAgent: null,
    })
    expect(view.recorded).toBe(true)
    const visitorId = /^palitra_stats=([\w-]{22});/.exec(view.setCookie ?? '')?.[1]
    expect(visitorId).toBeDefined()
    expect(await viewsOf(visitorId!)).toEqual([expect.objectContaining({ route: '/:lang/pricing', device: 'other' })])
  })

  it('refuses anything that is not a route pattern', async () => {
    const visitorId = newVisitorId()
    for (const route of ['/en/generations/1', '/:lang/pricing?utm=x', 'https://mail.example/']) {
      const view = await recordPageView(database.db, request(`${STATS_COOKIE}=${visitorId}`), allowed, {
        route,
        locale: 'en',
        userAgent: PHONE,
      })
      expect(view.recorded, route).toBe(false)
    }
    expect(await viewsOf(visitorId)).toEqual([])
  })
})

describe('purgeOldPageViews', () => {
  it('deletes page views older than 12 months and keeps the rest', async () => {
    const visitorId = `purge-${randomUUID()}`.slice(0, 22)
    const now = new Date('2027-03-15T10:00:00Z')
    const at = (iso: string) => ({
      visitorId,
      route: '/:lang',
      locale: 'ru' as const,
      device: 'desktop' as const,
      viewedAt: new Date(iso),
    })
    await database.db
      .insert(pageViews)
      .values([
        at('2026-03-15T09:00:00Z'),
        at('2026-03-15T10:00:00Z'),
        at('2026-03-16T00:00:00Z'),
        at('2027-03-15T09:00:00Z'),
      ])
    expect(pageViewCutoff(now).toISOString()).toBe('2026-03-15T10:00:00.000Z')
    expect(await purgeOldPageViews(database.db, now)).toBeGreaterThanOrEqual(1)
    const left = (await viewsOf(visitorId)).map((r) => r.viewedAt.toISOString()).sort()
    expect(left).toEqual(['2026-03-15T10:00:00.000Z', '2026-03-16T00:00:00.000Z', '2027-03-15T09:00:00.000Z'])
    expect(await purgeOldPageViews(database.db, now)).toBe(0)
  })
})

describe('isDocumentRequest', () => {
  const req = (headers: Record<string, string>, method = 'GET') =>
    new Request('http://localhost/en', { method, headers })
  it('tells whole-page requests from the app’s data requests', () => {
    expect(isDocumentRequest(req({ 'Sec-Fetch-Dest': 'document', Accept: 'text/html' }))).toBe(true)
    expect(isDocumentRequest(req({ 'Sec-Fetch-Dest': 'empty', Accept: '*/*' }))).toBe(false)
    expect(isDocumentRequest(req({ Accept: 'text/html,application/xhtml+xml' }))).toBe(true)
    expect(isDocumentRequest(req({ Accept: '*/*' }))).toBe(false)
    expect(isDocumentRequest(req({ 'Sec-Fetch-Dest': 'document' }, 'POST'))).toBe(false)
  })
})
