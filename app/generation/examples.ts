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

export const GALLERY_EXAMPLES: readonly GalleryExample[] = [
  {
    file: 'sunset-sea.webp',
    prompt: {
      ru: 'Закат над морем',
      en: 'Sunset over the sea',
    },
    style: 'none',
    aspectRatio: '16:9',
    width: 640,
    height: 360,
  },
  {
    file: 'night-city.webp',
    prompt: {
      ru: 'Ночной город у реки',
      en: 'A night city by the river',
    },
    style: 'neon',
    aspectRatio: '4:3',
    width: 640,
    height: 480,
  },
  {
    file: 'winter-forest.webp',
    prompt: {
      ru: 'Зимний лес в горах на рассвете',
      en: 'A winter forest in the mountains at dawn',
    },
    style: 'watercolor',
    aspectRatio: '3:4',
    width: 480,
    height: 640,
  },
  {
    file: 'portrait-sunset.webp',
    prompt: {
      ru: 'Портрет девушки на закате у моря',
      en: 'Portrait of a girl by the sea at sunset',
    },
    style: 'none',
    aspectRatio: '3:4',
    width: 480,
    height: 640,
  },
  {
    file: 'poppy-field.webp',
    prompt: {
      ru: 'Поле красных маков',
      en: 'A field of red poppies',
    },
    style: 'watercolor',
    aspectRatio: '4:3',
    width: 640,
    height: 480,
  },
  {
    file: 'starry-forest.webp',
    prompt: {
      ru: 'Сосновый лес под звёздным небом',
      en: 'A pine forest under a starry sky',
    },
    style: 'none',
    aspectRatio: '9:16',
    width: 360,
    height: 640,
  },
  {
    file: 'desert-noon.webp',
    prompt: {
      ru: 'Солнечная пустыня с барханами',
      en: 'A sunny desert with dunes',
    },
    style: 'pastel',
    aspectRatio: '1:1',
    width: 640,
    height: 640,
  },
  {
    file: 'mountain-lake-comic.webp',
    prompt: {
      ru: 'Горное озеро и лес летом',
      en: 'A mountain lake and forest in summer',
    },
    style: 'comic',
    aspectRatio: '1:1',
    width: 640,
    height: 640,
  },
]
