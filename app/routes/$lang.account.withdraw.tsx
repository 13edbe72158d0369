import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction, HeadersFunction } from '@remix-run/node'
import { Link, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { ClosingPage, WhatEnds, WhatIsKept } from '~/components/account-closing'
import { keepRetryAfter, type FormFailure } from '~/platform/form'
import { consentToWithdraw, closingAction, closingLoader, titleInLanguage } from '~/flows/account/index.server'

export const handle = { i18n: ['common', 'account', 'account-data'] }

export const loader = (args: LoaderFunctionArgs) =>
  closingLoader(args, 'withdraw', async (db, userId, locale) => ({
    withdrawing: await Promise.all(
      (await consentToWithdraw(db, userId, locale)).map(async (d) => ({
        // In the page's language when that version exists in it.
        title: await titleInLanguage(db, d, locale),
        version: d.version,
        locale: d.locale,
      })),
    ),
  }))

export const action = (args: ActionFunctionArgs) => closingAction(args, 'withdraw')

export const headers: HeadersFunction = keepRetryAfter

export const meta: MetaFunction<typeof loader> = ({ data }) => (data ? [{ title: data.title }] : [])

export default function WithdrawConsent() {
  const page = useLoaderData<typeof loader>()
  const failure = useActionData<typeof action>() as FormFailure | undefined
  const { t } = useTranslation('account-data')
  const { locale } = page
  const texts = {
    title: t('withdraw.title'),
    lead: t('withdraw.lead'),
    // The ledger records the button text as the wording of the withdrawal (withdrawalWording).
    submit: t('withdraw.submit'),
    doneTitle: t('withdraw.doneTitle'),
    doneText: t('withdraw.doneText'),
  }
  return (
    <ClosingPage page={page} failure={failure} texts={texts}>
      {page.done ? null : (
        <>
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
        </>
      )}
    </ClosingPage>
  )
}
