import { redirect, type LoaderFunctionArgs } from '@remix-run/node'
import { AccountGoneError, buildPersonalDataExport, exportResponse } from '~/flows/account/index.server'
import { requireUser } from '~/identity/index.server'
import { getDb } from '~/platform/db/client.server'
import { DEFAULT_LOCALE, isLocale } from '~/platform/i18n/locales'
import { clientErrorResponse } from '~/platform/i18n/client-errors.server'

// The data export file (/:lang/account/export.json). A resource route: a page
// route's loader can only feed its HTML, never answer with a download.
export async function loader({ request, params }: LoaderFunctionArgs) {
  if (!isLocale(params.lang)) return clientErrorResponse(DEFAULT_LOCALE, 404)
  const locale = params.lang
  const { user, session, refreshedCookie } = await requireUser(request, locale)
  try {
    const document = await buildPersonalDataExport(await getDb(), { userId: user.id, currentSessionId: session.id })
    return exportResponse(document, refreshedCookie ? { 'Set-Cookie': refreshedCookie } : undefined)
  } catch (error) {
    // Closed in another tab between the session check and the export.
    if (error instanceof AccountGoneError) throw redirect(`/${locale}/login`)
    throw error
  }
}
