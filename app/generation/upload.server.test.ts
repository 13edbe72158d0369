import { request as httpRequest, createServer } from 'node:http'
import { type AddressInfo } from 'node:net'
import { crc32, deflateSync } from 'node:zlib'
import { createReadableStreamFromReadable } from '@remix-run/node'
import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import {
  FORM_OVERHEAD_BYTES,
  MAX_FIELD_BYTES,
  MAX_FORM_BODY_BYTES,
  MAX_PHOTO_BYTES,
  STORED_PHOTO_MAX_SIDE,
  preparePhoto,
  readGenerationForm,
  sniffImageType,
} from './upload.server'

// ---------------------------------------------------------------------------
// Helpers

const URL_RU = 'http://localhost/ru'

function solid(width: number, height: number) {
  return sharp({ create: { width, height, channels: 3, background: { r: 200, g: 60, b: 30 } } })
}

const jpeg = (width = 320, height = 240) => solid(width, height).jpeg().toBuffer()
const png = (width = 320, height = 240) => solid(width, height).png().toBuffer()
const webp = (width = 320, height = 240) => solid(width, height).webp().toBuffer()

const GIF = Buffer.concat([Buffer.from('GIF89a'), Buffer.from([1, 0, 1, 0, 0x80, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff])])
const SVG = Buffer.from(
  '<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100"><rect width="100" height="100"/></svg>',
)
const PDF = Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n')
const TEXT = Buffer.from('just some text pretending to be a photo')

function pngChunk(type: string, data: Buffer) {
  const length = Buffer.alloc(4)
  length.writeUInt32BE(data.length)
  const typeAndData = Buffer.concat([Buffer.from(type, 'latin1'), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(typeAndData))
  return Buffer.concat([length, typeAndData, crc])
}

/** A tiny, well-formed PNG whose header claims width×height pixels: a decompression bomb. */
function pngBomb(width: number, height: number) {
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(width, 0)
  ihdr.writeUInt32BE(height, 4)
  ihdr.set([8, 2, 0, 0, 0], 8) // 8-bit RGB, deflate, no filter, not interlaced
  // A few rows of zeros; a real bomb would carry gigabytes of them compressed.
  const idat = deflateSync(Buffer.alloc((width * 3 + 1) * 4))
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', idat),
    pngChunk('IEND', Buffer.alloc(0)),
  ])
}

/** The offsets of the IFD0 entries' tags in a TIFF/EXIF block (sharp's `exif` starts with "Exif\0\0"). */
function exifTags(exif: Buffer): Set<number> {
  const tiff = exif.subarray(exif.indexOf('II*\0') === -1 ? exif.indexOf('MM\0*') : exif.indexOf('II*\0'))
  const little = tiff.toString('latin1', 0, 2) === 'II'
  const u16 = (at: number) => (little ? tiff.readUInt16LE(at) : tiff.readUInt16BE(at))
  const u32 = (at: number) => (little ? tiff.readUInt32LE(at) : tiff.readUInt32BE(at))
  const ifd0 = u32(4)
  const tags = new Set<number>()
  for (let i = 0; i < u16(ifd0); i++) tags.add(u16(ifd0 + 2 + i * 12))
  return tags
}
const GPS_IFD_POINTER = 0x8825
const EXIF_IFD_POINTER = 0x8769

type Part = { name: string; filename?: string; type?: string; data: string | Buffer }

function multipartBody(boundary: string, parts: Part[], { close = true } = {}) {
  const chunks: Buffer[] = []
  for (const part of parts) {
    const filename = part.filename === undefined ? '' : `; filename="${part.filename}"`
    const type = part.type ? `\r\nContent-Type: ${part.type}` : ''
    chunks.push(
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"${filename}${type}\r\n\r\n`),
    )
    chunks.push(Buffer.from(part.data))
    chunks.push(Buffer.from('\r\n'))
  }
  if (close) chunks.push(Buffer.from(`--${boundary}--\r\n`))
  return Buffer.concat(chunks)
}

function post(body: BodyInit | Buffer | null, headers: Record<string, string> = {}) {
  const init = Buffer.isBuffer(body) ? new Uint8Array(body) : body
  return new Request(URL_RU, { method: 'POST', headers, body: init, duplex: 'half' } as RequestInit)
}

function postMultipart(body: Buffer, boundary = 'palitra-boundary', headers: Record<string, string> = {}) {
  return post(body, { 'Content-Type': `multipart/form-data; boundary=${boundary}`, ...headers })
}

