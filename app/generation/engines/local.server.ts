import { createHash } from 'node:crypto'
import sharp, { type Sharp } from 'sharp'
import { dimensionsFor, MAX_IMAGES, MIN_IMAGES, type Style } from '../options'
import { EngineError, type EngineImage, type ImageEngine } from './types'

/**
 * The local preview engine. It is not AI and does not pretend to be: without
 * a photo it paints an abstract picture whose palette and shapes are derived
 * from the prompt (a hash of it, plus a few colour and mood words); with a
 * photo it applies a sharp-based filter. The same input always gives the
 * same bytes, so tests and the history page are stable.
 */

const DEFAULT_LONG_SIDE = 768
// effort 2 encodes in a third of the time of the default 4 for a few per cent more bytes.
const WEBP = { quality: 86, effort: 2 } as const

/** Three-channel sRGB pixels, the form every step below works on. */
type Raw = { data: Buffer; width: number; height: number }
type Random = () => number

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

function hash32(...parts: (string | number)[]): number {
  return createHash('sha256').update(parts.join('\u0000')).digest().readUInt32BE(0)
}

/** mulberry32: small, fast and good enough for shapes and grain. */
function mulberry32(seed: number): Random {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const between = (random: Random, min: number, max: number) => min + random() * (max - min)
const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]!
const clamp255 = (v: number) => (v < 0 ? 0 : v > 255 ? 255 : v)
const f = (n: number) => n.toFixed(1)

// ---------------------------------------------------------------------------
// Palette: words in the prompt pick the hue and mood when they can; the hash
// decides the rest.

type Mood = 'dark' | 'light' | 'normal'
type Hint = { stems: string[]; hue?: number; mood?: Mood }

const HINTS: Hint[] = [
  { stems: ['red', 'красн', 'алый'], hue: 355 },
  { stems: ['orange', 'оранж', 'апельсин'], hue: 28 },
  { stems: ['yellow', 'жёлт', 'желт', 'lemon', 'лимон'], hue: 52 },
  { stems: ['gold', 'золот'], hue: 44 },
  { stems: ['green', 'зелён', 'зелен', 'forest', 'лес', 'grass', 'трав', 'leaf', 'лист'], hue: 125 },
  { stems: ['blue', 'син', 'голуб', 'sea', 'мор', 'ocean', 'океан', 'river', 'рек', 'sky', 'неб'], hue: 205 },
  { stems: ['purple', 'violet', 'фиолет', 'сирен', 'lilac'], hue: 275 },
  { stems: ['pink', 'розов', 'rose', 'роз', 'flower', 'цвет'], hue: 330 },
  { stems: ['sunset', 'закат', 'sunrise', 'рассвет', 'autumn', 'осен'], hue: 18 },
  { stems: ['fire', 'огон', 'огн', 'flame', 'пламя'], hue: 12 },
  { stems: ['desert', 'пустын', 'sand', 'песо', 'песк'], hue: 38 },
  { stems: ['night', 'ноч', 'space', 'космос', 'star', 'звёзд', 'звезд', 'dark', 'тёмн', 'темн'], mood: 'dark' },
  { stems: ['snow', 'снег', 'снеж', 'winter', 'зим', 'ice', 'лёд', 'лед'], hue: 200, mood: 'light' },
  { stems: ['morning', 'утр', 'light', 'светл', 'cloud', 'облак', 'white', 'бел'], mood: 'light' },
  { stems: ['black', 'чёрн', 'черн'], mood: 'dark' },
]

function promptHints(prompt: string): { hue?: number; mood: Mood } {
  const words = prompt.split(/[^\p{L}\p{N}]+/u).filter(Boolean)
  let hue: number | undefined
  let mood: Mood = 'normal'
  for (const word of words) {
    for (const hint of HINTS) {
      if (!hint.stems.some((stem) => word.startsWith(stem))) continue
      hue ??= hint.hue
      if (hint.mood && mood === 'normal') mood = hint.mood
    }
  }
  return { hue, mood }
}

function hsl(h: number, s: number, l: number): string {
  const hue = ((h % 360) + 360) % 360
  const sat = Math.min(1, Math.max(0, s / 100))
  const lig = Math.min(1, Math.max(0, l / 100))
  const a = sat * Math.min(lig, 1 - lig)
  const channel = (n: number) => {
    const k = (n + hue / 30) % 12
    const v = lig - a * Math.max(-1, Math.min(k - 3, 9 - k, 1))
    return Math.round(v * 255)
      .toString(16)
      .padStart(2, '0')
  }
  return `#${channel(0)}${channel(8)}${channel(4)}`
}

