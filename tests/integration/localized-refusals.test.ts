import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import ru from '../../locales/ru/common.json'
import { isolateProcessDatabase } from '../db'
import { closeAppResources, settle, signInThroughLoginPage, statusOf } from './support'

// Every 4xx a route throws speaks the page's language: a Russian page never
// answers in English. Routes are called directly, as in the other route tests,
// against the process-wide database and the shipped seed dataset.
const dir = mkdtempSync(path.join(tmpdir(), 'palitra-refusals-'))
process.env.DATA_DIR = dir

const ORIGIN = 'http://localhost'
const PASSWORD = 'copper kettle under the bridge'
let dropOwnDatabase: () => Promise<void> = async () => {}

beforeAll(async () => {
  dropOwnDatabase = await isolateProcessDatabase()
  const { getDb } = await import('~/platform/db/client.server')
  await getDb()
})

afterAll(async () => {
  await closeAppResources()
  rmSync(dir, { recursive: true, force: true })
  await dropOwnDatabase()
})

/** The text of a refusal, thrown or returned, as data() or as a Response. */
async function refusalText(answer: unknown): Promise<string> {
  if (answer instanceof Response) return answer.text()
  const data = (answer as { data?: unknown }).data
  if (typeof data !== 'string') throw new Error(`expected a text refusal, got ${JSON.stringify(answer)}`)
  return data
}

function get(url: string, headers: Record<string, string> = {}) {
  return new Request(`${ORIGIN}${url}`, { headers })
}

function post(url: string, fields: Record<string, string>, headers: Record<string, string> = {}) {
  return new Request(`${ORIGIN}${url}`, {
    method: 'POST',
    body: new URLSearchParams(fields),
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
  })
}

describe('4xx answers on Russian pages are in Russian', () => {
  it('an address no route claims', async () => {
    const route = await import('~/routes/$lang.$')
    const answer = await settle(() =>
      route.loader({ request: get('/ru/no-such-page'), params: { lang: 'ru' }, context: {} } as never),
    )
    expect(statusOf(answer)).toBe(404)
    expect(await refusalText(answer)).toBe(ru.errors.notFoundText)
  })

  it('a language the site does not have (Accept-Language ru)', async () => {
    const route = await import('~/routes/$lang')
    const answer = await settle(() =>
      route.loader({
        request: get('/xx', { 'Accept-Language': 'ru-RU' }),
        params: { lang: 'xx' },
        context: {},
      } as never),
    )
    expect(statusOf(answer)).toBe(404)
    expect(await refusalText(answer)).toBe(ru.errors.unknownLanguage)
  })

  it('a version of a document that does not exist', async () => {
    const route = await import('~/routes/$lang.$kind.v.$version')
    for (const version of ['0', '9999']) {
      const answer = await settle(() =>
        route.loader({
          request: get(`/ru/privacy/v/${version}`),
          params: { lang: 'ru', kind: 'privacy', version },
          context: {},
        } as never),
      )
      expect(statusOf(answer), version).toBe(404)
      expect(await refusalText(answer), version).toBe(ru.errors.unknownVersion)
    }
  })

  it('a generation that is not yours', async () => {
    const route = await import('~/routes/$lang.generations.$id')
    const answer = await settle(() =>
      route.loader({ request: get('/ru/generations/nope'), params: { lang: 'ru', id: 'nope' }, context: {} } as never),
    )
    expect(statusOf(answer)).toBe(404)
    expect(await refusalText(answer)).toBe(ru.errors.notFoundText)
  })

  it('an unknown action on the account page', async () => {
    const { getDb } = await import('~/platform/db/client.server')
    const accounts = await import('~/identity/accounts.server')
    const email = 'refusals.account@mail.example'
    await accounts.createAccount(await getDb(), { email, password: PASSWORD, locale: 'ru' })
    const cookie = await signInThroughLoginPage(email, PASSWORD)
    const route = await import('~/routes/$lang.account._index')
    const answer = await settle(() =>
      route.action({
        request: post('/ru/account', { intent: 'dance' }, { Cookie: cookie }),
        params: { lang: 'ru' },
        context: {},
      } as never),
    )
    expect(statusOf(answer)).toBe(400)
    expect(await refusalText(answer)).toBe(ru.errors.unknownAction)
  })

  it('a sign-in provider that is not enabled', async () => {
    const route = await import('~/routes/auth.$provider')
    const answer = await settle(() =>
      route.loader({ request: get('/auth/nope?lang=ru'), params: { provider: 'nope' }, context: {} } as never),
    )
    expect(statusOf(answer)).toBe(404)
    expect(await refusalText(answer)).toBe(ru.errors.notFoundText)
  })

  it('a photo that is not yours (a plain-text answer)', async () => {
    const route = await import('~/routes/media.uploads.$id')
    const answer = (await route.loader({
      request: get('/media/uploads/nope', { 'Accept-Language': 'ru' }),
      params: { id: 'nope' },
      context: {},
    } as never)) as Response
    expect(answer.status).toBe(404)
    expect(answer.headers.get('Content-Type')).toBe('text/plain; charset=utf-8')
    expect(answer.headers.get('Cache-Control')).toBe('no-store')
    expect(await answer.text()).toBe(ru.errors.notFoundText)
  })

  it('a page view that names no page', async () => {
    const route = await import('~/routes/api.page-view')
    const answer = await route.action({
      request: post('/api/page-view', { route: '', locale: 'ru' }, { Cookie: 'lng=ru' }),
      params: {},
      context: {},
    } as never)
    expect(answer.status).toBe(400)
    expect(await answer.text()).toBe(ru.errors.badRequest)
  })

  it('the data export under a language the site does not have falls back to Russian', async () => {
    const route = await import('~/routes/$lang.account.export[.]json')
    const answer = (await route.loader({
      request: get('/xx/account/export.json'),
      params: { lang: 'xx' },
      context: {},
    } as never)) as Response
    expect(answer.status).toBe(404)
    expect(await answer.text()).toBe(ru.errors.notFoundText)
  })
})