function postForm(form: FormData) {
  return new Request(URL_RU, { method: 'POST', body: form })
}

/** A streamed body (sent chunked, with no Content-Length) that reports how much of it was read. */
function trackedStream(head: Buffer, next: () => Buffer | null) {
  const tracker = { pulled: 0, cancelled: false }
  let sentHead = false
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      const chunk = sentHead ? next() : head
      sentHead = true
      if (!chunk) return controller.close()
      tracker.pulled += chunk.length
      controller.enqueue(new Uint8Array(chunk))
    },
    cancel() {
      tracker.cancelled = true
    },
  })
  return { stream, tracker }
}

/** Splits a body into small chunks so that delimiters straddle chunk edges. */
function chunked(body: Buffer, size: number) {
  let at = 0
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (at >= body.length) return controller.close()
      controller.enqueue(new Uint8Array(body.subarray(at, at + size)))
      at += size
    },
  })
}

async function expectFailure(result: Promise<{ ok: boolean; failure?: unknown }>, status: number, code: string) {
  expect(await result).toEqual({ ok: false, failure: { status, code } })
}

async function readOk(request: Request) {
  const result = await readGenerationForm(request)
  if (!result.ok) throw new Error(`expected the form to be read, got ${JSON.stringify(result.failure)}`)
  return result.input
}

async function prepareOk(bytes: Buffer) {
  const result = await preparePhoto(bytes)
  if (!result.ok) throw new Error(`expected the photo to be accepted, got ${JSON.stringify(result.failure)}`)
  return result.photo
}

// ---------------------------------------------------------------------------

describe('sniffImageType', () => {
  it('recognises JPEG, PNG and WebP by their bytes', async () => {
    expect(sniffImageType(await jpeg())).toBe('image/jpeg')
    expect(sniffImageType(await png())).toBe('image/png')
    expect(sniffImageType(await webp())).toBe('image/webp')
  })

  it('refuses everything else, whatever it is called', () => {
    for (const bytes of [
      GIF,
      SVG,
      PDF,
      TEXT,
      Buffer.alloc(0),
      Buffer.from([0xff, 0xd8]),
      Buffer.from('RIFF....WAVE'),
    ]) {
      expect(sniffImageType(bytes)).toBeNull()
    }
  })
})

