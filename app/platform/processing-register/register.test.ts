import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseEnv, SETTING_NAMES } from '~/platform/env.server'
import { REGISTER_PROCESSOR_IDS } from '../../../cms/schemaTypes/rules'
import { COOKIES, type CookieDeclaration } from './cookies'
import { enabledProcessors, PROCESSORS, type ProcessorEntry } from './processors'
import { RETENTION, retentionCutoff, type RetentionEntry } from './retention'

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name)
    if (entry.isDirectory()) return sourceFiles(file)
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [file] : []
  })
}

// Settings that switch on no outside service: they tune our own code.
const OWN_SETTINGS = new Set([
  'NODE_ENV',
  'PORT',
  'HOST',
  'LOG_LEVEL',
  'DATA_DIR',
  'MEDIA_DIR_SHARED',
  'DATABASE_URL',
  'PUBLIC_URL',
  'TRUST_PROXY',
  'CONTENT_DATASET',
  'CONTENT_CACHE_TTL_SECONDS',
  'GUEST_FREE_CREDITS',
  'MAIL_FROM',
  'SESSION_SECRET',
  'SESSION_SECRET_PREVIOUS',
  'IMAGE_ENGINE',
  'ENGINE_TIMEOUT_MS',
  'ENGINE_RETRIES',
  'WORKER_CONCURRENCY',
  'JOB_LEASE_SECONDS',
  'JOB_MAX_ATTEMPTS',
  'MODERATION_RULES_FILE',
  'RECEIPT_TAXATION',
  'RECEIPT_TAX',
  'CONTENT_CHANGE_CHECK_SECONDS',
  // The notice periods before a material change; the privacy policy's notices table is rendered from them.
  'LEGAL_NOTICE_DAYS_TERMS',
  'LEGAL_NOTICE_DAYS_OTHER',
])

// tests/mocks has one file per outside vendor; each is an integration the register must know.
const MOCK_VENDORS: Record<string, string[]> = {
  'google.ts': ['google-sign-in'],
  'kandinsky.ts': ['kandinsky-images'],
  'openai.ts': ['openai-images'],
  's3.ts': ['object-storage'],
  'sanity.ts': ['sanity'],
  'tbank.ts': ['tbank'],
  'vk.ts': ['vk-sign-in'],
  'yandex.ts': ['yandex-sign-in'],
  'yandex-art.ts': ['yandex-art-images'],
}

// Engine adapters that send prompts to an outside provider; the local engine and shared helpers send nothing.
const ENGINE_ADAPTERS: Record<string, string | null> = {
  'index.server.ts': null,
  'local.server.ts': null,
  'provider-http.server.ts': null,
  'provider-prompt.server.ts': null,
  'openai.server.ts': 'openai-images',
  'yandex-art.server.ts': 'yandex-art-images',
  'kandinsky.server.ts': 'kandinsky-images',
}

