import { randomBytes } from 'node:crypto'
import { constants, type Stats } from 'node:fs'
import fs from 'node:fs/promises'
import path from 'node:path'
import { assertContentType, assertObjectKey, assertPrefix, type ObjectStorage } from './types'

/**
 * Object storage as plain files under one directory (`DATA_DIR/media` in the
 * app). Layout, for the key `generations/<jobId>/0.webp`:
 *
 *   <root>/generations/<jobId>/0.webp         the bytes, exactly as put
 *   <root>/generations/<jobId>/.0.webp.meta   {"contentType":"image/webp"}
 *
 * Every key segment starts with a letter or digit (assertValidKey), so the
 * dot-files beside the objects (content-type sidecars, `.<name>.<random>.tmp`
 * files of writes in progress) can never be mistaken for, or collide with,
 * an object. When a sidecar is missing the content type is derived from the
 * extension (application/octet-stream when unknown).
 *
 * Writes go to a temp file in the same directory, are fsynced and then
 * renamed over the final name, so a crash never leaves a partial file under
 * an object's name. The sidecar is renamed into place just before the bytes:
 * a new key becomes visible only once both exist.
 *
 * Paths are built from validated keys and walked from the real root one
 * directory at a time with lstat; a symbolic link anywhere below the root is
 * refused, and object files are opened with O_NOFOLLOW, so nothing outside the
 * root is ever read, written or deleted. (The root itself may be a symlink.)
 * Files are created 0600 and directories 0700: these are users' private images.
 *
 * Limitation: unlike S3, a key cannot be both an object and a prefix of other
 * objects (`a` and `a/b`): the second put fails.
 */
export function createLocalStorage(rootDir: string): ObjectStorage {
  const root = path.resolve(rootDir)
  let realRootPromise: Promise<string> | undefined

  function realRoot(): Promise<string> {
    realRootPromise ??= (async () => {
      await fs.mkdir(root, { recursive: true, mode: 0o700 })
      return fs.realpath(root)
    })().catch((error: unknown) => {
      realRootPromise = undefined
      throw error
    })
    return realRootPromise
  }

  /**
   * The directory holding `segments` below the root, walked without following
   * symlinks; created when `create`, else null when any part is missing (or
   * is a file rather than a directory).
   */
  async function directory(segments: string[], create: boolean, key: string): Promise<string | null> {
    const base = await realRoot()
    let dir = base
    for (const segment of segments) {
      dir = path.join(dir, segment)
      let stats = await lstatOrNull(dir)
      if (!stats) {
        if (!create) return null
        try {
          await fs.mkdir(dir, { mode: 0o700 })
        } catch (error) {
          if (errorCode(error) !== 'EEXIST') throw error
        }
        stats = await fs.lstat(dir)
      }
      if (stats.isSymbolicLink()) throw new Error(`storage key ${JSON.stringify(key)} goes through a symbolic link`)
      if (!stats.isDirectory()) {
        if (!create) return null
        throw new Error(`storage key ${JSON.stringify(key)}: ${JSON.stringify(segment)} is an object, not a folder`)
      }
    }
    assertInside(base, dir, key)
    return dir
  }

  /** Removes now-empty folders from `dir` up to (not including) the root. */
  async function prune(dir: string): Promise<void> {
    const base = await realRoot()
    let current = dir
    while (current !== base && isInside(base, current)) {
      try {
        await fs.rmdir(current)
      } catch {
        return // not empty (or already gone): stop here
      }
      current = path.dirname(current)
    }
  }

  async function putOnce(key: string, bytes: Buffer, contentType: string): Promise<void> {
    const segments = key.split('/')
    const name = segments.pop() as string
    const dir = (await directory(segments, true, key)) as string
    const tag = randomBytes(8).toString('hex')
    const tempBytes = path.join(dir, `.${name}.${tag}.tmp`)
    const tempMeta = path.join(dir, `.${name}.${tag}.meta.tmp`)
    const file = path.join(dir, name)
    const meta = path.join(dir, metaName(name))
    if ((await lstatOrNull(file))?.isDirectory()) {
      throw new Error(`storage key ${JSON.stringify(key)} is a folder of other objects`)
    }
    let metaPlaced = false
    try {
      await writeSynced(tempMeta, JSON.stringify({ contentType }))
      await writeSynced(tempBytes, bytes)
      await fs.rename(tempMeta, meta)
      metaPlaced = true
      await fs.rename(tempBytes, file)
    } catch (error) {
      await Promise.all([unlinkQuietly(tempBytes), unlinkQuietly(tempMeta)])
      // A content type without an object beside it would be misleading litter.
      if (metaPlaced && !(await lstatOrNull(file))?.isFile()) await unlinkQuietly(meta)
      throw error
    }
  }

  return {
    kind: 'local',

    async put(key, bytes, contentType) {
      assertObjectKey(key)
      assertContentType(contentType)
      // A concurrent delete may prune a folder this put just created; walk again.
      for (let attempt = 1; ; attempt++) {
        try {
          return await putOnce(key, bytes, contentType)
        } catch (error) {
          if (errorCode(error) !== 'ENOENT' || attempt >= 3) throw error
        }
      }
    },

    async get(key) {
      assertObjectKey(key)
      const segments = key.split('/')
      const name = segments.pop() as string
      const dir = await directory(segments, false, key)
      if (!dir) return null
      const bytes = await readRegularFile(path.join(dir, name), key)
      if (!bytes) return null
      return { bytes, contentType: await readContentType(path.join(dir, metaName(name)), name) }
    },

    async delete(keys) {
      keys.forEach(assertObjectKey)
      for (const key of new Set(keys)) {
        const segments = key.split('/')
        const name = segments.pop() as string
        const dir = await directory(segments, false, key)
        if (!dir) continue
        await unlinkQuietly(path.join(dir, name))
        await unlinkQuietly(path.join(dir, metaName(name)))
        await prune(dir)
      }
    },

    async deletePrefix(prefix) {
      assertPrefix(prefix)
      const dir = await directory(prefix.slice(0, -1).split('/'), false, prefix)
      if (!dir) return 0
      const count = await countObjects(dir)
      await fs.rm(dir, { recursive: true, force: true })
      await prune(path.dirname(dir))
      return count
    },
  }
}

