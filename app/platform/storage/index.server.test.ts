import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { resetEnvForTests } from '~/platform/env.server'
import { server } from '../../../tests/mocks'
import { S3_MOCK_BUCKET, S3_MOCK_CREDENTIALS, S3_MOCK_ENDPOINT, s3Mock } from '../../../tests/mocks/s3'
import { createStorage, getStorage, setStorageForTests, type StorageEnv } from './index.server'
import { type ObjectStorage } from './types'

const scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'palitra-storage-index-'))

const localEnv: StorageEnv = {
  dataDir: scratch,
  S3_BUCKET: undefined,
  S3_REGION: 'ru-central1',
  S3_ENDPOINT: undefined,
  S3_ACCESS_KEY_ID: undefined,
  S3_SECRET_ACCESS_KEY: undefined,
  S3_FORCE_PATH_STYLE: false,
}

const s3Env: StorageEnv = {
  ...localEnv,
  S3_BUCKET: S3_MOCK_BUCKET,
  S3_ENDPOINT: S3_MOCK_ENDPOINT,
  S3_ACCESS_KEY_ID: S3_MOCK_CREDENTIALS.accessKeyId,
  S3_SECRET_ACCESS_KEY: S3_MOCK_CREDENTIALS.secretAccessKey,
}

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
beforeEach(() => s3Mock.reset())
afterEach(() => server.resetHandlers())
afterAll(async () => {
  server.close()
  await fs.rm(scratch, { recursive: true, force: true })
})

describe('createStorage', () => {
  it('keeps files under DATA_DIR/media when no S3 bucket is set', async () => {
    const storage = createStorage(localEnv)
    expect(storage.kind).toBe('local')
    await storage.put('generations/j1/0.webp', Buffer.from('local'), 'image/webp')
    expect(await fs.readFile(path.join(scratch, 'media/generations/j1/0.webp'), 'utf8')).toBe('local')
    expect(s3Mock.requests).toEqual([])
  })

  it('uses the S3 bucket when S3_BUCKET is set, path-style or virtual-hosted as told', async () => {
    const pathStyle = createStorage({ ...s3Env, S3_FORCE_PATH_STYLE: true })
    expect(pathStyle.kind).toBe('s3')
    await pathStyle.put('generations/j1/0.webp', Buffer.from('s3'), 'image/webp')
    expect(s3Mock.objects().get('generations/j1/0.webp')?.bytes.toString()).toBe('s3')
    expect(s3Mock.requests[0]?.style).toBe('path')

    const hosted = createStorage(s3Env)
    expect((await hosted.get('generations/j1/0.webp'))?.bytes.toString()).toBe('s3')
    expect(s3Mock.requests[1]?.style).toBe('virtual-hosted')
  })

  it('refuses an S3 bucket without credentials', () => {
    expect(() => createStorage({ ...s3Env, S3_SECRET_ACCESS_KEY: undefined })).toThrow(/S3_SECRET_ACCESS_KEY/)
  })
})

describe('getStorage', () => {
  const saved = { DATA_DIR: process.env.DATA_DIR, S3_BUCKET: process.env.S3_BUCKET }

  afterEach(() => {
    setStorageForTests(undefined)
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name]
      else process.env[name] = value
    }
    resetEnvForTests()
  })

  it('makes one storage per process from the settings, and tests can swap it', async () => {
    process.env.DATA_DIR = path.join(scratch, 'from-env')
    delete process.env.S3_BUCKET
    resetEnvForTests()
    setStorageForTests(undefined)
    const storage = getStorage()
    expect(storage.kind).toBe('local')
    expect(getStorage()).toBe(storage)
    await storage.put('x.txt', Buffer.from('x'), 'text/plain')
    expect(await fs.readFile(path.join(scratch, 'from-env/media/x.txt'), 'utf8')).toBe('x')

    const fake: ObjectStorage = { ...storage, kind: 's3' }
    setStorageForTests(fake)
    expect(getStorage()).toBe(fake)
    setStorageForTests(undefined)
    expect(getStorage()).not.toBe(fake)
  })
})
