// A real S3-compatible server for tests: s3rver (npm), started by the test
// itself on an ephemeral loopback port with a temporary directory, so the
// storage code talks HTTP to something that parses requests and keeps
// objects like a bucket service, rather than to a mock. It checks the access
// key but not SigV4 signatures. Used by the vitest suite and by the
// multi-instance test (tests/scale).
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import S3rver from 's3rver'

/** s3rver's fixed credentials (it checks the signature with them). */
export const S3_SERVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }

/**
 * Starts s3rver with the given buckets.
 * @param {{ buckets?: string[] }} [options]
 * @returns {Promise<{ endpoint: string, port: number, directory: string, buckets: string[], accessKeyId: string, secretAccessKey: string, stop: () => Promise<void> }>}
 */
export async function startS3Server({ buckets = ['palitra-media'] } = {}) {
  const directory = await mkdtemp(path.join(os.tmpdir(), 'palitra-s3-'))
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    configureBuckets: buckets.map((name) => ({ name })),
  })
  const { port } = await server.run()
  let stopped
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    directory,
    buckets,
    ...S3_SERVER_CREDENTIALS,
    stop: () => {
      stopped ??= (async () => {
        await server.close()
        await rm(directory, { recursive: true, force: true })
      })()
      return stopped
    },
  }
}
