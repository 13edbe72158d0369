import { describe, expect, it } from 'vitest'
import { changesRange } from './changes-page.server'

// Newest first, as the version list gives them.
const versions = [{ version: 5 }, { version: 4 }, { version: 2 }, { version: 1 }]

describe('changesRange', () => {
  it('compares the version in force with the one before it by default', () => {
    expect(changesRange(versions, 4, null, null)).toEqual({ from: 2, to: 4 })
  })

  it('compares the newest with the one before it when none is in force yet', () => {
    expect(changesRange(versions, null, null, null)).toEqual({ from: 4, to: 5 })
  })

  it('takes either end from the address and finds the other', () => {
    expect(changesRange(versions, 4, '1', null)).toEqual({ from: 1, to: 4 })
    expect(changesRange(versions, 4, null, '2')).toEqual({ from: 1, to: 2 })
    expect(changesRange(versions, 4, '2', '5')).toEqual({ from: 2, to: 5 })
  })

  it('has no range when there is nothing older, or the ends are reversed or malformed', () => {
    expect(changesRange([{ version: 1 }], 1, null, null)).toBeNull()
    expect(changesRange(versions, 4, null, '1')).toBeNull()
    expect(changesRange(versions, 4, '5', '2')).toBeNull()
    expect(changesRange(versions, 4, '4', '4')).toBeNull()
    expect(changesRange(versions, 4, 'one', null)).toBeNull()
    expect(changesRange(versions, 4, null, '04')).toBeNull()
  })
})
