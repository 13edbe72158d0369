import { HttpResponse } from 'msw'
import sharp from 'sharp'

/**
 * What the mocks of the asynchronous image providers (YandexART,
 * Kandinsky) share: a record of the requests they saw, sample JPEGs and
 * the gateway page a malformed answer is made of. Each vendor's file in
 * tests/mocks/ keeps only what its API does differently; this one lives
 * here because every file there is one declared vendor (register.test.ts).
 */

/** The part of an msw resolver's argument the vendor mocks read. */
export type ResolverInfo = {
  request: Request
  requestId: string
  params: Record<string, string | readonly string[] | undefined>
}

/**
 * The requests a mock has seen, each once: a scenario handler records a
 * request and may pass it on to the normal handler, which must find the
 * same entry rather than count the request twice.
 */
export function requestLog<Entry>() {
  const entries: Entry[] = []
  const byRequestId = new Map<string, Entry>()
  return {
    entries: entries as readonly Entry[],
    /**
     * The entry already made for this request, or a new one from `read`,
     * counted at once and then completed by `fill` (reading the body).
     */
    async record(info: ResolverInfo, read: () => Entry, fill?: (entry: Entry) => Promise<void>): Promise<Entry> {
      const seen = byRequestId.get(info.requestId)
      if (seen) return seen
      const entry = read()
      byRequestId.set(info.requestId, entry)
      entries.push(entry)
      await fill?.(entry)
      return entry
    },
    clear() {
      entries.length = 0
      byRequestId.clear()
    },
  }
}

const jpegCache = new Map<string, Promise<string>>()

/** A real one-colour JPEG, base64-encoded as the providers send images; made once per size and colour, as sharp is slow. */
export function sampleJpegBase64(
  width: number,
  height: number,
  background: { r: number; g: number; b: number },
): Promise<string> {
  const key = `${width}x${height}:${background.r},${background.g},${background.b}`
  let image = jpegCache.get(key)
  if (!image) {
    image = sharp({ create: { width, height, channels: 3, background } })
      .jpeg({ quality: 70 })
      .toBuffer()
      .then((bytes) => bytes.toString('base64'))
    jpegCache.set(key, image)
  }
  return image
}

/** A 200 answer that is not JSON: the HTML page a gateway in front of the provider sends. */
export function gatewayPage() {
  return new HttpResponse('<html><body>502 Bad Gateway</body></html>', {
    status: 200,
    headers: { 'Content-Type': 'text/html' },
  })
}
