import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { requireUser } from '~/identity/index.server'
import { AcceptanceHistory, toHistoryRow } from '~/components/acceptance-history'
import { acceptanceHistory } from '~/acceptances/index.server'
import { getDb } from '~/platform/db/client.server'
import { getFixedT } from '~/platform/i18n/i18next.server'
import { routeLocale } from '~/platform/i18n/route-locale'

export const handle = { i18n: ['common', 'account'] }

export async function loader({ request, params }: LoaderFunctionArgs) {
  const locale = routeLocale(params)
  const { user } = await requireUser(request, locale)
  const t = getFixedT(locale, ['account', 'common'])
  return {
    locale,
    title: `${t('consents.title')} — ${t('common:siteName')}`,
    rows: (await acceptanceHistory(await getDb(), { userId: user.id })).map(toHistoryRow),
  }
}

export const meta: MetaFunction<typeof loader> = ({ data }) => (data ? [{ title: data.title }] : [])

export default function Consents() {
  const { locale, rows } = useLoaderData<typeof loader>()
  const { t } = useTranslation('account')
  return (
    <main id="main">
      <h1>{t('consents.title')}</h1>
      <p>{t('consents.lead')}</p>
      <AcceptanceHistory locale={locale} rows={rows} />
    </main>
  )
}
