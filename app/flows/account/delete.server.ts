import {
  verifyPasswordForUser,
  normalizeEmail,
  signOut,
  type SessionUser,
  clearGuestCookie,
  reauthenticationFactors,
} from '~/identity/index.server'
import { deleteAccountData } from './erase.server'
import { removeFilesOfDeletedJobs } from '~/generation/index.server'
import { getStorage } from '~/platform/storage/index.server'
import {
  currentVersionsForAcceptance,
  NoVersionInForceError,
  type CurrentVersion,
  type VersionLookupOptions,
  latestAcceptedVersions,
  withdrawConsent,
} from '~/acceptances/index.server'
import { getDb, type Database } from '~/platform/db/client.server'
import { getFixedT } from '~/platform/i18n/i18next.server'
import type { Locale } from '~/platform/i18n/locales'
import { getArchivedVersion } from '~/legal/index.server'
import { formFailure, textField, type ActionOutcome } from '~/platform/form'
import { logger } from '~/platform/log.server'
import { checkLimits } from '~/platform/security/rate-limit.server'

/**
 * Closing an account at the person's own request: deletion, and withdrawal
 * of the consent to processing (152-FZ art. 9 §2), which closes the account
 * too because the service cannot work without processing. Both ask the person
 * to prove it is them first, and both leave the acceptance ledger in place
 * under the now pseudonymous user id (see deleteAccountData).
 */

type Evidence = { ip: string | null; userAgent: string | null }

/** What the person types to confirm: the password if the account has one, else its e-mail, else a word. */
export type Confirmation = 'password' | 'email' | 'phrase'

export type ClosingPurpose = 'delete' | 'withdraw'

const FIELD: Record<Confirmation, string> = { password: 'password', email: 'email', phrase: 'phrase' }

type AccountConfirmation = { method: Confirmation; emailNormalized: string | null }

async function accountConfirmation(db: Database, userId: string): Promise<AccountConfirmation | null> {
  const factors = await reauthenticationFactors(db, userId)
  if (!factors) return null
  const { emailNormalized } = factors
  if (factors.hasPassword) return { method: 'password', emailNormalized }
  // Provider accounts: typing the address shows intent; Telegram accounts have none, so a word does.
  return { method: emailNormalized ? 'email' : 'phrase', emailNormalized }
}

/** How the page asks this account to confirm, or null when it no longer exists. */
export async function confirmationFor(db: Database, userId: string): Promise<Confirmation | null> {
  return (await accountConfirmation(db, userId))?.method ?? null
}

/** The word an account without password or e-mail types, in the page's language. */
export function confirmationPhrase(locale: Locale, purpose: ClosingPurpose): string {
  return getFixedT(locale, 'account-data')(`${purpose}.phrase`)
}

/** The confirmation button of the withdrawal page, exactly as shown: the ledger records it as the wording. */
export function withdrawalWording(locale: Locale): string {
  return getFixedT(locale, 'account-data')('withdraw.submit')
}

function samePhrase(given: string, expected: string, locale: Locale) {
  const canonical = (value: string) => value.trim().normalize('NFKC').toLocaleLowerCase(locale)
  return canonical(given) === canonical(expected)
}

function refused(status: number, field: string, key: string, values: Record<string, string>): ActionOutcome {
  return { ok: false, status, failure: formFailure({ [field]: `account-data:errors.${key}` }, values) }
}

/**
 * Checks that the person at the keyboard owns the account. Attempts count
 * against the sign-in limits of the account and the IP, so a stolen session
 * cannot be used to guess the password here faster than on the sign-in
 * page. Returns the refusal to send, or null when confirmed.
 */
async function reauthenticate(
  db: Database,
  user: SessionUser,
  form: FormData,
  locale: Locale,
  purpose: ClosingPurpose,
  evidence: Evidence,
): Promise<ActionOutcome | null> {
  const account = await accountConfirmation(db, user.id)
  if (!account) {
    return { ok: false, status: 409, failure: formFailure({}, {}, 'account-data:errors.accountGone') }
  }
  const field = FIELD[account.method]
  const given = textField(form, field, account.method === 'password' ? 1000 : 320)
  // A password is never sent back into the page.
  const values: Record<string, string> = account.method === 'password' ? {} : { [field]: given }
  if (!given.trim()) return refused(400, field, `${account.method}Required`, values)

  // Keyed like sign-in (the normalized address), so both pages share one budget per account.
  const limit = await checkLimits(db, [
    { policy: 'signin-ip', subject: evidence.ip },
    { policy: 'signin-account', subject: account.emailNormalized ?? `user:${user.id}` },
  ])
  if (!limit.ok) {
    return {
      ok: false,
      status: 429,
      failure: formFailure({}, values, 'account-data:errors.rateLimited', {
        count: Math.max(1, Math.ceil(limit.retryAfterSeconds / 60)),
      }),
      headers: new Headers({ 'Retry-After': String(limit.retryAfterSeconds) }),
    }
  }

  const confirmed =
    account.method === 'password'
      ? await verifyPasswordForUser(db, user.id, given)
      : account.method === 'email'
        ? normalizeEmail(given) === account.emailNormalized
        : samePhrase(given, confirmationPhrase(locale, purpose), locale)
  if (confirmed) return null
  logger.info({ event: 'account.reauth.failed', userId: user.id, purpose }, 're-authentication refused')
  return refused(400, field, `${account.method}Wrong`, values)
}

