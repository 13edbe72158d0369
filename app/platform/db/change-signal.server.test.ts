import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createTestDatabase, type TestDatabase } from '../../../tests/db'
import { currentGeneration, signalChange, watchChanges } from './change-signal.server'

// Two watchers on one database stand for two instances: what one signals,
// the other notices on its next read. The interval is long so that only the
// explicit check() calls read, and nothing depends on timing.

let testDb: TestDatabase
beforeAll(async () => {
  testDb = await createTestDatabase()
})
afterAll(async () => {
  await testDb?.close()
})

const HOUR = 60 * 60 * 1000

describe('the change signal', () => {
  it('counts changes from zero', async () => {
    expect(await currentGeneration(testDb.db, 'content')).toBe(0)
    expect(await signalChange(testDb.db, 'content')).toBe(1)
    expect(await signalChange(testDb.db, 'content')).toBe(2)
    expect(await currentGeneration(testDb.db, 'content')).toBe(2)
  })

  it('tells another watcher of a change once, on its next read, and not of what came before it started', async () => {
    const seenByOther = vi.fn()
    const other = watchChanges(testDb.db, 'content', seenByOther, HOUR)
    await other.check()
    expect(seenByOther).not.toHaveBeenCalled()

    const generation = await signalChange(testDb.db, 'content')
    await other.check()
    expect(seenByOther).toHaveBeenCalledOnce()
    expect(seenByOther).toHaveBeenCalledWith(generation)

    await other.check()
    expect(seenByOther).toHaveBeenCalledOnce()
    other.stop()
  })

  it('keeps watching after a failed read and catches up on the change it missed', async () => {
    const seen = vi.fn()
    let broken = false
    const flaky = new Proxy(testDb.db, {
      get(target, property, receiver) {
        if (property === 'select' && broken) {
          return () => {
            throw new Error('connection refused')
          }
        }
        return Reflect.get(target, property, receiver) as unknown
      },
    })
    const watch = watchChanges(flaky, 'content', seen, HOUR)
    await watch.check()
    broken = true
    await signalChange(testDb.db, 'content')
    await watch.check()
    expect(seen).not.toHaveBeenCalled()
    broken = false
    await watch.check()
    expect(seen).toHaveBeenCalledOnce()
    watch.stop()
  })
})
