import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { collapseStopAfterDate } from './date-punctuation'
import { formatDate } from './format'
import { getFixedT } from './i18next.server'

// Russian long dates end in «г.»; a sentence ending on a date must not add a second stop.
const DATE = formatDate('2026-12-07T09:00:00Z', 'ru')
const DATE_TIME = formatDate('2026-12-07T09:00:00Z', 'ru', true)

/** Every Russian string with its key path (`ns:a.b`) and the placeholders it has. */
function russianStrings(): Array<{ key: string; placeholders: string[] }> {
  const dir = path.resolve('locales/ru')
  const out: Array<{ key: string; placeholders: string[] }> = []
  const walk = (value: unknown, key: string) => {
    if (typeof value === 'string') {
      const placeholders = [...value.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]!)
      if (placeholders.length) out.push({ key, placeholders })
    } else if (value && typeof value === 'object') {
      for (const [k, inner] of Object.entries(value)) walk(inner, key.endsWith(':') ? `${key}${k}` : `${key}.${k}`)
    }
  }
  for (const file of readdirSync(dir))
    walk(JSON.parse(readFileSync(path.join(dir, file), 'utf8')), `${file.slice(0, -5)}:`)
  return out
}

describe('a full stop after a Russian date', () => {
  it('is the date’s own: «г.» is not followed by another stop', () => {
    expect(DATE).toMatch(/г\.$/)
    expect(collapseStopAfterDate(`Действует с ${DATE}.`)).toBe(`Действует с ${DATE}`)
    expect(collapseStopAfterDate(`До ${DATE}. Потом — нет.`)).toBe(`До ${DATE} Потом — нет.`)
    // An ellipsis, and a «г.» that is not a year, stay as they are.
    expect(collapseStopAfterDate(`с ${DATE}..`.replace('г..', 'г...'))).toContain('г...')
    expect(collapseStopAfterDate('Город г.. Москва')).toBe('Город г.. Москва')
  })

  it('never shows up in any Russian string, whichever placeholder a date lands in', () => {
    const t = getFixedT('ru', 'common')
    const doubled: string[] = []
    for (const { key, placeholders } of russianStrings()) {
      for (const date of [DATE, DATE_TIME]) {
        // Each placeholder a date in turn, the others a plain word.
        for (const at of placeholders) {
          const vars = Object.fromEntries(placeholders.map((p) => [p, p === at ? date : 'слово']))
          const text = t(key, { ...vars, count: 5 })
          if (/г\.\.(?!\.)/.test(text)) doubled.push(`${key} ({{${at}}}): ${text}`)
        }
      }
    }
    expect(doubled).toEqual([])
  })

  it('keeps English dates and sentences as they are', () => {
    const t = getFixedT('en', 'legal')
    expect(t('effectiveFrom', { date: formatDate('2026-12-07T09:00:00Z', 'en') })).toBe(
      'In force since 7 December 2026',
    )
  })
})
