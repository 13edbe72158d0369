import { randomBytes } from 'node:crypto'
import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { and, eq, gt, lt, ne, sql } from 'drizzle-orm'
import type { Database } from '~/platform/db/client.server'
import { mediaDirProbes } from './schema'
import type { Env } from '~/platform/env.server'
import { StartRefused } from '~/platform/start-refused.server'
import { logger } from '~/platform/log.server'

/**
 * Many instances, one truth: on PostgreSQL (DATABASE_URL) any number of web
 * instances and `npm run worker` processes share the queue and the rows, so
 * they must share the files too. With local storage (no S3_BUCKET) that is
 * only true when DATA_DIR/media is one volume that all of them mount; two
 * instances with folders of their own answer 404 for each other's images,
 * and a worker cannot read a photo uploaded through another instance.
 *
 * So a start on PostgreSQL with local storage is refused unless the operator
 * declares the folder shared (MEDIA_DIR_SHARED=true), and the declaration is
 * checked: each process writes a random token into
 * DATA_DIR/media/.instances/<instance id> and records it in the database
 * (media_dir_probes); a process that cannot read, in its own folder, the
 * token of another live process is not on the same volume and refuses to
 * start. While running, each process renews its row every minute and looks
 * again, logging `media.not-shared` if a process started later is on another
 * volume (that one refuses itself).
 *
 * The `.instances` folder starts with a dot, so it can never be mistaken
 * for, or collide with, a stored object (every key segment starts with a
 * letter or digit).
 */

export { StartRefused }

export type MediaEnv = Pick<Env, 'DATABASE_URL' | 'S3_BUCKET' | 'MEDIA_DIR_SHARED' | 'dataDir'>

export function localMediaDir(env: Pick<Env, 'dataDir'>): string {
  return path.join(env.dataDir, 'media')
}

/** Why this process may not start with the media storage its settings give, or null. */
export function mediaStorageRefusal(env: MediaEnv): string | null {
  if (env.S3_BUCKET || !env.DATABASE_URL || env.MEDIA_DIR_SHARED) return null
  const dir = localMediaDir(env)
  return (
    `Refusing to start: DATABASE_URL is set, so other instances and workers may share this database, ` +
    `but uploaded photos and generated images would be kept in ${dir}, a folder of this machine: ` +
    `other instances would answer 404 for them and their workers could not read the uploaded photos. ` +
    `Set S3_BUCKET (with S3_ENDPOINT, S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY) to keep them in ` +
    `S3-compatible storage, or, if ${dir} is one volume that every instance and worker mounts, ` +
    `set MEDIA_DIR_SHARED=true (the start checks it). See docs/deployment.md.`
  )
}

/** Throws StartRefused when the settings put media in a folder of this machine while sharing a database. */
export function assertMediaStorageAllowed(env: MediaEnv): void {
  const refusal = mediaStorageRefusal(env)
  if (refusal) throw new StartRefused(refusal)
}

const PROBE_FOLDER = '.instances'
const INSTANCE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/
/** A process whose row was renewed within this long counts as running. */
export const PROBE_LIVE_SECONDS = 180
/** Rows (and their files) of processes gone this long are removed. */
const PROBE_FORGET_SECONDS = 24 * 60 * 60
const HEARTBEAT_MS = 60_000

export type MediaProbe = {
  readonly instanceId: string
  /** The live processes whose token this process cannot read in its folder (none when the folder is shared). */
  unseen(): Promise<string[]>
  /** Renews this process's row, forgets long-gone processes and looks again (what the timer runs). */
  heartbeat(): Promise<string[]>
  stop(): Promise<void>
}

export type MediaProbeOptions = {
  /** Defaults to host name, process id and a random part. */
  instanceId?: string
  /** 0: no timer (tests call heartbeat() themselves). */
  heartbeatMs?: number
}

/**
 * On PostgreSQL with local storage declared shared: proves the declaration,
 * or throws StartRefused (leaving nothing of this process behind). A no-op
 * probe otherwise (S3 storage, or the embedded one-process database).
 */
export async function startMediaProbe(env: MediaEnv, db: Database, options: MediaProbeOptions = {}) {
  assertMediaStorageAllowed(env)
  if (env.S3_BUCKET || !env.DATABASE_URL) return null
  return probeSharedFolder(db, localMediaDir(env), options)
}

