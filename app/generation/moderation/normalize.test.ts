import { describe, expect, it } from 'vitest'
import { normalizeForModeration } from './normalize'

describe('normalizeForModeration', () => {
  it.each([
    ['PORN', 'porn'],
    ['Ёлка и ёж', 'елка и еж'],
    // Cyrillic о inside a Latin word, Latin o inside a Cyrillic one.
    ['p\u043Ern', 'porn'],
    ['\u043Fo\u0440\u043Do', 'порно'],
    ['p0rn', 'porn'],
    ['$3x', 'sex'],
    ['n u d e', 'nude'],
    ['п . о . р . н . о', 'порно'],
    ['nu\u200Bde', 'nude'],
    ['nu\u200Dd\u00ADe', 'nude'],
    ['\uFF50\uFF4F\uFF52\uFF4E', 'porn'],
    ['\u{1D429}\u{1D428}\u{1D42B}\u{1D427}', 'porn'],
    ['Wow! nude!', 'wow nude'],
    ['15yo', '15 yo'],
    ['a 4k 3d render', 'a 4 k 3 d render'],
  ])('%j → %j', (input, expected) => {
    expect(normalizeForModeration(input)).toBe(expected)
  })
})
