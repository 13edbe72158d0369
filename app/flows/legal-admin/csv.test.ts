import { describe, expect, it } from 'vitest'
import { csvCell, csvRecord, neutraliseFormula, parseCsv } from './csv'

describe('csvCell', () => {
  it('leaves plain text alone and writes nothing for null', () => {
    expect(csvCell('Mozilla/5.0 (X11 Linux x86_64)')).toBe('Mozilla/5.0 (X11 Linux x86_64)')
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
    // The CR is a separator too: what follows it is neutralised as well.
    expect(csvCell('\r=cmd')).toBe('"\'\r\'=cmd"')
    // Only the first character matters.
    expect(neutraliseFormula('a=b')).toBe('a=b')
    expect(neutraliseFormula(' =1')).toBe(' =1')
  })
})

describe('cells for spreadsheets that split on semicolons (Russian locale)', () => {
  it('quotes a cell holding a semicolon or a tab', () => {
    expect(csvCell('Mozilla/5.0 (X11; Linux x86_64)')).toBe('"Mozilla/5.0 (X11; Linux x86_64)"')
    expect(csvCell('a;b')).toBe('"a;b"')
    expect(csvCell('a\tb')).toBe('"a\tb"')
  })

  it('neutralises a formula character right after a separator inside the cell', () => {
    expect(csvCell('x;=HYPERLINK("http://evil.example","x")')).toBe('"x;\'=HYPERLINK(""http://evil.example"",""x"")"')
    for (const [input, expected] of [
      ['x;+1', "x;'+1"],
      ['x,-1', "x,'-1"],
      ['x\t@SUM(A1)', "x\t'@SUM(A1)"],
      ['x\n=1', "x\n'=1"],
      ['x\r\n=1', "x\r\n'=1"],
      ['x;;=1', "x;;'=1"],
      ['x; =1', 'x; =1'],
      ['x=1;y', 'x=1;y'],
      ['=1;=2', "'=1;'=2"],
      ['\t=1', "'\t'=1"],
    ]) {
      expect(neutraliseFormula(input!)).toBe(expected)
    }
  })

  it('leaves no piece that starts with a formula character, however a program splits the cell', () => {
    const hostile = ['x;=HYPERLINK("http://evil.example")', '1,+2;-3\t@4\r\n=5', '\t\r=6', ';=7']
    for (const value of hostile) {
      const written = neutraliseFormula(value)
      for (const piece of written.split(/[,;\t\r\n]/)) {
        expect(
          piece === '' || !['=', '+', '-', '@'].includes(piece[0]!),
          `${JSON.stringify(piece)} of ${JSON.stringify(value)}`,
        ).toBe(true)
      }
    }
  })
})

describe('csvRecord and parseCsv', () => {
  it('round-trips awkward values, CRLF between records', () => {
    const values = ['plain', 'a,b', 'say "yes"', 'two\nlines', 'x;=1', '=1+1']
    const text = `\uFEFF${csvRecord(['h1', 'h2', 'h3', 'h4', 'h5', 'h6'])}${csvRecord(values)}`
    expect(text.endsWith('\r\n')).toBe(true)
    expect(parseCsv(text)).toEqual([
      ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'],
      ['plain', 'a,b', 'say "yes"', 'two\nlines', "x;'=1", "'=1+1"],
    ])
  })
})
