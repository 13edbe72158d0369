import { encodeSignatureHeader } from '@sanity/webhook'
import { describe, expect, it } from 'vitest'
import { MAX_WEBHOOK_BYTES, SIGNATURE_HEADER_NAME, verifySanityWebhookRequest } from '~/legal/webhook.server'
import { MAX_NOTIFICATION_BYTES, readNotificationBody } from '~/payments/webhook.server'
import { readBodyWithin } from './read-body.server'
import { readForm } from './read-form.server'

/**
 * A chunked request body (no Content-Length) that offers `total` bytes in
 * 16 KB pieces and counts how many the reader actually pulled.
 */
function streamingRequest(url: string, total: number, headers: Record<string, string> = {}) {
  const piece = new Uint8Array(16 * 1024).fill(0x61)
  const counter = { pulled: 0 }
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (counter.pulled >= total) return controller.close()
      counter.pulled += piece.byteLength
      controller.enqueue(piece)
    },
    // Queue nothing ahead: every piece is pulled only when the reader asks.
    highWaterMark: 0,
  } as UnderlyingDefaultSource<Uint8Array> & { highWaterMark: number })
  const request = new Request(url, { method: 'POST', headers, body, duplex: 'half' } as RequestInit)
  return { request, counter }
}

const FIFTY_MB = 50 * 1024 * 1024

describe('bodies are read only up to their limit', () => {
  it('readBodyWithin stops pulling a 50 MB chunked body just past the limit', async () => {
    const { request, counter } = streamingRequest('http://x/en/guest', FIFTY_MB)
    expect(await readBodyWithin(request, 64 * 1024)).toEqual({ ok: false, reason: 'too-large' })
    expect(counter.pulled).toBeLessThanOrEqual(64 * 1024 + 2 * 16 * 1024)
  })

  it('readBodyWithin refuses a declared length over the limit without reading', async () => {
    const { request, counter } = streamingRequest('http://x/en/guest', FIFTY_MB, { 'Content-Length': String(FIFTY_MB) })
    expect(await readBodyWithin(request, 64 * 1024)).toEqual({ ok: false, reason: 'too-large' })
    expect(counter.pulled).toBeLessThanOrEqual(16 * 1024)
  })

  it('readForm refuses a 50 MB chunked form with the localized 413 without buffering it', async () => {
    const { request, counter } = streamingRequest('http://x/en/guest', FIFTY_MB, {
      'Content-Type': 'application/x-www-form-urlencoded',
    })
    const thrown = (await readForm(request).catch((error: unknown) => error)) as {
      data: string
      init: { status: number }
    }
    expect(thrown.init.status).toBe(413)
    expect(thrown.data).toBe('The form holds too much data. Please shorten it and try again.')
    expect(counter.pulled).toBeLessThan(1024 * 1024)
  })

  it('a T-Bank notification body past its limit is not parsed and not read on', async () => {
    const { request, counter } = streamingRequest('http://x/webhooks/tbank', FIFTY_MB, {
      'Content-Type': 'application/json',
    })
    expect(await readNotificationBody(request)).toBeNull()
    expect(counter.pulled).toBeLessThanOrEqual(MAX_NOTIFICATION_BYTES + 2 * 16 * 1024)
  })

  it('a Sanity webhook past its limit is refused as too-large before a signature is computed over it', async () => {
    const secret = 'a-test-secret'
    // A genuine signature over the whole oversize body: it must still be refused, unread.
    const big = `{"_id":"x","pad":"${'a'.repeat(MAX_WEBHOOK_BYTES)}"}`
    const signature = await encodeSignatureHeader(big, Date.now(), secret)
    const signed = new Request('http://x/webhooks/sanity', {
      method: 'POST',
      headers: { [SIGNATURE_HEADER_NAME]: signature, 'Content-Type': 'application/json' },
      body: big,
    })
    expect(await verifySanityWebhookRequest(signed, secret)).toEqual({ ok: false, reason: 'too-large' })

    const { request, counter } = streamingRequest('http://x/webhooks/sanity', FIFTY_MB, {
      [SIGNATURE_HEADER_NAME]: signature,
    })
    expect(await verifySanityWebhookRequest(request, secret)).toEqual({ ok: false, reason: 'too-large' })
    expect(counter.pulled).toBeLessThanOrEqual(MAX_WEBHOOK_BYTES + 2 * 16 * 1024)
  })
})
