import { randomBytes } from 'node:crypto'
import { beforeEach, describe, expect, it } from 'vitest'
import { type ObjectStorage } from './types'

/**
 * The behaviour every ObjectStorage must share, run by the test file of each
 * implementation. `make` is called before every test and must return an empty
 * storage.
 */
export function describeStorageContract(name: string, make: () => ObjectStorage | Promise<ObjectStorage>): void {
  describe(`${name}: ObjectStorage contract`, () => {
    let storage: ObjectStorage

    beforeEach(async () => {
      storage = await make()
    })

    it('gives back exactly the bytes and content type that were put', async () => {
      const bytes = Buffer.concat([Buffer.from([0, 1, 2, 255, 0, 10, 13]), randomBytes(70_000)])
      await storage.put('generations/job-1/0.webp', bytes, 'image/webp')
      const object = await storage.get('generations/job-1/0.webp')
      expect(object?.contentType).toBe('image/webp')
      expect(object?.bytes.equals(bytes)).toBe(true)
      expect(Buffer.isBuffer(object?.bytes)).toBe(true)
    })

    it('keeps empty objects and content types that do not match the extension', async () => {
      await storage.put('uploads/u1/empty.bin', Buffer.alloc(0), 'application/x-empty')
      await storage.put('uploads/u1/photo.png', Buffer.from('jpeg really'), 'image/jpeg')
      const empty = await storage.get('uploads/u1/empty.bin')
      expect(empty?.bytes.length).toBe(0)
      expect(empty?.contentType).toBe('application/x-empty')
      expect((await storage.get('uploads/u1/photo.png'))?.contentType).toBe('image/jpeg')
    })

    it('overwrites an object, bytes and content type', async () => {
      await storage.put('a/b.dat', Buffer.from('first, and longer than the second'), 'text/plain')
      await storage.put('a/b.dat', Buffer.from('second'), 'application/octet-stream')
      const object = await storage.get('a/b.dat')
      expect(object?.bytes.toString()).toBe('second')
      expect(object?.contentType).toBe('application/octet-stream')
    })

    it('answers null for a missing key, including one that is only a prefix of others', async () => {
      expect(await storage.get('nothing/here.webp')).toBeNull()
      await storage.put('users/1/avatar.webp', Buffer.from('x'), 'image/webp')
      expect(await storage.get('users/1')).toBeNull()
      expect(await storage.get('users')).toBeNull()
      expect(await storage.get('users/1/avatar.webp/more')).toBeNull()
    })

    it('deletes the listed keys only, and missing keys are not an error', async () => {
      await storage.put('d/1.txt', Buffer.from('1'), 'text/plain')
      await storage.put('d/2.txt', Buffer.from('2'), 'text/plain')
      await storage.put('d/3.txt', Buffer.from('3'), 'text/plain')
      await storage.delete(['d/1.txt', 'd/3.txt', 'd/missing.txt', 'gone/entirely.txt', 'd/1.txt'])
      expect(await storage.get('d/1.txt')).toBeNull()
      expect(await storage.get('d/3.txt')).toBeNull()
      expect((await storage.get('d/2.txt'))?.bytes.toString()).toBe('2')
      await storage.delete([])
      await storage.delete(['d/2.txt'])
      expect(await storage.get('d/2.txt')).toBeNull()
      await storage.delete(['d/2.txt'])
    })

    it('deletePrefix removes every object under the prefix and nothing else', async () => {
      const inside = ['users/1/a.webp', 'users/1/gen/0.webp', 'users/1/gen/1.webp', 'users/1/gen/deep/x.png']
      const outside = ['users/10/a.webp', 'users/1x.webp', 'users/2/users/1/a.webp', 'other/users/1/a.webp']
      for (const key of [...inside, ...outside]) await storage.put(key, Buffer.from(key), 'image/webp')

      expect(await storage.deletePrefix('users/1/')).toBe(inside.length)
      for (const key of inside) expect(await storage.get(key)).toBeNull()
      for (const key of outside) expect((await storage.get(key))?.bytes.toString()).toBe(key)

      expect(await storage.deletePrefix('users/1/')).toBe(0)
      expect(await storage.deletePrefix('never/was/')).toBe(0)
      // The prefix can be written again afterwards.
      await storage.put('users/1/again.webp', Buffer.from('again'), 'image/webp')
      expect((await storage.get('users/1/again.webp'))?.bytes.toString()).toBe('again')
    })

    it('deletePrefix counts many objects written in parallel', async () => {
      const keys = Array.from({ length: 60 }, (_, i) => `bulk/${i % 3}/${i}.bin`)
      await Promise.all(keys.map((key) => storage.put(key, Buffer.from([1]), 'application/octet-stream')))
      expect(await storage.deletePrefix('bulk/1/')).toBe(20)
      expect(await storage.deletePrefix('bulk/')).toBe(40)
      expect(await Promise.all(keys.map((key) => storage.get(key)))).toEqual(keys.map(() => null))
    })

    it('deletePrefix insists on a trailing slash', async () => {
      await storage.put('p/q.txt', Buffer.from('q'), 'text/plain')
      await expect(storage.deletePrefix('p')).rejects.toThrow(/must end with/)
      await expect(storage.deletePrefix('')).rejects.toThrow(/invalid storage/)
      expect(await storage.get('p/q.txt')).not.toBeNull()
    })

    it.each(['../x', '/abs', 'a//b', 'a/../b', '..', './a', 'a/./b', '', '.hidden', 'a/.meta', 'a\\b', 'a b', 'a/'])(
      'rejects the key %j',
      async (key) => {
        await expect(storage.put(key, Buffer.from('x'), 'text/plain')).rejects.toThrow(/invalid storage key/)
        await expect(storage.get(key)).rejects.toThrow(/invalid storage key/)
        await expect(storage.delete(['fine.txt', key])).rejects.toThrow(/invalid storage key/)
      },
    )

    it('rejects a bad key in a delete before deleting anything', async () => {
      await storage.put('keep.txt', Buffer.from('k'), 'text/plain')
      await expect(storage.delete(['keep.txt', '../escape'])).rejects.toThrow(/invalid storage key/)
      expect(await storage.get('keep.txt')).not.toBeNull()
    })

    it('rejects content types that could not be a header value', async () => {
      await expect(storage.put('x.txt', Buffer.from('x'), 'text/plain\r\nX-Evil: 1')).rejects.toThrow(/content type/)
      await expect(storage.put('x.txt', Buffer.from('x'), '')).rejects.toThrow(/content type/)
      expect(await storage.get('x.txt')).toBeNull()
    })
  })
}
