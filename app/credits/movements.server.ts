import { and, desc, eq, inArray, sql } from 'drizzle-orm'
import type { Database } from '~/platform/db/client.server'
import { creditBalances, creditMovements, type CreditOwner, type CreditReason } from './schema'

/**
 * Credits as an exact ledger: every change is a signed integer row in
 * credit_movements with its cause, and the balance in credit_balances moves
 * in the same transaction. A balance can never go below zero: the code checks
 * under a row lock, and a CHECK constraint refuses it regardless. Each cause
 * (reason + reference) applies at most once per holder: a unique key.
 */

export type CreditHolder = { userId: string } | { guestId: string }

export function creditOwner(holder: CreditHolder): CreditOwner {
  return 'userId' in holder ? `user:${holder.userId}` : `guest:${holder.guestId}`
}

function holderColumns(owner: CreditOwner) {
  const id = owner.slice(owner.indexOf(':') + 1)
  return owner.startsWith('user:') ? { userId: id, guestId: null } : { userId: null, guestId: id }
}

export class NotEnoughCreditsError extends Error {
  constructor(
    readonly balance: number,
    readonly needed: number,
  ) {
    super(`not enough credits: ${balance} < ${needed}`)
    this.name = 'NotEnoughCreditsError'
  }
}

export type Movement = {
  owner: CreditOwner
  delta: number
  reason: CreditReason
  referenceType: string
  referenceId: string
  note?: string
}

export type MovementResult = { applied: true; balance: number } | { applied: false; balance: number }

/**
 * Applies one movement in the caller's transaction. Returns applied: false
 * (and changes nothing) when the same cause was already recorded for this
 * holder; throws NotEnoughCreditsError when a debit would go below zero.
 */
export async function applyMovement(tx: Database, movement: Movement): Promise<MovementResult> {
  if (!Number.isSafeInteger(movement.delta) || movement.delta === 0) {
    throw new Error(`credit movement must be a non-zero integer, got ${movement.delta}`)
  }
  await tx
    .insert(creditBalances)
    .values({ owner: movement.owner, ...holderColumns(movement.owner) })
    .onConflictDoNothing()
  // The row lock serializes every movement of one holder, across processes.
  const [locked] = await tx
    .select({ balance: creditBalances.balance })
    .from(creditBalances)
    .where(eq(creditBalances.owner, movement.owner))
    .for('update')
  if (!locked) throw new Error(`credit balance row missing for ${movement.owner}`)
  const [existing] = await tx
    .select({ id: creditMovements.id })
    .from(creditMovements)
    .where(
      and(
        eq(creditMovements.owner, movement.owner),
        eq(creditMovements.reason, movement.reason),
        eq(creditMovements.referenceType, movement.referenceType),
        eq(creditMovements.referenceId, movement.referenceId),
      ),
    )
    .limit(1)
  if (existing) return { applied: false, balance: locked.balance }
  const balance = locked.balance + movement.delta
  if (balance < 0) throw new NotEnoughCreditsError(locked.balance, -movement.delta)
  await tx
    .update(creditBalances)
    .set({ balance, updatedAt: sql`now()` })
    .where(eq(creditBalances.owner, movement.owner))
  await tx.insert(creditMovements).values({
    owner: movement.owner,
    delta: movement.delta,
    reason: movement.reason,
    referenceType: movement.referenceType,
    referenceId: movement.referenceId,
    balanceAfter: balance,
    note: movement.note ?? null,
  })
  return { applied: true, balance }
}

/** The holder's balance; 0 for someone who never had credits. */
export async function balanceOf(db: Database, owner: CreditOwner): Promise<number> {
  const [row] = await db
    .select({ balance: creditBalances.balance })
    .from(creditBalances)
    .where(eq(creditBalances.owner, owner))
    .limit(1)
  return row?.balance ?? 0
}

