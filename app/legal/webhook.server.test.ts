import { encodeSignatureHeader } from '@sanity/webhook'
import { describe, expect, test } from 'vitest'
import { SIGNATURE_HEADER_NAME, verifySanityWebhook, verifySanityWebhookRequest } from './webhook.server'

const secret = 'test-webhook-secret-not-a-real-one'
const now = Date.parse('2026-01-10T12:00:00Z')
// Formatted the way Sanity sends it; the signature covers these exact bytes.
const rawBody = '{"_id":"privacy-ru-v3","_type":"legalDocument","kind":"privacy",  "locale":"ru"}'

const sign = (body: string, timestamp = now, key = secret) => encodeSignatureHeader(body, timestamp, key)

describe('verifySanityWebhook', () => {
  test('a correctly signed, recent request is accepted with its parsed payload', async () => {
    const result = await verifySanityWebhook({ rawBody, signature: await sign(rawBody), secret, now })
    expect(result).toEqual({
      ok: true,
      payload: { _id: 'privacy-ru-v3', _type: 'legalDocument', kind: 'privacy', locale: 'ru' },
    })
  })

  test('a signature made with another secret is rejected', async () => {
    const signature = await sign(rawBody, now, 'some-other-secret')
    expect(await verifySanityWebhook({ rawBody, signature, secret, now })).toEqual({
      ok: false,
      reason: 'bad-signature',
    })
  })

  test('a tampered body is rejected, even a change that re-serializes to the same JSON', async () => {
    const signature = await sign(rawBody)
    const tampered = rawBody.replace('privacy-ru-v3', 'privacy-ru-v9')
    expect(await verifySanityWebhook({ rawBody: tampered, signature, secret, now })).toEqual({
      ok: false,
      reason: 'bad-signature',
    })
    const reformatted = JSON.stringify(JSON.parse(rawBody))
    expect(await verifySanityWebhook({ rawBody: reformatted, signature, secret, now })).toEqual({
      ok: false,
      reason: 'bad-signature',
    })
  })

  test('a genuine signature older than five minutes is expired; one inside the window is fine', async () => {
    const old = now - 5 * 60 * 1000 - 1
    expect(await verifySanityWebhook({ rawBody, signature: await sign(rawBody, old), secret, now })).toEqual({
      ok: false,
      reason: 'expired',
    })
    const recent = now - 4 * 60 * 1000
    expect((await verifySanityWebhook({ rawBody, signature: await sign(rawBody, recent), secret, now })).ok).toBe(true)
  })

  test('a timestamp far in the future is rejected as well', async () => {
    const future = now + 10 * 60 * 1000
    expect(await verifySanityWebhook({ rawBody, signature: await sign(rawBody, future), secret, now })).toEqual({
      ok: false,
      reason: 'expired',
    })
  })

  test('a replayed old request with a re-stamped header fails the signature, not the clock', async () => {
    const signature = (await sign(rawBody, now - 3_600_000)).replace(/^t=\d+/, `t=${now}`)
    expect(await verifySanityWebhook({ rawBody, signature, secret, now })).toEqual({
      ok: false,
      reason: 'bad-signature',
    })
  })

  test('a missing or empty header is "missing"', async () => {
    expect(await verifySanityWebhook({ rawBody, signature: undefined, secret, now })).toEqual({
      ok: false,
      reason: 'missing',
    })
    expect(await verifySanityWebhook({ rawBody, signature: null, secret, now })).toEqual({
      ok: false,
      reason: 'missing',
    })
    expect(await verifySanityWebhook({ rawBody, signature: '  ', secret, now })).toEqual({
      ok: false,
      reason: 'missing',
    })
  })

  test('a header that is not t=…,v1=… or a timestamp in seconds is "malformed"', async () => {
    for (const signature of ['v1=abc', 'sha256=abcdef', `t=${now}`, `t=${Math.floor(now / 1000)},v1=abc`]) {
      expect(await verifySanityWebhook({ rawBody, signature, secret, now })).toEqual({ ok: false, reason: 'malformed' })
    }
  })

  test('an empty body, or a signed body that is not JSON, is "malformed"', async () => {
    expect(await verifySanityWebhook({ rawBody: '', signature: await sign('x'), secret, now })).toEqual({
      ok: false,
      reason: 'malformed',
    })
    const notJson = 'not json'
    expect(await verifySanityWebhook({ rawBody: notJson, signature: await sign(notJson), secret, now })).toEqual({
      ok: false,
      reason: 'malformed',
    })
  })

  test('refuses to run without a secret', async () => {
    await expect(verifySanityWebhook({ rawBody, signature: await sign(rawBody), secret: '', now })).rejects.toThrow(
      /secret/,
    )
  })
})

describe('verifySanityWebhookRequest', () => {
  function request(body: string, signature?: string) {
    const headers = new Headers({ 'content-type': 'application/json' })
    if (signature) headers.set(SIGNATURE_HEADER_NAME, signature)
    return new Request('https://palitra.example/webhooks/sanity', { method: 'POST', headers, body })
  }

  test('reads the raw body and header of a Fetch request', async () => {
    // Non-ASCII text must survive the bytes → string → HMAC round trip.
    const body = '{"title":"Политика обработки персональных данных"}'
    const result = await verifySanityWebhookRequest(request(body, await sign(body)), secret, { now })
    expect(result).toEqual({ ok: true, payload: { title: 'Политика обработки персональных данных' } })
  })

  test('no header: "missing"; wrong secret: "bad-signature"', async () => {
    expect(await verifySanityWebhookRequest(request(rawBody), secret, { now })).toEqual({
      ok: false,
      reason: 'missing',
    })
    const forged = await sign(rawBody, now, 'guess')
    expect(await verifySanityWebhookRequest(request(rawBody, forged), secret, { now })).toEqual({
      ok: false,
      reason: 'bad-signature',
    })
  })
})
