import sharp from 'sharp'
import { beforeAll, describe, expect, it } from 'vitest'
import { ASPECT_RATIOS, dimensionsFor, STYLES, type Style } from '../options'
import { createLocalEngine } from './local.server'
import { EngineError, type EngineInput } from './types'

const engine = createLocalEngine({ longSide: 256 })
const live = () => ({ signal: new AbortController().signal })

const base: EngineInput = {
  prompt: 'Закат над морем, лодка у берега',
  style: 'none',
  aspectRatio: '1:1',
  count: 1,
  seed: 7,
}

let photo: Buffer

beforeAll(async () => {
  // A stand-in for a person's photo: coloured shapes on grey, already re-encoded as WebP.
  const shapes = Buffer.from(
    '<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="900"><rect width="1200" height="900" fill="#7a8290"/>' +
      '<circle cx="600" cy="450" r="300" fill="#c8402f"/><rect x="80" y="60" width="380" height="240" fill="#3b9a5a"/>' +
      '<circle cx="1000" cy="220" r="150" fill="#f2cf3a"/></svg>',
  )
  photo = await sharp(shapes).webp().toBuffer()
})

const withPhoto = (input: Partial<EngineInput> = {}): EngineInput => ({
  ...base,
  ...input,
  sourceImage: { bytes: photo, mimeType: 'image/webp' },
})

async function channelMeans(bytes: Buffer) {
  const { channels } = await sharp(bytes).stats()
  return channels.slice(0, 3).map((c) => c.mean) as [number, number, number]
}

describe('local engine', () => {
  it('is labelled as the local, non-AI engine', () => {
    expect(engine.id).toBe('local')
    expect(engine.kind).toBe('local')
  })

  it('gives byte-identical images for the same input', async () => {
    const input = { ...base, style: 'watercolor' as const, aspectRatio: '16:9' as const, count: 2 }
    const [first, second] = await Promise.all([engine.generate(input, live()), engine.generate(input, live())])
    const hex = (images: typeof first) => images.map((image) => image.bytes.toString('hex'))
    expect(hex(first)).toEqual(hex(second))
  })

  it('ignores case and extra spaces in the prompt', async () => {
    const [a] = await engine.generate({ ...base, prompt: 'Sunset  over the SEA ' }, live())
    const [b] = await engine.generate({ ...base, prompt: 'sunset over the sea' }, live())
    expect(a!.bytes.equals(b!.bytes)).toBe(true)
  })

  it('gives different images for different prompts, seeds and positions in the set', async () => {
    const [one, two] = await engine.generate({ ...base, count: 2 }, live())
    const [otherPrompt] = await engine.generate({ ...base, prompt: 'a forest at night' }, live())
    const [otherSeed] = await engine.generate({ ...base, seed: 8 }, live())
    const all = [one!, two!, otherPrompt!, otherSeed!].map((image) => image.bytes.toString('base64'))
    expect(new Set(all).size).toBe(4)
  })

  it('returns WebP images of the size for each aspect ratio', async () => {
    const big = createLocalEngine()
    for (const aspectRatio of ASPECT_RATIOS) {
      const [image] = await big.generate({ ...base, aspectRatio }, live())
      const expected = dimensionsFor(aspectRatio, 768)
      const meta = await sharp(image!.bytes).metadata()
      expect({ format: meta.format, width: meta.width, height: meta.height }).toEqual({ format: 'webp', ...expected })
      expect(image).toMatchObject({ mimeType: 'image/webp', ...expected })
    }
  })

  it('returns exactly the number of images asked for', async () => {
    for (const count of [1, 2, 3, 4]) {
      expect(await engine.generate({ ...base, count }, live())).toHaveLength(count)
    }
    for (const count of [0, 5, 1.5]) {
      await expect(engine.generate({ ...base, count }, live())).rejects.toMatchObject({ code: 'rejected' })
    }
  })

  it.each(STYLES)('renders the %s style without and with a photo', async (style) => {
    for (const input of [{ ...base, style, aspectRatio: '4:3' as const, count: 2 }, withPhoto({ style, count: 2 })]) {
      const images = await engine.generate(input, live())
      expect(images).toHaveLength(2)
      for (const image of images) {
        const meta = await sharp(image.bytes).metadata()
        expect(meta.format).toBe('webp')
        expect([meta.width, meta.height]).toEqual([image.width, image.height])
      }
      expect(images[0]!.bytes.equals(images[1]!.bytes)).toBe(false)
    }
  })

  it('makes each style visibly different from the plain image', async () => {
    const plain = await channelMeans((await engine.generate(withPhoto(), live()))[0]!.bytes)
    const means = {} as Record<Style, [number, number, number]>
    for (const style of STYLES) {
      means[style] = await channelMeans((await engine.generate(withPhoto({ style }), live()))[0]!.bytes)
    }
    const brightness = (m: [number, number, number]) => (m[0] + m[1] + m[2]) / 3
    const spread = (m: [number, number, number]) => Math.max(...m) - Math.min(...m)

    expect(spread(means.noir)).toBeLessThan(1.5) // grey
    expect(means.vintage[0]).toBeGreaterThan(means.vintage[2] + 15) // sepia
    expect(brightness(means.pastel)).toBeGreaterThan(brightness(plain) + 20) // light
    for (const style of STYLES.filter((s) => s !== 'none')) {
      const distance = Math.hypot(...means[style].map((v, i) => v - plain[i]!))
      expect(distance, style).toBeGreaterThan(3)
    }
  })

  it('crops the photo to the aspect ratio and keeps it recognisable', async () => {
    const [portrait] = await engine.generate(withPhoto({ aspectRatio: '9:16' }), live())
    expect([portrait!.width, portrait!.height]).toEqual([144, 256])
    const [square] = await engine.generate(withPhoto(), live())
    const source = await channelMeans(await sharp(photo).resize(256, 256, { fit: 'cover' }).toBuffer())
    const result = await channelMeans(square!.bytes)
    expect(Math.hypot(...result.map((v, i) => v - source[i]!))).toBeLessThan(6)
  })

  it('refuses a photo it cannot read', async () => {
    const input = { ...base, sourceImage: { bytes: Buffer.from('not an image'), mimeType: 'image/webp' } }
    await expect(engine.generate(input, live())).rejects.toMatchObject({ code: 'rejected', retryable: false })
  })

  it('stops when the signal is aborted', async () => {
    const before = new AbortController()
    before.abort()
    const early = engine.generate(base, { signal: before.signal })
    await expect(early).rejects.toBeInstanceOf(EngineError)
    await expect(early).rejects.toMatchObject({ code: 'aborted', retryable: false })

    const during = new AbortController()
    const pending = engine.generate({ ...base, count: 4 }, { signal: during.signal })
    during.abort()
    await expect(pending).rejects.toMatchObject({ code: 'aborted', retryable: false })
  })
})

