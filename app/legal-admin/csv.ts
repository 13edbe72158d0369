/**
 * CSV for the legal team's ledger export (RFC 4180), safe to open in a
 * spreadsheet.
 *
 * Two separate concerns:
 *  - quoting: a cell holding a comma, a double quote, CR or LF is wrapped in
 *    double quotes, with every double quote inside doubled; records end in
 *    CRLF;
 *  - formula injection: Excel, LibreOffice and Google Sheets treat a cell
 *    whose text starts with =, +, -, @, a tab or a carriage return as a
 *    formula (or strip the leading whitespace and then do). User agents and
 *    other values reach the ledger from the client, so such a cell gets a
 *    leading apostrophe: the spreadsheet shows the text as typed and
 *    evaluates nothing. The apostrophe is visible to a program reading the
 *    file; the export's documentation says so.
 */

export type CsvValue = string | number | null | undefined

/** Characters that make a spreadsheet read the cell as a formula when they come first. */
const FORMULA_TRIGGERS = new Set(['=', '+', '-', '@', '\t', '\r'])

/** A cell's text with a leading apostrophe when a spreadsheet would otherwise evaluate it. */
export function neutraliseFormula(text: string): string {
  return text.length > 0 && FORMULA_TRIGGERS.has(text[0]!) ? `'${text}` : text
}

/** One cell as it goes into the file: formula-neutralised, then quoted when RFC 4180 needs it. */
export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return ''
  const text = neutraliseFormula(String(value))
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
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
