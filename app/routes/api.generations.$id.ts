import type { LoaderFunctionArgs } from '@remix-run/node'
import { getDb } from '~/platform/db/client.server'
import { currentGenerator, jobStatus } from '~/generation/index.server'

// A generation's state as JSON, polled by the page while it runs
// (JobStatusResponse in app/generation/view.ts). Owner only; 404 otherwise.
export async function loader({ request, params }: LoaderFunctionArgs) {
  const db = await getDb()
  const generator = await currentGenerator(request, db)
  const status = generator ? await jobStatus(db, params.id ?? '', generator.owner) : null
  if (!status) return Response.json({ error: 'not-found' }, { status: 404, headers: { 'Cache-Control': 'no-store' } })
  return Response.json(status, { headers: { 'Cache-Control': 'no-store' } })
}
