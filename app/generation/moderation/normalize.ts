/**
 * Prompt moderation, part one: the normalized reading of a text. Prompts and
 * rule terms are normalized the same way so that look-alike letters, "leet"
 * digits, spaced-out letters and invisible characters do not slip past.
 * Rules (./rules.ts) fold their terms with `fold`; matching (./match.ts)
 * works on the words `prepare` returns.
 *
 * Everything here is pure.
 */

export const LANGS = ['ru', 'en'] as const
export type Lang = (typeof LANGS)[number]

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
export function fold(char: string): string {
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

export type Token = {
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

export type PreparedText = {
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

export function prepare(prompt: string): PreparedText {
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