/** Sign-out for the device that closed the account: no session cookie, and no guest cookie left to reopen a linked guest's history. */
async function closedAccountHeaders(request: Request, db: Database): Promise<Headers> {
  const headers = new Headers()
  headers.append('Set-Cookie', await signOut(request, db))
  headers.append('Set-Cookie', clearGuestCookie())
  return headers
}

/**
 * Deletes the signed-in person's account after re-authentication: personal
 * data erased, every session ended, ledger rows kept under the pseudonymous
 * id. Nothing changes when the confirmation is refused.
 */
export async function deleteOwnAccount(
  request: Request,
  form: FormData,
  user: SessionUser,
  locale: Locale,
  evidence: Evidence,
): Promise<ActionOutcome> {
  const db = await getDb()
  const refusal = await reauthenticate(db, user, form, locale, 'delete', evidence)
  if (refusal) return refusal
  const { generationIds } = await deleteAccountData(db, user.id)
  await removeGenerationFiles(generationIds)
  logger.info({ event: 'account.deleted', userId: user.id }, 'account deleted at the owner’s request')
  return { ok: true, headers: await closedAccountHeaders(request, db) }
}

/** The photos and images of deleted generations; their rows are already gone. */
async function removeGenerationFiles(jobIds: string[]) {
  await removeFilesOfDeletedJobs(getStorage(), jobIds)
}

function fromArchive(archived: NonNullable<Awaited<ReturnType<typeof getArchivedVersion>>>): CurrentVersion {
  return {
    kind: archived.kind,
    locale: archived.locale,
    version: archived.version,
    documentVersionId: archived.id,
    sha256: archived.sha256,
    title: archived.title,
    material: archived.material,
    changeSummary: archived.changeSummary,
    effectiveFrom: archived.effectiveFrom,
  }
}

/**
 * The consent versions a withdrawal names: each one the person has given and
 * not withdrawn (usually one), or, when the ledger holds none, the version in
 * force in the page's language. Empty only when neither exists. Read before
 * the closing transaction opens (on PGlite a read outside an open
 * transaction waits for it).
 */
export async function consentToWithdraw(
  db: Database,
  userId: string,
  locale: Locale,
  lookup?: VersionLookupOptions,
): Promise<CurrentVersion[]> {
  const given = (await latestAcceptedVersions(db, { userId })).filter((a) => a.kind === 'consent')
  const documents: CurrentVersion[] = []
  for (const a of given) {
    const archived = await getArchivedVersion(db, 'consent', a.locale, a.version)
    if (archived) documents.push(fromArchive(archived))
  }
  if (documents.length) return documents
  try {
    return await currentVersionsForAcceptance(['consent'], locale, lookup)
  } catch (error) {
    if (error instanceof NoVersionInForceError) return []
    throw error
  }
}

/**
 * Withdraws the consent to processing and closes the account, in one
 * transaction: a 'withdrawn' ledger row per consent version given, whose
 * wording is the confirmation button as shown, then the same erasure as
 * deletion. Either both happen or neither does.
 */
export async function withdrawConsentAndClose(
  request: Request,
  form: FormData,
  user: SessionUser,
  locale: Locale,
  evidence: Evidence,
): Promise<ActionOutcome> {
  const db = await getDb()
  const refusal = await reauthenticate(db, user, form, locale, 'withdraw', evidence)
  if (refusal) return refusal
  const documents = await consentToWithdraw(db, user.id, locale)
  const wording = withdrawalWording(locale)
  const { generationIds } = await db.transaction(async (tx) => {
    // recordAcceptances takes each kind once per call; a person may have given consent in both languages.
    for (const document of documents) {
      await withdrawConsent(tx, {
        subject: { userId: user.id },
        documents: [document],
        wordings: { consent: wording },
        ip: evidence.ip,
        userAgent: evidence.userAgent,
        action: { type: 'account', id: user.id },
      })
    }
    return deleteAccountData(tx, user.id)
  })
  await removeGenerationFiles(generationIds)
  if (documents.length === 0) {
    // The wish to stop processing is honoured even with nothing to name in the ledger.
    logger.warn({ event: 'consent.withdrawn.unrecorded', userId: user.id }, 'no consent version to record')
  }
  logger.info(
    { event: 'consent.withdrawn', userId: user.id, versions: documents.map((d) => `${d.locale}/v${d.version}`) },
    'consent withdrawn and account closed',
  )
  return { ok: true, headers: await closedAccountHeaders(request, db) }
}