type Palette = { sky: [string, string, string]; shapes: string[]; glow: string }

function makePalette(prompt: string, seed: number, index: number): Palette {
  // The set shares one palette (from prompt and seed); each image shifts it a little.
  const random = mulberry32(hash32('palette', prompt, seed))
  const hints = promptHints(prompt)
  const baseHue = (hints.hue ?? random() * 360) + (index === 0 ? 0 : between(mulberry32(index), -18, 18))
  const scheme = pick(random, [
    [0, 30, -30],
    [0, 180, 150],
    [0, 120, 240],
    [0, 20, 200],
  ])
  const lift = hints.mood === 'dark' ? -28 : hints.mood === 'light' ? 22 : 0
  const sat = between(random, 55, 85)
  // The sky stays near the base hue so a colour word in the prompt shows; the shapes bring the contrast.
  const sky: Palette['sky'] = [
    hsl(baseHue - between(random, 10, 30), sat * 0.8, 28 + lift + random() * 10),
    hsl(baseHue, sat, 50 + lift),
    hsl(baseHue + between(random, 10, 35), sat * 0.9, 70 + lift * 0.6),
  ]
  const shapes = Array.from({ length: 5 }, (_, i) =>
    hsl(
      baseHue + scheme[i % scheme.length]! + between(random, -12, 12),
      between(random, 45, 95),
      between(random, 35, 75) + lift * 0.7,
    ),
  )
  return { sky, shapes, glow: hsl(baseHue + 40, 90, Math.min(92, 80 + lift * 0.3)) }
}

// ---------------------------------------------------------------------------
// Composition: an SVG of a gradient sky, a main motif and a quieter second one.

type Motif = 'waves' | 'blobs' | 'stripes' | 'rings'
const MOTIFS: readonly Motif[] = ['waves', 'blobs', 'stripes', 'rings']

function sceneSvg(width: number, height: number, palette: Palette, random: Random): string {
  const defs: string[] = []
  const body: string[] = []
  const angle = between(random, 0, 360)
  const rad = (angle * Math.PI) / 180
  const [x1, y1] = [50 - 50 * Math.cos(rad), 50 - 50 * Math.sin(rad)]
  const [x2, y2] = [50 + 50 * Math.cos(rad), 50 + 50 * Math.sin(rad)]
  defs.push(
    `<linearGradient id="sky" x1="${f(x1)}%" y1="${f(y1)}%" x2="${f(x2)}%" y2="${f(y2)}%">` +
      `<stop offset="0" stop-color="${palette.sky[0]}"/><stop offset="${f(between(random, 0.35, 0.65))}" stop-color="${palette.sky[1]}"/>` +
      `<stop offset="1" stop-color="${palette.sky[2]}"/></linearGradient>`,
    `<radialGradient id="glow" cx="${f(between(random, 15, 85))}%" cy="${f(between(random, 10, 55))}%" r="${f(between(random, 35, 70))}%">` +
      `<stop offset="0" stop-color="${palette.glow}" stop-opacity="0.75"/><stop offset="1" stop-color="${palette.glow}" stop-opacity="0"/></radialGradient>`,
  )
  body.push(
    `<rect width="${width}" height="${height}" fill="url(#sky)"/>`,
    `<rect width="${width}" height="${height}" fill="url(#glow)"/>`,
  )

  const main = pick(random, MOTIFS)
  const second = pick(
    random,
    MOTIFS.filter((m) => m !== main),
  )
  body.push(
    `<g opacity="${f(between(random, 0.3, 0.5))}">${motif(second, width, height, palette, random, defs, 'b')}</g>`,
  )
  body.push(motif(main, width, height, palette, random, defs, 'a'))
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}"><defs>${defs.join('')}</defs>${body.join('')}</svg>`
}

