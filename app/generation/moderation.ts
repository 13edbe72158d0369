/**
 * Prompt moderation: before any credits are charged, a prompt is checked
 * against configurable rules, and a refusal names the category of terms
 * clause 8.1 it falls under (terms 8.3). Rules list words in Russian and
 * English; prompts and rule terms are normalized the same way so that
 * look-alike letters, "leet" digits, spaced-out letters and invisible
 * characters do not slip past.
 *
 * Everything here is pure except `loadModerationRules`, which reads a file.
 */
import { readFileSync } from 'node:fs'
import { z } from 'zod'
import shippedRules from './moderation-rules.json'

export const MODERATION_CATEGORIES = ['minors', 'extremism', 'violence', 'deepfake', 'pornography', 'fraud'] as const
export type ModerationCategory = (typeof MODERATION_CATEGORIES)[number]

export type ModerationVerdict =
  | { ok: true }
  | {
      ok: false
      category: ModerationCategory
      ruleId: string
      /** The part of the prompt, as the person wrote it, that the rule matched. */
      matched: string
    }

const LANGS = ['ru', 'en'] as const
type Lang = (typeof LANGS)[number]

const ALPHABET: Record<Lang, { letter: RegExp; name: string }> = {
  ru: { letter: /^[а-я]$/, name: 'Cyrillic' },
  en: { letter: /^[a-z]$/, name: 'Latin' },
}

// ---------------------------------------------------------------------------
// Characters

/** Characters that render as nothing: format characters, combining marks, Hangul fillers. */
const INVISIBLE = /^[\p{Cf}\p{M}\u115F\u1160\u3164\uFFA0]$/u
const MARKS = /\p{M}/gu
const ANY_LETTER = /^\p{L}$/u
const CYRILLIC = /^\p{Script=Cyrillic}$/u
const LATIN = /^[a-z]$/

/** Letters that look like a Latin letter (after lower-casing), from Cyrillic, Greek and IPA. */
const TO_LATIN: Record<string, string> = {
  а: 'a',
  в: 'b',
  е: 'e',
  к: 'k',
  м: 'm',
  н: 'h',
  о: 'o',
  р: 'p',
  с: 'c',
  т: 't',
  у: 'y',
  х: 'x',
  і: 'i',
  ј: 'j',
  ѕ: 's',
  ԁ: 'd',
  ӏ: 'l',
  һ: 'h',
  ԛ: 'q',
  ԝ: 'w',
  ү: 'y',
  α: 'a',
  β: 'b',
  ε: 'e',
  ι: 'i',
  κ: 'k',
  ν: 'v',
  ο: 'o',
  ρ: 'p',
  τ: 't',
  υ: 'u',
  χ: 'x',
  ɑ: 'a',
  ɡ: 'g',
  ı: 'i',
}

/** Letters that look like a Cyrillic letter (after lower-casing), from Latin and Greek. */
const TO_CYRILLIC: Record<string, string> = {
  a: 'а',
  b: 'в',
  c: 'с',
  e: 'е',
  h: 'н',
  k: 'к',
  m: 'м',
  n: 'п',
  o: 'о',
  p: 'р',
  r: 'г',
  t: 'т',
  u: 'и',
  x: 'х',
  y: 'у',
  α: 'а',
  β: 'в',
  ε: 'е',
  κ: 'к',
  ο: 'о',
  π: 'п',
  ρ: 'р',
  τ: 'т',
  χ: 'х',
}

/**
 * Digits and symbols read as letters, only inside a word that also has letters.
 * Two options mean the word is read both ways ("k1ll" → kill, "1ewd" → lewd).
 */
const LEET: Record<Lang, Record<string, readonly string[]>> = {
  en: {
    '0': ['o'],
    '1': ['i', 'l'],
    '3': ['e'],
    '4': ['a'],
    '5': ['s'],
    '6': ['b'],
    '7': ['t'],
    '8': ['b'],
    '9': ['g'],
    '@': ['a'],
    $: ['s'],
    '!': ['i'],
    '|': ['l', 'i'],
  },
  ru: {
    '0': ['о'],
    '3': ['з'],
    '4': ['ч'],
    '6': ['б'],
    '8': ['в'],
    '@': ['а'],
  },
}
const LEET_SYMBOLS = new Set(['@', '$', '!', '|'])

