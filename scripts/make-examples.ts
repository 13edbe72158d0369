// npx tsx scripts/make-examples.ts
//
// Draws the landing page's example gallery with the local preview engine
// (the same engine and WebP encoder the site uses, so the images are what a
// visitor gets) into public/examples/, and rewrites the list in
// app/generation/examples.ts. Each picture is drawn from its Russian prompt;
// the English one says the same. Run it again after changing the engine and
// look at every image before committing them.
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import sharp from 'sharp'
import { createLocalEngine } from '~/generation/index.server'
import type { AspectRatio, GalleryExample, Style } from '~/generation'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const OUT_DIR = path.join(root, 'public', 'examples')
const LIST_FILE = path.join(root, 'app', 'generation', 'examples.ts')
/** The gallery shows them at about this size; the long side. */
const LONG_SIDE = 640
const MAX_BYTES = 120 * 1024

type Example = { file: string; ru: string; en: string; style: Style; aspectRatio: AspectRatio; seed: number }

const EXAMPLES: Example[] = [
  { file: 'sunset-sea', ru: 'Закат над морем', en: 'Sunset over the sea', style: 'none', aspectRatio: '16:9', seed: 3 },
  {
    file: 'night-city',
    ru: 'Ночной город у реки',
    en: 'A night city by the river',
    style: 'neon',
    aspectRatio: '4:3',
    seed: 2,
  },
  {
    file: 'winter-forest',
    ru: 'Зимний лес в горах на рассвете',
    en: 'A winter forest in the mountains at dawn',
    style: 'watercolor',
    aspectRatio: '3:4',
    seed: 1,
  },
  {
    file: 'portrait-sunset',
    ru: 'Портрет девушки на закате у моря',
    en: 'Portrait of a girl by the sea at sunset',
    style: 'none',
    aspectRatio: '3:4',
    seed: 4,
  },
  {
    file: 'poppy-field',
    ru: 'Поле красных маков',
    en: 'A field of red poppies',
    style: 'watercolor',
    aspectRatio: '4:3',
    seed: 5,
  },
  {
    file: 'starry-forest',
    ru: 'Сосновый лес под звёздным небом',
    en: 'A pine forest under a starry sky',
    style: 'none',
    aspectRatio: '9:16',
    seed: 6,
  },
  {
    file: 'desert-noon',
    ru: 'Солнечная пустыня с барханами',
    en: 'A sunny desert with dunes',
    style: 'pastel',
    aspectRatio: '1:1',
    seed: 7,
  },
  {
    file: 'mountain-lake-comic',
    ru: 'Горное озеро и лес летом',
    en: 'A mountain lake and forest in summer',
    style: 'comic',
    aspectRatio: '1:1',
    seed: 8,
  },
]

async function main() {
  const engine = createLocalEngine({ longSide: LONG_SIDE })
  rmSync(OUT_DIR, { recursive: true, force: true })
  mkdirSync(OUT_DIR, { recursive: true })
  const list: GalleryExample[] = []
  for (const example of EXAMPLES) {
    const [image] = await engine.generate(
      { prompt: example.ru, style: example.style, aspectRatio: example.aspectRatio, count: 1, seed: example.seed },
      { signal: new AbortController().signal },
    )
    if (!image) throw new Error(`no image for ${example.file}`)
    let bytes = image.bytes
    // The engine's own quality first; a lower one only if the file would be too heavy for the landing page.
    for (let quality = 80; bytes.length > MAX_BYTES && quality >= 50; quality -= 10) {
      bytes = await sharp(image.bytes).webp({ quality, effort: 4 }).toBuffer()
    }
    if (bytes.length > MAX_BYTES) throw new Error(`${example.file} is ${bytes.length} bytes, over ${MAX_BYTES}`)
    const file = `${example.file}.webp`
    writeFileSync(path.join(OUT_DIR, file), bytes)
    list.push({
      file,
      prompt: { ru: example.ru, en: example.en },
      style: example.style,
      aspectRatio: example.aspectRatio,
      width: image.width,
      height: image.height,
    })
    console.log(`${file}: ${image.width}×${image.height}, ${Math.round(bytes.length / 1024)} KB`)
  }

  const source = readFileSync(LIST_FILE, 'utf8')
  const marker = 'export const GALLERY_EXAMPLES: readonly GalleryExample[] ='
  const at = source.indexOf(marker)
  if (at < 0) throw new Error(`${LIST_FILE} has no "${marker}"`)
  writeFileSync(LIST_FILE, `${source.slice(0, at)}${marker} ${JSON.stringify(list, null, 2)}\n`)
  console.log(`${list.length} examples in ${path.relative(root, OUT_DIR)}; ${readdirSync(OUT_DIR).length} files`)
}

main().catch((error: unknown) => {
  console.error(error)
  process.exitCode = 1
})
