import type { ActionFunctionArgs } from '@remix-run/node'
import { getDb } from '~/platform/db/client.server'
import { getEnv } from '~/platform/env.server'
import { getContentSource } from '~/content/index.server'
import { clearArchivedMemo, verifySanityWebhookBody } from '~/legal/index.server'
import { logger } from '~/platform/log.server'
import { refuseWebhook } from '~/platform/security/refused-webhooks.server'

const json = (body: unknown, status: number, headers: Record<string, string> = {}) =>
  Response.json(body, { status, headers: { 'Cache-Control': 'no-store', ...headers } })

export function loader() {
  return json({ error: 'method not allowed' }, 405)
}

/**
 * Sanity calls this on publish. The signature is checked against the raw body
 * and must be recent; then the content cache is dropped so the next request
 * reads the published version (and archives it when it is first served).
 * A refused call is limited and summarized (app/platform/security/refused-webhooks.server.ts).
 */
export async function action({ request, context }: ActionFunctionArgs) {
  if (request.method !== 'POST') return json({ error: 'method not allowed' }, 405)
  const secret = getEnv().SANITY_WEBHOOK_SECRET
  if (!secret) return json({ error: 'webhook not configured' }, 404)
  const { result, body } = await verifySanityWebhookBody(request, secret)
  if (!result.ok) {
    logger.warn({ event: 'sanity.webhook.rejected', reason: result.reason }, 'rejected a Sanity webhook')
    if (result.reason === 'too-large' || !body) return json({ error: 'payload too large' }, 413)
    const limit = await refuseWebhook(await getDb(), {
      webhook: 'sanity',
      reason: result.reason,
      body,
      ip: context.clientIp ?? null,
    })
    if (!limit.ok) {
      return json({ error: 'too many requests' }, 429, { 'Retry-After': String(limit.retryAfterSeconds) })
    }
    return json({ error: 'invalid signature', reason: result.reason }, 401)
  }
  getContentSource().invalidate()
  clearArchivedMemo()
  const payload = result.payload as { _id?: unknown; _type?: unknown } | null
  logger.info(
    { event: 'sanity.webhook.accepted', documentId: payload?._id, documentType: payload?._type },
    'content changed in Sanity; cache invalidated',
  )
  return json({ ok: true }, 200)
}