describe('preparePhoto', () => {
  it('accepts JPEG, PNG and WebP and re-encodes them as WebP', async () => {
    for (const input of [await jpeg(), await png(), await webp()]) {
      const photo = await prepareOk(input)
      expect(photo).toMatchObject({ mimeType: 'image/webp', width: 320, height: 240 })
      expect(sniffImageType(photo.bytes)).toBe('image/webp')
      expect(await sharp(photo.bytes).metadata()).toMatchObject({ format: 'webp', width: 320, height: 240 })
    }
  })

  it('shrinks big photos to fit the stored size and never enlarges small ones', async () => {
    const big = await prepareOk(await jpeg(3000, 1500))
    expect([big.width, big.height]).toEqual([STORED_PHOTO_MAX_SIDE, STORED_PHOTO_MAX_SIDE / 2])
    const tall = await prepareOk(await png(1000, 4096))
    expect([tall.width, tall.height]).toEqual([500, STORED_PHOTO_MAX_SIDE])
    const small = await prepareOk(await png(100, 80))
    expect([small.width, small.height]).toEqual([100, 80])
  })

  it('strips EXIF, GPS, ICC and XMP and applies the EXIF orientation', async () => {
    // Left half red, right half blue, stored sideways (orientation 6: rotate 90° clockwise to view).
    const red = await sharp({ create: { width: 150, height: 200, channels: 3, background: '#ff0000' } })
      .png()
      .toBuffer()
    const input = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#0000ff' } })
      .composite([{ input: red, left: 0, top: 0 }])
      .jpeg()
      .withMetadata({ orientation: 6 })
      .withExif({
        IFD0: { Make: 'PalitraCam', Copyright: 'Someone' },
        IFD2: { DateTimeOriginal: '2025:09:01 12:00:00' },
        IFD3: {
          GPSLatitudeRef: 'N',
          GPSLatitude: '55/1 45/1 0/1',
          GPSLongitudeRef: 'E',
          GPSLongitude: '37/1 37/1 0/1',
        },
      })
      .toBuffer()
    // The input really carries all of it.
    const before = await sharp(input).metadata()
    expect(before).toMatchObject({ width: 300, height: 200, orientation: 6 })
    expect(before.exif).toBeDefined()
    expect(before.icc).toBeDefined()
    const tags = exifTags(before.exif!)
    expect(tags.has(GPS_IFD_POINTER)).toBe(true)
    expect(tags.has(EXIF_IFD_POINTER)).toBe(true)
    expect(before.exif!.includes('PalitraCam')).toBe(true)

    const photo = await prepareOk(input)
    const after = await sharp(photo.bytes).metadata()
    expect(after.exif).toBeUndefined()
    expect(after.icc).toBeUndefined()
    expect(after.xmp).toBeUndefined()
    expect(after.iptc).toBeUndefined()
    expect(after.orientation).toBeUndefined()
    expect(photo.bytes.includes('PalitraCam')).toBe(false)
    expect(photo.bytes.includes('Exif')).toBe(false)
    // Upright: now 200×300, with the former left (red) half on top.
    expect([photo.width, photo.height, after.width, after.height]).toEqual([200, 300, 200, 300])
    const { data, info } = await sharp(photo.bytes).raw().toBuffer({ resolveWithObject: true })
    const pixel = (x: number, y: number) => [...data.subarray((y * info.width + x) * 3, (y * info.width + x) * 3 + 3)]
    const [topR, , topB] = pixel(100, 40)
    const [bottomR, , bottomB] = pixel(100, 260)
    expect(topR).toBeGreaterThan(200)
    expect(topB).toBeLessThan(60)
    expect(bottomB).toBeGreaterThan(200)
    expect(bottomR).toBeLessThan(60)
  })

  it('refuses files that are not JPEG, PNG or WebP by their bytes with 415', async () => {
    for (const bytes of [GIF, SVG, PDF, TEXT, await solid(100, 100).tiff().toBuffer()]) {
      await expectFailure(preparePhoto(bytes), 415, 'unsupported-type')
    }
  })

  it('refuses a decompression bomb with 422 without decoding it', async () => {
    const bomb = pngBomb(50_000, 50_000)
    expect(bomb.length).toBeLessThan(2048)
    // It is a valid PNG header: sharp, unlimited, reads the claimed size.
    expect(await sharp(bomb, { limitInputPixels: false }).metadata()).toMatchObject({
      format: 'png',
      width: 50_000,
      height: 50_000,
    })
    const started = Date.now()
    await expectFailure(preparePhoto(bomb), 422, 'too-many-pixels')
    // Just over the limit, and long and thin, are refused too.
    await expectFailure(preparePhoto(pngBomb(6325, 6325)), 422, 'too-many-pixels')
    await expectFailure(preparePhoto(pngBomb(1_000_000, 64)), 422, 'too-many-pixels')
    expect(Date.now() - started).toBeLessThan(2000)
  })

  it('refuses truncated and damaged files with 422', async () => {
    const good = await jpeg(640, 480)
    await expectFailure(preparePhoto(good.subarray(0, Math.floor(good.length * 0.6))), 422, 'corrupt')
    await expectFailure(preparePhoto(good.subarray(0, 200)), 422, 'corrupt')
    const goodPng = await png(640, 480)
    await expectFailure(preparePhoto(goodPng.subarray(0, Math.floor(goodPng.length * 0.7))), 422, 'corrupt')
    // Valid magic bytes followed by garbage.
    await expectFailure(preparePhoto(Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), TEXT])), 422, 'corrupt')
    await expectFailure(preparePhoto(Buffer.concat([goodPng.subarray(0, 8), TEXT])), 422, 'corrupt')
    await expectFailure(preparePhoto(Buffer.from('RIFF\x10\x00\x00\x00WEBPVP8 garbage', 'latin1')), 422, 'corrupt')
    await expectFailure(preparePhoto(Buffer.alloc(0)), 422, 'corrupt')
  })

  it('refuses photos smaller than 64×64 with 422', async () => {
    await expectFailure(preparePhoto(await jpeg(32, 32)), 422, 'too-small')
    await expectFailure(preparePhoto(await png(640, 40)), 422, 'too-small')
    await expectFailure(preparePhoto(await webp(63, 500)), 422, 'too-small')
    expect((await preparePhoto(await png(64, 64))).ok).toBe(true)
  })

  it('refuses more than 10 MB with 413', async () => {
    const huge = Buffer.concat([await jpeg(), Buffer.alloc(MAX_PHOTO_BYTES)])
    await expectFailure(preparePhoto(huge), 413, 'too-large')
  })
})