function motif(
  kind: Motif,
  w: number,
  h: number,
  palette: Palette,
  random: Random,
  defs: string[],
  prefix: string,
): string {
  const min = Math.min(w, h)
  const colour = () => pick(random, palette.shapes)
  const parts: string[] = []
  switch (kind) {
    case 'waves': {
      const layers = 3 + Math.floor(random() * 3)
      for (let layer = 0; layer < layers; layer++) {
        const baseY = h * (0.4 + (0.5 * layer) / layers) + between(random, -0.05, 0.05) * h
        const amp = h * between(random, 0.03, 0.12)
        const freq = between(random, 0.6, 2.6)
        const phase = between(random, 0, Math.PI * 2)
        const freq2 = between(random, 2, 5)
        const points: string[] = []
        for (let step = 0; step <= 48; step++) {
          const x = (w * step) / 48
          const t = (step / 48) * Math.PI * 2
          const y = baseY + amp * Math.sin(t * freq + phase) + amp * 0.3 * Math.sin(t * freq2 + phase * 2)
          points.push(`${f(x)},${f(y)}`)
        }
        parts.push(
          `<path d="M0,${h} L${points.join(' L')} L${w},${h} Z" fill="${colour()}" opacity="${f(between(random, 0.55, 0.92))}"/>`,
        )
      }
      break
    }
    case 'blobs': {
      const count = 4 + Math.floor(random() * 5)
      for (let i = 0; i < count; i++) {
        const id = `${prefix}blob${i}`
        const c = colour()
        defs.push(
          `<radialGradient id="${id}"><stop offset="0" stop-color="${c}" stop-opacity="0.95"/>` +
            `<stop offset="${f(between(random, 0.45, 0.8))}" stop-color="${c}" stop-opacity="0.6"/>` +
            `<stop offset="1" stop-color="${c}" stop-opacity="0"/></radialGradient>`,
        )
        const rx = min * between(random, 0.08, 0.34)
        parts.push(
          `<ellipse cx="${f(between(random, 0, w))}" cy="${f(between(random, 0, h))}" rx="${f(rx)}" ry="${f(rx * between(random, 0.7, 1.3))}" fill="url(#${id})"/>`,
        )
      }
      // A crisp disc (a sun, a moon, a planet) anchors most pictures.
      if (random() < 0.7) {
        parts.push(
          `<circle cx="${f(between(random, 0.2, 0.8) * w)}" cy="${f(between(random, 0.15, 0.6) * h)}" r="${f(min * between(random, 0.06, 0.16))}" fill="${palette.glow}" opacity="0.9"/>`,
        )
      }
      break
    }
    case 'stripes': {
      const count = 6 + Math.floor(random() * 9)
      const diagonal = Math.hypot(w, h)
      const stripes: string[] = []
      let x = -diagonal / 2
      for (let i = 0; i < count && x < diagonal / 2; i++) {
        const width = (diagonal / count) * between(random, 0.3, 1.1)
        stripes.push(
          `<rect x="${f(x)}" y="${f(-diagonal / 2)}" width="${f(width)}" height="${f(diagonal)}" fill="${colour()}" opacity="${f(between(random, 0.25, 0.8))}"/>`,
        )
        x += width + (diagonal / count) * between(random, 0.1, 0.6)
      }
      parts.push(
        `<g transform="translate(${f(w / 2)} ${f(h / 2)}) rotate(${f(between(random, -60, 60))})">${stripes.join('')}</g>`,
      )
      break
    }
    case 'rings': {
      const cx = between(random, 0.2, 0.8) * w
      const cy = between(random, 0.2, 0.8) * h
      const count = 5 + Math.floor(random() * 7)
      let r = min * between(random, 0.04, 0.1)
      for (let i = 0; i < count; i++) {
        const stroke = min * between(random, 0.01, 0.05)
        parts.push(
          `<circle cx="${f(cx)}" cy="${f(cy)}" r="${f(r)}" fill="none" stroke="${colour()}" stroke-width="${f(stroke)}" opacity="${f(between(random, 0.45, 0.95))}"/>`,
        )
        r += stroke + min * between(random, 0.02, 0.09)
      }
      break
    }
  }
  return parts.join('')
}

