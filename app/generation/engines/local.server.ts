import sharp from 'sharp'
import { dimensionsFor, MAX_IMAGES, MIN_IMAGES } from '../options'
import { applyStyle, tint } from './local/filters.server'
import { between, fromRaw, hash32, mulberry32, toRaw, type Random, type Raw } from './local/raw.server'
import { paintScene } from './local/scene.server'
import { EngineError, type EngineImage, type ImageEngine } from './types'

/**
 * The local preview engine. It is not AI and does not pretend to be: without
 * a photo it paints an abstract picture whose palette and shapes are derived
 * from the prompt (a hash of it, plus a few colour and mood words); with a
 * photo it applies a sharp-based filter. The same input always gives the
 * same bytes, so tests and the history page are stable. What is drawn from
 * the prompt is in local/scene.server.ts, the styles in local/filters.server.ts.
 */

const DEFAULT_LONG_SIDE = 768
// effort 2 encodes in a third of the time of the default 4 for a few per cent more bytes.
const WEBP = { quality: 86, effort: 2 } as const

export function createLocalEngine(opts: { longSide?: number } = {}): ImageEngine {
  const longSide = opts.longSide ?? DEFAULT_LONG_SIDE
  return {
    id: 'local',
    kind: 'local',
    async generate(input, { signal }) {
      checkSignal(signal)
      if (!Number.isInteger(input.count) || input.count < MIN_IMAGES || input.count > MAX_IMAGES) {
        throw new EngineError('rejected', `count must be ${MIN_IMAGES}–${MAX_IMAGES}`, false)
      }
      const { width, height } = dimensionsFor(input.aspectRatio, longSide)
      const prompt = normalizePrompt(input.prompt)
      const photo = input.sourceImage ? await preparePhoto(input.sourceImage.bytes, width, height) : null

      const images: EngineImage[] = []
      for (let index = 0; index < input.count; index++) {
        checkSignal(signal)
        // The picture does not depend on the style, so one prompt can be compared across styles.
        const pictureRandom = mulberry32(hash32('picture', prompt, input.seed, index))
        const base = photo
          ? await photoVariant(photo, width, height, index, pictureRandom)
          : await paintScene(prompt, input.seed, index, width, height, pictureRandom)
        checkSignal(signal)
        const styleRandom = mulberry32(hash32('style', prompt, input.seed, input.style, index))
        const styled = await applyStyle(input.style, base, styleRandom)
        checkSignal(signal)
        images.push({ bytes: await encode(styled), mimeType: 'image/webp', width, height })
      }
      return images
    },
  }
}

function checkSignal(signal: AbortSignal) {
  if (signal.aborted) throw new EngineError('aborted', 'generation was cancelled', false, { cause: signal.reason })
}

function normalizePrompt(prompt: string): string {
  return prompt.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim()
}

// ---------------------------------------------------------------------------
// Photos: decoded once, a little larger than the frame, so images 2..N can
// be slightly different crops with a faint tint.

const PHOTO_MARGIN = 1.12

async function preparePhoto(bytes: Buffer, width: number, height: number): Promise<Raw> {
  try {
    return await toRaw(
      sharp(bytes, { failOn: 'error' })
        .resize({ width: Math.ceil(width * PHOTO_MARGIN), height: Math.ceil(height * PHOTO_MARGIN), fit: 'cover' })
        .flatten({ background: '#ffffff' }),
    )
  } catch (error) {
    throw new EngineError('rejected', 'the photo could not be read', false, { cause: error })
  }
}

async function photoVariant(photo: Raw, width: number, height: number, index: number, random: Random): Promise<Raw> {
  const zoom = index === 0 ? 1 : between(random, 1.02, PHOTO_MARGIN)
  const cropW = Math.min(photo.width, Math.round(photo.width / zoom))
  const cropH = Math.min(photo.height, Math.round(photo.height / zoom))
  const left = index === 0 ? Math.floor((photo.width - cropW) / 2) : Math.floor(random() * (photo.width - cropW + 1))
  const top = index === 0 ? Math.floor((photo.height - cropH) / 2) : Math.floor(random() * (photo.height - cropH + 1))
  const raw = await toRaw(
    fromRaw(photo).extract({ left, top, width: cropW, height: cropH }).resize({ width, height, fit: 'fill' }),
  )
  if (index > 0) tint(raw, between(random, -1, 1) * 10, between(random, -1, 1) * 6, between(random, -1, 1) * 10)
  return raw
}

function encode(img: Raw): Promise<Buffer> {
  return fromRaw(img).webp(WEBP).toBuffer()
}
