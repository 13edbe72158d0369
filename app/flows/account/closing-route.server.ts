import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from '@remix-run/node'
import { getSessionUser, requireUser } from '~/identity/index.server'
import { getDb, type Database } from '~/platform/db/client.server'
import { getFixedT } from '~/platform/i18n/i18next.server'
import type { Locale } from '~/platform/i18n/locales'
import { routeLocale } from '~/platform/i18n/route-locale'
import { readForm } from '~/platform/read-form.server'
import { requestEvidence } from '~/load-context'
import {
  confirmationFor,
  confirmationPhrase,
  deleteOwnAccount,
  withdrawConsentAndClose,
  type ClosingPurpose,
} from './delete.server'

/**
 * The loader and action steps the two closing pages share:
 * /:lang/account/delete and /:lang/account/withdraw differ only in the
 * purpose (which is also the last segment of their URL), the texts, the
 * closing step and, for a withdrawal, the consent versions it names.
 */

const TITLES = {
  delete: { title: 'delete.title', doneTitle: 'delete.doneTitle' },
  withdraw: { title: 'withdraw.title', doneTitle: 'withdraw.doneTitle' },
} as const satisfies Record<ClosingPurpose, { title: string; doneTitle: string }>

const CLOSE = { delete: deleteOwnAccount, withdraw: withdrawConsentAndClose } satisfies Record<ClosingPurpose, unknown>

const noExtra = async () => ({})

/**
 * The page's data: after closing (`?done`, signed out) only the title; else
 * the confirmation the account is asked for, plus what `extra` adds.
 */
export async function closingLoader<Extra extends object = object>(
  { request, params }: LoaderFunctionArgs,
  purpose: ClosingPurpose,
  extra: (db: Database, userId: string, locale: Locale) => Promise<Extra> = noExtra as () => Promise<Extra>,
) {
  const locale = routeLocale(params)
  const t = getFixedT(locale, ['account-data', 'common'])
  // The confirmation is shown to someone who is, by then, signed out.
  if (new URL(request.url).searchParams.has('done') && !(await getSessionUser(request))) {
    return { locale, title: `${t(TITLES[purpose].doneTitle)} — ${t('common:siteName')}`, done: true as const }
  }
  const { user } = await requireUser(request, locale)
  const db = await getDb()
  const confirmation = await confirmationFor(db, user.id)
  if (!confirmation) throw redirect(`/${locale}/login`)
  return {
    locale,
    title: `${t(TITLES[purpose].title)} — ${t('common:siteName')}`,
    done: false as const,
    userId: user.id,
    confirmation,
    phrase: confirmationPhrase(locale, purpose),
    ...(await extra(db, user.id, locale)),
  }
}

/** Closes the account, then shows the page's `?done` state; a refusal re-renders the form with its status. */
export async function closingAction({ request, params, context }: ActionFunctionArgs, purpose: ClosingPurpose) {
  const locale = routeLocale(params)
  const { user } = await requireUser(request, locale)
  const result = await CLOSE[purpose](request, await readForm(request), user, locale, requestEvidence(request, context))
  if (result.ok) return redirect(`/${locale}/account/${purpose}?done=1`, { headers: result.headers })
  return data(result.failure, { status: result.status, headers: result.headers })
}
