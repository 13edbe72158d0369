import { eq, sql } from 'drizzle-orm'
import type { Database } from './client.server'
import { changeSignals } from './schema'
import { logger } from '~/platform/log.server'

/**
 * A change every instance must act on, told through the database they share.
 * The instance that learns of it calls signalChange(); every instance runs
 * watchChanges(), which reads the counter every few seconds and calls back
 * when it moved. A version check rather than LISTEN/NOTIFY: it needs no
 * dedicated connection, works through a transaction-pooling proxy and on the
 * embedded database, and a missed moment is caught up on the next read
 * (docs/decisions/021).
 */

export type ChangeName = 'content'

/** Bumps the counter of `name` (creating it); returns the new generation. */
export async function signalChange(db: Database, name: ChangeName): Promise<number> {
  const [row] = await db
    .insert(changeSignals)
    .values({ name, generation: 1 })
    .onConflictDoUpdate({
      target: changeSignals.name,
      set: { generation: sql`${changeSignals.generation} + 1`, changedAt: sql`now()` },
    })
    .returning({ generation: changeSignals.generation })
  return row!.generation
}

/** The current generation of `name`; 0 before the first change. */
export async function currentGeneration(db: Database, name: ChangeName): Promise<number> {
  const [row] = await db
    .select({ generation: changeSignals.generation })
    .from(changeSignals)
    .where(eq(changeSignals.name, name))
  return row?.generation ?? 0
}

export interface ChangeWatch {
  stop(): void
  /** Reads the counter now (tests, and the first read at start); resolves after any callback ran. */
  check(): Promise<void>
}

/**
 * Calls `onChange` whenever the generation of `name` differs from the one
 * last read. The first read only remembers it: what this process cached
 * before does not exist yet. A failed read is logged once per outage and
 * retried on the next tick. The timer does not keep the process alive.
 */
export function watchChanges(
  db: Database,
  name: ChangeName,
  onChange: (generation: number) => void,
  intervalMs: number,
): ChangeWatch {
  let known: number | null = null
  let failing = false
  let running: Promise<void> | null = null

  const readOnce = async () => {
    try {
      const generation = await currentGeneration(db, name)
      if (failing) logger.info({ event: 'change-signal.restored', name }, 'reading the change signal works again')
      failing = false
      if (known !== null && generation !== known) onChange(generation)
      known = generation
    } catch (error) {
      if (!failing) {
        logger.warn({ event: 'change-signal.unreadable', name, err: error }, 'could not read the change signal')
      }
      failing = true
    }
  }
  const check = () => (running ??= readOnce().finally(() => (running = null)))

  void check()
  const timer = setInterval(() => void check(), intervalMs)
  timer.unref()
  return { stop: () => clearInterval(timer), check }
}
