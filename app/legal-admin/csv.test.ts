import { describe, expect, it } from 'vitest'
import { csvCell, csvRecord, neutraliseFormula, parseCsv } from './csv'

describe('csvCell', () => {
  it('leaves plain text alone and writes nothing for null', () => {
    expect(csvCell('Mozilla/5.0 (X11; Linux x86_64)')).toBe('Mozilla/5.0 (X11; Linux x86_64)')
    expect(csvCell(3)).toBe('3')
    expect(csvCell(null)).toBe('')
    expect(csvCell(undefined)).toBe('')
    expect(csvCell('')).toBe('')
  })

  it('quotes commas, double quotes and line breaks (RFC 4180)', () => {
    expect(csvCell('a,b')).toBe('"a,b"')
    expect(csvCell('say "yes"')).toBe('"say ""yes"""')
    expect(csvCell('line one\nline two')).toBe('"line one\nline two"')
    expect(csvCell('line one\r\nline two')).toBe('"line one\r\nline two"')
  })

  it('neutralises cells a spreadsheet would run as a formula', () => {
    for (const text of ['=1+1', '+1', '-1', '@SUM(A1)', '\tTAB', '\rCR']) {
      expect(neutraliseFormula(text)).toBe(`'${text}`)
    }
    expect(csvCell('=HYPERLINK("http://evil.example","x")')).toBe('"\'=HYPERLINK(""http://evil.example"",""x"")"')
    expect(csvCell('\r=cmd')).toBe('"\'\r=cmd"')
    // Only the first character matters.
    expect(neutraliseFormula('a=b')).toBe('a=b')
    expect(neutraliseFormula(' =1')).toBe(' =1')
  })
})

describe('csvRecord and parseCsv', () => {
  it('round-trips awkward values, CRLF between records', () => {
    const values = ['plain', 'a,b', 'say "yes"', 'two\nlines', '', '=1+1']
    const text = `\uFEFF${csvRecord(['h1', 'h2', 'h3', 'h4', 'h5', 'h6'])}${csvRecord(values)}`
    expect(text.endsWith('\r\n')).toBe(true)
    expect(parseCsv(text)).toEqual([
      ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'],
      ['plain', 'a,b', 'say "yes"', 'two\nlines', '', "'=1+1"],
    ])
  })
})
