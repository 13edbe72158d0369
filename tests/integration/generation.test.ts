import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type * as HomeRoute from '~/routes/$lang._index'
import type * as JobRoute from '~/routes/$lang.generations.$id'
import type * as HistoryRoute from '~/routes/$lang.history'
import type * as MediaRoute from '~/routes/media.generations.$id.$index'
import type * as PhotoRoute from '~/routes/media.uploads.$id'
import type * as StatusRoute from '~/routes/api.generations.$id'
import type * as CancelRoute from '~/routes/api.generations.$id.cancel'
import { isolateProcessDatabase } from '../db'
import { type DataResult, closeAppResources, statusOf, thrownBy } from './support'
import { get } from '../support/requests'

// Generating through the routes, against the process-wide database, the
// local engine and file storage under a temporary DATA_DIR. No worker runs
// in the background: each test runs the queue when it wants the job done.
const dir = mkdtempSync(path.join(tmpdir(), 'palitra-generation-'))
process.env.DATA_DIR = dir
process.env.GUEST_FREE_CREDITS = '3'

let dropOwnDatabase: () => Promise<void> = async () => {}
let routes: {
  home: typeof HomeRoute
  job: typeof JobRoute
  history: typeof HistoryRoute
  media: typeof MediaRoute
  photo: typeof PhotoRoute
  status: typeof StatusRoute
  cancel: typeof CancelRoute
}

beforeAll(async () => {
  dropOwnDatabase = await isolateProcessDatabase()
  const { getDb } = await import('~/platform/db/client.server')
  await getDb()
  routes = {
    home: await import('~/routes/$lang._index'),
    job: await import('~/routes/$lang.generations.$id'),
    history: await import('~/routes/$lang.history'),
    media: await import('~/routes/media.generations.$id.$index'),
    photo: await import('~/routes/media.uploads.$id'),
    status: await import('~/routes/api.generations.$id'),
    cancel: await import('~/routes/api.generations.$id.cancel'),
  }
})

afterAll(async () => {
  await closeAppResources()
  rmSync(dir, { recursive: true, force: true })
  await dropOwnDatabase()
})

// ---------------------------------------------------------------------------
// Helpers

const ORIGIN = 'http://localhost'
let ipCounter = 1
const nextIp = () => `203.0.113.${ipCounter++}`

async function newGuest(): Promise<{ guestId: string; cookie: string }> {
  const { getDb } = await import('~/platform/db/client.server')
  const { serializeGuestCookie } = await import('~/identity/guests.server')
  const { createGuest } = await import('~/flows/account/guest-start.server')
  const { recordAcceptances } = await import('~/acceptances/ledger.server')
  const { currentVersionsForAcceptance } = await import('~/acceptances/current-versions.server')
  const db = await getDb()
  const documents = await currentVersionsForAcceptance(['terms', 'privacy', 'consent'], 'ru')
  const guestId = await db.transaction(async (tx) => {
    const id = await createGuest(tx)
    await recordAcceptances(tx, {
      subject: { guestId: id },
      event: 'guest',
      documents,
      wordings: {
        terms: 'I accept the terms',
        privacy: 'I have read the privacy policy',
        consent: 'I consent to the processing',
      },
      ip: null,
      userAgent: null,
      action: { type: 'guest-session', id },
    })
    return id
  })
  return { guestId, cookie: (await serializeGuestCookie(guestId)).split(';')[0]! }
}

function generationForm(fields: Record<string, string>, photo?: { bytes: Buffer; name: string; type: string }) {
  const body = new FormData()
  const all = { prompt: 'a quiet harbour with red boats', style: 'none', aspectRatio: '1:1', count: '1', ...fields }
  for (const [k, v] of Object.entries(all)) body.set(k, v)
  if (photo) body.set('photo', new File([new Uint8Array(photo.bytes)], photo.name, { type: photo.type }))
  return body
}

async function submit(
  cookie: string | null,
  body: BodyInit,
  { inline = true, headers = {} as Record<string, string> } = {},
) {
  const request = new Request(`${ORIGIN}/ru?index${inline ? '&inline=1' : ''}`, {
    method: 'POST',
    body,
    headers: { ...(cookie ? { Cookie: cookie } : {}), ...headers },
  })
  try {
    return await routes.home.action({ request, params: { lang: 'ru' }, context: { clientIp: nextIp() } })
  } catch (thrown) {
    return thrown
  }
}

