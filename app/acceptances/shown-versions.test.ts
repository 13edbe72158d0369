import { describe, expect, it } from 'vitest'
import { compareShownVersions, encodeShownVersions, parseShownVersions } from './shown-versions'

describe('encodeShownVersions and parseShownVersions', () => {
  it('round-trips', () => {
    const list = [
      { kind: 'terms', version: 3 },
      { kind: 'privacy', version: 2 },
      { kind: 'consent', version: 12 },
    ] as const
    const raw = encodeShownVersions(list)
    expect(raw).toBe('terms:3,privacy:2,consent:12')
    expect(parseShownVersions(raw)).toEqual(list)
  })

  it.each([
    ['empty', ''],
    ['not a string', 42],
    ['missing', null],
    ['unknown kind', 'terms:1,contract:2'],
    ['a kind twice', 'terms:1,terms:2'],
    ['version 0', 'terms:0'],
    ['leading zero', 'terms:01'],
    ['negative', 'terms:-1'],
    ['fraction', 'terms:1.5'],
    ['huge', 'terms:12345678901'],
    ['spaces', 'terms:1, privacy:2'],
    ['trailing comma', 'terms:1,'],
    ['no version', 'terms'],
    ['upper case', 'Terms:1'],
    ['too long', `terms:1,${'x'.repeat(300)}`],
  ])('refuses %s', (_name, raw) => {
    expect(parseShownVersions(raw)).toBeNull()
  })
})

describe('compareShownVersions', () => {
  const current = [
    { kind: 'terms', version: 3 },
    { kind: 'privacy', version: 2 },
  ] as const

  it('accepts exactly the versions in force, in any order', () => {
    expect(compareShownVersions([current[1], current[0]], current)).toEqual({ ok: true })
  })

  it('reports a different version', () => {
    expect(compareShownVersions([{ kind: 'terms', version: 2 }, current[1]], current)).toEqual({
      ok: false,
      changed: ['terms'],
    })
  })

  it('reports a kind in force that the form did not show', () => {
    expect(compareShownVersions([current[0]], current)).toEqual({ ok: false, changed: ['privacy'] })
  })

  it('reports a kind the form showed that is no longer asked for', () => {
    expect(compareShownVersions([...current, { kind: 'consent', version: 1 }], current)).toEqual({
      ok: false,
      changed: ['consent'],
    })
  })

  it('reports every change at once', () => {
    expect(
      compareShownVersions(
        [
          { kind: 'terms', version: 4 },
          { kind: 'cookies', version: 1 },
        ],
        current,
      ),
    ).toEqual({ ok: false, changed: ['terms', 'privacy', 'cookies'] })
  })
})
