import { redirect, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { EXPORT_SECTION_KEYS } from '~/flows/account/index.server'
import { requireUser } from '~/identity/index.server'
import { getFixedT } from '~/platform/i18n/i18next.server'
import { routeLocale } from '~/platform/i18n/route-locale'

export const handle = { i18n: ['common', 'account', 'account-data'] }

/** Where the file itself is served: a resource route, because a page route can only answer with HTML. */
function exportFileUrl(locale: string) {
  return `/${locale}/account/export.json`
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const locale = routeLocale(params)
  await requireUser(request, locale)
  // `?download=1` is the address the page's first design named; it leads to the file.
  if (new URL(request.url).searchParams.has('download')) throw redirect(exportFileUrl(locale))
  const t = getFixedT(locale, ['account-data', 'common'])
  // The list on the page is the file's own list of sections, in the file's order.
  return { locale, sections: EXPORT_SECTION_KEYS, title: `${t('export.title')} — ${t('common:siteName')}` }
}

export const meta: MetaFunction<typeof loader> = ({ data }) => (data ? [{ title: data.title }] : [])

export default function ExportData() {
  const { locale, sections } = useLoaderData<typeof loader>()
  const { t } = useTranslation('account-data')
  return (
    <main id="main">
      <h1>{t('export.title')}</h1>
      <p>{t('export.lead')}</p>
      <h2>{t('export.containsHeading')}</h2>
      <ul>
        {sections.map((key) => (
          <li key={key} data-section={key}>
            {t(`export.${key}`)}
          </li>
        ))}
      </ul>
      <h2>{t('export.formatHeading')}</h2>
      <p>{t('export.format')}</p>
      <p className="notice notice--warning">{t('export.careful')}</p>
      {/* A plain GET form: the browser downloads the file, with or without JavaScript. */}
      <Form method="get" action={exportFileUrl(locale)} reloadDocument>
        <button type="submit">{t('export.download')}</button>
      </Form>
    </main>
  )
}
