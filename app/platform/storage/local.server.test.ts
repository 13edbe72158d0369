import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { describeStorageContract } from './contract'
import { createLocalStorage } from './local.server'

const realRename = fs.rename.bind(fs)
const scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'palitra-storage-'))
let counter = 0

afterAll(async () => {
  await fs.rm(scratch, { recursive: true, force: true })
})

/** Every file below `dir`, relative, '/'-separated, without following symlinks. */
async function listFiles(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true })
  return entries
    .filter((entry) => !entry.isDirectory())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
    .sort()
}

describeStorageContract('local', () => createLocalStorage(path.join(scratch, `contract-${++counter}`, 'media')))

describe('local storage', () => {
  let root: string
  let outside: string

  beforeEach(async () => {
    const base = path.join(scratch, `case-${++counter}`)
    root = path.join(base, 'media')
    outside = path.join(base, 'outside')
    await fs.mkdir(outside, { recursive: true })
  })

  it('is of kind local and creates its folder on first use', async () => {
    const storage = createLocalStorage(root)
    expect(storage.kind).toBe('local')
    await expect(fs.stat(root)).rejects.toThrow()
    expect(await storage.get('x.webp')).toBeNull()
    expect((await fs.stat(root)).isDirectory()).toBe(true)
  })

  it('keeps each object as a plain file, its content type in a dot-file beside it', async () => {
    const storage = createLocalStorage(root)
    await storage.put('generations/job-7/0.webp', Buffer.from('RIFF....WEBP'), 'image/webp')
    expect(await listFiles(root)).toEqual(['generations/job-7/.0.webp.meta', 'generations/job-7/0.webp'])
    expect(await fs.readFile(path.join(root, 'generations/job-7/0.webp'), 'utf8')).toBe('RIFF....WEBP')
    expect(JSON.parse(await fs.readFile(path.join(root, 'generations/job-7/.0.webp.meta'), 'utf8'))).toEqual({
      contentType: 'image/webp',
    })
    const mode = (await fs.stat(path.join(root, 'generations/job-7/0.webp'))).mode & 0o777
    expect(mode & 0o077).toBe(0) // private to the app's user
  })

  it('falls back to the extension when the content-type file is missing or damaged', async () => {
    const storage = createLocalStorage(root)
    await fs.mkdir(path.join(root, 'copied'), { recursive: true })
    await fs.writeFile(path.join(root, 'copied/a.png'), 'png')
    await fs.writeFile(path.join(root, 'copied/b.unknown'), 'b')
    await fs.writeFile(path.join(root, 'copied/c.jpg'), 'c')
    await fs.writeFile(path.join(root, 'copied/.c.jpg.meta'), '{not json')
    expect((await storage.get('copied/a.png'))?.contentType).toBe('image/png')
    expect((await storage.get('copied/b.unknown'))?.contentType).toBe('application/octet-stream')
    expect((await storage.get('copied/c.jpg'))?.contentType).toBe('image/jpeg')
  })

  it('leaves no temp files behind, also after many overlapping writes of one key', async () => {
    const storage = createLocalStorage(root)
    const versions = Array.from({ length: 20 }, (_, i) => Buffer.alloc(10_000 + i * 5_000, i))
    await Promise.all(versions.map((bytes) => storage.put('race/key.bin', bytes, 'application/octet-stream')))
    const object = await storage.get('race/key.bin')
    // Whole versions only: one of the writes, never a mix or a truncated file.
    expect(versions.some((bytes) => bytes.equals(object?.bytes ?? Buffer.alloc(0)))).toBe(true)
    expect(await listFiles(root)).toEqual(['race/.key.bin.meta', 'race/key.bin'])
  })

  it('cleans up its temp files when the final rename fails and leaves the old state alone', async () => {
    const storage = createLocalStorage(root)
    await storage.put('taken/inner/file.txt', Buffer.from('inner'), 'text/plain')
    // `taken/inner` is a folder, so an object cannot be renamed over it.
    await expect(storage.put('taken/inner', Buffer.from('x'), 'text/plain')).rejects.toThrow(/folder of other objects/)
    expect(await listFiles(root)).toEqual(['taken/inner/.file.txt.meta', 'taken/inner/file.txt'])
    // An object under a name that is already an object's folder path fails too.
    await expect(storage.put('taken/inner/file.txt/deeper', Buffer.from('x'), 'text/plain')).rejects.toThrow(
      /is an object, not a folder/,
    )
  })

  it('leaves neither temp files nor a half object when writing fails midway', async () => {
    const storage = createLocalStorage(root)
    await storage.put('w/old.bin', Buffer.from('old bytes'), 'application/octet-stream')
    const rename = vi.spyOn(fs, 'rename').mockImplementation(async (from, to) => {
      if (!String(to).endsWith('.meta')) throw Object.assign(new Error('EIO: disk gone'), { code: 'EIO' })
      return realRename(from, to)
    })
    try {
      await expect(storage.put('w/new.bin', Buffer.alloc(50_000, 7), 'application/octet-stream')).rejects.toThrow(/EIO/)
      await expect(storage.put('w/old.bin', Buffer.alloc(50_000, 7), 'text/plain')).rejects.toThrow(/EIO/)
    } finally {
      rename.mockRestore()
    }
    expect(await storage.get('w/new.bin')).toBeNull()
    expect((await storage.get('w/old.bin'))?.bytes.toString()).toBe('old bytes')
    expect(await listFiles(root)).toEqual(['w/.old.bin.meta', 'w/old.bin'])
  })

  it('prunes folders that deleting left empty, but never the root', async () => {
    const storage = createLocalStorage(root)
    await storage.put('a/b/c/1.txt', Buffer.from('1'), 'text/plain')
    await storage.put('a/b/c/2.txt', Buffer.from('2'), 'text/plain')
    await storage.put('a/keep.txt', Buffer.from('k'), 'text/plain')
    await storage.delete(['a/b/c/1.txt'])
    expect(await listFiles(root)).toEqual(['a/.keep.txt.meta', 'a/b/c/.2.txt.meta', 'a/b/c/2.txt', 'a/keep.txt'])
    await storage.delete(['a/b/c/2.txt'])
    expect(await fs.readdir(path.join(root, 'a'))).toEqual(['.keep.txt.meta', 'keep.txt'])

    await storage.put('x/y/z/deep.txt', Buffer.from('d'), 'text/plain')
    expect(await storage.deletePrefix('x/y/')).toBe(1)
    await expect(fs.stat(path.join(root, 'x'))).rejects.toThrow()
    expect(await storage.deletePrefix('a/')).toBe(1)
    expect(await fs.readdir(root)).toEqual([])
  })

  it('deletePrefix also removes leftovers of interrupted writes under the prefix', async () => {
    const storage = createLocalStorage(root)
    await storage.put('jobs/j1/0.webp', Buffer.from('0'), 'image/webp')
    await fs.writeFile(path.join(root, 'jobs/j1/.1.webp.abcdef.tmp'), 'half a file')
    expect(await storage.get('jobs/j1/1.webp')).toBeNull()
    expect(await storage.deletePrefix('jobs/j1/')).toBe(1)
    await expect(fs.stat(path.join(root, 'jobs'))).rejects.toThrow()
  })

  it('never follows a symbolic link out of the root', async () => {
    const storage = createLocalStorage(root)
    await storage.put('real/x.txt', Buffer.from('x'), 'text/plain')
    await fs.writeFile(path.join(outside, 'secret.txt'), 'secret')
    await fs.symlink(outside, path.join(root, 'link'))
    await fs.symlink(path.join(outside, 'secret.txt'), path.join(root, 'real', 'secret.txt'))

    await expect(storage.get('link/secret.txt')).rejects.toThrow(/symbolic link/)
    await expect(storage.put('link/new.txt', Buffer.from('n'), 'text/plain')).rejects.toThrow(/symbolic link/)
    await expect(storage.put('link/sub/new.txt', Buffer.from('n'), 'text/plain')).rejects.toThrow(/symbolic link/)
    await expect(storage.delete(['link/secret.txt'])).rejects.toThrow(/symbolic link/)
    await expect(storage.deletePrefix('link/')).rejects.toThrow(/symbolic link/)
    await expect(storage.get('real/secret.txt')).rejects.toThrow(/symbolic link/)
    expect(await listFiles(outside)).toEqual(['secret.txt'])
    expect(await fs.readFile(path.join(outside, 'secret.txt'), 'utf8')).toBe('secret')

    // deletePrefix of a folder holding a symlink removes the link, not its target.
    expect(await storage.deletePrefix('real/')).toBe(1)
    expect(await fs.readFile(path.join(outside, 'secret.txt'), 'utf8')).toBe('secret')
  })

  it('works when the root itself is reached through a symbolic link', async () => {
    const target = path.join(outside, 'real-media')
    await fs.mkdir(target)
    await fs.mkdir(path.dirname(root), { recursive: true })
    await fs.symlink(target, root)
    const storage = createLocalStorage(root)
    await storage.put('a/b.txt', Buffer.from('b'), 'text/plain')
    expect((await storage.get('a/b.txt'))?.bytes.toString()).toBe('b')
    expect(await listFiles(target)).toEqual(['a/.b.txt.meta', 'a/b.txt'])
  })

  it('takes a relative root as relative to the working directory', async () => {
    const storage = createLocalStorage(path.relative(process.cwd(), root))
    await storage.put('r.txt', Buffer.from('r'), 'text/plain')
    expect(await fs.readFile(path.join(root, 'r.txt'), 'utf8')).toBe('r')
  })
})
