import { DeleteObjectsCommand, S3Client } from '@aws-sdk/client-s3'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { server } from '../../../tests/mocks'
import {
  S3_MOCK_BUCKET,
  S3_MOCK_CREDENTIALS,
  S3_MOCK_ENDPOINT,
  S3_MOCK_REGION,
  s3Mock,
  type RecordedS3Request,
} from '../../../tests/mocks/s3'
import { describeStorageContract } from './contract'
import { createS3Storage, type S3StorageOptions } from './s3.server'

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
beforeEach(() => s3Mock.reset())
afterEach(() => server.resetHandlers())
afterAll(() => server.close())

function makeStorage(overrides: Partial<S3StorageOptions> = {}) {
  return createS3Storage({
    bucket: S3_MOCK_BUCKET,
    region: S3_MOCK_REGION,
    endpoint: S3_MOCK_ENDPOINT,
    ...S3_MOCK_CREDENTIALS,
    forcePathStyle: true,
    ...overrides,
  })
}

function requestsOf(operation: RecordedS3Request['operation']): RecordedS3Request[] {
  return s3Mock.requests.filter((request) => request.operation === operation)
}

describeStorageContract('s3 (path-style)', () => makeStorage())
describeStorageContract('s3 (virtual-hosted)', () => makeStorage({ forcePathStyle: false }))

