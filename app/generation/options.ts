/**
 * What a person can choose in the generation form. Shared by the browser
 * (form, price preview) and the server (validation, engines), so it holds
 * no server-only code.
 */

export const STYLES = ['none', 'watercolor', 'comic', 'noir', 'vintage', 'neon', 'pastel'] as const
export type Style = (typeof STYLES)[number]

export const ASPECT_RATIOS = ['1:1', '4:3', '3:4', '16:9', '9:16'] as const
export type AspectRatio = (typeof ASPECT_RATIOS)[number]

export const MIN_IMAGES = 1
export const MAX_IMAGES = 4
export const PROMPT_MAX_LENGTH = 1000

/** Credits one image costs; a request for several images costs the sum (terms 6.4). */
export const CREDITS_PER_IMAGE = 1

export function priceInCredits(count: number): number {
  return count * CREDITS_PER_IMAGE
}

/** Pixel size for an aspect ratio, with the longer side `longSide` (rounded to multiples of 8). */
export function dimensionsFor(ratio: AspectRatio, longSide: number): { width: number; height: number } {
  const [w, h] = ratio.split(':').map(Number) as [number, number]
  const round8 = (n: number) => Math.max(8, Math.round(n / 8) * 8)
  return w >= h
    ? { width: round8(longSide), height: round8((longSide * h) / w) }
    : { width: round8((longSide * w) / h), height: round8(longSide) }
}

export function isStyle(value: unknown): value is Style {
  return typeof value === 'string' && (STYLES as readonly string[]).includes(value)
}

export function isAspectRatio(value: unknown): value is AspectRatio {
  return typeof value === 'string' && (ASPECT_RATIOS as readonly string[]).includes(value)
}
