import { data, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import {
  isRouteErrorResponse,
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  useLocation,
  useRouteLoaderData,
} from '@remix-run/react'
import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useChangeLanguage } from 'remix-i18next/react'
import { RouteErrorPage } from './components/error-page'
import { detectLocale, getFixedT } from '~/platform/i18n/i18next.server'
import { LOCALES, type Locale } from '~/platform/i18n/locales'
import { useRouteNamespaces } from '~/platform/i18n/route-namespaces'
import { getEnv } from '~/platform/env.server'
import { useNonce } from '~/platform/security/nonce'
import stylesheet from './styles/app.css?url'
import generationStylesheet from './styles/generation.css?url'
import legalAdminStylesheet from './styles/legal-admin.css?url'
import paymentsStylesheet from './styles/payments.css?url'
import printStylesheet from './styles/print.css?url'
// The two subsets of the site's font that every page uses (app.css declares them); preloaded so text does not reflow.
import fontCyrillic from '@fontsource-variable/onest/files/onest-cyrillic-wght-normal.woff2?url'
import fontLatin from '@fontsource-variable/onest/files/onest-latin-wght-normal.woff2?url'

export const handle = { i18n: ['common'] }

export const links: LinksFunction = () => [
  { rel: 'preload', href: fontLatin, as: 'font', type: 'font/woff2', crossOrigin: 'anonymous' },
  { rel: 'preload', href: fontCyrillic, as: 'font', type: 'font/woff2', crossOrigin: 'anonymous' },
  { rel: 'stylesheet', href: stylesheet },
  { rel: 'stylesheet', href: generationStylesheet },
  { rel: 'stylesheet', href: paymentsStylesheet },
  { rel: 'stylesheet', href: legalAdminStylesheet },
  { rel: 'stylesheet', href: printStylesheet, media: 'print' },
  { rel: 'icon', href: '/favicon.svg', type: 'image/svg+xml' },
]

export async function loader({ request }: LoaderFunctionArgs) {
  const locale = await detectLocale(request)
  const origin = getEnv().PUBLIC_URL?.replace(/\/$/, '') ?? new URL(request.url).origin
  const t = getFixedT(locale, 'common')
  return data({
    locale,
    origin,
    siteName: t('siteName'),
    errorTitles: {
      notFound: t('errors.notFoundTitle'),
      badRequest: t('errors.badRequestTitle'),
      serverError: t('errors.serverErrorTitle'),
      unavailable: t('errors.unavailableTitle'),
    },
  })
}

export type RootLoaderData = Awaited<ReturnType<typeof loader>>['data']

export const meta: MetaFunction<typeof loader> = ({ data: rootData, error }) => {
  if (!error) return []
  const status = isRouteErrorResponse(error) ? error.status : 500
  const titles = rootData?.errorTitles
  const title = !titles
    ? 'Palitra'
    : status === 404
      ? titles.notFound
      : status < 500
        ? titles.badRequest
        : status === 503
          ? titles.unavailable
          : titles.serverError
  return [{ title: rootData ? `${title} — ${rootData.siteName}` : title }]
}

/** Swaps the language prefix of a path, keeping the rest of it. */
export function pathInLocale(pathname: string, locale: Locale): string {
  const rest = pathname.replace(/^\/[^/]*/, '')
  return `/${locale}${rest}`
}

export function Layout({ children }: { children: React.ReactNode }) {
  const rootData = useRouteLoaderData<RootLoaderData>('root')
  const locale = rootData?.locale ?? 'ru'
  const location = useLocation()
  const { i18n } = useTranslation()
  const nonce = useNonce()
  useChangeLanguage(locale)
  const hasLocalePrefix = LOCALES.some((l) => location.pathname === `/${l}` || location.pathname.startsWith(`/${l}/`))
  return (
    <html lang={locale} dir={i18n.dir(locale)}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light" />
        {rootData && hasLocalePrefix
          ? [
              ...LOCALES.map((l) => (
                <link
                  key={l}
                  rel="alternate"
                  hrefLang={l}
                  href={`${rootData.origin}${pathInLocale(location.pathname, l)}${location.search}`}
                />
              )),
              <link key="x-default" rel="alternate" hrefLang="x-default" href={`${rootData.origin}/`} />,
            ]
          : null}
        <Meta />
        <Links />
      </head>
      <body>
        {children}
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  )
}

export default function App() {
  // A page renders only once the strings its routes declare are loaded (client navigation).
  useRouteNamespaces()
  // One client per browser tab, created once: generation status and history queries share its cache.
  const [queryClient] = useState(
    () => new QueryClient({ defaultOptions: { queries: { refetchOnWindowFocus: false } } }),
  )
  return (
    <QueryClientProvider client={queryClient}>
      <Outlet />
    </QueryClientProvider>
  )
}

export function ErrorBoundary() {
  return <RouteErrorPage />
}
