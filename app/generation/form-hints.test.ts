import { describe, expect, it } from 'vitest'
import { counterState, PHOTO_MAX_BYTES, photoHint, promptLength, ratioKey, shortenPrompt } from './form-hints'
import { ASPECT_RATIOS } from './options'

describe('photoHint', () => {
  it('accepts JPEG, PNG and WebP up to 10 MB', () => {
    expect(photoHint({ size: 1234, type: 'image/jpeg' })).toBeNull()
    expect(photoHint({ size: PHOTO_MAX_BYTES, type: 'image/png' })).toBeNull()
    expect(photoHint({ size: 5, type: 'IMAGE/WEBP' })).toBeNull()
  })

  it('warns about files over 10 MB', () => {
    expect(PHOTO_MAX_BYTES).toBe(10 * 1024 * 1024)
    expect(photoHint({ size: PHOTO_MAX_BYTES + 1, type: 'image/jpeg' })).toBe('too-large')
  })

  it('warns about other types, and files the browser could not type', () => {
    expect(photoHint({ size: 100, type: 'image/heic' })).toBe('unsupported-type')
    expect(photoHint({ size: 100, type: 'application/pdf' })).toBe('unsupported-type')
    expect(photoHint({ size: 100, type: '' })).toBe('unsupported-type')
    // The type is the first thing to fix, whatever the size.
    expect(photoHint({ size: PHOTO_MAX_BYTES * 2, type: 'image/gif' })).toBe('unsupported-type')
  })
})

describe('prompt counter', () => {
  it('counts every line break once', () => {
    expect(promptLength('')).toBe(0)
    expect(promptLength('кот\nпёс')).toBe(7)
    expect(promptLength('кот\r\nпёс\rрыба')).toBe(12)
  })

  it('says when the prompt nears and reaches its limit', () => {
    expect(counterState(0, 1000)).toBe('ok')
    expect(counterState(899, 1000)).toBe('ok')
    expect(counterState(900, 1000)).toBe('near')
    expect(counterState(1000, 1000)).toBe('full')
    expect(counterState(1001, 1000)).toBe('full')
  })
})

describe('shortenPrompt', () => {
  it('keeps short prompts, collapsing whitespace', () => {
    expect(shortenPrompt('  a red\n\nfox  ')).toBe('a red fox')
  })

  it('cuts long prompts on a word boundary with an ellipsis', () => {
    const short = shortenPrompt('a very long prompt about a lighthouse standing on a cliff at night', 30)
    expect(short).toBe('a very long prompt about a…')
    expect(short.length).toBeLessThanOrEqual(30)
  })

  it('cuts inside a word when there is no space near the end', () => {
    expect(shortenPrompt('x'.repeat(50), 10)).toBe(`${'x'.repeat(9)}…`)
  })
})

describe('ratioKey', () => {
  it('gives every aspect ratio a key without the namespace separator', () => {
    const keys = ASPECT_RATIOS.map(ratioKey)
    expect(keys).toContain('ratios.16x9')
    for (const key of keys) expect(key).not.toContain(':')
  })
})