const isDigit = (c: string) => c >= '0' && c <= '9'
const isWordChar = (c: string) => ANY_LETTER.test(c) || isDigit(c) || LEET_SYMBOLS.has(c)

/** Compatibility forms (fullwidth, mathematical, ligatures), case and accents folded; ё → е, й → и. */
function fold(char: string): string {
  return char.normalize('NFKD').toLowerCase().replace(MARKS, '')
}

type FoldedChar = { c: string; start: number; end: number }

function foldText(text: string): FoldedChar[] {
  const out: FoldedChar[] = []
  let offset = 0
  for (const codePoint of text) {
    const start = offset
    offset += codePoint.length
    if (INVISIBLE.test(codePoint)) continue
    for (const c of fold(codePoint)) out.push({ c, start, end: offset })
  }
  return out
}

// ---------------------------------------------------------------------------
// Words

type Forms = Record<Lang, string[]>

type Token = {
  /** The word as written, case and accents folded. */
  text: string
  /** Word positions covered: equal for a plain word, a range for joined pieces ("n u d e"). */
  from: number
  to: number
  /** Offsets in the original prompt. */
  start: number
  end: number
  /** Set when the word is only digits. */
  digits: string | null
  /** The word read as Latin and as Cyrillic text; empty when it cannot be read that way. */
  forms: Forms
}

type PreparedText = {
  /** One entry per word position. */
  words: Token[]
  /** Other readings of neighbouring words joined together; matched by single-word terms only. */
  joins: Token[]
  /** The joins of letters spaced out one by one, whole runs only (for `normalizeForModeration`). */
  spelled: Token[]
}

type RawWord = {
  text: string
  /** Offset in the prompt where each code point of `text` ends. */
  ends: number[]
  start: number
  end: number
  /** The separators before the word. */
  gap: string
}

function splitWords(chars: FoldedChar[]): RawWord[] {
  const words: RawWord[] = []
  let gap = ''
  let i = 0
  while (i < chars.length) {
    if (!isWordChar(chars[i]!.c)) {
      gap += chars[i]!.c
      i++
      continue
    }
    let j = i
    while (j < chars.length && isWordChar(chars[j]!.c)) j++
    // Symbols count as letters only inside a word: "nude!" is "nude", "$ex" is "sex".
    let first = i
    let last = j - 1
    while (last >= first && LEET_SYMBOLS.has(chars[last]!.c)) last--
    while (first <= last && (chars[first]!.c === '!' || chars[first]!.c === '|')) first++
    if (first > last) {
      gap += chars
        .slice(i, j)
        .map((x) => x.c)
        .join('')
    } else {
      gap += chars
        .slice(i, first)
        .map((x) => x.c)
        .join('')
      const own = chars.slice(first, last + 1)
      words.push({
        text: own.map((x) => x.c).join(''),
        ends: own.map((x) => x.end),
        start: chars[first]!.start,
        end: chars[last]!.end,
        gap,
      })
      gap = chars
        .slice(last + 1, j)
        .map((x) => x.c)
        .join('')
    }
    i = j
  }
  return words
}

/** "15yo" → "15" + "yo", "porn0" → "porn" + "0"; the whole word stays as a join. */
const DIGITS_THEN_LETTERS = /^(\d+)(\p{L}+)$/u
const LETTERS_THEN_DIGITS = /^(\p{L}+)(\d+)$/u

function readAs(lang: Lang, text: string): string[] {
  const chars = [...text]
  const toScript = lang === 'en' ? TO_LATIN : TO_CYRILLIC
  const inScript = lang === 'en' ? (c: string) => LATIN.test(c) : (c: string) => CYRILLIC.test(c)
  let letters = 0
  let own = 0
  let readable = true
  for (const c of chars) {
    if (!ANY_LETTER.test(c)) continue
    letters++
    if (inScript(c)) own++
    else if (!toScript[c]) readable = false
  }
  // A word is read in a script when it has a letter of that script, or every
  // letter could be a look-alike of one: "сех" is not read as Latin "cex"
  // unless written to look like it; an all-Latin "kot" is read as Cyrillic "кот".
  if (letters > 0 && own === 0 && !readable) return []
  const leet = letters > 0 && letters < chars.length
  const table = LEET[lang]
  const twoWays = leet && chars.some((c) => (table[c]?.length ?? 0) > 1)
  const read = (option: number) =>
    chars
      .map((c) => {
        if (ANY_LETTER.test(c)) return inScript(c) ? c : (toScript[c] ?? c)
        const options = leet ? table[c] : undefined
        return options ? (options[option] ?? options[0]!) : c
      })
      .join('')
  return twoWays ? [read(0), read(1)] : [read(0)]
}

