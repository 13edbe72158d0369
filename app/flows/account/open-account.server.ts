import type { CurrentVersion } from '~/acceptances/index.server'
import { recordFormAcceptance } from '~/acceptances/index.server'
import { enqueueMail } from '~/outbox/index.server'
import { getDb, type Database } from '~/platform/db/client.server'
import type { Locale } from '~/platform/i18n/locales'
import type { RequestEvidence } from '~/load-context'
import { linkGuestToUser } from './guest-link.server'
import { deliverAccountMailSoon } from './mails.server'

export type AccountOpening = {
  /** Writes the account row (by password or by provider) and returns its id; may throw EmailTakenError. */
  create: (tx: Database) => Promise<string>
  /** The documents the form showed and the person accepted. */
  documents: CurrentVersion[]
  locale: Locale
  evidence: RequestEvidence
  /** The guest of this device, handed to the new account. */
  guestId: string | null
  /** Whether the account has an address to owe the registration letter to. */
  mailable: boolean
  baseUrl: string
}

/**
 * Opens an account the one way registration and a first provider sign-in
 * share: the account, its acceptance rows, the guest of this device and the
 * letter it is owed (the confirmation link and the receipt of what was
 * accepted) in one transaction, so there is never a user without
 * acceptances, nor acceptances without a user. The letter goes out once the
 * transaction is committed. EmailTakenError from `create` reaches the caller,
 * which answers it in its own way.
 */
export async function openAccount(opening: AccountOpening): Promise<string> {
  const { documents, locale, evidence, guestId, baseUrl } = opening
  const db = await getDb()
  const { userId, mailId } = await db.transaction(async (tx) => {
    const id = await opening.create(tx)
    await recordFormAcceptance(tx, {
      subject: { userId: id },
      event: 'register',
      documents,
      locale,
      evidence,
      action: { type: 'account', id },
    })
    if (guestId) await linkGuestToUser(tx, guestId, id)
    const owed = opening.mailable
      ? await enqueueMail(tx, { kind: 'registration', dedupeKey: `registration:${id}`, userId: id, locale, baseUrl })
      : null
    return { userId: id, mailId: owed }
  })
  deliverAccountMailSoon([mailId])
  return userId
}
