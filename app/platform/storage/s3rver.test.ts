// The S3 storage against a real S3-compatible server (s3rver, started here on
// an ephemeral port with a temporary directory), not a mock: the same
// contract as every storage, missing objects and buckets, and the 30-day
// photo purge end to end.
import { CreateBucketCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3'
import { eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { generationJobs } from '~/generation/schema'
import { createJob, jobStatus, sourceImageKey, sweepOldPhotos, type NewJob } from '~/generation/jobs.server'
import { createTestDatabase, type TestDatabase } from '../../../tests/db'
import { fakeImages, guestWithCredits, scriptedEngine, testWorker } from '../../../tests/support/generation'
import { startS3Server } from '../../../tests/support/s3-server.mjs'
import { describeStorageContract } from './contract'
import { createStorage, type StorageEnv } from './index.server'

const s3 = await startS3Server({ buckets: ['palitra-media'] })
afterAll(() => s3.stop())

/** The settings an operator gives for an S3-compatible service on its own host (MinIO, s3rver…). */
function settingsFor(bucket: string): StorageEnv {
  return {
    dataDir: '/nonexistent-data-dir',
    S3_BUCKET: bucket,
    S3_REGION: 'us-east-1',
    S3_ENDPOINT: s3.endpoint,
    S3_ACCESS_KEY_ID: s3.accessKeyId,
    S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
    S3_FORCE_PATH_STYLE: true,
  }
}

const raw = new S3Client({
  region: 'us-east-1',
  endpoint: s3.endpoint,
  forcePathStyle: true,
  credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
})

async function keysIn(bucket: string, prefix = ''): Promise<string[]> {
  const page = await raw.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }))
  return (page.Contents ?? []).map((object) => object.Key ?? '').sort()
}

let buckets = 0
describeStorageContract('s3 on s3rver', async () => {
  // An empty bucket for every test, created through the S3 API.
  const bucket = `contract-${++buckets}`
  await raw.send(new CreateBucketCommand({ Bucket: bucket }))
  return createStorage(settingsFor(bucket))
})

describe('S3 storage on a real S3-compatible server', () => {
  it('is chosen by S3_BUCKET with S3_FORCE_PATH_STYLE, and stores objects where the bucket service shows them', async () => {
    const storage = createStorage(settingsFor('palitra-media'))
    expect(storage.kind).toBe('s3')
    await storage.put('generations/j-1/a1/0.webp', Buffer.from('RIFF0000WEBP'), 'image/webp')
    expect(await keysIn('palitra-media', 'generations/j-1/')).toEqual(['generations/j-1/a1/0.webp'])
    expect(await storage.get('generations/j-1/a1/0.webp')).toEqual({
      bytes: Buffer.from('RIFF0000WEBP'),
      contentType: 'image/webp',
    })
    await storage.delete(['generations/j-1/a1/0.webp'])
    expect(await keysIn('palitra-media', 'generations/j-1/')).toEqual([])
  })

  it('answers null for a missing object, but a missing bucket is an error, never "no such object"', async () => {
    expect(await createStorage(settingsFor('palitra-media')).get('uploads/nobody/source.webp')).toBeNull()
    const wrongBucket = createStorage(settingsFor('no-such-bucket'))
    await expect(wrongBucket.get('uploads/nobody/source.webp')).rejects.toThrow()
    await expect(wrongBucket.put('x.txt', Buffer.from('x'), 'text/plain')).rejects.toThrow()
  })

  // s3rver checks the access key, not SigV4 signatures (it does not implement them), so a wrong key it is.
  it('refuses an unknown access key instead of treating the object as missing', async () => {
    const storage = createStorage({ ...settingsFor('palitra-media'), S3_ACCESS_KEY_ID: 'NOT-A-KEY' })
    await expect(storage.get('anything.webp')).rejects.toThrow()
    await expect(storage.put('anything.webp', Buffer.from('x'), 'image/webp')).rejects.toThrow()
  })
})

describe('the 30-day photo purge on a real S3-compatible server', () => {
  let handle: TestDatabase
  beforeAll(async () => {
    handle = await createTestDatabase()
  })
  afterAll(async () => {
    await handle?.close()
  })

  it('removes uploaded photos from the bucket 30 days after upload and keeps the images and newer photos', async () => {
    const { db } = handle
    const bucket = 'photo-purge'
    await raw.send(new CreateBucketCommand({ Bucket: bucket }))
    const storage = createStorage(settingsFor(bucket))
    const engine = scriptedEngine((input) => fakeImages(input.count))
    const generator = await guestWithCredits(db, 4)
    const photo = { bytes: Buffer.from('a photo'), mimeType: 'image/webp' as const, width: 64, height: 64 }
    const request: NewJob = { prompt: 'a harbour in fog', style: 'none', aspectRatio: '1:1', count: 1, photo }
    const old = await createJob(db, storage, engine, generator, request, { maxAttempts: 3 })
    const recent = await createJob(db, storage, engine, generator, request, { maxAttempts: 3 })
    if (!old.ok || !recent.ok) throw new Error('expected two jobs')
    const worker = testWorker({ db, storage, engine })
    await worker.runOnce()
    await worker.runOnce()
    // The first was uploaded 31 days ago, the second 29 days ago.
    await db
      .update(generationJobs)
      .set({ createdAt: sql`now() - interval '31 days'` })
      .where(eq(generationJobs.id, old.job.id))
    await db
      .update(generationJobs)
      .set({ createdAt: sql`now() - interval '29 days'` })
      .where(eq(generationJobs.id, recent.job.id))
    expect(await keysIn(bucket, 'uploads/')).toEqual([sourceImageKey(old.job.id), sourceImageKey(recent.job.id)].sort())

    expect(await sweepOldPhotos(db, storage)).toBe(1)

    expect(await keysIn(bucket, 'uploads/')).toEqual([sourceImageKey(recent.job.id)])
    expect(await storage.get(sourceImageKey(old.job.id))).toBeNull()
    const status = await jobStatus(db, old.job.id, generator.owner)
    expect(status?.job).toMatchObject({ status: 'done', sourceImageUrl: null })
    expect(await keysIn(bucket, `generations/${old.job.id}/`)).toEqual([`generations/${old.job.id}/a1/0.webp`])
    // A second run finds nothing more to do.
    expect(await sweepOldPhotos(db, storage)).toBe(0)
  })
})
