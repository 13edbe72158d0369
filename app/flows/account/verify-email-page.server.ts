import { verificationState, VERIFY_TOKEN_TTL_HOURS, getSessionUser, requireUser } from '~/identity/index.server'
import { getDb } from '~/platform/db/client.server'
import { getFixedT } from '~/platform/i18n/i18next.server'
import type { Locale } from '~/platform/i18n/locales'
import { inspectVerifyLink } from './email-verification.server'
import { storedMailPreviewed } from './password-reset.server'

/**
 * The page the confirmation letter links to (/:lang/verify-email), and the
 * account's confirmation status. Opening a link changes nothing (mail
 * scanners fetch links before people do); only the page's button confirms.
 */

export type VerifyView =
  | { state: 'confirm'; token: string; email: string }
  | { state: 'refused'; message: string; canResend: boolean; signedIn: boolean }
  | { state: 'done' }
  | { state: 'status'; email: string | null; verified: boolean; sent: boolean; devMail: boolean }

/** What the address asks the page to show: the confirmation done, a link to confirm, or the signed-in account's status. */
async function verifyView(
  request: Request,
  locale: Locale,
  search: URLSearchParams,
): Promise<{ view: VerifyView; titleKey: string; status: number }> {
  if (search.has('done')) return { view: { state: 'done' }, titleKey: 'verify.doneTitle', status: 200 }

  if (search.has('token')) {
    const link = await inspectVerifyLink(search.get('token') ?? '')
    if (link.ok) {
      return {
        view: { state: 'confirm', token: search.get('token')!, email: link.email },
        titleKey: 'verify.title',
        status: 200,
      }
    }
    const session = await getSessionUser(request)
    const canResend = Boolean(session?.user.email && !session.user.emailVerified)
    return {
      view: { state: 'refused', message: link.failure.formError ?? '', canResend, signedIn: Boolean(session) },
      titleKey: 'verify.refusedTitle',
      status: link.status,
    }
  }

  // Without a link: the signed-in account's status, with the button for a new link.
  const { user } = await requireUser(request, locale)
  const state = await verificationState(await getDb(), user.id)
  const sent = search.has('sent')
  return {
    view: {
      state: 'status',
      email: state?.email ?? null,
      verified: Boolean(state?.verifiedAt),
      sent,
      devMail: sent && storedMailPreviewed(),
    },
    titleKey: 'verify.statusTitle',
    status: 200,
  }
}

/** The page's data and its status (a refused link answers with the refusal's). */
export async function verifyEmailPage(request: Request, locale: Locale, search: URLSearchParams) {
  const t = getFixedT(locale, ['email', 'common'])
  const { view, titleKey, status } = await verifyView(request, locale, search)
  return {
    page: { locale, title: `${t(titleKey)} — ${t('common:siteName')}`, view, hours: VERIFY_TOKEN_TTL_HOURS },
    status,
  }
}
