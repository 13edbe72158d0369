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