function makeToken(text: string, from: number, to: number, start: number, end: number): Token {
  return {
    text,
    from,
    to,
    start,
    end,
    digits: /^\d+$/.test(text) ? text : null,
    forms: { en: readAs('en', text), ru: readAs('ru', text) },
  }
}

function prepare(prompt: string): PreparedText {
  const raw = splitWords(foldText(prompt))
  const words: Token[] = []
  const joins: Token[] = []
  const spelled: Token[] = []
  const gaps: string[] = []
  const texts: string[] = []

  for (const w of raw) {
    const split = DIGITS_THEN_LETTERS.exec(w.text) ?? LETTERS_THEN_DIGITS.exec(w.text)
    if (split) {
      const [, head, tail] = split as unknown as [string, string, string]
      const cut = w.ends[[...head].length - 1]!
      const from = words.length
      words.push(makeToken(head, from, from, w.start, cut))
      words.push(makeToken(tail, from + 1, from + 1, cut, w.end))
      gaps.push(w.gap, '')
      texts.push(head, tail)
      joins.push(makeToken(w.text, from, from + 1, w.start, w.end))
    } else {
      words.push(makeToken(w.text, words.length, words.length, w.start, w.end))
      gaps.push(w.gap)
      texts.push(w.text)
    }
  }

  const join = (from: number, to: number) => {
    const token = makeToken(texts.slice(from, to + 1).join(''), from, to, words[from]!.start, words[to]!.end)
    joins.push(token)
    return token
  }

  // Letters spaced out one by one: "n u d e", "п.о.р.н.о", "s-e-x".
  const isSingle = (i: number) => [...texts[i]!].length === 1
  const shortGap = (i: number) => gaps[i]!.length >= 1 && gaps[i]!.length <= 3 && !gaps[i]!.includes('\n')
  const spellOut = (from: number, to: number) => {
    const letters = texts.slice(from, to + 1).filter((t) => ANY_LETTER.test(t)).length
    if (to - from + 1 < 3 || letters < 2) return
    spelled.push(join(from, to))
    // A one-letter word may stand just before or after: "a n u d e", "в п о р н о".
    if (to - from + 1 >= 4) {
      join(from + 1, to)
      join(from, to - 1)
    }
  }
  for (let i = 0; i < words.length;) {
    if (!isSingle(i)) {
      i++
      continue
    }
    let j = i
    while (j + 1 < words.length && isSingle(j + 1) && shortGap(j + 1)) j++
    // Several spelled-out words: "n a k e d  c h i l d", "n.a.k.e.d c.h.i.l.d".
    // A gap wider than the usual one in the run separates words.
    const counts = new Map<string, number>()
    for (let k = i + 1; k <= j; k++) counts.set(gaps[k]!, (counts.get(gaps[k]!) ?? 0) + 1)
    const usual = [...counts].sort((x, y) => y[1] - x[1])[0]?.[0] ?? ''
    const wider = (gap: string) => gap.length > usual.length || (/\s/u.test(gap) && !/\s/u.test(usual))
    let from = i
    for (let k = i + 1; k <= j; k++) {
      if (wider(gaps[k]!)) {
        spellOut(from, k - 1)
        from = k
      }
    }
    spellOut(from, j)
    i = j + 1
  }

  // Pieces joined by punctuation without spaces: "nu.de", "face-swap", "пор_но".
  const tightGap = (i: number) => gaps[i]!.length >= 1 && gaps[i]!.length <= 2 && !/\s/u.test(gaps[i]!)
  // Letters alone are covered above.
  for (let i = 0; i < words.length; i++) {
    let longest = [...texts[i]!].length
    for (let j = i + 1; j < words.length && j - i < 4 && tightGap(j); j++) {
      longest = Math.max(longest, [...texts[j]!].length)
      if (longest > 1) join(i, j)
    }
  }

  return { words, joins, spelled }
}