/** The free credits a new guest session starts with (terms 5.1); once per guest. */
export function grantGuestCredits(tx: Database, guestId: string, credits: number) {
  if (credits <= 0) return Promise.resolve({ applied: false, balance: 0 } as MovementResult)
  return applyMovement(tx, {
    owner: `guest:${guestId}`,
    delta: credits,
    reason: 'grant',
    referenceType: 'guest',
    referenceId: guestId,
    note: 'free credits of a guest session',
  })
}

/** Charges a job when it is accepted; throws NotEnoughCreditsError. */
export function chargeJob(tx: Database, owner: CreditOwner, jobId: string, credits: number) {
  return applyMovement(tx, { owner, delta: -credits, reason: 'generation', referenceType: 'job', referenceId: jobId })
}

/** Gives a job's credits back (technical failure or cancel); at most once per job. */
export function refundJob(tx: Database, owner: CreditOwner, jobId: string, credits: number, note: string) {
  return applyMovement(tx, { owner, delta: credits, reason: 'refund', referenceType: 'job', referenceId: jobId, note })
}

/**
 * Moves what is left of a guest's credits to the account the guest registered
 * or signed in to: the same person continues, so their balance continues.
 * Once per guest.
 */
export async function moveGuestCredits(tx: Database, guestId: string, userId: string): Promise<number> {
  const from: CreditOwner = `guest:${guestId}`
  const [row] = await tx
    .select({ balance: creditBalances.balance })
    .from(creditBalances)
    .where(eq(creditBalances.owner, from))
    .for('update')
  const amount = row?.balance ?? 0
  if (amount <= 0) return 0
  const ref = { reason: 'adjustment', referenceType: 'guest-link', referenceId: guestId } as const
  const out = await applyMovement(tx, { ...ref, owner: from, delta: -amount, note: `moved to user:${userId}` })
  if (!out.applied) return 0
  await applyMovement(tx, { ...ref, owner: `user:${userId}`, delta: amount, note: `from guest:${guestId}` })
  return amount
}

// Guest ids are base64url: never a comma, so a comma-separated list names them exactly.
const GUEST_ID = /^[A-Za-z0-9_-]+$/

/**
 * Erases the credits of guests being deleted (30 days after their last
 * visit), in the caller's transaction: their movements, then their balances.
 * The ledger refuses to lose rows, except movements of guests the
 * transaction declares in `palitra.erasing_guests` that exist and are not
 * linked to an account (migration 0011); the declaration is withdrawn again
 * before returning, so nothing later in the transaction rides on it.
 * Returns how many movements were deleted.
 */
export async function eraseGuestCredits(tx: Database, guestIds: readonly string[]): Promise<number> {
  if (guestIds.length === 0) return 0
  if (!guestIds.every((id) => GUEST_ID.test(id))) throw new Error('eraseGuestCredits: not a guest id')
  const owners = guestIds.map((id): CreditOwner => `guest:${id}`)
  await tx.execute(sql`select set_config('palitra.erasing_guests', ${guestIds.join(',')}, true)`)
  const movements = await tx
    .delete(creditMovements)
    .where(inArray(creditMovements.owner, owners))
    .returning({ id: creditMovements.id })
  await tx.delete(creditBalances).where(inArray(creditBalances.owner, owners))
  await tx.execute(sql`select set_config('palitra.erasing_guests', '', true)`)
  return movements.length
}

export type CreditMovementRecord = {
  delta: number
  reason: CreditReason
  referenceType: string
  referenceId: string
  balanceAfter: number
  note: string | null
  createdAt: string
}

/** The holder's movements, newest first (for the account page and the data export). */
export async function creditHistory(db: Database, owner: CreditOwner, limit = 1000): Promise<CreditMovementRecord[]> {
  const rows = await db
    .select()
    .from(creditMovements)
    .where(eq(creditMovements.owner, owner))
    .orderBy(desc(creditMovements.createdAt), desc(creditMovements.id))
    .limit(limit)
  return rows.map((r) => ({
    delta: r.delta,
    reason: r.reason,
    referenceType: r.referenceType,
    referenceId: r.referenceId,
    balanceAfter: r.balanceAfter,
    note: r.note,
    createdAt: r.createdAt.toISOString(),
  }))
}
