import type { AspectRatio } from './options'

/**
 * Early hints the generation form gives in the browser before anything is
 * sent. They only save a round trip: the server checks everything again.
 */

/** The same limit as the server's MAX_PHOTO_BYTES (upload.server.ts), which the browser cannot import. */
export const PHOTO_MAX_BYTES = 10 * 1024 * 1024
export const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const
/** The `accept` attribute of the photo input. */
export const PHOTO_ACCEPT = PHOTO_TYPES.join(',')

export type PhotoHint = 'too-large' | 'unsupported-type'

/**
 * Why a chosen file will probably be refused, as an `upload.<code>` message
 * key of the `generate` namespace, or null when it looks fine. An empty type
 * (the browser could not tell) counts as unsupported: JPEG, PNG and WebP are
 * always recognised.
 */
export function photoHint(file: { size: number; type: string }): PhotoHint | null {
  if (!(PHOTO_TYPES as readonly string[]).includes(file.type.toLowerCase())) return 'unsupported-type'
  if (file.size > PHOTO_MAX_BYTES) return 'too-large'
  return null
}

/**
 * The prompt's length as the server counts it. A textarea's value has LF line
 * breaks, and its maxLength counts them so; line breaks are counted once
 * whichever way they arrive.
 */
export function promptLength(value: string): number {
  return value.replace(/\r\n?/g, '\n').length
}

export type CounterState = 'ok' | 'near' | 'full'

/** How close the prompt is to its limit: 'near' from 90 %, 'full' at the limit (or over it). */
export function counterState(length: number, max: number): CounterState {
  if (length >= max) return 'full'
  if (length >= Math.floor(max * 0.9)) return 'near'
  return 'ok'
}

/**
 * A prompt cut to at most `max` characters on a word boundary where one is
 * near, with an ellipsis, for alt texts and labels. Whitespace runs collapse.
 */
export function shortenPrompt(prompt: string, max = 80): string {
  const flat = prompt.replace(/\s+/g, ' ').trim()
  if (flat.length <= max) return flat
  const cut = flat.slice(0, max - 1)
  const space = cut.lastIndexOf(' ')
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).trimEnd()}…`
}

/**
 * The locale key of an aspect ratio: i18next reads ':' as its namespace
 * separator, so '16:9' is stored as `ratios.16x9`.
 */
export function ratioKey(ratio: AspectRatio): `ratios.${string}` {
  return `ratios.${ratio.replace(':', 'x')}`
}
