import path from 'node:path'
import { getEnv, type Env } from '~/platform/env.server'
import { createLocalStorage } from './local.server'
import { createS3Storage } from './s3.server'
import { type ObjectStorage } from './types'

export type StorageEnv = Pick<
  Env,
  | 'dataDir'
  | 'S3_BUCKET'
  | 'S3_REGION'
  | 'S3_ENDPOINT'
  | 'S3_ACCESS_KEY_ID'
  | 'S3_SECRET_ACCESS_KEY'
  | 'S3_FORCE_PATH_STYLE'
>

/** S3-compatible storage when S3_BUCKET is set, else files under DATA_DIR/media. */
export function createStorage(env: StorageEnv): ObjectStorage {
  if (env.S3_BUCKET) {
    if (!env.S3_ACCESS_KEY_ID || !env.S3_SECRET_ACCESS_KEY) {
      throw new Error('S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY are required when S3_BUCKET is set')
    }
    return createS3Storage({
      bucket: env.S3_BUCKET,
      region: env.S3_REGION,
      endpoint: env.S3_ENDPOINT,
      accessKeyId: env.S3_ACCESS_KEY_ID,
      secretAccessKey: env.S3_SECRET_ACCESS_KEY,
      forcePathStyle: env.S3_FORCE_PATH_STYLE,
    })
  }
  return createLocalStorage(path.join(env.dataDir, 'media'))
}

let cached: ObjectStorage | undefined

/** This process's storage, made once from the settings. */
export function getStorage(): ObjectStorage {
  cached ??= createStorage(getEnv())
  return cached
}

/** For tests: use this storage (or, with undefined, make one from the settings again on next use). */
export function setStorageForTests(storage: ObjectStorage | undefined): void {
  cached = storage
}
