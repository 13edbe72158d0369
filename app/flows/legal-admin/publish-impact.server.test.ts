import { createHash, randomUUID } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, type TestDatabase } from '../../../tests/db'
import { acceptances, legalDocumentVersions, users } from '../../../tests/support/schema'
import { createLocalPreviewAccess, type PreviewAccess } from '~/content/preview.server'
import { SANITY_FIXTURE_DATASET } from '../../../tests/mocks/sanity'
import { publishImpact } from './publish-impact.server'

const STUDIO = 'https://palitra.sanity.studio'
const SECRET = 'studio-made-secret'

let database: TestDatabase
let dir: string
let access: PreviewAccess

async function acceptedTermsV1(userId: string) {
  const [version] = await database.db.select().from(legalDocumentVersions).limit(1)
  await database.db.insert(acceptances).values({
    userId,
    documentVersionId: version!.id,
    kind: 'terms',
    locale: 'ru',
    version: 1,
    contentSha256: version!.sha256,
    event: 'register',
    state: 'given',
    wording: 'I accept',
    actionType: 'account',
    actionId: userId,
  })
}

beforeAll(async () => {
  database = await createTestDatabase()
  const plainText = 'terms ru 1'
  await database.db.insert(legalDocumentVersions).values({
    kind: 'terms',
    locale: 'ru',
    version: 1,
    effectiveFrom: new Date('2026-01-01T00:00:00Z'),
    title: 'Terms',
    body: [],
    plainText,
    sha256: createHash('sha256').update(plainText).digest('hex'),
    sourceDocumentId: 'terms-ru-v1',
  })
  for (const n of [1, 2]) {
    const id = `user_${n}_${randomUUID()}`
    await database.db
      .insert(users)
      .values({ id, locale: 'ru', email: `${id}@mail.example`, emailNormalized: `${id}@mail.example` })
    await acceptedTermsV1(id)
  }
  dir = await mkdtemp(path.join(tmpdir(), 'palitra-impact-'))
  const secretsPath = path.join(dir, 'preview-secrets.ndjson')
  await writeFile(
    secretsPath,
    JSON.stringify({
      _id: 'drafts.s1',
      _type: 'sanity.previewUrlSecret',
      _updatedAt: new Date().toISOString(),
      secret: SECRET,
      studioUrl: `${STUDIO}/`,
    }) + '\n',
  )
  access = createLocalPreviewAccess({ datasetPath: SANITY_FIXTURE_DATASET, secretsPath })
})

afterAll(async () => {
  await database.close()
  await rm(dir, { recursive: true, force: true })
})

const ask = (query: string, origin: string | null = STUDIO, options: { access?: PreviewAccess | null } = {}) =>
  publishImpact(
    new Request(`http://localhost/api/studio/publish-impact?${query}`, {
      headers: origin ? { Origin: origin } : {},
    }),
    { access: 'access' in options ? options.access : access, db: database.db, studioUrl: `${STUDIO}/desk` },
  )

describe('GET /api/studio/publish-impact', () => {
  it('answers how many accounts a version would ask again, readable by the Studio only, never cached', async () => {
    const answer = await ask(`kind=terms&locale=ru&version=2&sanity-preview-secret=${SECRET}`)
    expect(answer.status).toBe(200)
    // With the notice period of the terms (LEGAL_NOTICE_DAYS_TERMS, 30 by default).
    expect(await answer.json()).toEqual({ accountsToAskAgain: 2, noticeDays: 30 })
    expect(answer.headers.get('Content-Type')).toMatch(/^application\/json/)
    expect(answer.headers.get('Cache-Control')).toBe('no-store')
    expect(answer.headers.get('Access-Control-Allow-Origin')).toBe(STUDIO)
    const elsewhere = await ask(
      `kind=terms&locale=ru&version=2&sanity-preview-secret=${SECRET}`,
      'https://evil.example',
    )
    expect(elsewhere.headers.get('Access-Control-Allow-Origin')).toBeNull()
    expect(await (await ask(`kind=terms&locale=en&version=2&sanity-preview-secret=${SECRET}`)).json()).toEqual({
      accountsToAskAgain: 0,
      noticeDays: 30,
    })
  })

  it('401 in JSON for a missing or wrong secret, or when preview is off', async () => {
    for (const answer of [
      await ask('kind=terms&locale=ru&version=2'),
      await ask('kind=terms&locale=ru&version=2&sanity-preview-secret=wrong'),
      await ask(`kind=terms&locale=ru&version=2&sanity-preview-secret=${SECRET}`, STUDIO, { access: null }),
    ]) {
      expect(answer.status).toBe(401)
      expect(await answer.json()).toMatchObject({ error: 'invalid-secret' })
      expect(answer.headers.get('Access-Control-Allow-Origin')).toBe(STUDIO)
    }
  })

  it.each([
    ['no parameters', '', ['kind', 'locale', 'version']],
    ['an unknown kind', 'kind=offer&locale=ru&version=2', ['kind']],
    ['an unknown locale', 'kind=terms&locale=de&version=2', ['locale']],
    ['version zero', 'kind=terms&locale=ru&version=0', ['version']],
    ['a padded version', 'kind=terms&locale=ru&version=02', ['version']],
    ['a version that is not a number', 'kind=terms&locale=ru&version=2.5', ['version']],
  ])('400 for %s', async (_case, query, fields) => {
    const answer = await ask(`${query}&sanity-preview-secret=${SECRET}`)
    expect(answer.status).toBe(400)
    expect(await answer.json()).toMatchObject({ error: 'bad-parameters', fields })
  })
})
