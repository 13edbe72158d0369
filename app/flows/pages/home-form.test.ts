import { describe, expect, it } from 'vitest'
import { PROMPT_MAX_LENGTH } from '~/generation'
import { defaultsFromJob, defaultsFromQuery, failureOf, valuesOf, type HomeActionData } from './home-form'

describe('defaultsFromJob', () => {
  it('starts the form from an earlier generation', () => {
    expect(defaultsFromJob({ prompt: 'a fox', style: 'watercolor', aspectRatio: '16:9', count: 2 })).toEqual({
      prompt: 'a fox',
      style: 'watercolor',
      aspectRatio: '16:9',
      count: 2,
    })
  })

  it('leaves options the form no longer offers to its own defaults', () => {
    expect(defaultsFromJob({ prompt: 'a fox', style: 'sepia-2019', aspectRatio: '7:3', count: 1 })).toEqual({
      prompt: 'a fox',
      style: undefined,
      aspectRatio: undefined,
      count: 1,
    })
  })
})

describe('valuesOf and failureOf', () => {
  const refused = (values: Record<string, string>): HomeActionData => ({
    ok: false,
    failure: { fieldErrors: { prompt: 'errors.blocked' }, values },
  })

  it('shows a refused submission again, as the form can take it', () => {
    const result = refused({ prompt: 'a fox', style: 'watercolor', aspectRatio: '9:99', count: '3' })
    expect(valuesOf(result)).toEqual({ prompt: 'a fox', style: 'watercolor', aspectRatio: undefined, count: 3 })
    expect(failureOf(result)).toEqual({ fieldErrors: { prompt: 'errors.blocked' }, values: expect.any(Object) })
  })

  it('keeps the defaults when nothing worth showing was sent, or nothing was refused', () => {
    expect(valuesOf(refused({ prompt: '', style: '', count: '2' }))).toBeUndefined()
    expect(valuesOf(undefined)).toBeUndefined()
    expect(failureOf(undefined)).toBeNull()
  })
})

describe('defaultsFromQuery', () => {
  const query = (q: Record<string, string>) => defaultsFromQuery(new URLSearchParams(q))

  it('fills the form in from an example link', () => {
    expect(query({ prompt: 'a lighthouse at dawn', style: 'watercolor', aspectRatio: '16:9' })).toEqual({
      prompt: 'a lighthouse at dawn',
      style: 'watercolor',
      aspectRatio: '16:9',
    })
  })

  it('takes only valid values, and nothing when none is', () => {
    expect(query({ prompt: 'a fox', style: 'sepia-2019', aspectRatio: '7:3' })).toEqual({
      prompt: 'a fox',
      style: undefined,
      aspectRatio: undefined,
    })
    expect(query({ prompt: 'x'.repeat(PROMPT_MAX_LENGTH + 1) })).toBeUndefined()
    expect(query({ prompt: '   ', style: 'nope' })).toBeUndefined()
    expect(query({})).toBeUndefined()
  })
})
