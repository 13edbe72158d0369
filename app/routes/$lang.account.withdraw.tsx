import {
  data,
  redirect,
  type ActionFunctionArgs,
  type LoaderFunctionArgs,
  type MetaFunction,
  type HeadersFunction,
} from '@remix-run/node'
import { Link, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { AccountClosed, ClosingConfirmation, WhatEnds, WhatIsKept } from '~/components/account-closing'
import { keepRetryAfter } from '~/lib/form'
import {
  confirmationFor,
  confirmationPhrase,
  consentToWithdraw,
  withdrawConsentAndClose,
} from '~/account/delete.server'
import { getSessionUser, requireUser } from '~/auth/session.server'
import { getDb } from '~/db/client.server'
import { getFixedT } from '~/i18n/i18next.server'
import { routeLocale } from '~/i18n/route-locale'
import type { FormFailure } from '~/lib/form'
import { requestEvidence } from '~/load-context'
import { readForm } from '~/lib/read-form.server'

export const handle = { i18n: ['common', 'account', 'account-data'] }

export async function loader({ request, params }: LoaderFunctionArgs) {
  const locale = routeLocale(params)
  const t = getFixedT(locale, ['account-data', 'common'])
  // The confirmation is shown to someone who is, by then, signed out.
  if (new URL(request.url).searchParams.has('done') && !(await getSessionUser(request))) {
    return { locale, title: `${t('withdraw.doneTitle')} — ${t('common:siteName')}`, done: true as const }
  }
  const { user } = await requireUser(request, locale)
  const db = await getDb()
  const confirmation = await confirmationFor(db, user.id)
  if (!confirmation) throw redirect(`/${locale}/login`)
  return {
    locale,
    title: `${t('withdraw.title')} — ${t('common:siteName')}`,
    done: false as const,
    userId: user.id,
    confirmation,
    phrase: confirmationPhrase(locale, 'withdraw'),
    withdrawing: (await consentToWithdraw(db, user.id, locale)).map((d) => ({
      title: d.title,
      version: d.version,
      locale: d.locale,
    })),
  }
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const locale = routeLocale(params)
  const { user } = await requireUser(request, locale)
  const result = await withdrawConsentAndClose(
    request,
    await readForm(request),
    user,
    locale,
    requestEvidence(request, context),
  )
  if (result.ok) return redirect(`/${locale}/account/withdraw?done=1`, { headers: result.headers })
  return data(result.failure, { status: result.status, headers: result.headers })
}

export const headers: HeadersFunction = keepRetryAfter

export const meta: MetaFunction<typeof loader> = ({ data }) => (data ? [{ title: data.title }] : [])

export default function WithdrawConsent() {
  const page = useLoaderData<typeof loader>()
  const failure = useActionData<typeof action>() as FormFailure | undefined
  const { t } = useTranslation('account-data')
  const { locale } = page
  if (page.done) return <AccountClosed locale={locale} title={t('withdraw.doneTitle')} text={t('withdraw.doneText')} />
  return (
    <main id="main">
      <h1>{t('withdraw.title')}</h1>
      <p>{t('withdraw.lead')}</p>
      <h2>{t('withdraw.consequenceHeading')}</h2>
      <p>{t('withdraw.consequence')}</p>
      <WhatEnds />
      {page.withdrawing.map((d) => (
        <p key={`${d.locale}-${d.version}`}>
          {t('withdraw.withdrawing', { title: d.title, version: d.version })}{' '}
          <Link to={`/${d.locale}/consent/v/${d.version}`}>{t('account:acceptance.open')}</Link>
        </p>
      ))}
      <p>{t('withdraw.recorded')}</p>
      <WhatIsKept locale={locale} userId={page.userId} />
      {/* The ledger records the button text as the wording of the withdrawal (withdrawalWording). */}
      <ClosingConfirmation
        confirmation={page.confirmation}
        phrase={page.phrase}
        failure={failure}
        submitLabel={t('withdraw.submit')}
      />
      <p>
        <Link to={`/${locale}/account`}>{t('closing.backToAccount')}</Link>
      </p>
    </main>
  )
}