describe('s3 storage', () => {
  it('is of kind s3 and addresses the bucket path-style or virtual-hosted as configured', async () => {
    const pathStyle = makeStorage()
    expect(pathStyle.kind).toBe('s3')
    await pathStyle.put('generations/j1/0.webp', Buffer.from('p'), 'image/webp')
    const hosted = makeStorage({ forcePathStyle: false })
    await hosted.put('generations/j1/1.webp', Buffer.from('h'), 'image/webp')

    const [first, second] = requestsOf('PutObject')
    expect(new URL(first?.url ?? '').host).toBe('storage.s3.example')
    expect(new URL(first?.url ?? '').pathname).toBe(`/${S3_MOCK_BUCKET}/generations/j1/0.webp`)
    expect(second?.style).toBe('virtual-hosted')
    expect(new URL(second?.url ?? '').host).toBe(`${S3_MOCK_BUCKET}.storage.s3.example`)
    expect([...s3Mock.objects().keys()].sort()).toEqual(['generations/j1/0.webp', 'generations/j1/1.webp'])
  })

  it('stores objects private with their content type, signed with SigV4', async () => {
    const storage = makeStorage()
    await storage.put('uploads/u1/photo.jpg', Buffer.from('jpeg'), 'image/jpeg')
    const stored = s3Mock.objects().get('uploads/u1/photo.jpg')
    expect(stored?.contentType).toBe('image/jpeg')
    expect(stored?.acl).toBe('private')
    const [put] = requestsOf('PutObject')
    expect(put?.headers['x-amz-acl']).toBeUndefined()
    expect(Object.keys(put?.headers ?? {}).filter((name) => name.startsWith('x-amz-grant'))).toEqual([])
    expect(put?.headers.authorization).toMatch(
      new RegExp(`^AWS4-HMAC-SHA256 Credential=${S3_MOCK_CREDENTIALS.accessKeyId}/\\d{8}/${S3_MOCK_REGION}/s3/`),
    )
    expect(put?.status).toBe(200)
  })

  it('fails when the mock cannot verify the signature (wrong secret, wrong key id, wrong region)', async () => {
    const wrongSecret = makeStorage({ secretAccessKey: 'not-the-secret' })
    await expect(wrongSecret.put('a.txt', Buffer.from('a'), 'text/plain')).rejects.toMatchObject({
      name: 'SignatureDoesNotMatch',
    })
    await expect(wrongSecret.get('a.txt')).rejects.toMatchObject({ name: 'SignatureDoesNotMatch' })
    const wrongKey = makeStorage({ accessKeyId: 'SOMEONE-ELSE' })
    await expect(wrongKey.get('a.txt')).rejects.toMatchObject({ name: 'InvalidAccessKeyId' })
    const wrongRegion = makeStorage({ region: 'us-east-1' })
    await expect(wrongRegion.get('a.txt')).rejects.toMatchObject({ name: 'AuthorizationHeaderMalformed' })
    expect(s3Mock.objects().size).toBe(0)
  })

  it('treats a missing bucket as an error, not as a missing object', async () => {
    const storage = makeStorage({ bucket: 'no-such-bucket' })
    await expect(storage.get('a.txt')).rejects.toMatchObject({ name: 'NoSuchBucket' })
  })

  it('deletePrefix pages through more than 1000 objects, deleting at most 1000 per request', async () => {
    for (let i = 0; i < 2500; i++) s3Mock.seed(`users/u1/generations/${String(i).padStart(5, '0')}.webp`, 'x')
    for (let i = 0; i < 30; i++) s3Mock.seed(`users/u10/generations/${i}.webp`, 'y')
    s3Mock.seed('users/u1.webp', 'z')

    expect(await makeStorage().deletePrefix('users/u1/')).toBe(2500)
    expect([...s3Mock.objects().keys()].filter((key) => key.startsWith('users/u1/'))).toEqual([])
    expect(s3Mock.objects().size).toBe(31)

    const lists = requestsOf('ListObjectsV2')
    expect(lists).toHaveLength(3)
    expect(lists.map((request) => request.query.prefix)).toEqual(['users/u1/', 'users/u1/', 'users/u1/'])
    expect(lists[0]?.query['continuation-token']).toBeUndefined()
    expect(lists[1]?.query['continuation-token']).toBeTruthy()
    expect(requestsOf('DeleteObjects').map((request) => request.deleteKeys?.length)).toEqual([1000, 1000, 500])
  })

  it('deletes long key lists in batches of 1000, each with a Content-MD5', async () => {
    const keys = Array.from({ length: 2300 }, (_, i) => `batch/${i}.bin`)
    for (const key of keys.slice(0, 1500)) s3Mock.seed(key, 'b')
    s3Mock.seed('batch/keep.bin', 'k')
    await makeStorage().delete([...keys, ...keys.slice(0, 10)])
    const deletes = requestsOf('DeleteObjects')
    expect(deletes.map((request) => request.deleteKeys?.length)).toEqual([1000, 1000, 300])
    for (const request of deletes) expect(request.headers['content-md5']).toMatch(/^[A-Za-z0-9+/]{22}==$/)
    expect([...s3Mock.objects().keys()]).toEqual(['batch/keep.bin'])
  })

  it('ignores per-key NoSuchKey errors from DeleteObjects but reports the others', async () => {
    const storage = makeStorage()
    s3Mock.seed('e/1.txt', '1')
    s3Mock.seed('e/2.txt', '2')
    s3Mock.failDeleteOf('e/1.txt', 'NoSuchKey')
    await storage.delete(['e/1.txt', 'e/2.txt'])
    expect(s3Mock.objects().has('e/2.txt')).toBe(false)

    s3Mock.seed('e/3.txt', '3')
    s3Mock.failDeleteOf('e/3.txt', 'AccessDenied')
    await expect(storage.delete(['e/3.txt'])).rejects.toThrow(/could not delete 1 of 1 objects.*AccessDenied/)
    await expect(storage.deletePrefix('e/')).rejects.toThrow(/AccessDenied/)
  })

  it('retries a 503 or 500 answer (the SDK, 3 attempts in all)', async () => {
    const storage = makeStorage()
    s3Mock.failNext(2, 503)
    await storage.put('retry/a.txt', Buffer.from('a'), 'text/plain')
    expect(requestsOf('PutObject').map((request) => request.status)).toEqual([503, 503, 200])
    expect((await storage.get('retry/a.txt'))?.bytes.toString()).toBe('a')

    s3Mock.failNext(1, 500)
    expect((await storage.get('retry/a.txt'))?.bytes.toString()).toBe('a')
    expect(requestsOf('GetObject').map((request) => request.status)).toEqual([200, 500, 200])

    s3Mock.failNext(1, 503)
    expect(await storage.deletePrefix('retry/')).toBe(1)
    expect(s3Mock.objects().size).toBe(0)
  })

  it('gives up after 3 attempts', async () => {
    const storage = makeStorage()
    s3Mock.failNext(3, 503)
    await expect(storage.put('retry/b.txt', Buffer.from('b'), 'text/plain')).rejects.toMatchObject({
      $metadata: { httpStatusCode: 503 },
    })
    expect(requestsOf('PutObject')).toHaveLength(3)
    expect(s3Mock.objects().size).toBe(0)
  })

  it('uses a client it is given, still adding the Content-MD5 a bare DeleteObjects lacks', async () => {
    const client = new S3Client({
      region: S3_MOCK_REGION,
      endpoint: S3_MOCK_ENDPOINT,
      forcePathStyle: true,
      credentials: S3_MOCK_CREDENTIALS,
    })
    const storage = makeStorage({ client, accessKeyId: 'ignored', secretAccessKey: 'ignored' })
    await storage.put('given/x.txt', Buffer.from('x'), 'text/plain')
    // The SDK's own DeleteObjects sends a CRC32 checksum only, which S3-compatible services refuse.
    const bare = new DeleteObjectsCommand({ Bucket: S3_MOCK_BUCKET, Delete: { Objects: [{ Key: 'given/x.txt' }] } })
    await expect(client.send(bare)).rejects.toMatchObject({ name: 'InvalidRequest' })
    await storage.delete(['given/x.txt'])
    expect(s3Mock.objects().size).toBe(0)
    client.destroy()
  })
})
