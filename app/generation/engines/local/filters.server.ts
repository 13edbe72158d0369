/**
 * The local engine's styles, the colour treatments a person picks: each is a
 * few cheap sharp operations and pixel passes, and the passes are below.
 */
import type { Style } from '../../options'
import { addGrain, between, clamp255, fromRaw, toRaw, type Random, type Raw } from './raw.server'

export async function applyStyle(style: Style, img: Raw, random: Random): Promise<Raw> {
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