function metaName(name: string): string {
  return `.${name}.meta`
}

function isInside(base: string, target: string): boolean {
  const relative = path.relative(base, target)
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative))
}

function assertInside(base: string, target: string, key: string): void {
  if (!isInside(base, target)) throw new Error(`storage key ${JSON.stringify(key)} leaves the storage folder`)
}

function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : undefined
}

async function lstatOrNull(file: string): Promise<Stats | null> {
  try {
    return await fs.lstat(file)
  } catch (error) {
    if (errorCode(error) === 'ENOENT' || errorCode(error) === 'ENOTDIR') return null
    throw error
  }
}

async function unlinkQuietly(file: string): Promise<void> {
  try {
    await fs.unlink(file)
  } catch (error) {
    // Missing, or a folder of the same name (a prefix, not an object).
    if (!['ENOENT', 'ENOTDIR', 'EISDIR', 'EPERM'].includes(errorCode(error) ?? '')) throw error
  }
}

/** Writes a new file (never an existing one or through a symlink) and flushes it to disk. */
async function writeSynced(file: string, data: Buffer | string): Promise<void> {
  const handle = await fs.open(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600)
  try {
    await handle.writeFile(data)
    await handle.sync()
  } finally {
    await handle.close()
  }
}

/** The file's bytes; null when missing or not a regular file; throws on a symlink. */
async function readRegularFile(file: string, key: string): Promise<Buffer | null> {
  let handle: fs.FileHandle
  try {
    handle = await fs.open(file, constants.O_RDONLY | constants.O_NOFOLLOW)
  } catch (error) {
    const code = errorCode(error)
    if (code === 'ENOENT' || code === 'ENOTDIR') return null
    if (code === 'ELOOP') throw new Error(`storage key ${JSON.stringify(key)} is a symbolic link`)
    throw error
  }
  try {
    if (!(await handle.stat()).isFile()) return null
    return await handle.readFile()
  } finally {
    await handle.close()
  }
}

async function readContentType(metaFile: string, name: string): Promise<string> {
  try {
    const meta: unknown = JSON.parse((await readRegularFile(metaFile, name))?.toString('utf8') ?? 'null')
    if (typeof meta === 'object' && meta !== null && 'contentType' in meta && typeof meta.contentType === 'string') {
      return meta.contentType
    }
  } catch {
    // A damaged or foreign sidecar: fall back to the extension.
  }
  return contentTypeFromName(name)
}

const CONTENT_TYPES: Record<string, string> = {
  avif: 'image/avif',
  gif: 'image/gif',
  jpeg: 'image/jpeg',
  jpg: 'image/jpeg',
  json: 'application/json',
  png: 'image/png',
  svg: 'image/svg+xml',
  txt: 'text/plain; charset=utf-8',
  webp: 'image/webp',
}

function contentTypeFromName(name: string): string {
  const extension = path.extname(name).slice(1).toLowerCase()
  return CONTENT_TYPES[extension] ?? 'application/octet-stream'
}

/** Objects (regular files not starting with '.') in a folder tree, without following symlinks. */
async function countObjects(dir: string): Promise<number> {
  let count = 0
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue
    if (entry.isDirectory()) count += await countObjects(path.join(dir, entry.name))
    else if (entry.isFile()) count += 1
  }
  return count
}
