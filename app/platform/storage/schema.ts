import { pgTable, text, timestamp } from 'drizzle-orm/pg-core'

/**
 * Processes that keep media under DATA_DIR/media on PostgreSQL
 * (MEDIA_DIR_SHARED=true). Each one writes a token file in the media
 * directory and records it here; a process that cannot read the token file
 * of another live process is not on the same volume and refuses to start
 * (app/platform/storage/shared-media.server.ts). No personal data: the instance id is
 * the host name, the process id and a random part.
 */
export const mediaDirProbes = pgTable('media_dir_probes', {
  instanceId: text('instance_id').primaryKey(),
  token: text('token').notNull(),
  startedAt: timestamp('started_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  /** Renewed while the process runs; a row not renewed for a few minutes belongs to a process that is gone. */
  seenAt: timestamp('seen_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
})
