import { data, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { NavLink, Outlet, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { getFixedT } from '~/platform/i18n/i18next.server'
import { routeLocale } from '~/platform/i18n/route-locale'
import { requireLegalUser } from '~/flows/legal-admin/index.server'
import { LEGAL_ADMIN_HEADERS, legalAdminHeaders, legalAdminMeta } from '~/flows/legal-admin'

/**
 * The legal team's view (/:lang/legal-admin/*): a 404 for everyone without
 * the `legal` role, signed out included. This layout only draws the section
 * navigation; each page below it renders its own <main id="main"> with an
 * <h1>, calls requireLegalUser in its own loader and action (this check does
 * not guard a child's action), and may use legalAdminMeta, legalAdminHeaders
 * and LEGAL_ADMIN_HEADERS from ~/legal-admin/page.
 */

export const handle = { i18n: ['common', 'legal-admin'] }

export async function loader({ request, params }: LoaderFunctionArgs) {
  const locale = routeLocale(params)
  await requireLegalUser(request)
  const t = getFixedT(locale, ['legal-admin', 'common'])
  return data(
    { locale, title: `${t('nav.heading')} — ${t('common:siteName')}` },
    { headers: { ...LEGAL_ADMIN_HEADERS } },
  )
}

export const headers = legalAdminHeaders

export const meta: MetaFunction<typeof loader> = ({ data }) => legalAdminMeta(data?.title)

export default function LegalAdminLayout() {
  const { locale } = useLoaderData<typeof loader>()
  const { t } = useTranslation('legal-admin')
  const base = `/${locale}/legal-admin`
  const links = [
    { to: base, label: t('nav.overview'), end: true },
    { to: `${base}/versions`, label: t('nav.versions'), end: false },
    { to: `${base}/publishing`, label: t('nav.publishing'), end: false },
    { to: `${base}/requests`, label: t('nav.requests'), end: false },
    { to: `${base}/calendar`, label: t('nav.calendar'), end: false },
    { to: `${base}/archive-check`, label: t('nav.archiveCheck'), end: false },
  ]
  return (
    <div className="legal-admin">
      <nav className="legal-admin__nav" aria-labelledby="legal-admin-nav-heading">
        <h2 id="legal-admin-nav-heading" className="legal-admin__nav-heading">
          {t('nav.heading')}
        </h2>
        <ul>
          {links.map((link) => (
            <li key={link.to}>
              <NavLink to={link.to} end={link.end} prefetch="intent">
                {link.label}
              </NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <Outlet />
    </div>
  )
}
