/**
 * What the local engine draws from the prompt alone. When its words name
 * things it can draw (words.server.ts), a composed scene
 * (landscape.server.ts); otherwise an abstract picture: a palette from its
 * colour and mood words (the hash decides the rest) and a composition of a
 * gradient sky and two motifs. Both are SVG painted with sharp.
 */
import sharp from 'sharp'
import { isDrawable, landscapeSvg } from './landscape.server'
import { addGrain, between, hash32, hsl, mulberry32, pick, toRaw, type Random } from './raw.server'
import { readPrompt, type ColourName } from './words.server'

const f = (n: number) => n.toFixed(1)

// ---------------------------------------------------------------------------
// Palette: words in the prompt pick the hue and mood when they can; the hash
// decides the rest.

type Mood = 'dark' | 'light' | 'normal'

const HUES: Partial<Record<ColourName, number>> = {
  red: 355,
  orange: 28,
  yellow: 52,
  gold: 44,
  green: 125,
  turquoise: 175,
  blue: 215,
  lightblue: 200,
  purple: 275,
  pink: 330,
  brown: 25,
}

function promptHints(prompt: string): { hue?: number; mood: Mood } {
  const reading = readPrompt(prompt)
  const hue = reading.colours.map((c) => HUES[c]).find((h) => h !== undefined)
  const dark = reading.colours.includes('black') || reading.moods.has('gloomy')
  const light = reading.colours.includes('white') || reading.moods.has('pastel')
  return { hue, mood: dark ? 'dark' : light ? 'light' : 'normal' }
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

export async function paintScene(
  prompt: string,
  seed: number,
  index: number,
  width: number,
  height: number,
  random: Random,
) {
  const reading = readPrompt(prompt)
  const svg = isDrawable(reading)
    ? landscapeSvg(reading, width, height, random)
    : sceneSvg(width, height, makePalette(prompt, seed, index), random)
  const raw = await toRaw(sharp(Buffer.from(svg)).flatten({ background: '#000000' }))
  addGrain(raw, random, 6)
  return raw
}
