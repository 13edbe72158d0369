import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type * as GuestRoute from '~/routes/$lang.guest'
import type * as LayoutRoute from '~/routes/$lang'
import type { Locale } from '~/platform/i18n/locales'
import { isolateProcessDatabase } from '../db'
import { closeAppResources, type DataResult } from './support'
import { get, post as formPost } from '../support/requests'

// Guest sessions through the routes, against the process-wide database (PGlite
// in a temporary DATA_DIR, or the run's PostgreSQL under test:pg) and the
// shipped seed dataset.

const dir = mkdtempSync(path.join(tmpdir(), 'palitra-guests-'))
process.env.DATA_DIR = dir
let dropOwnDatabase: () => Promise<void> = async () => {}

let routes: { guest: typeof GuestRoute; layout: typeof LayoutRoute }

beforeAll(async () => {
  dropOwnDatabase = await isolateProcessDatabase()
  const { getDb } = await import('~/platform/db/client.server')
  await getDb()
  routes = { guest: await import('~/routes/$lang.guest'), layout: await import('~/routes/$lang') }
})

afterAll(async () => {
  await closeAppResources()
  rmSync(dir, { recursive: true, force: true })
  await dropOwnDatabase()
})

const USER_AGENT = 'Mozilla/5.0 (guests test)'
let ipCounter = 1
const nextIp = () => `198.51.100.${ipCounter++}`

const post = (url: string, fields: Record<string, string>, cookie?: string) =>
  formPost(url, fields, cookie, { userAgent: USER_AGENT, multipart: true })

type GuestForm = { documents: Array<{ kind: string; version: number; title: string }>; shownVersions: string }

async function guestForm(lang: Locale): Promise<GuestForm> {
  return (await routes.guest.loader({ request: get(`/${lang}/guest`), params: { lang }, context: {} })) as GuestForm
}

async function startGuest(lang: Locale, fields: Record<string, string>) {
  const ip = nextIp()
  const result = await routes.guest.action({
    request: post(`/${lang}/guest`, fields),
    params: { lang },
    context: { clientIp: ip },
  })
  return { result, ip }
}

async function counts() {
  const { getDb } = await import('~/platform/db/client.server')
  const { acceptances, guests, creditBalances } = await import('../support/schema')
  const db = await getDb()
  return {
    guests: (await db.select().from(guests)).length,
    acceptances: (await db.select().from(acceptances)).length,
    balances: (await db.select().from(creditBalances)).length,
  }
}

const ALL = { accept_terms: 'yes', accept_privacy: 'yes', accept_consent: 'yes' }