describe('the register of processing', () => {
  it('names each cookie once, with wording in both languages', () => {
    const names = COOKIES.flatMap((c: CookieDeclaration) => c.names ?? [c.name])
    expect(new Set(names).size).toBe(names.length)
    for (const cookie of COOKIES as readonly CookieDeclaration[]) {
      expect(cookie.purpose.ru && cookie.purpose.en && cookie.lifetime.ru && cookie.lifetime.en).toBeTruthy()
      expect(cookie.maxAgeSeconds).toBeGreaterThan(0)
    }
  })

  it('every retention period is enforced by a function that exists in the code', () => {
    const source = sourceFiles('app')
      .filter((file) => !file.startsWith(path.join('app', 'platform', 'processing-register')))
      .map((file) => fs.readFileSync(file, 'utf8'))
      .join('\n')
    const missing = Object.values(RETENTION as Record<string, RetentionEntry>)
      .filter((entry) => entry.period.kind !== 'operator')
      .filter((entry) => !new RegExp(`export (async )?function ${entry.enforcedBy}\\b`).test(source))
      .map((entry) => `${entry.id}: ${entry.enforcedBy}`)
    expect(missing).toEqual([])
  })

  it('counts periods in days and calendar months', () => {
    const now = new Date('2027-03-31T12:00:00Z')
    expect(retentionCutoff('uploadedPhotos', now).toISOString()).toBe('2027-03-01T12:00:00.000Z')
    expect(retentionCutoff('guests', now).toISOString()).toBe('2027-03-01T12:00:00.000Z')
    expect(retentionCutoff('pageViews', now).toISOString()).toBe('2026-03-31T12:00:00.000Z')
    expect(retentionCutoff('acceptanceIpAndUserAgent', now).toISOString()).toBe('2024-03-31T12:00:00.000Z')
  })

  it('counts payment records in full calendar years after the year of payment, Moscow time', () => {
    // Kept through 2026 and five more years: due from 1 January 2032, 00:00 in Moscow.
    expect(retentionCutoff('payments', new Date('2031-12-31T20:59:59.999Z')).toISOString()).toBe(
      '2025-12-31T21:00:00.000Z',
    )
    expect(retentionCutoff('payments', new Date('2031-12-31T21:00:00Z')).toISOString()).toBe('2026-12-31T21:00:00.000Z')
  })

  it('keeps evidence at least as long as the database lets it be deleted', () => {
    // Migrations 0015 and 0016 refuse deletion with a cut-off less than 3 years old.
    for (const id of ['acceptances', 'cookieChoices', 'privacyRequests'] as const) {
      expect(RETENTION[id].period).toMatchObject({ kind: 'months' })
      expect((RETENTION[id].period as { months: number }).months).toBeGreaterThanOrEqual(36)
    }
  })

  it('every setting is either our own or belongs to a declared outside service', () => {
    const processors = PROCESSORS as readonly ProcessorEntry[]
    const unaccounted = SETTING_NAMES.filter(
      (name) => !OWN_SETTINGS.has(name) && !processors.some((p) => p.settingPrefix && name.startsWith(p.settingPrefix)),
    )
    expect(unaccounted).toEqual([])
    // And the list of our own settings holds nothing that no longer exists.
    expect([...OWN_SETTINGS].filter((name) => !SETTING_NAMES.includes(name))).toEqual([])
  })

  it('every vendor the tests mock is a declared outside service', () => {
    const mocks = fs.readdirSync(path.join('tests', 'mocks')).filter((file) => file !== 'index.ts')
    expect(mocks.filter((file) => !MOCK_VENDORS[file])).toEqual([])
    const ids = new Set(PROCESSORS.map((p) => p.id))
    expect(
      Object.values(MOCK_VENDORS)
        .flat()
        .filter((id) => !ids.has(id as never)),
    ).toEqual([])
  })

  it('the Studio offers exactly the outside services of the register', () => {
    expect([...REGISTER_PROCESSOR_IDS]).toEqual(PROCESSORS.map((p) => p.id))
  })

  it('describes each outside service in both languages, with a country and who contacts it', () => {
    for (const p of PROCESSORS as readonly ProcessorEntry[]) {
      expect(p.name.ru && p.name.en && p.receives.ru && p.receives.en && p.service.ru && p.service.en).toBeTruthy()
      // A service either has the settings that switch it on, or none at all (always there).
      expect(p.settings.length > 0).toBe(p.enabled !== null)
      for (const setting of p.settings) expect(SETTING_NAMES).toContain(setting.split('=')[0])
    }
  })

  it('switches on an image engine only when IMAGE_ENGINE chooses it', () => {
    const ids = (source: Record<string, string>) => enabledProcessors(parseEnv(source)).map((p) => p.id)
    const keys = {
      YANDEX_ART_API_KEY: 'key',
      YANDEX_ART_FOLDER_ID: 'b1gfolder',
      KANDINSKY_API_KEY: 'key',
      KANDINSKY_SECRET_KEY: 'secret',
    }
    expect(ids(keys)).toEqual([])
    expect(ids({ ...keys, IMAGE_ENGINE: 'yandex-art' })).toEqual(['yandex-art-images'])
    expect(ids({ ...keys, IMAGE_ENGINE: 'kandinsky' })).toEqual(['kandinsky-images'])
    // YandexART's settings are its own, not Yandex ID's.
    const yandexArtSettings = SETTING_NAMES.filter((name) => name.startsWith('YANDEX_ART_'))
    const owners = (name: string) =>
      (PROCESSORS as readonly ProcessorEntry[]).filter((p) => p.settingPrefix && name.startsWith(p.settingPrefix))
    expect(yandexArtSettings.map((name) => owners(name).map((p) => p.id))).toEqual(
      yandexArtSettings.map(() => ['yandex-art-images']),
    )
  })

  it('says what the image engines receive: the prompt, never the photo', () => {
    for (const id of ['yandex-art-images', 'kandinsky-images']) {
      const entry = (PROCESSORS as readonly ProcessorEntry[]).find((p) => p.id === id)!
      expect(entry).toMatchObject({ role: 'processor', country: 'RU', contactedBy: 'server' })
      expect(entry.receives.en).toMatch(/prompt.*no photos/)
      expect(entry.receives.ru).toMatch(/запроса.*без фотографий/)
    }
  })

  it('every image engine adapter is a declared outside service that its IMAGE_ENGINE value switches on', () => {
    const dir = path.join('app', 'generation', 'engines')
    const adapters = fs.readdirSync(dir).filter((file) => /\.server\.ts$/.test(file) && !/\.test\.ts$/.test(file))
    expect(adapters.filter((file) => !(file in ENGINE_ADAPTERS))).toEqual([])
    for (const [file, id] of Object.entries(ENGINE_ADAPTERS)) {
      if (!id) continue
      const entry = (PROCESSORS as readonly ProcessorEntry[]).find((p) => p.id === id)
      expect(entry, file).toBeDefined()
      const engine = /^IMAGE_ENGINE=(.+)$/.exec(entry!.settings[0] ?? '')?.[1]
      expect(engine, `${id} names its IMAGE_ENGINE value first`).toBeDefined()
      const keys = {
        OPENAI_API_KEY: 'k',
        YANDEX_ART_API_KEY: 'k',
        YANDEX_ART_FOLDER_ID: 'b1g',
        KANDINSKY_API_KEY: 'k',
        KANDINSKY_SECRET_KEY: 's',
      }
      expect(entry!.enabled?.(parseEnv({ ...keys, IMAGE_ENGINE: engine! }))).toBe(true)
      expect(entry!.enabled?.(parseEnv({ ...keys, IMAGE_ENGINE: 'local' }))).toBe(false)
    }
  })
})