/** The probe itself, for any folder and database (startMediaProbe decides when it is needed). */
export async function probeSharedFolder(
  db: Database,
  mediaDir: string,
  options: MediaProbeOptions = {},
): Promise<MediaProbe> {
  const instanceId = options.instanceId ?? defaultInstanceId()
  if (!INSTANCE_ID.test(instanceId)) throw new Error(`invalid instance id ${JSON.stringify(instanceId)}`)
  const token = randomBytes(24).toString('hex')
  const folder = path.join(path.resolve(mediaDir), PROBE_FOLDER)
  const ownFile = path.join(folder, instanceId)

  async function unseen(): Promise<string[]> {
    const others = await db
      .select({ instanceId: mediaDirProbes.instanceId, token: mediaDirProbes.token })
      .from(mediaDirProbes)
      .where(
        and(
          ne(mediaDirProbes.instanceId, instanceId),
          gt(mediaDirProbes.seenAt, sql`now() - make_interval(secs => ${PROBE_LIVE_SECONDS})`),
        ),
      )
    const missing: string[] = []
    for (const other of others) {
      const seen = INSTANCE_ID.test(other.instanceId)
        ? await fs.readFile(path.join(folder, other.instanceId), 'utf8').catch(() => null)
        : null
      if (seen?.trim() !== other.token) missing.push(other.instanceId)
    }
    return missing.sort()
  }

  async function removeOwn() {
    await db.delete(mediaDirProbes).where(eq(mediaDirProbes.instanceId, instanceId))
    await fs.rm(ownFile, { force: true })
  }

  await fs.mkdir(folder, { recursive: true, mode: 0o700 })
  await fs.writeFile(ownFile, token, { mode: 0o600 })
  try {
    await db.insert(mediaDirProbes).values({ instanceId, token })
    const missing = await unseen()
    if (missing.length > 0) {
      throw new StartRefused(
        `Refusing to start: MEDIA_DIR_SHARED=true says ${path.resolve(mediaDir)} is one volume shared by every ` +
          `instance and worker, but the running instance(s) ${missing.join(', ')} wrote a check file there that ` +
          `this process cannot see (${folder}). Mount the same volume here, or set S3_BUCKET to use ` +
          `S3-compatible storage. See docs/deployment.md.`,
      )
    }
  } catch (error) {
    await removeOwn().catch(() => {})
    throw error
  }

  async function heartbeat(): Promise<string[]> {
    const renewed = await db
      .update(mediaDirProbes)
      .set({ seenAt: sql`now()` })
      .where(eq(mediaDirProbes.instanceId, instanceId))
      .returning({ instanceId: mediaDirProbes.instanceId })
    if (renewed.length === 0) {
      // Forgotten after a long pause (a suspended machine): record it again.
      await fs.writeFile(ownFile, token, { mode: 0o600 })
      await db.insert(mediaDirProbes).values({ instanceId, token }).onConflictDoNothing()
    }
    const gone = await db
      .delete(mediaDirProbes)
      .where(lt(mediaDirProbes.seenAt, sql`now() - make_interval(secs => ${PROBE_FORGET_SECONDS})`))
      .returning({ instanceId: mediaDirProbes.instanceId })
    for (const row of gone) {
      if (INSTANCE_ID.test(row.instanceId)) await fs.rm(path.join(folder, row.instanceId), { force: true })
    }
    const missing = await unseen()
    if (missing.length > 0) {
      logger.error(
        { event: 'media.not-shared', instances: missing, folder },
        'MEDIA_DIR_SHARED=true, but other running instances keep their media in another folder',
      )
    }
    return missing
  }

  let timer: NodeJS.Timeout | undefined
  const every = options.heartbeatMs ?? HEARTBEAT_MS
  if (every > 0) {
    timer = setInterval(() => {
      heartbeat().catch((error: unknown) =>
        logger.warn({ err: error, event: 'media.probe-failed' }, 'could not renew the shared media check'),
      )
    }, every)
    timer.unref()
  }

  logger.info({ event: 'media.shared', folder, instance: instanceId }, 'media folder is shared')
  return {
    instanceId,
    unseen,
    heartbeat,
    async stop() {
      clearInterval(timer)
      await removeOwn()
    },
  }
}

function defaultInstanceId(): string {
  const host =
    os
      .hostname()
      .replace(/[^A-Za-z0-9._-]/g, '-')
      .replace(/^[^A-Za-z0-9]+/, '') || 'host'
  return `${host.slice(0, 100)}-${process.pid}-${randomBytes(4).toString('hex')}`
}
