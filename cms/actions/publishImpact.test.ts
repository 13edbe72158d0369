import type { SanityClient } from 'sanity'
import { describe, expect, it } from 'vitest'
import {
  askSiteForPublishImpact,
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
    expect(impact).toEqual({ known: true, accountsToAskAgain: 42 })
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
    expect(readPublishImpact(200, { accountsToAskAgain: 0 })).toEqual({ known: true, accountsToAskAgain: 0 })
    expect(readPublishImpact(200, { accountsToAskAgain: 1.5 }).known).toBe(false)
    expect(readPublishImpact(200, { accountsToAskAgain: '3' }).known).toBe(false)
    expect(readPublishImpact(200, null).known).toBe(false)
  })
})

describe('what the confirmation says', () => {
  it('nobody for a change that is not material, whatever the site says', () => {
    expect(describePublishImpact(false, null)).toBe('Nobody: this is not a material change.')
    expect(describePublishImpact(false, { known: true, accountsToAskAgain: 7 })).toBe(
      'Nobody: this is not a material change.',
    )
  })

  it('the count, or why it is unknown, for a material change', () => {
    expect(describePublishImpact(true, null)).toBe('Counting…')
    expect(describePublishImpact(true, { known: true, accountsToAskAgain: 1 })).toBe(
      '1 account, once this version takes effect.',
    )
    expect(describePublishImpact(true, { known: true, accountsToAskAgain: 1250 })).toBe(
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