/**
 * A readable rendering of what the rules see: one word per position, in the
 * script most of its letters are written in, with digits and symbols read as
 * letters and spaced-out letters joined. Repeated letters are kept as written;
 * matching deals with them (see `termPattern`).
 */
export function normalizeForModeration(text: string): string {
  const { words, spelled } = prepare(text)
  const out: string[] = []
  for (let i = 0; i < words.length; i++) {
    const token = spelled.find((s) => s.from === i) ?? words[i]!
    out.push(preferredForm(token))
    i = token.to
  }
  return out.join(' ')
}

function preferredForm(token: Token): string {
  const chars = [...token.text]
  const latin = chars.filter((c) => LATIN.test(c)).length
  const cyrillic = chars.filter((c) => CYRILLIC.test(c)).length
  const [first, second] = cyrillic > latin ? (['ru', 'en'] as const) : (['en', 'ru'] as const)
  return token.forms[first][0] ?? token.forms[second][0] ?? token.text
}

// ---------------------------------------------------------------------------
// Rule file

const RULE_ID = /^[a-z0-9][a-z0-9-]*$/
const SET_NAME = /^[a-z0-9][a-z0-9-]*$/
const MAX_WITHIN = 20

const termsByLanguage = z.strictObject({
  ru: z.array(z.string()).optional(),
  en: z.array(z.string()).optional(),
})
const termList = z.strictObject({
  sets: z.array(z.string()).optional(),
  ru: z.array(z.string()).optional(),
  en: z.array(z.string()).optional(),
})
const ruleSchema = z
  .strictObject({
    id: z.string().regex(RULE_ID, 'must be lower-case letters, digits and hyphens'),
    category: z.enum(MODERATION_CATEGORIES),
    description: z.string().optional(),
    terms: termList.optional(),
    near: z
      .strictObject({
        within: z.number().int().min(0).max(MAX_WITHIN),
        a: termList,
        b: termList,
      })
      .optional(),
    except: termList.optional(),
  })
  .refine((r) => (r.terms === undefined) !== (r.near === undefined), {
    message: 'a rule needs exactly one of "terms" or "near"',
  })
const fileSchema = z.strictObject({
  $comment: z.union([z.string(), z.array(z.string())]).optional(),
  version: z.literal(1),
  sets: z
    .record(z.string().regex(SET_NAME, 'set names must be lower-case letters, digits and hyphens'), termsByLanguage)
    .optional(),
  rules: z.array(z.unknown()).min(1, 'there must be at least one rule'),
})
type RuleInput = z.infer<typeof ruleSchema>
type TermListInput = z.infer<typeof termList>
type SetsInput = Record<string, z.infer<typeof termsByLanguage>>

function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.map(String).join('.')
      return path ? `${path}: ${issue.message}` : issue.message
    })
    .join('; ')
}

// ---------------------------------------------------------------------------
// Compiled terms

type WordPart = { lang: Lang; pattern: RegExp }
type NumberPart = { min: number; max: number }
type Part = WordPart | NumberPart

type SingleWordPatterns = {
  /** Whole words and stems, one expression per first letter. */
  byFirstLetter: Map<string, RegExp>
  /** Endings and parts, which may start anywhere. */
  anywhere: RegExp | null
}

type TermMatcher = {
  single: Record<Lang, SingleWordPatterns>
  numbers: NumberPart[]
  /** Terms of several words that must follow each other. */
  phrases: Part[][]
}

type CompiledRule = {
  id: string
  category: ModerationCategory
  except: TermMatcher | null
} & ({ kind: 'terms'; terms: TermMatcher } | { kind: 'near'; a: TermMatcher; b: TermMatcher; within: number })

const RULES: unique symbol = Symbol('moderation rules')

/** Rules ready for `checkPrompt`; build with `compileRules` or `loadModerationRules`. */
export type CompiledRules = {
  /** Rule ids in the order they are checked. */
  readonly ruleIds: readonly string[]
  readonly [RULES]: readonly CompiledRule[]
}

