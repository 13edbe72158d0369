import sharp, { type SharpOptions } from 'sharp'

/**
 * Reading the generation form. The form comes as
 * multipart/form-data with an optional photo, or url-encoded from API clients
 * without one. Nothing here buffers more than the limits below, and every bad
 * body or file is answered with a failure (400, 413, 415, 422) for the route to
 * show, never an exception that would become a 500.
 */

export const MAX_PHOTO_BYTES = 10 * 1024 * 1024
/** Decompression-bomb guard: a 10 MB PNG can claim billions of pixels; 40 MP is above any phone camera. */
export const MAX_PHOTO_PIXELS = 40_000_000
/** Re-encoded photos are at most this many px on the long side; engines never need more. */
export const STORED_PHOTO_MAX_SIDE = 2048
/** Smaller photos carry too little for any style or engine to work with. */
export const MIN_PHOTO_SIDE = 64
/** What a multipart body may carry besides the photo: the text fields, part headers and boundaries. */
export const FORM_OVERHEAD_BYTES = 256 * 1024
/** One text field. The prompt is at most 1000 characters (4 KB of UTF-8); everything else is shorter. */
export const MAX_FIELD_BYTES = 16 * 1024
/** A whole multipart body; a url-encoded one (no photo) may only be the overhead. */
export const MAX_FORM_BODY_BYTES = MAX_PHOTO_BYTES + FORM_OVERHEAD_BYTES
const MAX_PARTS = 100
const MAX_PART_HEADER_BYTES = 8 * 1024
const PHOTO_FIELD = 'photo'
const WEBP_QUALITY = 82

export type UploadFailureCode =
  'too-large' | 'unsupported-type' | 'too-many-pixels' | 'corrupt' | 'too-small' | 'bad-form' | 'unsupported-form'
export type UploadFailure = { status: 400 | 413 | 415 | 422; code: UploadFailureCode }

const FAILURES = {
  'too-large': { status: 413, code: 'too-large' },
  'unsupported-type': { status: 415, code: 'unsupported-type' },
  'too-many-pixels': { status: 422, code: 'too-many-pixels' },
  corrupt: { status: 422, code: 'corrupt' },
  'too-small': { status: 422, code: 'too-small' },
  'bad-form': { status: 400, code: 'bad-form' },
  'unsupported-form': { status: 415, code: 'unsupported-form' },
} as const satisfies { [C in UploadFailureCode]: UploadFailure & { code: C } }

function failure(code: UploadFailureCode): UploadFailure {
  return { ...FAILURES[code] }
}

/** Thrown inside the reader and turned into a returned failure at its edge. */
class UploadRefused extends Error {
  constructor(readonly failure: UploadFailure) {
    super(failure.code)
  }
}

function refuse(code: UploadFailureCode): never {
  throw new UploadRefused(failure(code))
}

// ---------------------------------------------------------------------------
// Photos

