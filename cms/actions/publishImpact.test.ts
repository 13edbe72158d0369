import type { SanityClient } from 'sanity'
import { describe, expect, it } from 'vitest'
import {
  askSiteForPublishImpact,
  describeNotice,
  describePublishImpact,
  fetchPublishImpact,
  publishImpactUrl,
  readPublishImpact,
  type PublishImpactQuery,
} from './publishImpact'

const query: PublishImpactQuery = { kind: 'terms', locale: 'ru', version: 4 }
const siteUrl = 'https://palitra.example'

function answering(status: number, body: string, seen: string[] = []): typeof fetch {
  return async (input) => {
    seen.push(String(input))
    return new Response(body, { status, headers: { 'content-type': 'application/json' } })
  }
}

function failing(error: Error): typeof fetch {
  return async () => {
    throw error
  }
}

describe('asking the site how many accounts are asked again', () => {
  it('asks the documented address with the kind, language, version and secret', () => {
    expect(publishImpactUrl(siteUrl, query, 's e/cret')).toBe(
      'https://palitra.example/api/studio/publish-impact?kind=terms&locale=ru&version=4&sanity-preview-secret=s+e%2Fcret',
    )
  })

  it('reads the count from a 200 answer', async () => {
    const seen: string[] = []
    const impact = await fetchPublishImpact({
      siteUrl,
      query,
      secret: 'abc',
      fetch: answering(200, '{"accountsToAskAgain":42}', seen),
    })
    expect(impact).toEqual({ known: true, accountsToAskAgain: 42, noticeDays: null })
    expect(seen).toEqual([publishImpactUrl(siteUrl, query, 'abc')])
  })

  it('says why the number is unknown', async () => {
    const ask = (fetch: typeof globalThis.fetch) => fetchPublishImpact({ siteUrl, query, secret: 'abc', fetch })
    expect(await ask(answering(401, '{}'))).toEqual({
      known: false,
      reason: 'the site did not accept the Studio’s secret (401)',
    })
    expect(await ask(answering(500, 'oops'))).toEqual({ known: false, reason: 'the site answered with status 500' })
    expect(await ask(answering(200, 'not json'))).toEqual({ known: false, reason: 'the site’s answer was not JSON' })
    expect(await ask(answering(200, '{"accountsToAskAgain":-1}'))).toEqual({
      known: false,
      reason: 'the site’s answer had no count in it',
    })
    expect(await ask(failing(new TypeError('Failed to fetch')))).toEqual({
      known: false,
      reason: 'the site (https://palitra.example) could not be reached',
    })
    const timeout = new DOMException('The operation timed out.', 'TimeoutError')
    expect(
      await fetchPublishImpact({ siteUrl, query, secret: 'abc', fetch: failing(timeout), timeoutMs: 8000 }),
    ).toEqual({
      known: false,
      reason: 'the site (https://palitra.example) did not answer within 8 seconds',
    })
  })

  it('passes a time limit to the request', async () => {
    let signal: AbortSignal | null | undefined
    await fetchPublishImpact({
      siteUrl,
      query,
      secret: 'abc',
      fetch: async (_input, init) => {
        signal = init?.signal
        return new Response('{"accountsToAskAgain":0}', { status: 200 })
      },
    })
    expect(signal).toBeInstanceOf(AbortSignal)
  })

  it('accepts only a whole, non-negative count', () => {
    expect(readPublishImpact(200, { accountsToAskAgain: 0 })).toEqual({
      known: true,
      accountsToAskAgain: 0,
      noticeDays: null,
    })
    expect(readPublishImpact(200, { accountsToAskAgain: 3, noticeDays: 30 })).toMatchObject({ noticeDays: 30 })
    expect(readPublishImpact(200, { accountsToAskAgain: 3, noticeDays: -1 })).toMatchObject({ noticeDays: null })
    expect(readPublishImpact(200, { accountsToAskAgain: 1.5 }).known).toBe(false)
    expect(readPublishImpact(200, { accountsToAskAgain: '3' }).known).toBe(false)
    expect(readPublishImpact(200, null).known).toBe(false)
  })
})

describe('what the confirmation says', () => {
  it('nobody for a change that is not material, whatever the site says', () => {
    expect(describePublishImpact(false, null)).toBe('Nobody: this is not a material change.')
    expect(describePublishImpact(false, { known: true, accountsToAskAgain: 7, noticeDays: null })).toBe(
      'Nobody: this is not a material change.',
    )
  })

  it('the count, or why it is unknown, for a material change', () => {
    expect(describePublishImpact(true, null)).toBe('Counting…')
    expect(describePublishImpact(true, { known: true, accountsToAskAgain: 1, noticeDays: null })).toBe(
      '1 account, once this version takes effect.',
    )
    expect(describePublishImpact(true, { known: true, accountsToAskAgain: 1250, noticeDays: null })).toBe(
      '1250 accounts, once this version takes effect.',
    )
    expect(describePublishImpact(true, { known: false, reason: 'the site answered with status 500' })).toBe(
      'Unknown: the site answered with status 500. You can still publish.',
    )
  })
})

describe('the secret the site checks', () => {
  it('leaves the number unknown when the Studio cannot create one', async () => {
    const client = {
      withConfig: () => {
        throw new Error('Insufficient permissions')
      },
    }
    const impact = await askSiteForPublishImpact(
      client as unknown as SanityClient,
      'user-1',
      siteUrl,
      query,
      'https://studio.example/desk',
    )
    expect(impact).toEqual({
      known: false,
      reason: 'the Studio could not create a secret for the site: Insufficient permissions',
    })
  })
})

describe('describeNotice', () => {
  const now = new Date('2026-12-07T10:00:00Z')
  const known = (accountsToAskAgain: number, noticeDays: number | null) =>
    ({ known: true, accountsToAskAgain, noticeDays }) as const

  it('says when the accounts are told, in UTC', () => {
    expect(describeNotice(true, '2027-01-11T00:00:00Z', known(42, 30), now)).toEqual({
      text: '42 accounts will be told by e-mail and on their account page on 2026-12-12 00:00 UTC, 30 days before it takes effect.',
      late: false,
    })
  })

  it('warns when the notice moment has passed, with the days actually left', () => {
    const notice = describeNotice(true, '2026-12-12T10:00:00Z', known(1, 30), now)
    expect(notice.late).toBe(true)
    expect(notice.text).toContain('that moment (2026-11-12 10:00 UTC) has passed')
    expect(notice.text).toContain('the notice reaches 1 account within the hour, 5 days before it takes effect')
  })

  it('has nothing to announce for a change that is not material, and says so when it cannot know', () => {
    expect(describeNotice(false, '2027-01-11T00:00:00Z', null, now).text).toMatch(/^None/)
    expect(describeNotice(true, '2027-01-11T00:00:00Z', null, now).text).toBe('Checking…')
    expect(describeNotice(true, '2027-01-11T00:00:00Z', known(3, null), now).text).toMatch(/^Unknown/)
    expect(describeNotice(true, '2027-01-11T00:00:00Z', { known: false, reason: 'down' }, now).text).toMatch(/^Unknown/)
    expect(describeNotice(true, undefined, known(3, 10), now).text).toBe('Set the date first.')
  })
})