type WordKind = 'word' | 'prefix' | 'suffix' | 'infix'

/**
 * Letters stretched for emphasis or to dodge a filter ("nuuude", "kiiill")
 * still match: a single letter in a term matches that letter once or three or
 * more times, a doubled one twice or more. A letter written exactly twice is a
 * different word, though: "rapping" is not "raping", "coops" is not "cops".
 * Where a stem leaves the word open, it may go on with the same letter
 * ("swap*" matches "swapping").
 */
function termPattern(kind: WordKind, letters: string): string {
  const chars = [...letters]
  const openStart = kind === 'suffix' || kind === 'infix'
  const openEnd = kind === 'prefix' || kind === 'infix'
  let body = ''
  for (let i = 0; i < chars.length;) {
    let j = i
    while (j < chars.length && chars[j] === chars[i]) j++
    const c = chars[i]!
    const open = (i === 0 && openStart) || (j === chars.length && openEnd)
    body += j - i > 1 ? `${c}{${j - i},}` : open ? `${c}+` : `(?:${c}{3,}|${c}(?!${c}))`
    i = j
  }
  if (kind === 'word') return `^(?:${body})$`
  if (kind === 'prefix') return `^(?:${body})`
  if (kind === 'suffix') return `(?:${body})$`
  return `(?:${body})`
}

type ParsedPart = { kind: WordKind; lang: Lang; first: string; pattern: string } | NumberPart

function parsePart(part: string, lang: Lang, inPhrase: boolean): ParsedPart {
  const range = /^#(\d+)-(\d+)$/.exec(part)
  if (range) {
    const min = Number(range[1])
    const max = Number(range[2])
    if (min > max) throw new Error(`"${part}": the range is upside down`)
    return { min, max }
  }
  if (/^\d+$/.test(part)) return { min: Number(part), max: Number(part) }
  const starts = part.startsWith('*')
  const ends = part.endsWith('*')
  const kind: WordKind = starts && ends ? 'infix' : starts ? 'suffix' : ends ? 'prefix' : 'word'
  const letters = [...part.replace(/^\*|\*$/g, '')].map(fold).join('')
  if (letters.length === 0) throw new Error(`"${part}" has no letters`)
  const { letter, name } = ALPHABET[lang]
  for (const c of letters) {
    if (!letter.test(c)) throw new Error(`"${part}" must be written in ${name} letters only ("${c}" is not)`)
  }
  // A one-letter word is fine inside a phrase ("15 y o"), never alone or as a stem.
  const minimum = kind === 'word' ? (inPhrase ? 1 : 2) : kind === 'prefix' ? 2 : 3
  if (letters.length < minimum) throw new Error(`"${part}" is too short to match safely`)
  return { kind, lang, first: letters[0]!, pattern: termPattern(kind, letters) }
}

function compileTerms(list: { lang: Lang; term: string }[]): TermMatcher {
  const starting: Record<Lang, Map<string, string[]>> = { ru: new Map(), en: new Map() }
  const anywhere: Record<Lang, string[]> = { ru: [], en: [] }
  const numbers: NumberPart[] = []
  const phrases: Part[][] = []
  for (const { lang, term } of list) {
    const pieces = term.trim().split(/\s+/u)
    try {
      if (pieces[0] === '') throw new Error('is empty')
      const parts = pieces.map((p) => parsePart(p, lang, pieces.length > 1))
      const only = parts.length === 1 ? parts[0]! : null
      if (only && 'pattern' in only) {
        const { pattern } = only
        if (only.kind === 'word' || only.kind === 'prefix') {
          const group = starting[lang].get(only.first) ?? []
          group.push(pattern)
          starting[lang].set(only.first, group)
        } else {
          anywhere[lang].push(pattern)
        }
      } else if (only) {
        numbers.push(only)
      } else {
        phrases.push(parts.map((p) => ('pattern' in p ? { lang: p.lang, pattern: new RegExp(p.pattern, 'u') } : p)))
      }
    } catch (e) {
      throw new Error(`${lang} term "${term}": ${(e as Error).message}`)
    }
  }
  const single = {} as Record<Lang, SingleWordPatterns>
  for (const lang of LANGS) {
    const byFirstLetter = new Map<string, RegExp>()
    for (const [letter, patterns] of starting[lang]) byFirstLetter.set(letter, new RegExp(patterns.join('|'), 'u'))
    single[lang] = {
      byFirstLetter,
      anywhere: anywhere[lang].length > 0 ? new RegExp(anywhere[lang].join('|'), 'u') : null,
    }
  }
  return { single, numbers, phrases }
}

