import { describe, expect, it } from 'vitest'
import { createThrowawayPostgresDatabase, journalLength, migrationCount } from '../../../tests/db'
import { createDatabase, type DatabaseHandle } from './client.server'

// Runs only under `npm run test:pg` (files named *.pg.test.ts need a real
// PostgreSQL server; see vite.config.ts).

describe('migrations on PostgreSQL', () => {
  it('lets several processes migrate one PostgreSQL database at once', async () => {
    const server = await createThrowawayPostgresDatabase()
    const handles: DatabaseHandle[] = []
    try {
      const opened = await Promise.allSettled(Array.from({ length: 4 }, () => createDatabase({ url: server.url })))
      for (const result of opened) if (result.status === 'fulfilled') handles.push(result.value)
      expect(opened.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled'])
      expect(await migrationCount(handles[0]!.db)).toBe(await journalLength())
    } finally {
      await Promise.all(handles.map((h) => h.close()))
      await server.drop()
    }
  })
})
