/**
 * What the scene and the filters share: three-channel pixels and their
 * round trip through sharp, and seeded randomness, so the same input always
 * gives the same bytes.
 */
import { createHash } from 'node:crypto'
import sharp, { type Sharp } from 'sharp'

/** Three-channel sRGB pixels, the form every step below works on. */
export type Raw = { data: Buffer; width: number; height: number }
export type Random = () => number

export function hash32(...parts: (string | number)[]): number {
  return createHash('sha256').update(parts.join('\u0000')).digest().readUInt32BE(0)
}

/** mulberry32: small, fast and good enough for shapes and grain. */
export function mulberry32(seed: number): Random {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export const between = (random: Random, min: number, max: number) => min + random() * (max - min)
export const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]!
export const clamp255 = (v: number) => (v < 0 ? 0 : v > 255 ? 255 : v)

/** Luminance grain; the same random sequence gives the same grain. */
export function addGrain(img: Raw, random: Random, amount: number) {
  const d = img.data
  for (let i = 0; i < d.length; i += 3) {
    const n = (random() - 0.5) * 2 * amount
    d[i] = clamp255(d[i]! + n)
    d[i + 1] = clamp255(d[i + 1]! + n)
    d[i + 2] = clamp255(d[i + 2]! + n)
  }
}

export function fromRaw(img: Raw): Sharp {
  return sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } })
}

export async function toRaw(pipeline: Sharp): Promise<Raw> {
  const { data, info } = await pipeline.removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true })
  if (info.channels !== 3) throw new Error(`expected 3 channels, got ${info.channels}`)
  return { data, width: info.width, height: info.height }
}

/** A colour given as hue (degrees), saturation and lightness (percent) as an SVG hex colour. */
export function hsl(h: number, s: number, l: number): string {
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
