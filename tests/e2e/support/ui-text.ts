import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * The site's own interface strings (locales/{ru,en}/*.json), so that tests
 * follow a reworded label instead of breaking on it. Legal texts are never
 * read from here: they come from the dataset or from the page.
 */

export const LOCALES = ['ru', 'en'] as const
export type Locale = (typeof LOCALES)[number]
export const otherLocale = (locale: Locale): Locale => (locale === 'ru' ? 'en' : 'ru')

const localesDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../locales')
const cache = new Map<string, Record<string, unknown>>()

function namespace(locale: Locale, ns: string): Record<string, unknown> {
  const key = `${locale}/${ns}`
  let data = cache.get(key)
  if (!data) {
    data = JSON.parse(readFileSync(path.join(localesDir, locale, `${ns}.json`), 'utf8')) as Record<string, unknown>
    cache.set(key, data)
  }
  return data
}

/** `ui('en', 'legal:versions.title', { document: 'X' })`, with i18next's `{{name}}` interpolation. */
export function ui(locale: Locale, key: string, vars: Record<string, string | number> = {}): string {
  const [ns, dotted] = key.includes(':') ? (key.split(':', 2) as [string, string]) : ['common', key]
  let value: unknown = namespace(locale, ns)
  for (const part of dotted.split('.')) {
    value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[part] : undefined
  }
  if (typeof value !== 'string') throw new Error(`no string ${locale}/${key} in locales/`)
  return value.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, name: string) => {
    if (!(name in vars)) throw new Error(`${locale}/${key} needs {{${name}}}`)
    return String(vars[name])
  })
}

/**
 * A browser locale for `test.use({ locale })`. Chromium takes the
 * Accept-Language of navigations from the context's locale (extraHTTPHeaders
 * only reach subresources), so this is how a test picks the browser's language.
 */
export const browserLocale = (locale: Locale) => (locale === 'en' ? 'en-GB' : 'ru-RU')

/** An Accept-Language header that prefers `locale`, for API requests. */
export const acceptLanguage = (locale: Locale) => (locale === 'en' ? 'en-GB,en;q=0.9' : 'ru-RU,ru;q=0.9')
