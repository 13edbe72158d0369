import type { AspectRatio, Style } from './options'

/**
 * The example gallery on the landing page: images our own local preview
 * engine made from these prompts (scripts/make-examples.ts writes them to
 * public/examples/ and this list). Shown so a newcomer sees what a prompt
 * turns into; each can be tried again with one click.
 */
export type GalleryExample = {
  /** File name under /examples/ (public/examples/). */
  file: string
  prompt: { ru: string; en: string }
  style: Style
  aspectRatio: AspectRatio
  width: number
  height: number
}

export const GALLERY_EXAMPLES: readonly GalleryExample[] = []
