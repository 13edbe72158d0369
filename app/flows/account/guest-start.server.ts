import { recordFormAcceptance, checkSubmittedAcceptance } from '~/acceptances/index.server'
import { getDb, type Database } from '~/platform/db/client.server'
import { grantGuestCredits } from '~/credits/index.server'
import { insertGuest, serializeGuestCookie } from '~/identity/index.server'
import { getEnv } from '~/platform/env.server'
import type { Locale } from '~/platform/i18n/locales'
import { logger } from '~/platform/log.server'
import { checkClientThenOverall } from '~/platform/security/rate-limit.server'
import { rateLimited, type ActionOutcome } from '~/platform/form'

/**
 * What a guest accepts before the guest row exists: the terms, the privacy
 * policy and, as its own checkbox, the consent to processing. The consent
 * document names guest mode among its purposes and 152-FZ art. 9 wants it
 * given separately, so guests give it exactly as registration asks for it.
 */
/** Inserts a guest with its free credits (GUEST_FREE_CREDITS) in the caller's transaction and returns its id. */
export async function createGuest(tx: Database): Promise<string> {
  const id = await insertGuest(tx)
  await grantGuestCredits(tx, id, getEnv().GUEST_FREE_CREDITS)
  return id
}

export const GUEST_KINDS = ['terms', 'privacy', 'consent'] as const

/**
 * Starts a guest session: the guest row and its `guest` acceptance rows in one
 * transaction. No acceptance, no guest. Each guest gets free credits, so
 * starts are limited per address and overall ('guest-ip', 'guest-all'): past
 * a limit the answer is a 429 with Retry-After and nothing is written. Only
 * starts with the acceptance boxes ticked count.
 */
export async function startGuestSession(
  form: FormData,
  locale: Locale,
  evidence: { ip: string | null; userAgent: string | null },
): Promise<ActionOutcome> {
  const db = await getDb()
  // Only a complete start counts against the limits: a form sent without the boxes ticked writes nothing.
  const acceptance = await checkSubmittedAcceptance(form, [...GUEST_KINDS], locale)
  if (!acceptance.ok) return { ok: false, status: acceptance.status, failure: acceptance.failure }
  const limit = await checkClientThenOverall(db, 'guest', evidence.ip)
  if (!limit.ok) {
    logger.warn({ event: 'guest.rate-limited' }, 'guest session start refused: over its rate limit')
    return rateLimited({}, limit.retryAfterSeconds)
  }
  const guestId = await db.transaction(async (tx) => {
    const id = await createGuest(tx)
    await recordFormAcceptance(tx, {
      subject: { guestId: id },
      event: 'guest',
      documents: acceptance.documents,
      locale,
      evidence,
      action: { type: 'guest-session', id },
    })
    return id
  })
  logger.info({ event: 'guest.started', guestId }, 'guest session started')
  return { ok: true, headers: new Headers({ 'Set-Cookie': await serializeGuestCookie(guestId) }) }
}
