import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type * as GuestRoute from '~/routes/$lang.guest'
import type { Locale } from '~/i18n/locales'
import { isolateProcessDatabase } from '../db'
import { closeAppResources, type DataResult } from './support'

// Guest sessions through the routes, against the process-wide database (PGlite
// in a temporary DATA_DIR, or the run's PostgreSQL under test:pg) and the
// shipped seed dataset.

const dir = mkdtempSync(path.join(tmpdir(), 'palitra-guests-'))
process.env.DATA_DIR = dir
let dropOwnDatabase: () => Promise<void> = async () => {}

let routes: { guest: typeof GuestRoute }

beforeAll(async () => {
  dropOwnDatabase = await isolateProcessDatabase()
  const { getDb } = await import('~/db/client.server')
  await getDb()
  routes = { guest: await import('~/routes/$lang.guest') }
})

afterAll(async () => {
  await closeAppResources()
  rmSync(dir, { recursive: true, force: true })
  await dropOwnDatabase()
})

const ORIGIN = 'http://localhost'
const USER_AGENT = 'Mozilla/5.0 (guests test)'
let ipCounter = 1
const nextIp = () => `198.51.100.${ipCounter++}`

const get = (url: string, cookie?: string) =>
  new Request(`${ORIGIN}${url}`, { headers: cookie ? { Cookie: cookie } : {} })

function post(url: string, fields: Record<string, string>, cookie?: string) {
  const body = new FormData()
  for (const [name, value] of Object.entries(fields)) body.set(name, value)
  return new Request(`${ORIGIN}${url}`, {
    method: 'POST',
    body,
    headers: { 'User-Agent': USER_AGENT, ...(cookie ? { Cookie: cookie } : {}) },
  })
}

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
  const { getDb } = await import('~/db/client.server')
  const { acceptances, guests, creditBalances } = await import('~/db/schema')
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
      const { currentVersionsForAcceptance } = await import('~/consent/current-versions.server')
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
    const { getFixedT } = await import('~/i18n/i18next.server')
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
    const { readGuestId } = await import('~/guest/guest.server')
    const guestId = readGuestId(get('/', cookie.split(';')[0]))!
    expect(guestId).not.toBeNull()

    const { getDb } = await import('~/db/client.server')
    const { acceptances, guests } = await import('~/db/schema')
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