function collectTerms(input: TermListInput, sets: SetsInput, where: string): { lang: Lang; term: string }[] {
  const out: { lang: Lang; term: string }[] = []
  const add = (source: { ru?: string[]; en?: string[] }) => {
    for (const lang of LANGS) for (const term of source[lang] ?? []) out.push({ lang, term })
  }
  for (const name of input.sets ?? []) {
    const set = sets[name]
    if (!set) throw new Error(`${where}: unknown set "${name}"`)
    add(set)
  }
  add(input)
  if (out.length === 0) throw new Error(`${where} has no terms`)
  return out
}

/**
 * Validates a parsed rules file and prepares it for `checkPrompt`. Throws an
 * Error that names the rule (id and position) at fault.
 */
export function compileRules(json: unknown): CompiledRules {
  const file = fileSchema.safeParse(json)
  if (!file.success) throw new Error(`Invalid moderation rules: ${describeIssues(file.error)}`)
  const sets: SetsInput = file.data.sets ?? {}
  const seen = new Map<string, number>()
  const compiled: CompiledRule[] = []

  file.data.rules.forEach((raw, index) => {
    const rawId =
      typeof raw === 'object' && raw !== null && typeof (raw as { id?: unknown }).id === 'string'
        ? (raw as { id: string }).id
        : undefined
    const name = rawId === undefined ? `rules[${index}]` : `"${rawId}" (rules[${index}])`
    const parsed = ruleSchema.safeParse(raw)
    if (!parsed.success) throw new Error(`Invalid moderation rule ${name}: ${describeIssues(parsed.error)}`)
    const rule: RuleInput = parsed.data
    const earlier = seen.get(rule.id)
    if (earlier !== undefined) {
      throw new Error(`Invalid moderation rule ${name}: the id is already used by rules[${earlier}]`)
    }
    seen.set(rule.id, index)
    try {
      const terms = (list: TermListInput, where: string) => compileTerms(collectTerms(list, sets, where))
      const except = rule.except ? terms(rule.except, 'except') : null
      const common = { id: rule.id, category: rule.category, except }
      if (rule.terms) compiled.push({ ...common, kind: 'terms', terms: terms(rule.terms, 'terms') })
      else if (rule.near) {
        compiled.push({
          ...common,
          kind: 'near',
          a: terms(rule.near.a, 'near.a'),
          b: terms(rule.near.b, 'near.b'),
          within: rule.near.within,
        })
      }
    } catch (e) {
      throw new Error(`Invalid moderation rule ${name}: ${(e as Error).message}`)
    }
  })

  return { ruleIds: compiled.map((r) => r.id), [RULES]: compiled }
}

// ---------------------------------------------------------------------------
// Loading

const loaded = new Map<string, CompiledRules>()

/**
 * The rules in `filePath` (a JSON file), or the shipped rules when no path is
 * given. Compiled once per path and process; a bad file throws at first use,
 * naming the file and the rule.
 */
export function loadModerationRules(filePath?: string): CompiledRules {
  const key = filePath ?? ''
  const cached = loaded.get(key)
  if (cached) return cached
  let rules: CompiledRules
  if (!filePath) {
    rules = compileRules(shippedRules)
  } else {
    let json: unknown
    try {
      json = JSON.parse(readFileSync(filePath, 'utf8'))
    } catch (e) {
      throw new Error(`Cannot read moderation rules from ${filePath}: ${(e as Error).message}`)
    }
    try {
      rules = compileRules(json)
    } catch (e) {
      throw new Error(`${filePath}: ${(e as Error).message}`)
    }
  }
  loaded.set(key, rules)
  return rules
}

