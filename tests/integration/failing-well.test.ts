import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import net from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import type * as LangRoute from '~/routes/$lang'
import type * as PolicyRoute from '~/routes/$lang.$kind._index'
import type * as ReadyzRoute from '~/routes/readyz'
import { logger } from '~/platform/log.server'
import { isolateProcessDatabase } from '../db'
import { type DataResult, closeAppResources } from './support'

// Failing well (docs/decisions/017): a damaged content dataset never replaces
// the last good content, and /readyz reports states, never error text or paths.

const dir = mkdtempSync(path.join(tmpdir(), 'palitra-failing-'))
const datasetPath = path.join(dir, 'dataset.ndjson')

const block = (key: string, text: string) => ({
  _type: 'block',
  _key: key,
  style: 'normal',
  markDefs: [],
  children: [{ _type: 'span', text, marks: [] }],
})
const privacy = (locale: 'ru' | 'en', version: number, text: string) => ({
  _id: `failing.privacy.${locale}.v${version}`,
  _type: 'legalDocument',
  kind: 'privacy',
  locale,
  version,
  effectiveFrom: '2020-01-01T00:00:00Z',
  title: locale === 'ru' ? 'Политика' : 'Policy',
  material: false,
  changeSummary: null,
  body: [block('a', text)],
})
const settings = {
  _id: 'siteSettings',
  _type: 'siteSettings',
  operatorName: { ru: 'ООО «Проба»', en: 'Probe LLC' },
  contactEmail: 'hello@palitra.example',
  dataRequestEmail: 'privacy@palitra.example',
}
const GOOD = [privacy('ru', 1, 'Первая редакция.'), privacy('en', 1, 'First version.'), settings]
  .map((d) => JSON.stringify(d))
  .join('\n')
  .concat('\n')

writeFileSync(datasetPath, GOOD)
process.env.DATA_DIR = dir
process.env.CONTENT_DATASET = datasetPath

let dropOwnDatabase: () => Promise<void> = async () => {}
let routes: { lang: typeof LangRoute; policy: typeof PolicyRoute; readyz: typeof ReadyzRoute }

const args = (url: string, params: Record<string, string>) => ({
  request: new Request(`http://localhost${url}`),
  params,
  context: {},
})

beforeAll(async () => {
  dropOwnDatabase = await isolateProcessDatabase()
  const { getDb } = await import('~/platform/db/client.server')
  await getDb()
  routes = {
    lang: await import('~/routes/$lang'),
    policy: await import('~/routes/$lang.$kind._index'),
    readyz: await import('~/routes/readyz'),
  }
})

afterEach(() => vi.restoreAllMocks())

afterAll(async () => {
  await closeAppResources()
  rmSync(dir, { recursive: true, force: true })
  await dropOwnDatabase()
})

async function operatorName(locale: 'ru' | 'en') {
  const result = (await routes.lang.loader(args(`/${locale}`, { lang: locale }) as never)) as unknown as DataResult
  return (result.data.settings as { operatorName: string } | null)?.operatorName ?? null
}

async function readyz() {
  const response = await routes.readyz.loader()
  const text = await response.text()
  return { status: response.status, text, body: JSON.parse(text) as { status: string; checks: Record<string, string> } }
}

/**
 * Writes the dataset and waits until the watcher has read it: whichever of
 * "reloaded" (accepted) or "refused" it logs.
 */
async function replaceDataset(text: string) {
  const info = vi.spyOn(logger, 'info')
  const error = vi.spyOn(logger, 'error')
  const warn = vi.spyOn(logger, 'warn')
  // spyOn hands back an existing spy with its calls: only what this write causes counts.
  for (const spy of [info, error, warn]) spy.mockClear()
  writeFileSync(datasetPath, text)
  await vi.waitFor(
    () => {
      const messages = [...info.mock.calls, ...error.mock.calls, ...warn.mock.calls].map((call) =>
        call.map((part) => (typeof part === 'string' ? part : JSON.stringify(part))).join(' '),
      )
      expect(messages.some((m) => /reloaded|refused|could not be read/.test(m))).toBe(true)
    },
    { timeout: 5_000, interval: 20 },
  )
  return { error }
}

