import type { Env } from '~/platform/env.server'
import { LOCALES, type Locale } from '~/platform/i18n/locales'
import { logger } from '~/platform/log.server'
import {
  COUNTRY_NAMES,
  DISCLOSED_BEFORE_THE_REGISTER,
  enabledProcessors,
  type ProcessorEntry,
} from '~/platform/processing-register'
import type { ArchivedVersion } from './archive.server'
import { getPolicyPage } from './documents.server'

/**
 * The start-up check of docs/decisions/009: every outside service that the
 * settings switch on and that receives personal data must be disclosed by
 * the privacy policy in force, in each language. A version discloses the
 * services listed in its recipients register table (the ids archived with
 * it), or, for versions written before the register, the services recorded
 * for its exact text in DISCLOSED_BEFORE_THE_REGISTER.
 */

export type DisclosureProblem = {
  processor: string
  /** The settings that switched it on. */
  settings: string[]
  locale: Locale
  /** The privacy policy version in force, or null when none is. */
  version: number | null
  message: string
}

/** The ids of the outside services an archived privacy policy version discloses. */
export function disclosedBy(version: Pick<ArchivedVersion, 'body' | 'sha256'>): Set<string> {
  const ids = new Set<string>(DISCLOSED_BEFORE_THE_REGISTER[version.sha256] ?? [])
  for (const block of version.body) {
    if (block._type === 'table' && block.register?.table === 'processors')
      block.register.ids.forEach((id) => ids.add(id))
  }
  return ids
}

function problem(p: ProcessorEntry, locale: Locale, version: number | null): DisclosureProblem {
  const where =
    version === null ? `no privacy policy (${locale}) is in force` : `privacy policy v${version} (${locale})`
  return {
    processor: p.id,
    settings: [...p.settings],
    locale,
    version,
    message:
      `${p.settings.join(', ')} enables ${p.name.en} (${p.service.en}, ${COUNTRY_NAMES[p.country].en}), ` +
      `but ${where} does not disclose it: unset the setting, or publish a privacy policy version whose recipients table lists "${p.id}"`,
  }
}

type PolicyLookup = (locale: Locale) => Promise<Pick<ArchivedVersion, 'body' | 'sha256' | 'version'> | null>

const inForce: PolicyLookup = async (locale) => {
  const page = await getPolicyPage('privacy', locale)
  return page.state === 'ok' ? page.document : null
}

/** What the settings enable that the policy in force does not disclose; empty when all is well. */
export async function findUndisclosedIntegrations(
  env: Env,
  lookup: PolicyLookup = inForce,
): Promise<DisclosureProblem[]> {
  const needed = enabledProcessors(env).filter((p) => p.role !== 'none')
  if (needed.length === 0) return []
  const problems: DisclosureProblem[] = []
  for (const locale of LOCALES) {
    const policy = await lookup(locale)
    const disclosed = policy ? disclosedBy(policy) : new Set<string>()
    for (const p of needed) if (!disclosed.has(p.id)) problems.push(problem(p, locale, policy?.version ?? null))
  }
  return problems
}

// Readiness asks often; the answer changes only when a version takes effect
// or the settings change (a restart), so it is kept for a minute.
const CACHE_MS = 60_000
let cached: { at: number; problems: DisclosureProblem[] } | undefined
let lastLogged = ''

/** The check as /readyz and the start-up use it: cached briefly, and logged loudly whenever its answer changes. */
export async function disclosureProblems(env: Env, now = Date.now()): Promise<DisclosureProblem[]> {
  if (cached && now - cached.at < CACHE_MS) return cached.problems
  const problems = await findUndisclosedIntegrations(env)
  cached = { at: now, problems }
  const fingerprint = problems.map((p) => `${p.processor}/${p.locale}/${p.version}`).join(',')
  if (fingerprint !== lastLogged) {
    lastLogged = fingerprint
    for (const p of problems) logger.error({ event: 'register.undisclosed-integration', ...p }, p.message)
    if (problems.length === 0 && fingerprint === '')
      logger.info({ event: 'register.disclosures-ok' }, 'every enabled outside service is disclosed')
  }
  return problems
}

/** For tests. */
export function resetDisclosureCache() {
  cached = undefined
  lastLogged = ''
}

/**
 * Whether the privacy policy in force in `locale` discloses advance notices
 * of material changes: it holds the `notices` register table (which states
 * the periods and channels). Until one does, no notice is issued in that
 * language (docs/decisions/022). False when no version is in force or the
 * policy cannot be read.
 */
export async function noticesDisclosed(
  locale: Locale,
  now: Date = new Date(),
  deps?: Parameters<typeof getPolicyPage>[3],
): Promise<boolean> {
  try {
    const page = await getPolicyPage('privacy', locale, now, deps)
    if (page.state !== 'ok') return false
    return page.document.body.some((block) => block._type === 'table' && block.register?.table === 'notices')
  } catch (error) {
    logger.warn(
      { err: error, locale, event: 'notices.disclosure-unknown' },
      'could not read the privacy policy in force',
    )
    return false
  }
}