// ---------------------------------------------------------------------------
// Checking

type Span = {
  from: number
  to: number
  start: number
  end: number
  /** Matched on words joined together ("n u d e"), not on the words as written. */
  joined: boolean
}

function partMatches(part: Part, token: Token): boolean {
  if ('pattern' in part) return token.forms[part.lang].some((form) => part.pattern.test(form))
  return token.digits !== null && Number(token.digits) >= part.min && Number(token.digits) <= part.max
}

function singleMatches(matcher: TermMatcher, token: Token): boolean {
  for (const lang of LANGS) {
    const { byFirstLetter, anywhere } = matcher.single[lang]
    for (const form of token.forms[lang]) {
      const starting = byFirstLetter.get(form[0] ?? '')
      if (starting?.test(form) || anywhere?.test(form)) return true
    }
  }
  return matcher.numbers.some((n) => partMatches(n, token))
}

function findSpans(matcher: TermMatcher, text: PreparedText, excluded: Set<number>): Span[] {
  const spans: Span[] = []
  const free = (t: Token) => {
    for (let k = t.from; k <= t.to; k++) if (excluded.has(k)) return false
    return true
  }
  for (const token of text.words) {
    if (free(token) && singleMatches(matcher, token)) spans.push({ ...token, joined: false })
  }
  for (const token of text.joins) {
    if (free(token) && singleMatches(matcher, token)) spans.push({ ...token, joined: true })
  }
  const { words } = text
  for (const phrase of matcher.phrases) {
    for (let i = 0; i + phrase.length <= words.length; i++) {
      let k = 0
      while (k < phrase.length && free(words[i + k]!) && partMatches(phrase[k]!, words[i + k]!)) k++
      if (k === phrase.length) {
        spans.push({ from: i, to: i + k - 1, start: words[i]!.start, end: words[i + k - 1]!.end, joined: false })
      }
    }
  }
  // Earliest first; of those starting together, words as written before joins, then the longest.
  return spans.sort((x, y) => x.start - y.start || Number(x.joined) - Number(y.joined) || y.end - x.end)
}

/** Word positions covered by the rule's exceptions ("naked eye", "голыми руками"). */
function excludedPositions(matcher: TermMatcher | null, text: PreparedText): Set<number> {
  const out = new Set<number>()
  if (!matcher) return out
  for (const span of findSpans(matcher, text, out)) for (let k = span.from; k <= span.to; k++) out.add(k)
  return out
}

/** Words strictly between two spans; 0 when they touch or overlap. */
function wordsBetween(x: Span, y: Span): number {
  if (x.to < y.from) return y.from - x.to - 1
  if (y.to < x.from) return x.from - y.to - 1
  return 0
}

const MAX_EXCERPT = 160

function excerpt(prompt: string, spans: Span[]): string {
  const start = Math.min(...spans.map((s) => s.start))
  const end = Math.max(...spans.map((s) => s.end))
  if (end - start <= MAX_EXCERPT || spans.length === 1) return prompt.slice(start, end)
  return spans
    .slice()
    .sort((x, y) => x.start - y.start)
    .map((s) => prompt.slice(s.start, s.end))
    .join(' … ')
}

function findMatch(rule: CompiledRule, text: PreparedText): Span[] | null {
  const excluded = excludedPositions(rule.except, text)
  if (rule.kind === 'terms') {
    const first = findSpans(rule.terms, text, excluded)[0]
    return first ? [first] : null
  }
  const b = findSpans(rule.b, text, excluded)
  if (b.length === 0) return null
  for (const x of findSpans(rule.a, text, excluded)) {
    const y = b.find((s) => wordsBetween(x, s) <= rule.within)
    if (y) return [x, y]
  }
  return null
}

/**
 * Checks a prompt against the rules in order; the first rule that matches
 * decides, so a file lists combined, more specific rules before general ones.
 */
export function checkPrompt(prompt: string, rules: CompiledRules): ModerationVerdict {
  const text = prepare(prompt)
  for (const rule of rules[RULES]) {
    const spans = findMatch(rule, text)
    if (spans) return { ok: false, category: rule.category, ruleId: rule.id, matched: excerpt(prompt, spans) }
  }
  return { ok: true }
}