describe('a damaged content dataset never replaces the last good content', () => {
  it.each([
    ['garbled (bytes that are not JSON)', '\u0000\u0013garbage{{{ not json\n\u00ff\u00fe more garbage\n'],
    ['cut short in the middle of a line', GOOD.slice(0, GOOD.indexOf('"siteSettings"') + 20)],
    ['lines that are JSON but no documents', '{}\n[]\n{"title":"no id"}\n'],
    ['documents but no legal document', JSON.stringify(settings) + '\n'],
    ['emptied', ''],
  ])('%s: pages keep the last good content, readyz says "stale"; a good file restores', async (_what, damaged) => {
    expect(await operatorName('en')).toBe('Probe LLC')
    expect((await readyz()).status).toBe(200)

    const { error } = await replaceDataset(damaged)
    expect(await operatorName('en')).toBe('Probe LLC')
    expect(await operatorName('ru')).toBe('ООО «Проба»')
    const policy = (await routes.policy.loader(
      args('/en/privacy', { lang: 'en', kind: 'privacy' }) as never,
    )) as unknown as DataResult
    expect(JSON.stringify(policy.data)).toContain('First version.')

    // Loud in the log, with an event name to alert on.
    expect(error).toHaveBeenCalledWith(
      expect.objectContaining({ event: 'content.dataset.refused', file: datasetPath }),
      expect.any(String),
    )
    // On /readyz as a state, without the file's path or the reason's text.
    const stale = await readyz()
    expect(stale.status).toBe(503)
    expect(stale.body).toEqual({
      status: 'unavailable',
      checks: { database: 'ok', content: 'stale', disclosures: 'ok' },
    })
    expect(stale.text).not.toContain(dir)

    // A good file is read again, and then the first one: everything is as before.
    await replaceDataset(GOOD.replace('Probe LLC', 'Probe Two LLC'))
    expect(await operatorName('en')).toBe('Probe Two LLC')
    expect((await readyz()).body).toEqual({
      status: 'ok',
      checks: { database: 'ok', content: 'ok', disclosures: 'ok' },
    })
    await replaceDataset(GOOD)
    expect(await operatorName('en')).toBe('Probe LLC')
  })
})

/** A port nothing listens on (it was free a moment ago). */
async function closedPort(): Promise<number> {
  const probe = net.createServer()
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
  const { port } = probe.address() as net.AddressInfo
  await new Promise((resolve) => probe.close(resolve))
  return port
}

describe('/readyz reports states, never error text or file paths', () => {
  it('a dataset file that is not there: content "unavailable", and the path stays in the log', async () => {
    const { closeContentSource } = await import('~/content/index.server')
    const { resetEnvForTests } = await import('~/platform/env.server')
    const missing = path.join(dir, 'no-such-dataset.ndjson')
    const warn = vi.spyOn(logger, 'warn')
    closeContentSource()
    process.env.CONTENT_DATASET = missing
    resetEnvForTests()
    try {
      const answer = await readyz()
      expect(answer.status).toBe(503)
      expect(answer.body).toEqual({
        status: 'unavailable',
        checks: { database: 'ok', content: 'unavailable', disclosures: 'not checked' },
      })
      expect(answer.text).not.toContain(dir)
      expect(answer.text).not.toMatch(/could not be read|ndjson/)
      expect(warn).toHaveBeenCalledWith(
        expect.objectContaining({
          event: 'readyz.not-ready',
          errors: expect.objectContaining({ content: expect.stringContaining(missing) }),
        }),
        'not ready',
      )
    } finally {
      closeContentSource()
      process.env.CONTENT_DATASET = datasetPath
      resetEnvForTests()
    }
    expect((await readyz()).status).toBe(200)
  })

  it('a database that refuses connections: database "unavailable", without the driver\'s error', async () => {
    const { closeDb } = await import('~/platform/db/client.server')
    const { resetEnvForTests } = await import('~/platform/env.server')
    vi.spyOn(logger, 'error').mockImplementation(() => undefined)
    const before = process.env.DATABASE_URL
    const port = await closedPort()
    await closeDb()
    process.env.DATABASE_URL = `postgresql://postgres@127.0.0.1:${port}/palitra_nowhere`
    resetEnvForTests()
    try {
      const answer = await readyz()
      expect(answer.status).toBe(503)
      expect(answer.body).toEqual({
        status: 'unavailable',
        checks: { database: 'unavailable', content: 'ok', disclosures: 'not checked' },
      })
      expect(answer.text).not.toMatch(/ECONNREFUSED|connect|127\.0\.0\.1|palitra_nowhere/)
      expect(answer.text).not.toContain(String(port))
    } finally {
      await closeDb()
      if (before === undefined) delete process.env.DATABASE_URL
      else process.env.DATABASE_URL = before
      resetEnvForTests()
    }
    expect((await readyz()).status).toBe(200)
  })
})
