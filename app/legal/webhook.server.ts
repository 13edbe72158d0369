import { timingSafeEqual } from 'node:crypto'
import { decodeSignatureHeader, encodeSignatureHeader, isSignatureError, SIGNATURE_HEADER_NAME } from '@sanity/webhook'
import { readBodyWithin } from '~/platform/read-body.server'

export { SIGNATURE_HEADER_NAME }

/** How far a signature's timestamp may be from our clock, either way (replay window and clock skew). */
export const WEBHOOK_TOLERANCE_MS = 5 * 60 * 1000

export type WebhookRejection = 'missing' | 'malformed' | 'bad-signature' | 'expired' | 'too-large'

/** The largest webhook body read (the same as server/body-limit.ts); the projection we configure is `{_id, _type}`. */
export const MAX_WEBHOOK_BYTES = 64 * 1024

export type WebhookVerification = { ok: true; payload: unknown } | { ok: false; reason: WebhookRejection }

export interface WebhookVerificationInput {
  /** The body exactly as received; re-serialized JSON would not match the signature. */
  rawBody: string
  /** The `sanity-webhook-signature` header: `t=<unix ms>,v1=<base64url HMAC-SHA256>`. */
  signature: string | null | undefined
  secret: string
  /** Milliseconds since the epoch; injectable for tests. */
  now?: number
  toleranceMs?: number
}

/**
 * Verifies a Sanity webhook: HMAC of `<t>.<raw body>` with the shared secret
 * (computed by @sanity/webhook), compared in constant time, then the
 * timestamp, because the library alone accepts a captured request forever.
 * The signature is checked first so that 'expired' is only ever said of a
 * request that Sanity really sent.
 */
export async function verifySanityWebhook(input: WebhookVerificationInput): Promise<WebhookVerification> {
  if (!input.secret) throw new TypeError('verifySanityWebhook needs the webhook secret')
  const header = input.signature?.trim()
  if (!header) return { ok: false, reason: 'missing' }

  let expected: string
  let received: string
  let timestamp: number
  try {
    const decoded = decodeSignatureHeader(header)
    received = decoded.hashedPayload
    timestamp = decoded.timestamp
    // Throws a signature error for an empty body or a timestamp that is not in milliseconds.
    expected = decodeSignatureHeader(await encodeSignatureHeader(input.rawBody, timestamp, input.secret)).hashedPayload
  } catch (error) {
    if (isSignatureError(error)) return { ok: false, reason: 'malformed' }
    throw error
  }

  if (!sameSignature(received, expected)) return { ok: false, reason: 'bad-signature' }

  const now = input.now ?? Date.now()
  if (Math.abs(now - timestamp) > (input.toleranceMs ?? WEBHOOK_TOLERANCE_MS)) return { ok: false, reason: 'expired' }

  try {
    return { ok: true, payload: JSON.parse(input.rawBody) as unknown }
  } catch {
    return { ok: false, reason: 'malformed' }
  }
}

/**
 * The same check on a Fetch API request (a Remix action's `request`); reads
 * its body, at most MAX_WEBHOOK_BYTES: a longer one is refused as
 * 'too-large' before any signature is computed over it.
 */
export async function verifySanityWebhookRequest(
  request: Request,
  secret: string,
  options: Pick<WebhookVerificationInput, 'now' | 'toleranceMs'> = {},
): Promise<WebhookVerification> {
  return (await verifySanityWebhookBody(request, secret, options)).result
}

/** verifySanityWebhookRequest, also handing back the body it read (null when over the limit). */
export async function verifySanityWebhookBody(
  request: Request,
  secret: string,
  options: Pick<WebhookVerificationInput, 'now' | 'toleranceMs'> = {},
): Promise<{ result: WebhookVerification; body: Buffer | null }> {
  const body = await readBodyWithin(request, MAX_WEBHOOK_BYTES)
  if (!body.ok) return { result: { ok: false, reason: 'too-large' }, body: null }
  const signature = request.headers.get(SIGNATURE_HEADER_NAME)
  if (!signature) return { result: { ok: false, reason: 'missing' }, body: body.bytes }
  const result = await verifySanityWebhook({ rawBody: body.bytes.toString('utf8'), signature, secret, ...options })
  return { result, body: body.bytes }
}

function sameSignature(a: string, b: string): boolean {
  const left = Buffer.from(a)
  const right = Buffer.from(b)
  return left.length === right.length && timingSafeEqual(left, right)
}