describe('starting a guest session', () => {
  it.each(['ru', 'en'] as const)(
    'asks (%s) for the terms, the privacy policy and the consent, each in force',
    async (lang) => {
      const { currentVersionsForAcceptance } = await import('~/acceptances/current-versions.server')
      const inForce = await currentVersionsForAcceptance(['terms', 'privacy', 'consent'], lang)
      const form = await guestForm(lang)
      expect(form.documents).toEqual(inForce.map((d) => ({ kind: d.kind, version: d.version, title: d.title })))
      expect(form.shownVersions).toBe(inForce.map((d) => `${d.kind}:${d.version}`).join(','))
    },
  )

  it('refuses without the consent tick: 400, the localized message for that box, and nothing is created', async () => {
    const form = await guestForm('ru')
    const before = await counts()
    const { result } = await startGuest('ru', {
      shownVersions: form.shownVersions,
      accept_terms: 'yes',
      accept_privacy: 'yes',
    })
    const refused = result as unknown as DataResult
    expect(refused.init?.status).toBe(400)
    expect(refused.data).toMatchObject({ fieldErrors: { accept_consent: 'acceptance.required' } })
    expect(Object.keys(refused.data.fieldErrors as object)).toEqual(['accept_consent'])
    // The form comes back with the versions to show again.
    expect(refused.data.shownVersions).toBe(form.shownVersions)
    const { getFixedT } = await import('~/platform/i18n/i18next.server')
    expect(getFixedT('ru', 'account')('acceptance.required')).toBe('Без этого согласия продолжить нельзя.')
    expect(await counts()).toEqual(before)
  })

  it('refuses a form that showed another consent version: 409 with the version in force, nothing created', async () => {
    const form = await guestForm('en')
    const consent = form.documents.find((d) => d.kind === 'consent')!
    const stale = form.shownVersions.replace(`consent:${consent.version}`, `consent:${consent.version + 1}`)
    const before = await counts()
    const { result } = await startGuest('en', { ...ALL, shownVersions: stale })
    const refused = result as unknown as DataResult
    expect(refused.init?.status).toBe(409)
    expect(refused.data).toMatchObject({
      formError: 'acceptance.changed',
      formErrorParams: { titles: `“${consent.title}”` },
      shownVersions: form.shownVersions,
    })
    expect(await counts()).toEqual(before)
  })

  it('records one guest row per document with the wording as shown, in the transaction that makes the guest', async () => {
    const form = await guestForm('ru')
    const { result, ip } = await startGuest('ru', { ...ALL, shownVersions: form.shownVersions })
    const response = result as Response
    expect(response.status).toBe(302)
    expect(response.headers.get('Location')).toBe('/ru/guest')
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith('palitra_guest='))!
    const { readGuestId } = await import('~/identity/guests.server')
    const guestId = (await readGuestId(get('/', cookie.split(';')[0])))!
    expect(guestId).not.toBeNull()

    const { getDb } = await import('~/platform/db/client.server')
    const { acceptances, guests } = await import('../support/schema')
    const { eq } = await import('drizzle-orm')
    const db = await getDb()
    const [guest] = await db.select().from(guests).where(eq(guests.id, guestId))
    const rows = await db.select().from(acceptances).where(eq(acceptances.guestId, guestId))
    expect(rows.map((r) => r.kind).sort()).toEqual(['consent', 'privacy', 'terms'])
    const consent = form.documents.find((d) => d.kind === 'consent')!
    for (const row of rows) {
      expect(row).toMatchObject({
        event: 'guest',
        state: 'given',
        locale: 'ru',
        ip,
        userAgent: USER_AGENT,
        actionType: 'guest-session',
        actionId: guestId,
      })
      // One transaction: the rows carry the guest's own commit time.
      expect(row.recordedAt).toEqual(guest!.createdAt)
    }
    expect(rows.find((r) => r.kind === 'consent')).toMatchObject({
      version: consent.version,
      wording: `Я даю согласие на обработку моих персональных данных на условиях документа «${consent.title}» (версия ${consent.version})`,
    })
  })
})

/** A guest started through the form, with its cookie (name=value). */
async function newGuest(lang: Locale = 'en') {
  const form = await guestForm(lang)
  const { result } = await startGuest(lang, { ...ALL, shownVersions: form.shownVersions })
  const cookie = (result as Response).headers
    .getSetCookie()
    .find((c) => c.startsWith('palitra_guest='))!
    .split(';')[0]!
  const { readGuestId } = await import('~/identity/guests.server')
  return { cookie, guestId: (await readGuestId(get('/', cookie)))! }
}

async function layout(lang: Locale, cookie: string) {
  const result = (await routes.layout.loader({
    request: get(`/${lang}/pricing`, cookie),
    params: { lang },
    context: {},
  })) as unknown as DataResult
  const headers = new Headers(result.init?.headers)
  return {
    viewer: result.data.viewer,
    guestCookie: headers.getSetCookie().find((c) => c.startsWith('palitra_guest=')) ?? null,
  }
}

