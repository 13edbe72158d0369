import { redirect, type LoaderFunctionArgs } from '@remix-run/node'
import { detectLocale } from '~/platform/i18n/i18next.server'

// `/` picks a language: the remembered cookie, then Accept-Language, then ru.
export async function loader({ request }: LoaderFunctionArgs) {
  const locale = await detectLocale(request)
  return redirect(`/${locale}`, { status: 302, headers: { Vary: 'Cookie, Accept-Language' } })
}