async function paintScene(prompt: string, seed: number, index: number, width: number, height: number, random: Random) {
  const svg = sceneSvg(width, height, makePalette(prompt, seed, index), random)
  const raw = await toRaw(sharp(Buffer.from(svg)).flatten({ background: '#000000' }))
  addGrain(raw, random, 7)
  return raw
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

// ---------------------------------------------------------------------------
// Styles: a few sharp operations and pixel passes each.

async function applyStyle(style: Style, img: Raw, random: Random): Promise<Raw> {
  // Pixel passes in JS and only cheap sharp operations (resize, blur): sharp's
  // modulate, median and sharpen convert colour spaces and cost 40–80 ms each.
  switch (style) {
    case 'none':
      return img
    case 'watercolor': {
      // Soft washes of colour, darker where pigment pools at the edges, on grainy paper.
      const washes = await toRaw(
        fromRaw(img)
          .resize({ width: Math.max(8, Math.round(img.width / 5)), height: Math.max(8, Math.round(img.height / 5)) })
          .resize({ width: img.width, height: img.height, kernel: 'cubic' })
          .blur(1.2),
      )
      colorMatrix(washes, saturateMatrix(0.85))
      const edges = edgeMask(washes)
      const d = washes.data
      for (let p = 0, i = 0; p < edges.length; p++, i += 3) {
        const k = 1 - Math.min(0.35, edges[p]! / 120)
        d[i] = clamp255(d[i]! * k)
        d[i + 1] = clamp255(d[i + 1]! * k)
        d[i + 2] = clamp255(d[i + 2]! * k)
      }
      mapChannels(washes, (v) => 42 + v * 0.86)
      addGrain(washes, random, 10)
      return washes
    }
    case 'comic': {
      // Punchy flat colours with dark ink outlines.
      const flat = await toRaw(
        fromRaw(img)
          .resize({ width: Math.max(8, Math.round(img.width / 2)), height: Math.max(8, Math.round(img.height / 2)) })
          .resize({ width: img.width, height: img.height }),
      )
      colorMatrix(flat, saturateMatrix(1.5))
      const edges = edgeMask(flat)
      posterize(flat, 5)
      const d = flat.data
      for (let p = 0, i = 0; p < edges.length; p++, i += 3) {
        if (edges[p]! > 40) d[i] = d[i + 1] = d[i + 2] = 18
      }
      return flat
    }
    case 'noir': {
      // High-contrast black and white with a dark vignette.
      greyscale(img)
      mapChannels(img, (v) => 255 / (1 + Math.exp(-(v - 128) / 28)))
      vignette(img, 0.65)
      addGrain(img, random, 9)
      return img
    }
    case 'vintage': {
      // Sepia, lifted blacks, soft focus and a faded vignette.
      colorMatrix(img, SEPIA)
      mapChannels(img, (v) => 28 + v * 0.8)
      vignette(img, 0.45)
      addGrain(img, random, 12)
      return toRaw(fromRaw(img).blur(0.7))
    }
    case 'neon': {
      // Saturated, hue-shifted colour on deep shadows, glowing around bright areas.
      colorMatrix(img, multiply(hueRotateMatrix(between(random, 150, 210)), saturateMatrix(2.2)))
      mapChannels(img, (v) => 255 * Math.pow(v / 255, 1.5))
      const glow = await toRaw(fromRaw(img).blur(6))
      const d = img.data
      for (let i = 0; i < d.length; i++) {
        const b = glow.data[i]! * 0.8
        d[i] = clamp255(255 - ((255 - d[i]!) * (255 - b)) / 255)
      }
      return img
    }
    case 'pastel': {
      // Soft, light and low-saturation.
      const soft = await toRaw(fromRaw(img).blur(0.8))
      colorMatrix(soft, saturateMatrix(0.5))
      mapChannels(soft, (v) => 255 * 0.34 + v * 0.7)
      return soft
    }
  }
}

type Matrix = [number, number, number, number, number, number, number, number, number]

// Luminance-preserving colour matrices (the ones CSS filters use).
const SEPIA: Matrix = [0.393, 0.769, 0.189, 0.349, 0.686, 0.168, 0.272, 0.534, 0.131]

function saturateMatrix(s: number): Matrix {
  // prettier-ignore
  return [
    0.213 + 0.787 * s, 0.715 - 0.715 * s, 0.072 - 0.072 * s,
    0.213 - 0.213 * s, 0.715 + 0.285 * s, 0.072 - 0.072 * s,
    0.213 - 0.213 * s, 0.715 - 0.715 * s, 0.072 + 0.928 * s,
  ]
}

function hueRotateMatrix(degrees: number): Matrix {
  const c = Math.cos((degrees * Math.PI) / 180)
  const s = Math.sin((degrees * Math.PI) / 180)
  // prettier-ignore
  return [
    0.213 + c * 0.787 - s * 0.213, 0.715 - c * 0.715 - s * 0.715, 0.072 - c * 0.072 + s * 0.928,
    0.213 - c * 0.213 + s * 0.143, 0.715 + c * 0.285 + s * 0.14, 0.072 - c * 0.072 - s * 0.283,
    0.213 - c * 0.213 - s * 0.787, 0.715 - c * 0.715 + s * 0.715, 0.072 + c * 0.928 + s * 0.072,
  ]
}

function multiply(a: Matrix, b: Matrix): Matrix {
  const out = new Array<number>(9)
  for (let r = 0; r < 3; r++)
    for (let c = 0; c < 3; c++)
      out[r * 3 + c] = a[r * 3]! * b[c]! + a[r * 3 + 1]! * b[3 + c]! + a[r * 3 + 2]! * b[6 + c]!
  return out as Matrix
}

function colorMatrix(img: Raw, m: Matrix) {
  const d = img.data
  for (let i = 0; i < d.length; i += 3) {
    const r = d[i]!
    const g = d[i + 1]!
    const b = d[i + 2]!
    d[i] = clamp255(m[0] * r + m[1] * g + m[2] * b)
    d[i + 1] = clamp255(m[3] * r + m[4] * g + m[5] * b)
    d[i + 2] = clamp255(m[6] * r + m[7] * g + m[8] * b)
  }
}

function mapChannels(img: Raw, fn: (v: number) => number) {
  const table = new Uint8Array(256)
  for (let v = 0; v < 256; v++) table[v] = Math.round(clamp255(fn(v)))
  for (let i = 0; i < img.data.length; i++) img.data[i] = table[img.data[i]!]!
}

function greyscale(img: Raw) {
  const d = img.data
  for (let i = 0; i < d.length; i += 3) {
    d[i] = d[i + 1] = d[i + 2] = Math.round(0.299 * d[i]! + 0.587 * d[i + 1]! + 0.114 * d[i + 2]!)
  }
}

function tint(img: Raw, r: number, g: number, b: number) {
  const d = img.data
  for (let i = 0; i < d.length; i += 3) {
    d[i] = clamp255(d[i]! + r)
    d[i + 1] = clamp255(d[i + 1]! + g)
    d[i + 2] = clamp255(d[i + 2]! + b)
  }
}

function posterize(img: Raw, levels: number) {
  const step = 255 / (levels - 1)
  mapChannels(img, (v) => Math.round(v / step) * step)
}

function vignette(img: Raw, strength: number) {
  const { data, width, height } = img
  const cx = (width - 1) / 2
  const cy = (height - 1) / 2
  const norm = 1 / (cx * cx + cy * cy)
  for (let y = 0; y < height; y++) {
    const dy2 = (y - cy) * (y - cy)
    for (let x = 0; x < width; x++) {
      const k = 1 - strength * ((x - cx) * (x - cx) + dy2) * norm
      const i = (y * width + x) * 3
      data[i] = clamp255(data[i]! * k)
      data[i + 1] = clamp255(data[i + 1]! * k)
      data[i + 2] = clamp255(data[i + 2]! * k)
    }
  }
}

/** Luminance grain; the same random sequence gives the same grain. */
function addGrain(img: Raw, random: Random, amount: number) {
  const d = img.data
  for (let i = 0; i < d.length; i += 3) {
    const n = (random() - 0.5) * 2 * amount
    d[i] = clamp255(d[i]! + n)
    d[i + 1] = clamp255(d[i + 1]! + n)
    d[i + 2] = clamp255(d[i + 2]! + n)
  }
}

/** Sobel gradient magnitude of the luminance, one byte per pixel. */
function edgeMask(img: Raw): Uint8Array {
  const { data, width, height } = img
  const lum = new Float32Array(width * height)
  for (let p = 0, i = 0; p < lum.length; p++, i += 3)
    lum[p] = 0.299 * data[i]! + 0.587 * data[i + 1]! + 0.114 * data[i + 2]!
  const out = new Uint8Array(width * height)
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      const p = y * width + x
      const tl = lum[p - width - 1]!
      const tc = lum[p - width]!
      const tr = lum[p - width + 1]!
      const ml = lum[p - 1]!
      const mr = lum[p + 1]!
      const bl = lum[p + width - 1]!
      const bc = lum[p + width]!
      const br = lum[p + width + 1]!
      const gx = tr + 2 * mr + br - tl - 2 * ml - bl
      const gy = bl + 2 * bc + br - tl - 2 * tc - tr
      out[p] = Math.min(255, Math.sqrt(gx * gx + gy * gy) / 4)
    }
  }
  return out
}

// ---------------------------------------------------------------------------

function fromRaw(img: Raw): Sharp {
  return sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } })
}

async function toRaw(pipeline: Sharp): Promise<Raw> {
  const { data, info } = await pipeline.removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true })
  if (info.channels !== 3) throw new Error(`expected 3 channels, got ${info.channels}`)
  return { data, width: info.width, height: info.height }
}

function encode(img: Raw): Promise<Buffer> {
  return fromRaw(img).webp(WEBP).toBuffer()
}
