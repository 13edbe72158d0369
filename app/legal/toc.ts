import type { PortableBody, TextBlock } from '~/content'

export type TocEntry = { id: string; text: string; level: 2 | 3; children: TocEntry[] }

function blockText(block: TextBlock): string {
  return block.children.map((child) => child.text).join('')
}

function slugify(text: string): string {
  const slug = text
    .toLowerCase()
    .normalize('NFKC')
    .replace(/[^\p{L}\p{N}]+/gu, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
  return slug || 'section'
}

/**
 * Anchor ids for the h2/h3 headings of a body (keyed by block _key), unique
 * within the document, and the table of contents built from them.
 */
export function headingAnchors(body: PortableBody): { ids: Record<string, string>; toc: TocEntry[] } {
  const ids: Record<string, string> = {}
  const used = new Map<string, number>()
  const toc: TocEntry[] = []
  for (const block of body) {
    if (block._type !== 'block' || (block.style !== 'h2' && block.style !== 'h3')) continue
    const text = blockText(block).trim()
    const base = slugify(text)
    const seen = used.get(base) ?? 0
    used.set(base, seen + 1)
    const id = seen === 0 ? base : `${base}-${seen + 1}`
    ids[block._key] = id
    const entry: TocEntry = { id, text, level: block.style === 'h2' ? 2 : 3, children: [] }
    const parent = toc[toc.length - 1]
    if (entry.level === 3 && parent) parent.children.push(entry)
    else toc.push(entry)
  }
  return { ids, toc }
}
