import type { LoaderFunctionArgs } from '@remix-run/node'
import { getDb } from '~/platform/db/client.server'
import { isLocale } from '~/platform/i18n/locales'
import { clientErrorResponse, refusalLocale } from '~/platform/i18n/client-errors.server'
import {
  requireLegalUser,
  findExportVersion,
  ledgerCsvFileName,
  ledgerCsvStream,
} from '~/flows/legal-admin/index.server'
import { isUuid } from '~/platform/uuid'

// /:lang/legal-admin/versions/:id.csv — the ledger rows of one archived
// version as a download. A resource route: only this loader runs, so it does
// the role check itself.

export async function loader({ request, params }: LoaderFunctionArgs) {
  // Plain text in the page's language: the same answer whether the version
  // is missing or the viewer may not see the legal view.
  const notFound = () =>
    clientErrorResponse(isLocale(params.lang) ? params.lang : refusalLocale(request), 404, {
      headers: { 'Cache-Control': 'no-store' },
    })
  if (!isLocale(params.lang)) return notFound()
  try {
    await requireLegalUser(request)
  } catch (error) {
    // requireLegalUser throws a page's 404; a resource route answers with a plain Response.
    if (isNotFound(error)) return notFound()
    throw error
  }
  const id = params.id ?? ''
  if (!isUuid(id)) return notFound()
  const db = await getDb()
  const version = await findExportVersion(db, id.toLowerCase())
  if (!version) return notFound()
  return new Response(ledgerCsvStream(db, version), {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="${ledgerCsvFileName(version)}"`,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      'X-Robots-Tag': 'noindex, nofollow',
    },
  })
}

function isNotFound(error: unknown): boolean {
  if (error instanceof Response) return error.status === 404
  const init = (error as { init?: ResponseInit | null } | null)?.init
  return init?.status === 404
}
