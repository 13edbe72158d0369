/**
 * The local engine's styles, the colour treatments a person picks: each is a
 * few cheap sharp operations and pixel passes, and the passes are below.
 */
import sharp from 'sharp'
import type { Style } from '../../options'
import { addGrain, clamp255, fromRaw, toRaw, type Random, type Raw } from './raw.server'

export async function applyStyle(style: Style, img: Raw, random: Random): Promise<Raw> {
  // Pixel passes in JS and only cheap sharp operations (resize, blur): sharp's
  // modulate, median and sharpen convert colour spaces and cost 40–80 ms each.
  switch (style) {
    case 'none':
      return img
    case 'watercolor': {
      // Soft washes of colour that bleed into each other, uneven pigment,
      // darker where it pools at the edges, on textured paper that shows at the margins.
      const washes = await toRaw(
        fromRaw(img)
          .resize({ width: Math.max(8, Math.round(img.width / 6)), height: Math.max(8, Math.round(img.height / 6)) })
          .resize({ width: img.width, height: img.height, kernel: 'cubic' })
          .blur(1.6),
      )
      colorMatrix(washes, saturateMatrix(0.9))
      const edges = edgeMask(washes)
      const blotches = await noiseField(img.width, img.height, 24, random)
      const tooth = await noiseField(img.width, img.height, 3, random)
      const d = washes.data
      const { width, height } = washes
      const margin = Math.min(width, height) * 0.045
      for (let y = 0, p = 0; y < height; y++) {
        for (let x = 0; x < width; x++, p++) {
          const i = p * 3
          // Pigment: pools at edges, uneven across the wash.
          const k = (1 - Math.min(0.3, edges[p]! / 110)) * (0.9 + blotches[p]! * 0.2)
          // Paper: white shows through light washes and at the ragged margins.
          const border = Math.min(x, y, width - 1 - x, height - 1 - y) / margin + (blotches[p]! - 0.5) * 0.9
          const paper = border < 1 ? Math.min(1, (1 - border) * 2) : 0
          const grain = (tooth[p]! - 0.5) * 18
          for (let c = 0; c < 3; c++) {
            const pigment = 30 + d[i + c]! * k * 0.88
            d[i + c] = clamp255(pigment + (PAPER[c]! - pigment) * paper + grain)
          }
        }
      }
      addGrain(washes, random, 5)
      return washes
    }
    case 'comic': {
      // Flat colours in a few tones, dark ink outlines and halftone dots in the shadows.
      const flat = await toRaw(
        fromRaw(img)
          .resize({ width: Math.max(8, Math.round(img.width / 2)), height: Math.max(8, Math.round(img.height / 2)) })
          .blur(1.2)
          .resize({ width: img.width, height: img.height }),
      )
      colorMatrix(flat, saturateMatrix(1.5))
      const edges = edgeMask(flat)
      posterize(flat, 5)
      const d = flat.data
      const { width, height } = flat
      const cell = Math.max(4, Math.round(Math.min(width, height) / 110))
      for (let y = 0, p = 0; y < height; y++) {
        for (let x = 0; x < width; x++, p++) {
          const i = p * 3
          if (edges[p]! > 28) {
            d[i] = d[i + 1] = d[i + 2] = 18
            continue
          }
          const lum = 0.299 * d[i]! + 0.587 * d[i + 1]! + 0.114 * d[i + 2]!
          if (lum > 120) continue
          // A dot per cell on a 45° grid, bigger where it is darker.
          const u = ((x + y) / cell) % 2
          const v = ((x - y + height * 4) / cell) % 2
          const du = u - 1
          const dv = v - 1
          const radius = ((120 - lum) / 120) * 0.7
          if (du * du + dv * dv < radius * radius) {
            d[i] = clamp255(d[i]! * 0.5)
            d[i + 1] = clamp255(d[i + 1]! * 0.5)
            d[i + 2] = clamp255(d[i + 2]! * 0.5)
          }
        }
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
      // Deep shadows and saturated colour; every outline glows like a neon tube.
      const edges = edgeMask(img)
      colorMatrix(img, saturateMatrix(1.8))
      const tubes = Buffer.alloc(img.data.length)
      const d = img.data
      for (let p = 0, i = 0; p < edges.length; p++, i += 3) {
        const r = d[i]!
        const g = d[i + 1]!
        const b = d[i + 2]!
        // Below 10 is the scene's grain, not an outline.
        const e = Math.min(1, Math.max(0, edges[p]! - 10) / 35)
        if (e > 0) {
          // The tube takes the pixel's hue at full brightness.
          const max = Math.max(r, g, b, 1)
          tubes[i] = clamp255((r / max) * 255 * e + 60 * e)
          tubes[i + 1] = clamp255((g / max) * 255 * e + 60 * e)
          tubes[i + 2] = clamp255((b / max) * 255 * e + 60 * e)
        }
      }
      mapChannels(img, (v) => 255 * Math.pow(v / 255, 2.1) * 0.8)
      const glow = await toRaw(
        fromRaw({ data: tubes, width: img.width, height: img.height }).blur(Math.max(2, img.width / 110)),
      )
      for (let i = 0; i < d.length; i++) {
        const light = Math.min(255, tubes[i]! + glow.data[i]! * 1.6)
        d[i] = clamp255(255 - ((255 - d[i]!) * (255 - light)) / 255)
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

/** Watercolour paper, warm white. */
const PAPER = [246, 241, 228] as const

/** Smooth noise in 0..1, one value per pixel: random values on a grid `scale` pixels apart, upscaled. */
async function noiseField(width: number, height: number, scale: number, random: Random): Promise<Float32Array> {
  const gw = Math.max(2, Math.ceil(width / scale))
  const gh = Math.max(2, Math.ceil(height / scale))
  const grid = Buffer.alloc(gw * gh)
  for (let i = 0; i < grid.length; i++) grid[i] = Math.floor(random() * 256)
  const { data } = await sharp(grid, { raw: { width: gw, height: gh, channels: 1 } })
    .resize({ width, height, kernel: 'cubic' })
    .extractChannel(0)
    .raw()
    .toBuffer({ resolveWithObject: true })
  const out = new Float32Array(width * height)
  for (let i = 0; i < out.length; i++) out[i] = data[i]! / 255
  return out
}

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

export function tint(img: Raw, r: number, g: number, b: number) {
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