describe('readGenerationForm', () => {
  it('reads the text fields and the photo of a multipart form', async () => {
    const photo = await jpeg()
    const form = new FormData()
    form.append('prompt', 'Кот в космосе, акварель')
    form.append('style', 'watercolor')
    form.append('photo', new File([new Uint8Array(photo)], 'cat.jpg', { type: 'image/jpeg' }))
    const input = await readOk(postForm(form))
    expect(input.fields).toEqual({ prompt: 'Кот в космосе, акварель', style: 'watercolor' })
    expect(input.photo?.equals(photo)).toBe(true)
  })

  it('reads a form without a chosen photo (an empty file part) as no photo', async () => {
    const form = new FormData()
    form.append('prompt', 'a lighthouse')
    form.append('photo', new File([], '', { type: 'application/octet-stream' }))
    const input = await readOk(postForm(form))
    expect(input).toEqual({ fields: { prompt: 'a lighthouse' }, photo: null })
    // The same as a browser sends it, without a Content-Type for the empty part.
    const manual = await readOk(
      postMultipart(
        multipartBody('b', [
          { name: 'prompt', data: 'x' },
          { name: 'photo', filename: '', data: '' },
        ]),
        'b',
      ),
    )
    expect(manual).toEqual({ fields: { prompt: 'x' }, photo: null })
  })

  it('reads an url-encoded form (API clients without a photo)', async () => {
    const input = await readOk(
      post('prompt=%D0%BA%D0%BE%D1%82+%26+dog&count=2&prompt=second&photo=abc', {
        'Content-Type': 'application/x-www-form-urlencoded;charset=UTF-8',
      }),
    )
    expect(input).toEqual({ fields: { prompt: 'кот & dog', count: '2' }, photo: null })
  })

  it('keeps the first value of each field and only the first photo; other files are ignored', async () => {
    const first = await png()
    const form = new FormData()
    form.append('prompt', 'first')
    form.append('prompt', 'second')
    form.append('attachment', new File([new Uint8Array(await jpeg())], 'other.jpg', { type: 'image/jpeg' }))
    form.append('photo', new File([new Uint8Array(first)], 'a.png', { type: 'image/png' }))
    form.append('photo', new File([new Uint8Array(await webp())], 'b.webp', { type: 'image/webp' }))
    form.append('__proto__', 'plain field')
    const input = await readOk(postForm(form))
    expect(Object.keys(input.fields).sort()).toEqual(['__proto__', 'prompt'])
    expect(input.fields.prompt).toBe('first')
    expect(Object.getPrototypeOf(input.fields)).toBe(Object.prototype)
    expect(input.photo?.equals(first)).toBe(true)
  })

  it('parses bodies split anywhere, quoted boundaries, a preamble and an epilogue', async () => {
    const photo = await jpeg(100, 100)
    const boundary = 'odd boundary:=+_,-./?'
    const body = Buffer.concat([
      Buffer.from('This is the preamble.\r\n'),
      multipartBody(boundary, [
        { name: 'prompt', data: `line one\r\n--not-the-boundary\r\n-- ${boundary}` },
        { name: 'photo', filename: 'C:\\photos\\me.jpg', type: 'image/jpeg', data: photo },
      ]),
      Buffer.from('epilogue'),
    ])
    for (const size of [1, 7, 64, 4096]) {
      const input = await readOk(
        post(chunked(body, size), { 'Content-Type': `Multipart/Form-Data; charset=utf-8; boundary="${boundary}"` }),
      )
      expect(input.fields).toEqual({ prompt: `line one\r\n--not-the-boundary\r\n-- ${boundary}` })
      expect(input.photo?.equals(photo)).toBe(true)
    }
  })

  it('refuses a body that is not a form with 415', async () => {
    await expectFailure(
      readGenerationForm(post('{"prompt":"x"}', { 'Content-Type': 'application/json' })),
      415,
      'unsupported-form',
    )
    await expectFailure(readGenerationForm(post('prompt=x', { 'Content-Type': 'text/plain' })), 415, 'unsupported-form')
    await expectFailure(readGenerationForm(new Request(URL_RU, { method: 'POST' })), 415, 'unsupported-form')
    await expectFailure(
      readGenerationForm(post(await jpeg(), { 'Content-Type': 'image/jpeg' })),
      415,
      'unsupported-form',
    )
  })

  it('refuses a declared Content-Length over the limit with 413 before reading the body', async () => {
    const { stream, tracker } = trackedStream(Buffer.from('--b\r\n'), () => Buffer.alloc(64 * 1024))
    const request = post(stream, {
      'Content-Type': 'multipart/form-data; boundary=b',
      'Content-Length': String(MAX_FORM_BODY_BYTES + 1),
    })
    await expectFailure(readGenerationForm(request), 413, 'too-large')
    expect(tracker.pulled).toBeLessThanOrEqual(5) // at most the eagerly pulled first chunk
    // Left unread rather than cancelled: see 'over HTTP' below for why.
    expect(tracker.cancelled).toBe(false)
    await expectFailure(
      readGenerationForm(
        post('prompt=x', {
          'Content-Type': 'application/x-www-form-urlencoded',
          'Content-Length': String(FORM_OVERHEAD_BYTES + 1),
        }),
      ),
      413,
      'too-large',
    )
  })

  it('refuses an endless chunked photo with 413 once it passes 10 MB, without reading much further', async () => {
    const head = Buffer.from(
      '--b\r\nContent-Disposition: form-data; name="photo"; filename="big.jpg"\r\nContent-Type: image/jpeg\r\n\r\n',
    )
    const { stream, tracker } = trackedStream(head, () => Buffer.alloc(256 * 1024, 0x41))
    const started = Date.now()
    await expectFailure(
      readGenerationForm(post(stream, { 'Content-Type': 'multipart/form-data; boundary=b' })),
      413,
      'too-large',
    )
    expect(tracker.pulled).toBeGreaterThan(MAX_PHOTO_BYTES)
    expect(tracker.pulled).toBeLessThan(MAX_PHOTO_BYTES + 2 * 1024 * 1024)
    expect(tracker.cancelled).toBe(false)
    expect(Date.now() - started).toBeLessThan(5000)
  })

  it('refuses an endless chunked body of ignored parts with 413 at the body limit', async () => {
    const head = Buffer.from('--b\r\nContent-Disposition: form-data; name="other"; filename="x.bin"\r\n\r\n')
    const { stream, tracker } = trackedStream(head, () => Buffer.alloc(256 * 1024, 0x42))
    await expectFailure(
      readGenerationForm(post(stream, { 'Content-Type': 'multipart/form-data; boundary=b' })),
      413,
      'too-large',
    )
    expect(tracker.pulled).toBeGreaterThan(MAX_FORM_BODY_BYTES)
    expect(tracker.pulled).toBeLessThan(MAX_FORM_BODY_BYTES + 2 * 1024 * 1024)
    expect(tracker.cancelled).toBe(false)
  })

  it('refuses a photo over 10 MB in an ordinary FormData post with 413', async () => {
    const form = new FormData()
    form.append('prompt', 'x')
    form.append('photo', new File([new Uint8Array(MAX_PHOTO_BYTES + 1)], 'big.jpg', { type: 'image/jpeg' }))
    await expectFailure(readGenerationForm(postForm(form)), 413, 'too-large')
    // Exactly 10 MB is still read (preparePhoto decides what it is).
    const exact = new FormData()
    exact.append('photo', new File([new Uint8Array(MAX_PHOTO_BYTES)], 'big.jpg', { type: 'image/jpeg' }))
    expect((await readOk(postForm(exact))).photo?.length).toBe(MAX_PHOTO_BYTES)
  })

  it('refuses an oversized text field or url-encoded body with 413', async () => {
    const form = new FormData()
    form.append('prompt', 'я'.repeat(MAX_FIELD_BYTES / 2 + 1))
    await expectFailure(readGenerationForm(postForm(form)), 413, 'too-large')
    const urlencoded = { 'Content-Type': 'application/x-www-form-urlencoded' }
    await expectFailure(
      readGenerationForm(post(`prompt=${'x'.repeat(MAX_FIELD_BYTES + 1)}`, urlencoded)),
      413,
      'too-large',
    )
    const { stream } = trackedStream(Buffer.from('prompt='), () => Buffer.alloc(64 * 1024, 0x78))
    await expectFailure(readGenerationForm(post(stream, urlencoded)), 413, 'too-large')
  })

  it('refuses malformed multipart with 400', async () => {
    const cases: [string, string | Buffer][] = [
      ['multipart/form-data', multipartBody('b', [{ name: 'prompt', data: 'x' }])], // no boundary
      ['multipart/form-data; boundary=b', 'not multipart at all'],
      ['multipart/form-data; boundary=b', ''],
      ['multipart/form-data; boundary=b', multipartBody('b', [{ name: 'prompt', data: 'x' }], { close: false })],
      ['multipart/form-data; boundary=b', '--b\r\nContent-Type: text/plain\r\n\r\nx\r\n--b--\r\n'], // no disposition
      ['multipart/form-data; boundary=b', '--b\r\nContent-Disposition: form-data\r\n\r\nx\r\n--b--\r\n'], // no name
      ['multipart/form-data; boundary=b', '--b\r\n\r\nx\r\n--b--\r\n'], // no headers
      ['multipart/form-data; boundary=b', '--bXYZ\r\nContent-Disposition: form-data; name="a"\r\n\r\nx\r\n--b--'],
      ['multipart/form-data; boundary=b', `--b\r\nContent-Disposition: form-data; name="a"${'x'.repeat(9000)}`],
      ['multipart/form-data; boundary=b', '--b\r\ngarbage header line\r\n\r\nx\r\n--b--\r\n'],
      [`multipart/form-data; boundary=${'b'.repeat(71)}`, 'x'],
    ]
    for (const [contentType, body] of cases) {
      await expectFailure(readGenerationForm(post(body, { 'Content-Type': contentType })), 400, 'bad-form')
    }
  })

  it('reads a text field of exactly the field limit and refuses one byte more with 413', async () => {
    const exact = 'x'.repeat(MAX_FIELD_BYTES)
    const input = await readOk(postMultipart(multipartBody('b', [{ name: 'prompt', data: exact }]), 'b'))
    expect(input.fields.prompt).toBe(exact)
    await expectFailure(
      readGenerationForm(postMultipart(multipartBody('b', [{ name: 'prompt', data: `${exact}x` }]), 'b')),
      413,
      'too-large',
    )
    // A repeated name is ignored, however long.
    const repeated = multipartBody('b', [
      { name: 'prompt', data: 'first' },
      { name: 'prompt', data: `${exact}x` },
    ])
    expect((await readOk(postMultipart(repeated, 'b'))).fields).toEqual({ prompt: 'first' })
  })

  it('reads 100 parts and refuses the 101st with 413', async () => {
    const parts = (count: number) => Array.from({ length: count }, (_, i) => ({ name: `f${i}`, data: 'v' }))
    const input = await readOk(postMultipart(multipartBody('b', parts(100)), 'b'))
    expect(Object.keys(input.fields)).toHaveLength(100)
    await expectFailure(readGenerationForm(postMultipart(multipartBody('b', parts(101)), 'b')), 413, 'too-large')
  })

  it('refuses a form without any named part with 400; a nameless part among named ones is skipped', async () => {
    await expectFailure(readGenerationForm(postMultipart(Buffer.from('--b--\r\n'), 'b')), 400, 'bad-form')
    const mixed = Buffer.concat([
      Buffer.from('--b\r\nContent-Type: text/plain\r\n\r\nno disposition\r\n'),
      Buffer.from('--b\r\nContent-Disposition: attachment; name="a"\r\n\r\nnot form-data\r\n'),
      multipartBody('b', [{ name: 'prompt', data: 'kept' }]),
    ])
    expect(await readOk(postMultipart(mixed, 'b'))).toEqual({ fields: { prompt: 'kept' }, photo: null })
    // A part whose name is missing is refused even among named ones.
    const nameless = Buffer.concat([
      Buffer.from('--b\r\nContent-Disposition: form-data; filename="a.jpg"\r\n\r\nx\r\n'),
      multipartBody('b', [{ name: 'prompt', data: 'kept' }]),
    ])
    await expectFailure(readGenerationForm(postMultipart(nameless, 'b')), 400, 'bad-form')
  })

  it('refuses part headers over 16 KB with 400', async () => {
    const long = 'x'.repeat(16 * 1024)
    const body = `--b\r\nContent-Disposition: form-data; name="prompt"\r\nX-Padding: ${long}\r\n\r\nx\r\n--b--\r\n`
    await expectFailure(readGenerationForm(postMultipart(Buffer.from(body), 'b')), 400, 'bad-form')
    const fits = `--b\r\nContent-Disposition: form-data; name="prompt"\r\nX-Padding: ${long.slice(0, 12 * 1024)}\r\n\r\nx\r\n--b--\r\n`
    expect((await readOk(postMultipart(Buffer.from(fits), 'b'))).fields).toEqual({ prompt: 'x' })
  })

  it('keeps UTF-8 field names and takes binary parts without a file name as files', async () => {
    const body = multipartBody('b', [
      { name: 'подпись', data: 'текст' },
      { name: 'prompt', type: 'application/octet-stream', data: 'sent as binary' },
    ])
    expect((await readOk(postMultipart(body, 'b'))).fields).toEqual({ подпись: 'текст' })
  })

  it('a photo part without a file name is read as text, so preparePhoto refuses it with 415', async () => {
    const body = multipartBody('b', [{ name: 'photo', type: 'image/jpeg', data: await jpeg() }])
    const input = await readOk(postMultipart(body, 'b'))
    expect(input.photo).not.toBeNull()
    await expectFailure(preparePhoto(input.photo!), 415, 'unsupported-type')
  })

  it('a file with the wrong bytes passes the reader but preparePhoto refuses it with 415', async () => {
    for (const bytes of [GIF, SVG, PDF, TEXT]) {
      const form = new FormData()
      form.append('photo', new File([new Uint8Array(bytes)], 'holiday.jpg', { type: 'image/jpeg' }))
      const input = await readOk(postForm(form))
      expect(input.photo?.equals(bytes)).toBe(true)
      await expectFailure(preparePhoto(input.photo!), 415, 'unsupported-type')
    }
  })

  it('over HTTP through the Remix Node adapter, the client receives the 413 instead of a reset', async () => {
    // Cancelling the adapter's body stream destroys the socket before the
    // answer is written; the reader must only stop reading.
    const server = createServer((req, res) => {
      const request = new Request(`http://localhost${req.url}`, {
        method: 'POST',
        headers: req.headers as Record<string, string>,
        body: createReadableStreamFromReadable(req),
        duplex: 'half',
      } as RequestInit)
      void readGenerationForm(request).then((result) => {
        res.writeHead(result.ok ? 200 : result.failure.status, { Connection: 'close' })
        res.end(result.ok ? 'ok' : result.failure.code)
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as AddressInfo
    const send = (declareLength: boolean) =>
      new Promise<string>((resolve) => {
        const size = 12 * 1024 * 1024
        const head = '--b\r\nContent-Disposition: form-data; name="photo"; filename="a.jpg"\r\n\r\n'
        const headers: Record<string, string> = { 'Content-Type': 'multipart/form-data; boundary=b' }
        if (declareLength) headers['Content-Length'] = String(head.length + size + 9)
        const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/ru', headers })
        req.on('response', (res) => {
          let text = ''
          res.on('data', (chunk: Buffer) => (text += chunk.toString()))
          res.on('end', () => resolve(`${res.statusCode} ${text}`))
        })
        req.on('error', (error) => resolve(`error ${error.message}`))
        req.write(head)
        const chunk = Buffer.alloc(64 * 1024)
        let sent = 0
        const pump = () => {
          while (sent < size) {
            sent += chunk.length
            if (!req.write(chunk)) return void req.once('drain', pump)
          }
          req.end('\r\n--b--\r\n')
        }
        pump()
      })
    try {
      expect(await send(true)).toBe('413 too-large')
      expect(await send(false)).toBe('413 too-large')
      // An ordinary form still goes through, read to its end.
      const form = new FormData()
      form.append('prompt', 'x')
      form.append('photo', new File([new Uint8Array(await jpeg())], 'a.jpg', { type: 'image/jpeg' }))
      const ok = await fetch(`http://127.0.0.1:${port}/ru`, { method: 'POST', body: form })
      expect(`${ok.status} ${await ok.text()}`).toBe('200 ok')
    } finally {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    }
  })

  it('takes a real photo from the form through to the stored WebP', async () => {
    const form = new FormData()
    form.append('prompt', 'portrait')
    form.append('photo', new File([new Uint8Array(await jpeg(4000, 3000))], 'IMG_0001.JPG', { type: 'image/jpeg' }))
    const input = await readOk(postForm(form))
    const photo = await prepareOk(input.photo!)
    expect(photo).toMatchObject({ mimeType: 'image/webp', width: 2048, height: 1536 })
  })
})
