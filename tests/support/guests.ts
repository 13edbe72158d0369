import { randomBytes, randomUUID } from 'node:crypto'
import { eq, inArray } from 'drizzle-orm'
import type { CurrentVersion } from '~/acceptances/current-versions.server'
import { recordAcceptances } from '~/acceptances/ledger.server'
import { applyMovement, chargeJob, refundJob } from '~/credits/movements.server'
import type { Database } from '~/platform/db/client.server'
import { acceptances, cookieConsents } from '~/acceptances/schema'
import { creditBalances, creditMovements, type CreditOwner } from '~/credits/schema'
import { dataSubjectRequests } from '~/privacy-requests/schema'
import { generationImages, generationJobs, moderationRefusals } from '~/generation/schema'
import { guests } from '~/identity/schema'
import type { ObjectStorage } from '~/platform/storage/types'

const DAY_MS = 24 * 60 * 60 * 1000

export type GuestWithHistory = {
  guestId: string
  owner: CreditOwner
  jobIds: string[]
  /** Every file the guest's generations wrote. */
  files: string[]
  consentId: string
  requestId: string | null
}

/**
 * A guest as weeks of use leave it: the acceptance rows of its start, free
 * credits spent on a finished generation (two images and the photo it was
 * made from) and a failed one refunded, a prompt refused by moderation, a
 * cookie choice under a consent id linked to it, and optionally a
 * data-subject request made from its browser. Last seen `daysAway` days ago.
 */
export async function guestWithHistory(
  db: Database,
  storage: ObjectStorage,
  opts: { documents: readonly CurrentVersion[]; daysAway: number; request?: 'open' | 'completed' },
): Promise<GuestWithHistory> {
  const guestId = randomBytes(24).toString('base64url')
  const owner: CreditOwner = `guest:${guestId}`
  const lastSeenAt = new Date(Date.now() - opts.daysAway * DAY_MS)
  const files: string[] = []
  const jobIds = [randomUUID(), randomUUID()]
  await db.transaction(async (tx) => {
    await tx.insert(guests).values({ id: guestId, createdAt: lastSeenAt, lastSeenAt })
    await recordAcceptances(tx, {
      subject: { guestId },
      event: 'guest',
      documents: opts.documents,
      wordings: Object.fromEntries(opts.documents.map((d) => [d.kind, `I accept ${d.title}`])),
      ip: '203.0.113.9',
      userAgent: 'Mozilla/5.0 (guest fixture)',
      action: { type: 'guest-session', id: guestId },
    })
    await applyMovement(tx, { owner, delta: 5, reason: 'grant', referenceType: 'guest', referenceId: guestId })
    for (const [n, id] of jobIds.entries()) {
      const done = n === 0
      await chargeJob(tx, owner, id, 2)
      await tx.insert(generationJobs).values({
        id,
        owner,
        guestId,
        status: done ? 'done' : 'failed',
        prompt: `a harbour at dawn, take ${n}`,
        style: 'none',
        aspectRatio: '1:1',
        count: 2,
        seed: 7,
        cost: 2,
        engine: 'local',
        engineKind: 'local',
        sourceImageKey: done ? `uploads/${id}/source.webp` : null,
        maxAttempts: 3,
        attempts: 1,
        refundedCredits: done ? 0 : 2,
      })
      if (!done) {
        await refundJob(tx, owner, id, 2, 'failed')
        continue
      }
      for (const index of [0, 1]) {
        const key = `generations/${id}/a1/${index}.webp`
        await tx
          .insert(generationImages)
          .values({ jobId: id, index, storageKey: key, mimeType: 'image/webp', width: 8, height: 8, bytes: 3 })
        files.push(key)
      }
      files.push(`uploads/${id}/source.webp`)
    }
    await tx.insert(moderationRefusals).values({
      owner,
      guestId,
      prompt: 'something refused',
      category: 'test',
      ruleId: 'test-rule',
      matched: 'refused',
    })
  })
  for (const key of files) await storage.put(key, Buffer.from(key), 'image/webp')

  const consentId = randomBytes(16).toString('base64url')
  await db.insert(cookieConsents).values({ id: consentId, guestId })
  await recordAcceptances(db, {
    subject: { consentId },
    event: 'cookie',
    documents: opts.documents.slice(0, 1),
    wordings: { [opts.documents[0]!.kind]: 'Allow all' },
    ip: '203.0.113.9',
    userAgent: 'Mozilla/5.0 (guest fixture)',
    action: { type: 'cookie-choice', id: consentId },
    scope: 'analytics',
  })

  let requestId: string | null = null
  if (opts.request) {
    const completed = opts.request === 'completed'
    const [row] = await db
      .insert(dataSubjectRequests)
      .values({
        kind: 'access',
        regime: 'ru',
        status: completed ? 'completed' : 'open',
        outcome: completed ? 'fulfilled' : null,
        completedAt: completed ? new Date() : null,
        locale: 'ru',
        email: 'guest.request@palitra.example',
        guestId,
        receivedAt: lastSeenAt,
        originalDueOn: '2026-01-20',
        dueOn: '2026-01-20',
      })
      .returning({ id: dataSubjectRequests.id })
    requestId = row!.id
  }
  return { guestId, owner, jobIds, files, consentId, requestId }
}

/** Makes a guest's last visit `days` days ago. */
export async function setDaysAway(db: Database, guestId: string, days: number) {
  await db
    .update(guests)
    .set({ lastSeenAt: new Date(Date.now() - days * DAY_MS) })
    .where(eq(guests.id, guestId))
}

/** What the database still holds of a guest, table by table. */
export async function whatRemainsOf(db: Database, guest: Pick<GuestWithHistory, 'guestId' | 'owner' | 'jobIds'>) {
  const count = async (query: Promise<unknown[]>) => (await query).length
  return {
    guest: await count(db.select().from(guests).where(eq(guests.id, guest.guestId))),
    jobs: await count(db.select().from(generationJobs).where(eq(generationJobs.guestId, guest.guestId))),
    images: await count(db.select().from(generationImages).where(inArray(generationImages.jobId, guest.jobIds))),
    refusals: await count(db.select().from(moderationRefusals).where(eq(moderationRefusals.guestId, guest.guestId))),
    movements: await count(db.select().from(creditMovements).where(eq(creditMovements.owner, guest.owner))),
    balance: await count(db.select().from(creditBalances).where(eq(creditBalances.owner, guest.owner))),
    consentLinks: await count(db.select().from(cookieConsents).where(eq(cookieConsents.guestId, guest.guestId))),
    requestLinks: await count(
      db.select().from(dataSubjectRequests).where(eq(dataSubjectRequests.guestId, guest.guestId)),
    ),
    ledgerRows: await count(db.select().from(acceptances).where(eq(acceptances.guestId, guest.guestId))),
  }
}

/** Everything a guest with history holds (guestWithHistory with the default documents). */
export function fullHistory(documents: number) {
  return {
    guest: 1,
    jobs: 2,
    images: 2,
    refusals: 1,
    movements: 4,
    balance: 1,
    consentLinks: 1,
    requestLinks: 0,
    ledgerRows: documents,
  }
}

/** What whatRemainsOf finds of a deleted guest: nothing, except its ledger rows (kept as evidence, checked apart). */
export const GONE = {
  guest: 0,
  jobs: 0,
  images: 0,
  refusals: 0,
  movements: 0,
  balance: 0,
  consentLinks: 0,
  requestLinks: 0,
}