/** The image type by its magic bytes; the file name and declared type are not trusted. */
export function sniffImageType(bytes: Uint8Array): 'image/jpeg' | 'image/png' | 'image/webp' | null {
  const starts = (offset: number, signature: readonly number[]) =>
    bytes.length >= offset + signature.length && signature.every((byte, i) => bytes[offset + i] === byte)
  if (starts(0, [0xff, 0xd8, 0xff])) return 'image/jpeg'
  if (starts(0, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png'
  // RIFF <size> WEBP
  if (starts(0, [0x52, 0x49, 0x46, 0x46]) && starts(8, [0x57, 0x45, 0x42, 0x50])) return 'image/webp'
  return null
}

export type PreparedPhoto = { bytes: Buffer; mimeType: 'image/webp'; width: number; height: number }

/**
 * Checks an uploaded photo and re-encodes it for storage: upright by its EXIF
 * orientation, at most STORED_PHOTO_MAX_SIDE on the long side, WebP, with no
 * metadata at all (EXIF, GPS, XMP, ICC are dropped; colours are converted to sRGB).
 */
export async function preparePhoto(
  bytes: Buffer,
): Promise<{ ok: true; photo: PreparedPhoto } | { ok: false; failure: UploadFailure }> {
  if (bytes.length > MAX_PHOTO_BYTES) return { ok: false, failure: failure('too-large') }
  if (bytes.length === 0) return { ok: false, failure: failure('corrupt') }
  if (!sniffImageType(bytes)) return { ok: false, failure: failure('unsupported-type') }

  // failOn 'error' refuses broken and truncated files but lets through the
  // harmless warnings many camera JPEGs produce. Only the first frame of an
  // animated WebP is read (sharp's default).
  const options: SharpOptions = { limitInputPixels: MAX_PHOTO_PIXELS, failOn: 'error' }
  try {
    // The header alone tells the size, so a bomb is refused before it is decoded
    // (sharp's metadata() already throws past limitInputPixels; see the catch).
    const { width, height } = await sharp(bytes, options).metadata()
    if (!width || !height) return { ok: false, failure: failure('corrupt') }
    if (width * height > MAX_PHOTO_PIXELS) return { ok: false, failure: failure('too-many-pixels') }
    if (width < MIN_PHOTO_SIDE || height < MIN_PHOTO_SIDE) return { ok: false, failure: failure('too-small') }

    const { data, info } = await sharp(bytes, options)
      .rotate()
      .resize({
        width: STORED_PHOTO_MAX_SIDE,
        height: STORED_PHOTO_MAX_SIDE,
        fit: 'inside',
        withoutEnlargement: true,
      })
      .webp({ quality: WEBP_QUALITY })
      .toBuffer({ resolveWithObject: true })
    return { ok: true, photo: { bytes: data, mimeType: 'image/webp', width: info.width, height: info.height } }
  } catch (error) {
    // sharp's pixel guard ("Input image exceeds pixel limit").
    if (error instanceof Error && /pixel limit/i.test(error.message)) {
      return { ok: false, failure: failure('too-many-pixels') }
    }
    // Anything else sharp cannot decode is a damaged file, not a server fault.
    return { ok: false, failure: failure('corrupt') }
  }
}

// ---------------------------------------------------------------------------
// The form

export type GenerationFormInput = { fields: Record<string, string>; photo: Buffer | null }

/**
 * The generation form: its text fields (the first value of each name, at most
 * MAX_FIELD_BYTES each) and the bytes of the `photo` file, or null when none
 * was chosen. The photo is not checked here; pass it to preparePhoto.
 */
export async function readGenerationForm(
  request: Request,
): Promise<{ ok: true; input: GenerationFormInput } | { ok: false; failure: UploadFailure }> {
  const contentType = parseHeaderValue(request.headers.get('Content-Type') ?? '')
  const multipart = contentType.value === 'multipart/form-data'
  if (!multipart && contentType.value !== 'application/x-www-form-urlencoded') {
    return refusedWithoutReading('unsupported-form')
  }
  // A declared length over the limit is refused before a byte is read.
  const declared = Number(request.headers.get('Content-Length') ?? '')
  if (Number.isFinite(declared) && declared > (multipart ? MAX_FORM_BODY_BYTES : FORM_OVERHEAD_BYTES)) {
    return refusedWithoutReading('too-large')
  }
  try {
    const input = multipart
      ? await readMultipart(request, contentType.params.get('boundary'))
      : await readUrlEncoded(request)
    return { ok: true, input }
  } catch (error) {
    if (error instanceof UploadRefused) return { ok: false, failure: error.failure }
    throw error
  }
}

/**
 * A refused body is left unread, never cancelled: Remix's Node adapter answers
 * a cancel by destroying the socket, and the client would see a connection
 * reset instead of our 4xx. Unread, the adapter pauses the request after its
 * 16 KB buffer, so nothing more is held in memory; the route should answer a
 * failure with `Connection: close` so the connection is not reused.
 */
function refusedWithoutReading(code: UploadFailureCode) {
  return { ok: false as const, failure: failure(code) }
}

/**
 * Reads a body chunk by chunk, refusing with 413 as soon as it passes `limit`
 * bytes. On a refusal it stops reading without cancelling (see refusedWithoutReading).
 */
class BodyReader {
  private readonly reader: ReadableStreamDefaultReader<Uint8Array> | null
  private received = 0

  constructor(
    request: Request,
    private readonly limit: number,
  ) {
    this.reader = request.body ? request.body.getReader() : null
  }

  async next(): Promise<Uint8Array | null> {
    if (!this.reader) return null
    let result: ReadableStreamReadResult<Uint8Array>
    try {
      result = await this.reader.read()
    } catch {
      // The client went away or sent a broken body.
      refuse('bad-form')
    }
    if (result.done) return null
    this.received += result.value.byteLength
    if (this.received > this.limit) {
      this.stop()
      refuse('too-large')
    }
    return result.value
  }

  /** Stops reading, leaving the rest of the body to the server. */
  stop() {
    try {
      this.reader?.releaseLock()
    } catch {
      // Already released.
    }
  }
}

async function readUrlEncoded(request: Request): Promise<GenerationFormInput> {
  const body = new BodyReader(request, FORM_OVERHEAD_BYTES)
  const chunks: Uint8Array[] = []
  for (let chunk = await body.next(); chunk; chunk = await body.next()) chunks.push(chunk)
  const fields = new Map<string, string>()
  for (const [name, value] of new URLSearchParams(Buffer.concat(chunks).toString('utf8'))) {
    if (name === PHOTO_FIELD || fields.has(name)) continue
    if (Buffer.byteLength(value) > MAX_FIELD_BYTES) refuse('too-large')
    fields.set(name, value)
  }
  // fromEntries defines own properties, so a field named __proto__ is just a field.
  return { fields: Object.fromEntries(fields), photo: null }
}

/** Where the bytes of the current part go. */
type PartSink = { write(bytes: Uint8Array): void; end(): void }

const DRAIN: PartSink = { write() {}, end() {} }
const CRLF = Buffer.from('\r\n')
const HEADER_END = Buffer.from('\r\n\r\n')

/**
 * A streaming multipart/form-data reader (RFC 7578). It keeps only the text
 * fields, the first `photo` part and at most one delimiter's worth of
 * look-ahead in memory; other files are drained.
 */
async function readMultipart(request: Request, boundary: string | undefined): Promise<GenerationFormInput> {
  if (!boundary || boundary.length > 70) refuse('bad-form')
  // Each delimiter is CRLF "--" boundary; a CRLF put in front of the body lets
  // the first one, at the very start, match the same way.
  const delimiter = Buffer.from(`\r\n--${boundary}`)
  const body = new BodyReader(request, MAX_FORM_BODY_BYTES)

  const fields = new Map<string, string>()
  let photo: Buffer | null = null
  let photoSeen = false
  let textBytes = 0
  let parts = 0

  const startPart = (headerBlock: Buffer): PartSink => {
    if (++parts > MAX_PARTS) refuse('too-large')
    const { name, filename } = partDisposition(headerBlock)
    if (name === PHOTO_FIELD) {
      if (photoSeen) return DRAIN
      photoSeen = true
      return collect(MAX_PHOTO_BYTES, (bytes) => {
        // No photo chosen: browsers send an empty part with filename="".
        photo = bytes.length === 0 && !filename ? null : bytes
      })
    }
    if (filename !== undefined || fields.has(name)) return DRAIN
    return collect(MAX_FIELD_BYTES, (bytes) => {
      textBytes += bytes.length
      if (textBytes > FORM_OVERHEAD_BYTES) refuse('too-large')
      fields.set(name, bytes.toString('utf8'))
    })
  }

  type State = 'preamble' | 'after-delimiter' | 'headers' | 'body' | 'done'
  let state = 'preamble' as State
  let pending: Buffer = Buffer.from(CRLF)
  let sink: PartSink = DRAIN

  // Consumes as much of `pending` as can be decided now.
  const advance = () => {
    for (;;) {
      if (state === 'preamble' || state === 'body') {
        const at = pending.indexOf(delimiter)
        if (at === -1) {
          // Keep what could still be the start of a delimiter.
          const safe = pending.length - (delimiter.length - 1)
          if (safe > 0) {
            sink.write(pending.subarray(0, safe))
            pending = pending.subarray(safe)
          }
          return
        }
        sink.write(pending.subarray(0, at))
        sink.end()
        sink = DRAIN
        pending = pending.subarray(at + delimiter.length)
        state = 'after-delimiter'
      } else if (state === 'after-delimiter') {
        // Transport padding (spaces, tabs) may follow a delimiter.
        let skip = 0
        while (skip < pending.length && (pending[skip] === 0x20 || pending[skip] === 0x09)) skip++
        pending = pending.subarray(skip)
        if (pending.length < 2) return
        if (pending[0] === 0x2d && pending[1] === 0x2d) {
          state = 'done'
          return
        }
        if (!pending.subarray(0, 2).equals(CRLF)) refuse('bad-form')
        pending = pending.subarray(2)
        state = 'headers'
      } else if (state === 'headers') {
        // A part without any header has no name.
        if (pending.length >= 2 && pending.subarray(0, 2).equals(CRLF)) refuse('bad-form')
        const end = pending.indexOf(HEADER_END)
        if (end === -1) {
          if (pending.length > MAX_PART_HEADER_BYTES) refuse('bad-form')
          return
        }
        if (end > MAX_PART_HEADER_BYTES) refuse('bad-form')
        sink = startPart(pending.subarray(0, end))
        pending = pending.subarray(end + HEADER_END.length)
        state = 'body'
      } else {
        return
      }
    }
  }

  try {
    while (state !== 'done') {
      const chunk = await body.next()
      if (!chunk) refuse('bad-form') // ended before the closing delimiter
      pending = pending.length ? Buffer.concat([pending, chunk]) : Buffer.from(chunk)
      advance()
    }
  } catch (error) {
    body.stop()
    throw error
  }
  // The epilogue after the closing delimiter carries nothing, but is read to
  // the end (within the body limit) so that the request is complete.
  try {
    while ((await body.next()) !== null) {
      // discarded
    }
  } catch (error) {
    body.stop()
    throw error
  }
  return { fields: Object.fromEntries(fields), photo }
}

/** A sink that keeps up to `limit` bytes and refuses with 413 past them. */
function collect(limit: number, done: (bytes: Buffer) => void): PartSink {
  const chunks: Uint8Array[] = []
  let size = 0
  return {
    write(bytes) {
      if (bytes.length === 0) return
      size += bytes.length
      if (size > limit) refuse('too-large')
      chunks.push(bytes)
    },
    end() {
      done(Buffer.concat(chunks, size))
    },
  }
}

function partDisposition(headerBlock: Buffer): { name: string; filename: string | undefined } {
  for (const line of headerBlock.toString('utf8').split('\r\n')) {
    const colon = line.indexOf(':')
    if (colon === -1) refuse('bad-form')
    if (line.slice(0, colon).trim().toLowerCase() !== 'content-disposition') continue
    const { value, params } = parseHeaderValue(line.slice(colon + 1))
    const name = params.get('name')
    if (value !== 'form-data' || name === undefined) refuse('bad-form')
    return { name, filename: params.get('filename') ?? params.get('filename*') }
  }
  return refuse('bad-form')
}

/**
 * `type; key=value; key="quoted value"` as in Content-Type and
 * Content-Disposition: the lower-cased value and the parameters (names
 * lower-cased, first occurrence wins). Browsers do not backslash-escape in
 * form-data headers (they percent-encode `"`, CR and LF), so neither do we: a
 * Windows path in a filename stays as sent.
 */
function parseHeaderValue(header: string): { value: string; params: Map<string, string> } {
  const semicolon = header.indexOf(';')
  const value = (semicolon === -1 ? header : header.slice(0, semicolon)).trim().toLowerCase()
  const params = new Map<string, string>()
  let i = semicolon === -1 ? header.length : semicolon + 1
  while (i < header.length) {
    while (i < header.length && /[\s;]/.test(header[i]!)) i++
    const keyStart = i
    while (i < header.length && header[i] !== '=' && header[i] !== ';') i++
    const key = header.slice(keyStart, i).trim().toLowerCase()
    let paramValue = ''
    if (header[i] === '=') {
      i++
      while (i < header.length && /[ \t]/.test(header[i]!)) i++
      if (header[i] === '"') {
        i++
        const end = header.indexOf('"', i)
        paramValue = header.slice(i, end === -1 ? header.length : end)
        i = end === -1 ? header.length : end + 1
      } else {
        const valueStart = i
        while (i < header.length && header[i] !== ';') i++
        paramValue = header.slice(valueStart, i).trim()
      }
    }
    if (key && !params.has(key)) params.set(key, paramValue)
  }
  return { value, params }
}
