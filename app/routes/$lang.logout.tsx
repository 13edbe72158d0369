import { data, redirect, type ActionFunctionArgs } from '@remix-run/node'
import { signOut } from '~/auth/session.server'
import { isLocale } from '~/i18n/locales'

// Signing out changes state, so it is a POST (a link could be triggered by another site).
export function loader() {
  throw data('Method not allowed', { status: 405 })
}

export async function action({ request, params }: ActionFunctionArgs) {
  const locale = isLocale(params.lang) ? params.lang : 'ru'
  return redirect(`/${locale}`, { headers: { 'Set-Cookie': await signOut(request) } })
}
