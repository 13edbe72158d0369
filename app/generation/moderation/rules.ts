/**
 * Prompt moderation, part two: the rules file. A file lists rules in Russian
 * and English, each naming the category of terms clause 8.1 it falls under
 * (terms 8.3); `compileRules` validates it and prepares it for `checkPrompt`
 * (./match.ts).
 *
 * Everything here is pure except `loadModerationRules`, which reads a file.
 */
import { readFileSync } from 'node:fs'
import { z } from 'zod'
import shippedRules from '../moderation-rules.json'
import { fold, LANGS, type Lang } from './normalize'

export const MODERATION_CATEGORIES = ['minors', 'extremism', 'violence', 'deepfake', 'pornography', 'fraud'] as const
export type ModerationCategory = (typeof MODERATION_CATEGORIES)[number]

const ALPHABET: Record<Lang, { letter: RegExp; name: string }> = {
  ru: { letter: /^[а-я]$/, name: 'Cyrillic' },
  en: { letter: /^[a-z]$/, name: 'Latin' },
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
export type NumberPart = { min: number; max: number }
export type Part = WordPart | NumberPart

type SingleWordPatterns = {
  /** Whole words and stems, one expression per first letter. */
  byFirstLetter: Map<string, RegExp>
  /** Endings and parts, which may start anywhere. */
  anywhere: RegExp | null
}

export type TermMatcher = {
  single: Record<Lang, SingleWordPatterns>
  numbers: NumberPart[]
  /** Terms of several words that must follow each other. */
  phrases: Part[][]
}

export type CompiledRule = {
  id: string
  category: ModerationCategory
  except: TermMatcher | null
} & ({ kind: 'terms'; terms: TermMatcher } | { kind: 'near'; a: TermMatcher; b: TermMatcher; within: number })

/** Where `CompiledRules` keeps the compiled rules; read only by ./match.ts. */
export const RULES: unique symbol = Symbol('moderation rules')

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
