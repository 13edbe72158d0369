import { createHash } from 'node:crypto'
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3'
import { assertContentType, assertObjectKey, assertPrefix, type ObjectStorage } from './types'

export type S3StorageOptions = {
  bucket: string
  region: string
  /** An S3-compatible endpoint such as https://storage.yandexcloud.net; AWS when unset. */
  endpoint?: string
  accessKeyId: string
  secretAccessKey: string
  /** `https://endpoint/bucket/key` instead of `https://bucket.endpoint/key`. */
  forcePathStyle: boolean
  /** A ready client (tests); the other connection options are then ignored. */
  client?: S3Client
}

/** S3 caps DeleteObjects at 1000 keys, and ListObjectsV2 pages at 1000 keys. */
const BATCH = 1000

/**
 * Object storage in an S3-compatible bucket (Yandex Object Storage, VK Cloud,
 * MinIO, AWS...). Objects are written private (no ACL header: the bucket's
 * default, which must not be public-read); the app serves them through its own
 * routes after checking the owner.
 *
 * The SDK retries throttling, 5xx and network errors itself (standard mode,
 * 3 attempts in all, with jittered backoff). Checksums are sent only where the
 * API requires them, and DeleteObjects carries the Content-MD5 header that
 * S3-compatible services still demand instead of the SDK's CRC32 default.
 */
export function createS3Storage(options: S3StorageOptions): ObjectStorage {
  const bucket = options.bucket
  const client =
    options.client ??
    new S3Client({
      region: options.region,
      endpoint: options.endpoint,
      forcePathStyle: options.forcePathStyle,
      credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey },
      maxAttempts: 3,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      requestHandler: { connectionTimeout: 10_000, requestTimeout: 120_000 },
    })

  async function deleteBatch(keys: string[]): Promise<void> {
    const command = new DeleteObjectsCommand({
      Bucket: bucket,
      Delete: { Objects: keys.map((Key) => ({ Key })), Quiet: true },
    })
    command.middlewareStack.addRelativeTo(contentMd5Middleware, {
      relation: 'before',
      toMiddleware: 'httpSigningMiddleware',
      name: 'palitraDeleteObjectsContentMd5',
      override: true,
    })
    const result = await client.send(command)
    const failures = (result.Errors ?? []).filter((error) => error.Code !== 'NoSuchKey')
    if (failures.length > 0) {
      const detail = failures
        .slice(0, 3)
        .map((error) => `${JSON.stringify(error.Key)}: ${error.Code ?? 'error'}`)
        .join(', ')
      throw new Error(`S3 DeleteObjects could not delete ${failures.length} of ${keys.length} objects (${detail})`)
    }
  }

  return {
    kind: 's3',

    async put(key, bytes, contentType) {
      assertObjectKey(key)
      assertContentType(contentType)
      await client.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          Body: bytes,
          ContentType: contentType,
          ContentLength: bytes.length,
        }),
      )
    },

    async get(key) {
      assertObjectKey(key)
      try {
        const result = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }))
        const body = result.Body ? await result.Body.transformToByteArray() : new Uint8Array()
        return {
          bytes: Buffer.from(body.buffer, body.byteOffset, body.byteLength),
          contentType: result.ContentType ?? 'application/octet-stream',
        }
      } catch (error) {
        if (isMissingKey(error)) return null
        throw error
      }
    },

    async delete(keys) {
      keys.forEach(assertObjectKey)
      const unique = [...new Set(keys)]
      for (let start = 0; start < unique.length; start += BATCH) {
        await deleteBatch(unique.slice(start, start + BATCH))
      }
    },

    async deletePrefix(prefix) {
      assertPrefix(prefix)
      let deleted = 0
      let token: string | undefined
      do {
        const page = await client.send(
          new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, MaxKeys: BATCH, ContinuationToken: token }),
        )
        const keys = (page.Contents ?? []).flatMap((object) => (object.Key ? [object.Key] : []))
        if (keys.length > 0) {
          // Deleting a page before asking for the next is safe: S3 continues after the last key listed.
          await deleteBatch(keys)
          deleted += keys.length
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined
        if (page.IsTruncated && !token) throw new Error('S3 ListObjectsV2 was truncated without a continuation token')
      } while (token)
      return deleted
    },
  }
}

/**
 * Replaces the SDK's default CRC32 checksum headers of a request with the
 * Content-MD5 header that S3-compatible services (and S3's own documentation)
 * require on DeleteObjects. Runs before signing, so the header is signed too.
 */
function contentMd5Middleware<Args extends { request: unknown }, Result>(next: (args: Args) => Promise<Result>) {
  return async (args: Args): Promise<Result> => {
    const request = args.request as { headers?: Record<string, string>; body?: unknown }
    const body = request.body
    if (request.headers && (typeof body === 'string' || body instanceof Uint8Array)) {
      for (const name of Object.keys(request.headers)) {
        const lower = name.toLowerCase()
        if (lower.startsWith('x-amz-checksum-') || lower.startsWith('x-amz-sdk-checksum-')) delete request.headers[name]
      }
      request.headers['content-md5'] = createHash('md5').update(body).digest('base64')
    }
    return next(args)
  }
}

function isMissingKey(error: unknown): boolean {
  if (!(error instanceof S3ServiceException)) return false
  if (error.name === 'NoSuchKey') return true
  // Some S3-compatible services answer a bare 404; a missing bucket is a configuration error, not a missing object.
  return error.$metadata.httpStatusCode === 404 && error.name !== 'NoSuchBucket'
}
