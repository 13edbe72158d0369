import { moveGuestCredits } from '~/credits/index.server'
import { reassignGuestWork } from '~/generation/index.server'
import { markGuestLinked, type LinkGuestResult } from '~/identity/index.server'
import type { Database } from '~/platform/db/client.server'

/**
 * Hands a guest to the account it registered or signed in to, once only
 * (identity). The same person goes on with an account: their generations,
 * refused prompts and what is left of their credits go with them.
 */
export async function linkGuestToUser(tx: Database, guestId: string, userId: string): Promise<LinkGuestResult> {
  const result = await markGuestLinked(tx, guestId, userId)
  if (result === 'linked') {
    await reassignGuestWork(tx, guestId, userId)
    await moveGuestCredits(tx, guestId, userId)
  }
  return result
}
