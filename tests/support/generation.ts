import { randomBytes } from 'node:crypto'
import { applyMovement } from '~/credits/movements.server'
import type { Database } from '~/platform/db/client.server'
import { guests } from '~/identity/schema'
import { type CreditOwner } from '~/credits/schema'
import type { EngineImage, EngineInput, ImageEngine } from '~/generation/engines/types'
import type { Generator } from '~/generation/jobs.server'
import { GenerationWorker, type WorkerOptions } from '~/generation/worker.server'
import type { ObjectStorage } from '~/platform/storage/types'

/** A guest row with `credits` granted (reference: a test grant), as a Generator. */
export async function guestWithCredits(db: Database, credits: number): Promise<Generator> {
  const id = randomBytes(24).toString('base64url')
  await db.insert(guests).values({ id })
  const owner: CreditOwner = `guest:${id}`
  if (credits > 0) {
    await db.transaction((tx) =>
      applyMovement(tx, { owner, delta: credits, reason: 'grant', referenceType: 'test', referenceId: id }),
    )
  }
  return { owner, userId: null, guestId: id, session: null }
}

/** Object storage in memory, recording what was written and removed. */
export function memoryStorage(): ObjectStorage & { objects: Map<string, { bytes: Buffer; contentType: string }> } {
  const objects = new Map<string, { bytes: Buffer; contentType: string }>()
  return {
    kind: 'local',
    objects,
    async put(key, bytes, contentType) {
      objects.set(key, { bytes, contentType })
    },
    async get(key) {
      return objects.get(key) ?? null
    },
    async delete(keys) {
      for (const key of keys) objects.delete(key)
    },
    async deletePrefix(prefix) {
      let n = 0
      for (const key of [...objects.keys()]) {
        if (key.startsWith(prefix)) {
          objects.delete(key)
          n++
        }
      }
      return n
    },
  }
}

/** An engine whose behaviour each test scripts: returns tiny fake images or throws what `next` says. */
export function scriptedEngine(
  behaviour: (input: EngineInput, call: number, signal: AbortSignal) => Promise<EngineImage[]> | EngineImage[],
): ImageEngine & { calls: EngineInput[] } {
  const calls: EngineInput[] = []
  return {
    id: 'scripted',
    kind: 'local',
    calls,
    async generate(input, { signal }) {
      calls.push(input)
      return behaviour(input, calls.length, signal)
    },
  }
}

export function fakeImages(count: number): EngineImage[] {
  return Array.from({ length: count }, (_, i) => ({
    bytes: Buffer.from(`image-${i}`),
    mimeType: 'image/webp' as const,
    width: 8,
    height: 8,
  }))
}

/**
 * A worker for a test to drive with runOnce() (or start()): one job at a time,
 * a 30-second lease and a 5-second engine timeout unless the test says otherwise.
 */
export function testWorker(
  options: Pick<WorkerOptions, 'db' | 'storage' | 'engine'> & Partial<WorkerOptions>,
): GenerationWorker {
  return new GenerationWorker({ concurrency: 1, leaseSeconds: 30, timeoutMs: 5000, ...options })
}
