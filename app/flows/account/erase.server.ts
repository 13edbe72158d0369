import { eraseAccountWork } from '~/generation/index.server'
import { deidentifyAccount } from '~/identity/index.server'
import { forgetReceiptEmails } from '~/payments/index.server'
import type { Database } from '~/platform/db/client.server'
import { forgetMailFor } from '~/outbox/index.server'
import { eraseNoticesFor } from '~/notices/index.server'

/**
 * Closing an account, in one transaction of its own (a savepoint inside the
 * caller's): the account loses what identifies the person (identity), mail
 * still owed to it is not sent any more, its advance notices of changes go, its generations and refused prompts
 * go (rows here; files by the caller, once this has committed), and its
 * orders lose their receipt address (payments).
 */
export async function deleteAccountData(tx: Database, userId: string): Promise<{ generationIds: string[] }> {
  return tx.transaction(async (inner) => {
    await deidentifyAccount(inner, userId)
    await forgetMailFor(inner, userId)
    await eraseNoticesFor(inner, userId)
    const generationIds = await eraseAccountWork(inner, userId)
    await forgetReceiptEmails(inner, userId)
    return { generationIds }
  })
}
