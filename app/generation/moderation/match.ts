/**
 * Prompt moderation, part three: checking a prompt against compiled rules.
 * Before any credits are charged, a prompt is checked, and a refusal names
 * the category of terms clause 8.1 it falls under (terms 8.3).
 *
 * Everything here is pure.
 */
import { LANGS, prepare, type PreparedText, type Token } from './normalize'
import {
  RULES,
  type CompiledRule,
  type CompiledRules,
  type ModerationCategory,
  type Part,
  type TermMatcher,
} from './rules'

export type ModerationVerdict =
  | { ok: true }
  | {
      ok: false
      category: ModerationCategory
      ruleId: string
      /** The part of the prompt, as the person wrote it, that the rule matched. */
      matched: string
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