describe('local engine: the picture follows the prompt', () => {
  const scene = async (prompt: string, input: Partial<EngineInput> = {}) =>
    (await engine.generate({ ...base, prompt, ...input }, live()))[0]!.bytes

  /** Mean R, G, B of a horizontal band of the image, from `top` to `bottom` (fractions of the height). */
  async function bandMeans(bytes: Buffer, top: number, bottom: number) {
    const { data, info } = await sharp(bytes).removeAlpha().raw().toBuffer({ resolveWithObject: true })
    const sums = [0, 0, 0]
    const from = Math.floor(info.height * top)
    const to = Math.floor(info.height * bottom)
    for (let y = from; y < to; y++) {
      for (let x = 0; x < info.width; x++) {
        const i = (y * info.width + x) * 3
        for (let c = 0; c < 3; c++) sums[c]! += data[i + c]!
      }
    }
    const n = (to - from) * info.width
    return sums.map((v) => v / n) as [number, number, number]
  }
  const brightness = (m: [number, number, number]) => (m[0] + m[1] + m[2]) / 3

  it('paints a night city darker than a sunny desert, in either language', async () => {
    for (const [night, desert] of [
      ['night city', 'sunny desert'],
      ['ночной город', 'солнечная пустыня'],
    ] as const) {
      for (const seed of [1, 2, 3]) {
        const dark = brightness(await channelMeans(await scene(night, { seed })))
        const light = brightness(await channelMeans(await scene(desert, { seed })))
        expect(dark, `${night} / ${desert}, seed ${seed}`).toBeLessThan(light - 60)
      }
    }
  })

  it('puts blue water in the lower half of a sea', async () => {
    for (const prompt of ['the sea', 'море', 'морем', 'ocean waves']) {
      for (const seed of [1, 2, 3]) {
        const [r, g, b] = await bandMeans(await scene(prompt, { seed }), 0.65, 1)
        expect(b, `${prompt}, seed ${seed}`).toBeGreaterThan(r + 30)
        expect(b, `${prompt}, seed ${seed}`).toBeGreaterThan(g + 10)
      }
    }
  })

  it('makes a red prompt redder', async () => {
    const redness = (m: [number, number, number]) => m[0] - (m[1] + m[2]) / 2
    for (const [plain, red] of [
      ['sky', 'red sky'],
      ['небо', 'красное небо'],
      ['flowers', 'red flowers'],
      ['цветы', 'красные цветы'],
      ['abcdef', 'abcdef red'],
    ] as const) {
      const a = redness(await channelMeans(await scene(plain)))
      const b = redness(await channelMeans(await scene(red)))
      expect(b, `${red} against ${plain}`).toBeGreaterThan(a + 12)
    }
  })

  it('lights a sunset warmer than a day and a night darker than both', async () => {
    const day = await channelMeans(await scene('горы днём'))
    const sunset = await channelMeans(await scene('горы на закате'))
    const night = await channelMeans(await scene('горы ночью'))
    expect(sunset[0] - sunset[2]).toBeGreaterThan(day[0] - day[2] + 20)
    expect(brightness(night)).toBeLessThan(brightness(sunset) - 40)
    expect(brightness(night)).toBeLessThan(brightness(day) - 60)
  })

  it('draws a figure in the middle of a portrait, darker than its sides', async () => {
    const bytes = await scene('портрет девушки', { aspectRatio: '3:4' })
    const { data, info } = await sharp(bytes).removeAlpha().raw().toBuffer({ resolveWithObject: true })
    const lum = (x: number, y: number) => {
      const i = (Math.floor(y) * info.width + Math.floor(x)) * 3
      return (data[i]! + data[i + 1]! + data[i + 2]!) / 3
    }
    const y = info.height * 0.92
    expect(lum(info.width / 2, y)).toBeLessThan(lum(info.width * 0.03, info.height * 0.3) - 40)
  })

  it('gives an unknown prompt an abstract picture with colour and contrast', async () => {
    const { channels } = await sharp(await scene('qwerty zxcv')).stats()
    expect(Math.max(...channels.slice(0, 3).map((c) => c.stdev))).toBeGreaterThan(20)
  })

  it('keeps the picture the same for the same prompt and seed, and changes it with the seed', async () => {
    const a = await scene('закат над морем', { seed: 11, style: 'watercolor' })
    const b = await scene('закат над морем', { seed: 11, style: 'watercolor' })
    const c = await scene('закат над морем', { seed: 12, style: 'watercolor' })
    expect(a.equals(b)).toBe(true)
    expect(a.equals(c)).toBe(false)
  })

  it('makes the styles look like their names on a scene', async () => {
    const prompt = 'sunny desert'
    const plain = await channelMeans(await scene(prompt))
    // Watercolour: paper shows at the corners.
    const water = await sharp(await scene(prompt, { style: 'watercolor' }))
      .removeAlpha()
      .raw()
      .toBuffer()
    expect(Math.min(water[0]!, water[1]!, water[2]!)).toBeGreaterThan(200)
    // Noir: grey. Neon: deep shadows, darker than the plain picture.
    const noir = await channelMeans(await scene(prompt, { style: 'noir' }))
    expect(Math.max(...noir) - Math.min(...noir)).toBeLessThan(1.5)
    const neon = await channelMeans(await scene(prompt, { style: 'neon' }))
    expect(brightness(neon)).toBeLessThan(brightness(plain) - 25)
    // Comic: dark ink outlines, which the plain picture does not have.
    const ink = async (bytes: Buffer) => {
      const raw = await sharp(bytes).removeAlpha().raw().toBuffer()
      let dark = 0
      for (let i = 0; i < raw.length; i += 3) if (Math.max(raw[i]!, raw[i + 1]!, raw[i + 2]!) < 45) dark++
      return dark / (raw.length / 3)
    }
    const comicInk = await ink(await scene(prompt, { style: 'comic' }))
    expect(comicInk).toBeGreaterThan(0.0015)
    expect(comicInk).toBeGreaterThan((await ink(await scene(prompt))) * 5)
  })
})
