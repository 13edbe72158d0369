import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type * as HomeRoute from '~/routes/$lang._index'
import { isolateProcessDatabase } from '../db'
import { type DataResult, closeAppResources, statusOf } from './support'

// The home page with an engine that makes images from the description only
// (Kandinsky: `takesPhoto` false). Nothing here reaches the provider: a photo
// is refused before anything is charged, and the page's copy is an AI one.
const dir = mkdtempSync(path.join(tmpdir(), 'palitra-text-only-'))
process.env.DATA_DIR = dir
process.env.GUEST_FREE_CREDITS = '3'
process.env.IMAGE_ENGINE = 'kandinsky'
process.env.KANDINSKY_API_KEY = 'test-key'
process.env.KANDINSKY_SECRET_KEY = 'test-secret'

let dropOwnDatabase: () => Promise<void> = async () => {}
let home: typeof HomeRoute

beforeAll(async () => {
  dropOwnDatabase = await isolateProcessDatabase()
  const { resetEnvForTests } = await import('~/platform/env.server')
  resetEnvForTests()
  const { getDb } = await import('~/platform/db/client.server')
  await getDb()
  home = await import('~/routes/$lang._index')
})

afterAll(async () => {
  await closeAppResources()
  rmSync(dir, { recursive: true, force: true })
  await dropOwnDatabase()
})

/** A guest with 3 credits who has accepted the documents in force, and its cookie. */
async function newGuest(): Promise<{ guestId: string; cookie: string }> {
  const { getDb } = await import('~/platform/db/client.server')
  const { serializeGuestCookie } = await import('~/identity/guests.server')
  const { recordAcceptances } = await import('~/acceptances/ledger.server')
  const { currentVersionsForAcceptance } = await import('~/acceptances/current-versions.server')
  const { guestWithCredits } = await import('../support/generation')
  const db = await getDb()
  const generator = await guestWithCredits(db, 3)
  const guestId = generator.guestId!
  const documents = await currentVersionsForAcceptance(['terms', 'privacy', 'consent'], 'ru')
  await db.transaction((tx) =>
    recordAcceptances(tx, {
      subject: { guestId },
      event: 'guest',
      documents,
      wordings: { terms: 'I accept the terms', privacy: 'I have read the policy', consent: 'I consent' },
      ip: null,
      userAgent: null,
      action: { type: 'guest-session', id: guestId },
    }),
  )
  return { guestId, cookie: (await serializeGuestCookie(guestId)).split(';')[0]! }
}

async function balance(guestId: string) {
  const { getDb } = await import('~/platform/db/client.server')
  const { balanceOf } = await import('~/credits/index.server')
  return balanceOf(await getDb(), `guest:${guestId}`)
}

async function jobsOf(guestId: string) {
  const { getDb } = await import('~/platform/db/client.server')
  const { generationJobs } = await import('../support/schema')
  const { eq } = await import('drizzle-orm')
  return (await getDb()).select().from(generationJobs).where(eq(generationJobs.guestId, guestId))
}

async function photo() {
  return sharp({ create: { width: 160, height: 120, channels: 3, background: '#2c6e8f' } })
    .png()
    .toBuffer()
}

type ActionResult = DataResult & {
  data: { ok: boolean; failure?: { fieldErrors: Record<string, string>; values: Record<string, string> } }
}

describe('an engine that cannot take a photo', () => {
  it('is what the page is told, so the form leaves the photo field out', async () => {
    const guest = await newGuest()
    const data = await home.loader({
      request: new Request('http://localhost/ru', { headers: { Cookie: guest.cookie } }),
      params: { lang: 'ru' },
      context: {},
    })
    expect(data).toMatchObject({ engineKind: 'ai', engineTakesPhoto: false })
  })

  for (const inline of [true, false]) {
    it(`refuses a photo before charging anything (${inline ? 'with' : 'without'} JavaScript): a 422 on the photo field, no job`, async () => {
      const guest = await newGuest()
      const body = new FormData()
      body.set('prompt', 'a quiet harbour with red boats')
      body.set('style', 'none')
      body.set('aspectRatio', '1:1')
      body.set('count', '1')
      body.set('photo', new File([new Uint8Array(await photo())], 'harbour.png', { type: 'image/png' }))
      const request = new Request(`http://localhost/ru?index${inline ? '&inline=1' : ''}`, {
        method: 'POST',
        body,
        headers: { Cookie: guest.cookie },
      })
      const result = (await home.action({
        request,
        params: { lang: 'ru' },
        context: { clientIp: inline ? '203.0.113.201' : '203.0.113.202' },
      })) as ActionResult
      expect(statusOf(result)).toBe(422)
      expect(result.data.ok).toBe(false)
      expect(result.data.failure?.fieldErrors).toEqual({ photo: 'upload.text-only-engine' })
      // The form comes back with what was typed.
      expect(result.data.failure?.values).toMatchObject({ prompt: 'a quiet harbour with red boats' })
      expect(await balance(guest.guestId)).toBe(3)
      expect(await jobsOf(guest.guestId)).toHaveLength(0)
    })
  }

  it('says so in both languages', async () => {
    const { getFixedT } = await import('~/platform/i18n/i18next.server')
    for (const locale of ['ru', 'en'] as const) {
      const message = getFixedT(locale, 'generate')('upload.text-only-engine')
      expect(message).not.toBe('upload.text-only-engine')
      expect(message.length).toBeGreaterThan(20)
    }
  })
})

describe('the page with an AI engine', () => {
  it('may say AI in its title and description', async () => {
    for (const [locale, ai] of [
      ['ru', /ИИ/],
      ['en', /\bAI\b/],
    ] as const) {
      const data = await home.loader({
        request: new Request(`http://localhost/${locale}`),
        params: { lang: locale },
        context: {},
      })
      expect(data.title).toMatch(ai)
      expect(data.description).toMatch(ai)
      const meta = home.meta({ data } as Parameters<typeof home.meta>[0])
      expect(meta).toContainEqual({ title: data.title })
    }
  })
})
