import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction, HeadersFunction } from '@remix-run/node'
import { Link, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { ClosingPage, WhatEnds, WhatIsKept } from '~/components/account-closing'
import { keepRetryAfter, type FormFailure } from '~/platform/form'
import { closingAction, closingLoader } from '~/flows/account/index.server'

export const handle = { i18n: ['common', 'account', 'account-data'] }

export const loader = (args: LoaderFunctionArgs) => closingLoader(args, 'delete')

export const action = (args: ActionFunctionArgs) => closingAction(args, 'delete')

export const headers: HeadersFunction = keepRetryAfter

export const meta: MetaFunction<typeof loader> = ({ data }) => (data ? [{ title: data.title }] : [])

export default function DeleteAccount() {
  const page = useLoaderData<typeof loader>()
  const failure = useActionData<typeof action>() as FormFailure | undefined
  const { t } = useTranslation('account-data')
  const { locale } = page
  const texts = {
    title: t('delete.title'),
    lead: t('delete.lead'),
    submit: t('delete.submit'),
    doneTitle: t('delete.doneTitle'),
    doneText: t('delete.doneText'),
  }
  return (
    <ClosingPage page={page} failure={failure} texts={texts}>
      {page.done ? null : (
        <>
          <h2>{t('closing.whatHappensHeading')}</h2>
          <WhatEnds />
          <WhatIsKept locale={locale} userId={page.userId} />
          <p>
            {t('delete.withdrawInstead')} <Link to={`/${locale}/account/withdraw`}>{t('accountLinks.withdraw')}</Link>
          </p>
        </>
      )}
    </ClosingPage>
  )
}
