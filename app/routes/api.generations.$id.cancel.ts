import type { ActionFunctionArgs } from '@remix-run/node'
import { getDb } from '~/platform/db/client.server'
import { currentGenerator, jobStatus, cancelQueuedJob } from '~/generation/index.server'

// Cancels a generation that has not started, with a refund; answers with its
// new state (JobStatusResponse). 409 when it has already started or ended.
export async function action({ request, params }: ActionFunctionArgs) {
  if (request.method !== 'POST') return Response.json({ error: 'method-not-allowed' }, { status: 405 })
  const db = await getDb()
  const generator = await currentGenerator(request, db)
  const id = params.id ?? ''
  const before = generator ? await jobStatus(db, id, generator.owner) : null
  if (!generator || !before) return Response.json({ error: 'not-found' }, { status: 404 })
  const canceled = await cancelQueuedJob(db, id, generator.owner)
  const after = await jobStatus(db, id, generator.owner)
  return Response.json(canceled ? after : { error: 'not-queued', ...after }, {
    status: canceled ? 200 : 409,
    headers: { 'Cache-Control': 'no-store' },
  })
}
