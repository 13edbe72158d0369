import type { ActionFunctionArgs } from '@remix-run/node'
import { getDb } from '~/platform/db/client.server'
import { getEnv } from '~/platform/env.server'
import { getContentSource, getUncachedContentSource } from '~/content/index.server'
import { parseDelivery, receivePublication, verifySanityWebhookBody } from '~/legal/index.server'
import { logger } from '~/platform/log.server'
import { refuseWebhook } from '~/platform/security/refused-webhooks.server'

const json = (body: unknown, status: number, headers: Record<string, string> = {}) =>
  Response.json(body, { status, headers: { 'Cache-Control': 'no-store', ...headers } })

export function loader() {
  return json({ error: 'method not allowed' }, 405)
}

/**
 * Sanity calls this on publish. The signature is checked against the raw body
 * and must be recent; then every instance's content cache is dropped and a
 * published legal version is archived at once (app/legal/publications.server.ts).
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
  const delivery = parseDelivery(result.payload, request.headers.get('idempotency-key'))
  if (!delivery) {
    // Signed by Sanity, so the webhook's projection is wrong, not the sender.
    getContentSource().invalidate()
    logger.error(
      { event: 'sanity.webhook.unusable' },
      'a signed Sanity webhook without a document id: check its projection',
    )
    return json({ error: 'the payload names no document (_id)' }, 400)
  }
  try {
    const outcome = await receivePublication(
      { db: await getDb(), source: getUncachedContentSource(), invalidateCache: () => getContentSource().invalidate() },
      delivery,
    )
    return json({ ok: true, ...outcome }, 200)
  } catch (error) {
    logger.error(
      { event: 'sanity.webhook.failed', err: error, documentId: delivery._id },
      'could not archive a publish',
    )
    // Sanity delivers again later; archiving the same version twice is harmless.
    return json({ error: 'not archived yet; deliver again' }, 503, { 'Retry-After': '30' })
  }
}