type ActionResult = DataResult & {
  data: { ok: boolean; job?: { id: string; status: string }; balance?: number; failure?: Record<string, unknown> }
}

async function balance(guestId: string) {
  const { getDb } = await import('~/platform/db/client.server')
  const { balanceOf } = await import('~/credits/movements.server')
  return balanceOf(await getDb(), `guest:${guestId}`)
}

async function jobsOf(guestId: string) {
  const { getDb } = await import('~/platform/db/client.server')
  const { generationJobs } = await import('../support/schema')
  const { eq } = await import('drizzle-orm')
  return (await getDb()).select().from(generationJobs).where(eq(generationJobs.guestId, guestId))
}

async function runQueue() {
  const { getDb } = await import('~/platform/db/client.server')
  const { getStorage } = await import('~/platform/storage/index.server')
  const { getEngine } = await import('~/generation/engines/index.server')
  const { testWorker } = await import('../support/generation')
  const worker = testWorker({ db: await getDb(), storage: getStorage(), engine: getEngine(), timeoutMs: 20_000 })
  while (await worker.runOnce()) {
    // until the queue is empty
  }
}

async function storedKeys(prefix: string) {
  const { readdirSync, existsSync } = await import('node:fs')
  const root = path.join(dir, 'media', prefix)
  return existsSync(root) ? readdirSync(root, { recursive: true }).map(String) : []
}

// ---------------------------------------------------------------------------

describe('submitting the generation form', () => {
  it('accepts a job with JavaScript (202 and its state) and charges its price', async () => {
    const guest = await newGuest()
    const result = (await submit(guest.cookie, generationForm({ count: '2' }))) as ActionResult
    expect(statusOf(result)).toBe(202)
    expect(result.data).toMatchObject({ ok: true, balance: 1, job: { status: 'queued' } })
    expect(await balance(guest.guestId)).toBe(1)
  })

  it('sends a browser without JavaScript on to the job page (303)', async () => {
    const guest = await newGuest()
    const response = (await submit(guest.cookie, generationForm({}), { inline: false })) as Response
    expect(response.status).toBe(303)
    const [job] = await jobsOf(guest.guestId)
    expect(response.headers.get('Location')).toBe(`/ru/generations/${job!.id}`)
  })

  it('sends someone with no session or guest to start a guest session, or answers 401 inline', async () => {
    const response = (await submit(null, generationForm({}), { inline: false })) as Response
    expect(response.status).toBe(303)
    expect(response.headers.get('Location')).toBe('/ru/guest')
    const inline = (await submit(null, generationForm({}))) as ActionResult
    expect(statusOf(inline)).toBe(401)
    expect(inline.data.failure).toMatchObject({ formError: 'errors.no-session' })
  })

  it('refuses a prohibited prompt with a 422 naming the category, logs it and charges nothing', async () => {
    const guest = await newGuest()
    const result = (await submit(guest.cookie, generationForm({ prompt: 'ПОРНО с котиками' }))) as ActionResult
    expect(statusOf(result)).toBe(422)
    expect(result.data.failure).toMatchObject({
      formError: 'moderation.refused',
      formErrorParams: { category: 'порнография' },
    })
    expect(await balance(guest.guestId)).toBe(3)
    expect(await jobsOf(guest.guestId)).toHaveLength(0)
    const { getDb } = await import('~/platform/db/client.server')
    const { moderationRefusals } = await import('../support/schema')
    const { eq } = await import('drizzle-orm')
    const logged = await (
      await getDb()
    )
      .select()
      .from(moderationRefusals)
      .where(eq(moderationRefusals.guestId, guest.guestId))
    expect(logged).toMatchObject([{ category: 'pornography', prompt: 'ПОРНО с котиками' }])
  })

  it('answers 402 when the balance is short, and writes nothing', async () => {
    const guest = await newGuest()
    const result = (await submit(guest.cookie, generationForm({ count: '4' }))) as ActionResult
    expect(statusOf(result)).toBe(402)
    expect(result.data.failure).toMatchObject({
      formError: 'errors.not-enough-credits',
      formErrorParams: { balance: 3, needed: 4 },
    })
    expect(await jobsOf(guest.guestId)).toHaveLength(0)
  })

  it('refuses bad fields with 422 and the values to put back', async () => {
    const guest = await newGuest()
    const result = (await submit(
      guest.cookie,
      generationForm({ prompt: '   ', count: '7', style: 'cubism', aspectRatio: '2:1' }),
    )) as ActionResult
    expect(statusOf(result)).toBe(422)
    expect(result.data.failure).toMatchObject({
      fieldErrors: {
        prompt: 'errors.prompt-required',
        count: 'errors.bad-count',
        style: 'errors.bad-style',
        aspectRatio: 'errors.bad-ratio',
      },
    })
    const tooLong = (await submit(guest.cookie, generationForm({ prompt: 'я'.repeat(1001) }))) as ActionResult
    expect(tooLong.data.failure).toMatchObject({ fieldErrors: { prompt: 'errors.prompt-too-long' } })
    expect(await balance(guest.guestId)).toBe(3)
  })
})

