/**
 * Reads a request body up to a limit and no further. The Express middleware
 * (server/body-limit.ts) already refuses oversize bodies before a route runs;
 * this is the same promise kept inside the app, for code that reads a body
 * itself (forms, webhooks), so nothing here ever holds more than `limit` bytes.
 */
export type BoundedBody = { ok: true; bytes: Buffer } | { ok: false; reason: 'too-large' }

export async function readBodyWithin(request: Request, limit: number): Promise<BoundedBody> {
  const declared = Number(request.headers.get('Content-Length') ?? '')
  if (Number.isFinite(declared) && declared > limit) return { ok: false, reason: 'too-large' }
  if (!request.body) return { ok: true, bytes: Buffer.alloc(0) }
  const reader = request.body.getReader()
  const chunks: Uint8Array[] = []
  let received = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    received += value.byteLength
    if (received > limit) {
      // Left unread rather than cancelled: Remix's adapter answers a cancel by
      // destroying the socket, and the client would never see our 413.
      reader.releaseLock()
      return { ok: false, reason: 'too-large' }
    }
    chunks.push(value)
  }
  return { ok: true, bytes: Buffer.concat(chunks) }
}
