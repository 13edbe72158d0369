/**
 * CSV for the legal team's ledger export (RFC 4180), safe to open in a
 * spreadsheet.
 *
 * Two separate concerns:
 *  - quoting: a cell holding a comma, a semicolon, a tab, a double quote,
 *    CR or LF is wrapped in double quotes, with every double quote inside
 *    doubled; records end in CRLF. The semicolon and the tab matter because
 *    spreadsheets in a Russian locale (and others with a decimal comma)
 *    split CSV on `;`, and some offer tab as the separator;
 *  - formula injection: Excel, LibreOffice and Google Sheets treat a cell
 *    whose text starts with =, +, -, @, a tab or a carriage return as a
 *    formula (or strip the leading whitespace and then do). User agents and
 *    other values reach the ledger from the client, so such a cell gets a
 *    leading apostrophe: the spreadsheet shows the text as typed and
 *    evaluates nothing. The same goes for such a character right after a
 *    separator inside the cell (`,` `;` tab, CR, LF): a program that ignores
 *    the quotes and splits there would start a new cell with it, so an
 *    apostrophe goes in front of it too (`x;=1` becomes `x;'=1`). The
 *    apostrophes are visible to a program reading the file; the export's
 *    documentation says so.
 */

export type CsvValue = string | number | null | undefined

/** Characters that make a spreadsheet read the cell as a formula when they come first. */
const FORMULA_TRIGGERS = new Set(['=', '+', '-', '@', '\t', '\r'])

/** What a spreadsheet may split a cell's text at. */
const SEPARATORS = new Set([',', ';', '\t', '\r', '\n'])

/**
 * A cell's text with an apostrophe before every formula character that a
 * spreadsheet could read as the start of a cell: the first character, and
 * one right after a separator (after a run of them: `a;;=1`, `a\r\n=1`).
 */
export function neutraliseFormula(text: string): string {
  let out = ''
  let atCellStart = true
  for (const ch of text) {
    if (atCellStart && FORMULA_TRIGGERS.has(ch)) out += "'"
    out += ch
    atCellStart = SEPARATORS.has(ch)
  }
  return out
}

/** One cell as it goes into the file: formula-neutralised, then quoted when RFC 4180 needs it. */
export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return ''
  const text = neutraliseFormula(String(value))
  return /[",;\t\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

/** One record, CRLF-terminated. */
export function csvRecord(values: readonly CsvValue[]): string {
  return `${values.map(csvCell).join(',')}\r\n`
}

/**
 * Reads CSV text back into records (RFC 4180: quoted fields may hold commas,
 * doubled quotes and line breaks). Used by the tests and handy for checking
 * an export by hand; a leading byte-order mark is skipped.
 */
export function parseCsv(text: string): string[][] {
  const records: string[][] = []
  let record: string[] = []
  let field = ''
  let quoted = false
  let i = text.startsWith('\uFEFF') ? 1 : 0
  for (; i < text.length; i++) {
    const ch = text[i]!
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"'
        i++
      } else if (ch === '"') {
        quoted = false
      } else {
        field += ch
      }
      continue
    }
    if (ch === '"') {
      quoted = true
    } else if (ch === ',') {
      record.push(field)
      field = ''
    } else if (ch === '\r' && text[i + 1] === '\n') {
      record.push(field)
      records.push(record)
      record = []
      field = ''
      i++
    } else {
      field += ch
    }
  }
  if (field !== '' || record.length > 0) {
    record.push(field)
    records.push(record)
  }
  return records
}