describe('bad uploads', () => {
  const cases: Array<
    [string, () => Promise<BodyInit | { body: BodyInit; headers: Record<string, string> }>, number, string]
  > = [
    [
      'a text file named .jpg',
      async () =>
        generationForm({}, { bytes: Buffer.from('not an image at all'), name: 'cat.jpg', type: 'image/jpeg' }),
      415,
      'upload.unsupported-type',
    ],
    [
      'a photo over 10 MB',
      async () =>
        generationForm({}, { bytes: Buffer.alloc(10 * 1024 * 1024 + 1, 0xff), name: 'big.jpg', type: 'image/jpeg' }),
      413,
      'upload.too-large',
    ],
    [
      'a truncated JPEG',
      async () => {
        const jpeg = await sharp({ create: { width: 200, height: 200, channels: 3, background: '#ff0000' } })
          .jpeg()
          .toBuffer()
        return generationForm({}, { bytes: jpeg.subarray(0, 300), name: 'cut.jpg', type: 'image/jpeg' })
      },
      422,
      'upload.corrupt',
    ],
    [
      'a JSON body',
      async () => ({ body: JSON.stringify({ prompt: 'x' }), headers: { 'Content-Type': 'application/json' } }),
      415,
      'upload.unsupported-form',
    ],
  ]

  for (const [name, make, status, message] of cases) {
    it(`answers ${status} to ${name}, charging nothing and storing nothing`, async () => {
      const guest = await newGuest()
      const made = await make()
      const { body, headers } =
        made instanceof FormData || typeof made === 'string'
          ? { body: made, headers: {} }
          : (made as { body: BodyInit; headers: Record<string, string> })
      const result = (await submit(guest.cookie, body, { headers })) as ActionResult
      expect(statusOf(result)).toBe(status)
      const failure = result.data.failure as { formError?: string; fieldErrors: Record<string, string> }
      expect(failure.formError ?? failure.fieldErrors.photo).toBe(message)
      expect(await balance(guest.guestId)).toBe(3)
      expect(await jobsOf(guest.guestId)).toHaveLength(0)
    })
  }
})

