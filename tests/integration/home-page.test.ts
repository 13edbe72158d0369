import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type * as HomeRoute from '~/routes/$lang._index'
import { isolateProcessDatabase } from '../db'
import { closeAppResources } from './support'

// The home page with the local preview engine (IMAGE_ENGINE's default): what
// its title and description promise, and the form filled in from an example.
const dir = mkdtempSync(path.join(tmpdir(), 'palitra-home-'))
process.env.DATA_DIR = dir
delete process.env.IMAGE_ENGINE

let dropOwnDatabase: () => Promise<void> = async () => {}
let home: typeof HomeRoute

beforeAll(async () => {
  dropOwnDatabase = await isolateProcessDatabase()
  const { resetEnvForTests } = await import('~/platform/env.server')
  resetEnvForTests()
  const { getDb } = await import('~/platform/db/client.server')
  await getDb()
  home = await import('~/routes/$lang._index')
})

afterAll(async () => {
  await closeAppResources()
  rmSync(dir, { recursive: true, force: true })
  await dropOwnDatabase()
})

function load(url: string, locale: 'ru' | 'en' = 'ru') {
  return home.loader({ request: new Request(url), params: { lang: locale }, context: {} })
}

describe('the home page with the local engine', () => {
  it('promises no AI in its title and description, and says preview', async () => {
    for (const [locale, preview] of [
      ['ru', /черн/i],
      ['en', /preview/i],
    ] as const) {
      const data = await load(`http://localhost/${locale}`, locale)
      expect(data).toMatchObject({ engineKind: 'local', engineTakesPhoto: true })
      // AI is named only to say that this is not it.
      for (const text of [data.title, data.description]) {
        expect(text.replace(/не ИИ|not AI/g, '')).not.toMatch(/\bAI\b|ИИ|искусственн|artificial/i)
      }
      expect(data.title).toMatch(preview)
      const meta = home.meta({ data } as Parameters<typeof home.meta>[0])
      expect(meta).toEqual([{ title: data.title }, { name: 'description', content: data.description }])
    }
  })

  it('fills the form in from an example link, taking only valid values', async () => {
    const query = new URLSearchParams({ prompt: 'Маяк на рассвете', style: 'watercolor', aspectRatio: '16:9' })
    expect((await load(`http://localhost/ru?${query}`)).defaults).toEqual({
      prompt: 'Маяк на рассвете',
      style: 'watercolor',
      aspectRatio: '16:9',
    })
    const bad = new URLSearchParams({ prompt: 'x'.repeat(5000), style: '<script>', aspectRatio: '2:1' })
    expect((await load(`http://localhost/ru?${bad}`)).defaults).toBeUndefined()
  })
})
