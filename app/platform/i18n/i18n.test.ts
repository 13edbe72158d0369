import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { createInstance } from 'i18next'
import { describe, expect, it } from 'vitest'
import { i18nConfig } from './config'
import { datePunctuation } from './date-punctuation'
import { formatDate, formatMoney } from './format'
import { languageFromAcceptLanguage } from './i18next.server'
import { LOCALES } from './locales'

const localesDir = path.resolve('locales')

function load(locale: string) {
  return Object.fromEntries(
    readdirSync(path.join(localesDir, locale)).map((file) => [
      file.replace(/\.json$/, ''),
      JSON.parse(readFileSync(path.join(localesDir, locale, file), 'utf8')) as Record<string, unknown>,
    ]),
  )
}

async function t(locale: string) {
  const instance = createInstance()
  await instance
    .use(datePunctuation)
    .init({ ...i18nConfig, lng: locale, resources: { ru: load('ru'), en: load('en') } })
  return instance.t
}

function keys(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null) return [prefix]
  return Object.entries(value).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k))
}

// Plural suffixes differ by language (ru: one/few/many/other, en: one/other).
const withoutPlural = (key: string) => key.replace(/_(zero|one|two|few|many|other)$/, '')

describe('strings', () => {
  it('has the same namespaces and keys in every language', () => {
    const [first, ...rest] = LOCALES.map((l) => load(l))
    for (const other of rest) {
      expect(Object.keys(other).sort()).toEqual(Object.keys(first!).sort())
      for (const ns of Object.keys(first!)) {
        expect(new Set(keys(other[ns]).map(withoutPlural)), ns).toEqual(new Set(keys(first![ns]).map(withoutPlural)))
      }
    }
  })

  it('uses Russian plural forms', async () => {
    const ru = await t('ru')
    expect([1, 2, 5, 11, 21, 22, 25, 101].map((count) => ru('credits', { count }))).toEqual([
      '1 кредит',
      '2 кредита',
      '5 кредитов',
      '11 кредитов',
      '21 кредит',
      '22 кредита',
      '25 кредитов',
      '101 кредит',
    ])
    const en = await t('en')
    expect([1, 2].map((count) => en('credits', { count }))).toEqual(['1 credit', '2 credits'])
  })
})

describe('the privacy policy’s name', () => {
  /** The title of the newest seed version of a document, as the document itself carries it. */
  function seedTitle(kind: string, locale: string): string {
    const files = readdirSync(path.resolve('cms/seed/src'))
      .map((file) => new RegExp(`^${kind}\\.${locale}\\.v(\\d+)\\.md$`).exec(file))
      .filter((match) => match !== null)
      .sort((a, b) => Number(b[1]) - Number(a[1]))
    const text = readFileSync(path.resolve('cms/seed/src', files[0]![0]), 'utf8')
    return /^title: (.+)$/m.exec(text)![1]!.trim()
  }

  it('is the title the document carries, in navigation, the archive and the legal view', () => {
    expect(seedTitle('privacy', 'ru')).toBe('Политика обработки персональных данных')
    for (const locale of LOCALES) {
      expect((load(locale).common as { documentKinds: Record<string, string> }).documentKinds.privacy).toBe(
        seedTitle('privacy', locale),
      )
    }
  })

  it('is never given another name in the Russian interface', () => {
    const strings = JSON.stringify(load('ru'))
    expect(strings).not.toMatch(/[Пп]олитик\p{L}* конфиденциальности/u)
  })
})

describe('formatting', () => {
  it('formats dates in the legal time zone for each locale', () => {
    // 21:30 UTC on 31 August is already 1 September in Moscow.
    expect(formatDate('2026-08-31T21:30:00Z', 'ru')).toBe('1 сентября 2026 г.')
    expect(formatDate('2026-08-31T21:30:00Z', 'en')).toBe('1 September 2026')
  })

  it('formats kopecks as roubles and refuses fractions', () => {
    expect(formatMoney(49_000, 'ru').replace(/\s/g, ' ')).toBe('490 ₽')
    expect(formatMoney(49_050, 'en')).toBe('₽490.50')
    expect(() => formatMoney(10.5, 'ru')).toThrow(TypeError)
  })
})

describe('languageFromAcceptLanguage', () => {
  it.each([
    ['en-US,en;q=0.9', 'en'],
    ['de-DE,de;q=0.9,en;q=0.8,ru;q=0.7', 'en'],
    ['ru;q=0.5,en;q=0.8', 'en'],
    ['fr, ru', 'ru'],
    ['en;q=0, ru;q=0.1', 'ru'],
    ['EN-gb', 'en'],
    ['de, fr;q=0.5, *;q=0.1', null],
    ['', null],
    [';;;,q=,', null],
  ])('%j → %s', (header, expected) => {
    expect(languageFromAcceptLanguage(header)).toBe(expected)
  })
})

describe('Russian dates in sentences', () => {
  it('never put a full stop right after a date, which already ends in «г.»', async () => {
    const { readdirSync, readFileSync } = await import('node:fs')
    const offenders: string[] = []
    const walk = (value: unknown, where: string) => {
      if (typeof value === 'string') {
        if (/\{\{(date|until|original)\}\}\./.test(value)) offenders.push(where)
      } else if (value && typeof value === 'object') {
        for (const [key, inner] of Object.entries(value)) walk(inner, `${where}.${key}`)
      }
    }
    for (const file of readdirSync('locales/ru')) {
      walk(JSON.parse(readFileSync(`locales/ru/${file}`, 'utf8')), file)
    }
    expect(offenders).toEqual([])
  })
})

describe('the documents’ names in running text', () => {
  const texts = (locale: string) => {
    const out: string[] = []
    const walk = (value: unknown) => {
      if (typeof value === 'string') out.push(value)
      else if (value && typeof value === 'object') Object.values(value).forEach(walk)
    }
    walk(load(locale))
    return out
  }

  it('are the names of common.json documentKinds, capitalised and whole, in English', () => {
    const names = ['Privacy Policy', 'Terms of Service', 'Cookie Policy']
    const wrong: string[] = []
    for (const text of texts('en')) {
      for (const name of names) {
        for (const match of text.matchAll(new RegExp(name, 'gi'))) {
          const rest = text.slice(match.index + match[0].length)
          if (match[0] !== name) wrong.push(text)
          else if (name === 'Terms of Service' && !rest.startsWith(' (Public Offer)')) wrong.push(text)
        }
      }
    }
    expect(wrong).toEqual([])
  })

  it('are the names of common.json documentKinds, capitalised and whole, in Russian (in any case form)', () => {
    const stems = [/(п)олитик\p{L}* обработки персональных данных/giu, /(п)олитик\p{L}* использования файлов cookie/giu]
    const terms = /(п)ользовательск\p{L}* соглашени\p{L}*/giu
    const wrong: string[] = []
    for (const text of texts('ru')) {
      for (const stem of stems) for (const match of text.matchAll(stem)) if (match[1] !== 'П') wrong.push(text)
      for (const match of text.matchAll(terms)) {
        const rest = text.slice(match.index + match[0].length)
        if (match[1] !== 'П' || !rest.startsWith(' (публичн')) wrong.push(text)
      }
    }
    expect(wrong).toEqual([])
  })
})
