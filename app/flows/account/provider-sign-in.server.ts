import {
  createProviderAccount,
  EmailTakenError,
  findUserIdByProvider,
  linkProvider,
  clearPendingSignup,
  readPendingSignup,
  serializePendingSignup,
  type ProviderProfile,
  markVerifiedByProvider,
  createUserSession,
  clearGuestCookie,
  readGuestId,
} from '~/identity/index.server'
import { checkSubmittedAcceptance } from '~/acceptances/index.server'
import { getDb } from '~/platform/db/client.server'
import { getSigningSecrets } from '~/platform/security/signing-secret.server'
import type { Locale } from '~/platform/i18n/locales'
import type { RequestEvidence } from '~/load-context'
import { formFailure, type ActionOutcome } from '~/platform/form'
import { logger } from '~/platform/log.server'
import { mailLinkBase } from '~/platform/mail/links.server'
import { openAccount } from './open-account.server'
import { REGISTER_KINDS } from './register.server'

/**
 * After a provider vouched for someone: an existing account signs in; a
 * first-time identity waits in a signed cookie until the person has gone
 * through the same acceptance step as a registration.
 */
export async function finishProviderSignIn(
  request: Request,
  profile: ProviderProfile,
  locale: Locale,
  redirectTo: string | null,
  evidence: RequestEvidence,
): Promise<{ location: string; headers: Headers }> {
  const db = await getDb()
  const headers = new Headers()
  const userId = await findUserIdByProvider(db, profile.provider, profile.providerUserId)
  if (userId) {
    // Accounts from before verification existed (or whose provider had not vouched yet) catch up here.
    if (profile.email && profile.emailVerified) await markVerifiedByProvider(db, userId, profile.email)
    const session = await createUserSession(db, userId, { ...evidence, request })
    headers.append('Set-Cookie', session.cookie)
    logger.info({ event: 'auth.signin', userId, provider: profile.provider }, 'signed in through a provider')
    return { location: redirectTo ?? `/${locale}/account`, headers }
  }
  headers.append('Set-Cookie', await serializePendingSignup(profile, getSigningSecrets()))
  return { location: `/${locale}/register/complete`, headers }
}

/** The pending first-time provider sign-in of this request, if any. */
export function pendingProviderProfile(request: Request): Promise<ProviderProfile | null> {
  return readPendingSignup(request, getSigningSecrets())
}

/**
 * Completes a first-time provider sign-in: the account is opened as by
 * registration (its address verified when the provider says so, and linked
 * to the provider in the same transaction), then a session.
 */
export async function completeProviderSignup(
  request: Request,
  form: FormData,
  locale: Locale,
  evidence: RequestEvidence,
): Promise<ActionOutcome> {
  const profile = await pendingProviderProfile(request)
  if (!profile) return { ok: false, status: 400, failure: formFailure({}, {}, 'providers.expired') }
  const acceptance = await checkSubmittedAcceptance(form, [...REGISTER_KINDS], locale)
  if (!acceptance.ok) return { ok: false, status: acceptance.status, failure: acceptance.failure }
  const guestId = await readGuestId(request)
  let userId: string
  try {
    userId = await openAccount({
      create: async (tx) => {
        const id = await createProviderAccount(tx, {
          email: profile.email,
          emailVerified: profile.emailVerified,
          displayName: profile.displayName,
          locale,
        })
        await linkProvider(tx, id, profile)
        return id
      },
      documents: acceptance.documents,
      locale,
      evidence,
      guestId,
      // The receipt (and a confirmation link when the provider did not vouch for the address);
      // without an address (Telegram) there is nowhere to send it.
      mailable: Boolean(profile.email),
      baseUrl: mailLinkBase(request),
    })
  } catch (error) {
    if (error instanceof EmailTakenError) {
      return { ok: false, status: 409, failure: formFailure({}, {}, 'providers.emailTaken') }
    }
    throw error
  }
  logger.info(
    { event: 'account.registered', userId, provider: profile.provider },
    'account registered through a provider',
  )
  const db = await getDb()
  const session = await createUserSession(db, userId, evidence)
  const headers = new Headers()
  headers.append('Set-Cookie', session.cookie)
  headers.append('Set-Cookie', clearPendingSignup())
  if (guestId) headers.append('Set-Cookie', clearGuestCookie())
  return { ok: true, headers }
}
