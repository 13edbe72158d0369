import { MIMEType } from 'node:util'
import busboy from 'busboy'
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
  const header = request.headers.get('Content-Type') ?? ''
  const contentType = parseMimeType(header)
  const multipart = contentType?.essence === 'multipart/form-data'
  if (!contentType || (!multipart && contentType.essence !== 'application/x-www-form-urlencoded')) {
    return refusedWithoutReading('unsupported-form')
  }
  // A declared length over the limit is refused before a byte is read.
  const declared = Number(request.headers.get('Content-Length') ?? '')
  if (Number.isFinite(declared) && declared > (multipart ? MAX_FORM_BODY_BYTES : FORM_OVERHEAD_BYTES)) {
    return refusedWithoutReading('too-large')
  }
  try {
    const input = multipart
      ? await readMultipart(request, header, contentType.params.get('boundary'))
      : await readUrlEncoded(request)
    return { ok: true, input }
  } catch (error) {
    if (error instanceof UploadRefused) return { ok: false, failure: error.failure }
    throw error
  }
}

function parseMimeType(header: string): MIMEType | null {
  try {
    return new MIMEType(header)
  } catch {
    return null
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

/**
 * A multipart/form-data body, parsed by busboy as it streams in. The body is
 * fed to busboy chunk by chunk through a BodyReader, so the whole-body limit
 * and the leave-it-unread refusal stay ours; busboy's limits refuse a long
 * field, a long photo and too many parts as soon as they pass. Only the text
 * fields and the first `photo` part are kept in memory; other files are drained.
 */
async function readMultipart(request: Request, header: string, boundary: string | null) {
  // RFC 2046 allows 1 to 70 characters; busboy would take any.
  if (!boundary || boundary.length > 70) refuse('bad-form')
  const body = new BodyReader(request, MAX_FORM_BODY_BYTES)
  const form = multipartForm(header)
  try {
    for (let chunk = await body.next(); chunk; chunk = await body.next()) await form.write(chunk)
    // The epilogue after the closing delimiter carries nothing, but is read to
    // the end (within the body limit) so that the request is complete.
    return await form.end()
  } catch (error) {
    body.stop()
    form.abandon()
    throw error
  }
}

function multipartForm(header: string) {
  const fields = new Map<string, string>()
  let photo: Buffer | null = null
  let photoSeen = false
  let textBytes = 0
  let namedParts = 0
  // busboy reports through events; the first problem is kept and thrown
  // after the write that caused it.
  let refusal: UploadFailureCode | null = null
  const refuseSoon = (code: UploadFailureCode) => {
    refusal ??= code
  }
  const throwIfRefused = () => {
    if (refusal) refuse(refusal)
  }

  let parser: busboy.Busboy
  try {
    parser = busboy({
      headers: { 'content-type': header },
      // Browsers send field and file names as UTF-8.
      defParamCharset: 'utf8',
      // busboy flags a value that reaches its limit, even when it ends right
      // there; one byte more lets exactly the largest allowed size through.
      limits: { fieldSize: MAX_FIELD_BYTES + 1, fileSize: MAX_PHOTO_BYTES + 1, parts: MAX_PARTS + 1 },
    })
  } catch {
    refuse('bad-form') // no usable boundary
  }
  const closed = new Promise<void>((resolve) => parser.once('close', resolve))
  parser.on('error', () => refuseSoon('bad-form'))
  parser.on('partsLimit', () => refuseSoon('too-large'))

  // busboy hands a part without a name over with `undefined` for it.
  const named = (name: string | undefined): name is string => {
    if (!name) refuseSoon('bad-form')
    else namedParts++
    return Boolean(name)
  }

  parser.on('field', (name: string | undefined, value, info) => {
    if (!named(name)) return
    if (name === PHOTO_FIELD) {
      // A photo part without a file name (and not typed as binary) comes as
      // text; an empty one is what browsers send when no photo was chosen.
      if (photoSeen) return
      photoSeen = true
      if (info.valueTruncated) return refuseSoon('too-large')
      photo = value === '' ? null : Buffer.from(value)
      return
    }
    if (fields.has(name)) return
    if (info.valueTruncated) return refuseSoon('too-large')
    textBytes += Buffer.byteLength(value)
    if (textBytes > FORM_OVERHEAD_BYTES) return refuseSoon('too-large')
    fields.set(name, value)
  })

  parser.on('file', (name: string | undefined, stream, info) => {
    stream.on('error', () => refuseSoon('bad-form'))
    if (!named(name) || name !== PHOTO_FIELD || photoSeen) {
      stream.resume()
      return
    }
    photoSeen = true
    const chunks: Buffer[] = []
    stream.on('data', (chunk: Buffer) => chunks.push(chunk))
    stream.on('limit', () => refuseSoon('too-large'))
    stream.on('end', () => {
      const bytes = Buffer.concat(chunks)
      // No photo chosen: browsers send an empty part with filename="" (busboy
      // reports an empty file name as none).
      photo = bytes.length === 0 && !info.filename ? null : bytes
    })
  })

  return {
    async write(chunk: Uint8Array) {
      throwIfRefused()
      // Waiting for each write keeps busboy from buffering ahead of its limits.
      await new Promise<void>((resolve) => parser.write(chunk, () => resolve()))
      throwIfRefused()
    },
    async end(): Promise<GenerationFormInput> {
      parser.end()
      await closed
      throwIfRefused()
      // busboy skips parts without a form-data disposition; a body that had
      // none we could read is not a form.
      if (namedParts === 0) refuse('bad-form')
      return { fields: Object.fromEntries(fields), photo }
    },
    abandon() {
      parser.destroy()
    },
  }
}