describe('results, privacy of images, history and delete', () => {
  it('serves the images and the photo to their owner only, and deleting removes the files at once', async () => {
    const owner = await newGuest()
    const stranger = await newGuest()
    const photo = await sharp({ create: { width: 320, height: 240, channels: 3, background: '#3366cc' } })
      .png()
      .toBuffer()
    const submitted = (await submit(
      owner.cookie,
      generationForm({ style: 'noir' }, { bytes: photo, name: 'me.png', type: 'image/png' }),
    )) as ActionResult
    expect(statusOf(submitted)).toBe(202)
    const jobId = submitted.data.job!.id
    await runQueue()

    const status = (await routes.status.loader({
      request: get(`/api/generations/${jobId}`, owner.cookie),
      params: { id: jobId },
      context: {},
    })) as Response
    expect(status.status).toBe(200)
    const body = (await status.json()) as { job: { status: string; images: Array<{ url: string }> }; balance: number }
    expect(body.job.status).toBe('done')
    expect(body.balance).toBe(2)

    const image = await routes.media.loader({
      request: get(`/media/generations/${jobId}/0`, owner.cookie),
      params: { id: jobId, index: '0' },
      context: {},
    })
    expect(image.status).toBe(200)
    expect(image.headers.get('Content-Type')).toMatch(/^image\//)
    expect(image.headers.get('Cache-Control')).toMatch(/^private/)
    expect((await sharp(Buffer.from(await image.arrayBuffer())).metadata()).width).toBeGreaterThan(0)
    const download = await routes.media.loader({
      request: get(`/media/generations/${jobId}/0?download=1`, owner.cookie),
      params: { id: jobId, index: '0' },
      context: {},
    })
    expect(download.headers.get('Content-Disposition')).toMatch(/^attachment; filename="palitra-/)
    const source = await routes.photo.loader({
      request: get(`/media/uploads/${jobId}`, owner.cookie),
      params: { id: jobId },
      context: {},
    })
    expect(source.status).toBe(200)
    expect(source.headers.get('Content-Type')).toBe('image/webp')

    for (const cookie of [stranger.cookie, undefined]) {
      const other = await routes.media.loader({
        request: get(`/media/generations/${jobId}/0`, cookie),
        params: { id: jobId, index: '0' },
        context: {},
      })
      expect(other.status).toBe(404)
      const otherPhoto = await routes.photo.loader({
        request: get(`/media/uploads/${jobId}`, cookie),
        params: { id: jobId },
        context: {},
      })
      expect(otherPhoto.status).toBe(404)
      const otherStatus = (await routes.status.loader({
        request: get(`/api/generations/${jobId}`, cookie),
        params: { id: jobId },
        context: {},
      })) as Response
      expect(otherStatus.status).toBe(404)
      const page = await thrownBy(() =>
        routes.job.loader({
          request: get(`/ru/generations/${jobId}`, cookie),
          params: { lang: 'ru', id: jobId },
          context: {},
        }),
      )
      expect(statusOf(page)).toBe(404)
    }

    // Someone else cannot delete it either.
    const strangerDelete = (await routes.job.action({
      request: new Request(`${ORIGIN}/ru/generations/${jobId}`, {
        method: 'POST',
        body: new URLSearchParams({ intent: 'delete' }),
        headers: { Cookie: stranger.cookie },
      }),
      params: { lang: 'ru', id: jobId },
      context: {},
    })) as DataResult
    expect(statusOf(strangerDelete)).toBe(404)

    const history = (await routes.history.loader({
      request: get('/ru/history', owner.cookie),
      params: { lang: 'ru' },
      context: {},
    })) as DataResult
    expect((history.data.jobs as Array<{ id: string }>).map((j) => j.id)).toEqual([jobId])
    expect(await storedKeys(`generations/${jobId}`)).not.toHaveLength(0)
    expect(await storedKeys(`uploads/${jobId}`)).not.toHaveLength(0)

    const deleted = await thrownBy(() =>
      routes.history.action({
        request: new Request(`${ORIGIN}/ru/history`, {
          method: 'POST',
          body: new URLSearchParams({ intent: 'delete', jobId }),
          headers: { Cookie: owner.cookie },
        }),
        params: { lang: 'ru' },
        context: {},
      }),
    )
    expect(statusOf(deleted)).toBe(303)
    expect(await storedKeys(`generations/${jobId}`)).toHaveLength(0)
    expect(await storedKeys(`uploads/${jobId}`)).toHaveLength(0)
    const gone = await routes.media.loader({
      request: get(`/media/generations/${jobId}/0`, owner.cookie),
      params: { id: jobId, index: '0' },
      context: {},
    })
    expect(gone.status).toBe(404)
    expect(await balance(owner.guestId)).toBe(2)
  })

  it('cancels a queued job with a refund, and refuses to cancel a finished one (409)', async () => {
    const guest = await newGuest()
    const first = (await submit(guest.cookie, generationForm({ count: '2' }))) as ActionResult
    const jobId = first.data.job!.id
    const cancel = (id: string) =>
      routes.cancel.action({
        request: new Request(`${ORIGIN}/api/generations/${id}/cancel`, {
          method: 'POST',
          body: new URLSearchParams({ intent: 'cancel' }),
          headers: { Cookie: guest.cookie },
        }),
        params: { id },
        context: {},
      }) as Promise<Response>
    const canceled = await cancel(jobId)
    expect(canceled.status).toBe(200)
    expect(await canceled.json()).toMatchObject({ job: { status: 'canceled', refundedCredits: 2 }, balance: 3 })
    const second = (await submit(guest.cookie, generationForm({}))) as ActionResult
    await runQueue()
    expect((await cancel(second.data.job!.id)).status).toBe(409)
  })
})