async function setLastSeen(guestId: string, at: Date) {
  const { getDb } = await import('~/platform/db/client.server')
  const { guests } = await import('../support/schema')
  const { eq } = await import('drizzle-orm')
  await (await getDb()).update(guests).set({ lastSeenAt: at }).where(eq(guests.id, guestId))
}

async function lastSeen(guestId: string) {
  const { getDb } = await import('~/platform/db/client.server')
  const { guests } = await import('../support/schema')
  const { eq } = await import('drizzle-orm')
  const [row] = await (await getDb()).select().from(guests).where(eq(guests.id, guestId))
  return row?.lastSeenAt ?? null
}

describe('a guest visiting pages', () => {
  it('gets the cookie renewed for 30 days from this visit, at most once an hour', async () => {
    const { guestId, cookie } = await newGuest()
    // Just started: the cookie set at the start is as fresh as it gets.
    expect((await layout('en', cookie)).guestCookie).toBeNull()

    const twoDaysAgo = new Date(Date.now() - 2 * 24 * 60 * 60 * 1000)
    await setLastSeen(guestId, twoDaysAgo)
    const visit = await layout('en', cookie)
    expect(visit.viewer).toEqual({ kind: 'guest', credits: expect.any(Number) })
    expect(visit.guestCookie).toBe(`${cookie}; Max-Age=2592000; Path=/; HttpOnly; SameSite=Lax`)
    const seen = await lastSeen(guestId)
    expect(seen!.getTime()).toBeGreaterThan(Date.now() - 60_000)

    // The next page within the hour: nothing to renew, nothing written.
    expect((await layout('en', cookie)).guestCookie).toBeNull()
    expect(await lastSeen(guestId)).toEqual(seen)
  })

  it('whose data is gone loses the cookie and is shown as a visitor', async () => {
    // Correctly signed, but the retention job has deleted the guest.
    const id = 'z'.repeat(32)
    const { serializeGuestCookie } = await import('~/identity/guests.server')
    const visit = await layout('ru', (await serializeGuestCookie(id)).split(';')[0]!)
    expect(visit.viewer).toBeNull()
    expect(visit.guestCookie).toMatch(/^palitra_guest=; Max-Age=0; Path=\//)
  })
})

describe('a guest away for 30 days', () => {
  it('is deleted by the retention job; its evidence stays, and its browser loses the cookie on return', async () => {
    const { guestId, cookie } = await newGuest('ru')
    const { getDb } = await import('~/platform/db/client.server')
    const { acceptances } = await import('../support/schema')
    const { eq } = await import('drizzle-orm')
    const db = await getDb()
    const evidence = await db.select().from(acceptances).where(eq(acceptances.guestId, guestId))
    expect(evidence).toHaveLength(3)

    // A visit 29 days ago keeps it; 31 days ago does not.
    const { deleteInactiveGuests } = await import('~/flows/retention/inactive-guests.server')
    const { getStorage } = await import('~/platform/storage/index.server')
    await setLastSeen(guestId, new Date(Date.now() - 29 * 24 * 60 * 60 * 1000))
    await deleteInactiveGuests(db, getStorage())
    expect(await lastSeen(guestId)).not.toBeNull()
    await setLastSeen(guestId, new Date(Date.now() - 31 * 24 * 60 * 60 * 1000))
    expect((await deleteInactiveGuests(db, getStorage())).guests).toBe(1)
    expect(await lastSeen(guestId)).toBeNull()

    expect(await db.select().from(acceptances).where(eq(acceptances.guestId, guestId))).toEqual(evidence)
    const visit = await layout('ru', cookie)
    expect(visit.viewer).toBeNull()
    expect(visit.guestCookie).toMatch(/^palitra_guest=; Max-Age=0; Path=\//)
    // The guest page offers a new start.
    const page = (await routes.guest.loader({
      request: get('/ru/guest', cookie),
      params: { lang: 'ru' },
      context: {},
    })) as {
      guest: unknown
    }
    expect(page.guest).toBeNull()
  })
})
