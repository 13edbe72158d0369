import { getSessionUser, guestExists, readGuestId } from '~/identity/index.server'
import {
  type CurrentVersion,
  insertConsentId,
  lockConsentId,
  recordAcceptances,
  updateConsentId,
} from '~/acceptances/index.server'
import { getDb, type Database } from '~/platform/db/client.server'
import type { CookieCategory } from './schema'
import { type AcceptanceRow } from '~/acceptances'
import { getFixedT } from '~/platform/i18n/i18next.server'
import type { Locale } from '~/platform/i18n/locales'
import { logger } from '~/platform/log.server'
import { checkClientThenOverall } from '~/platform/security/rate-limit.server'
import {
  expireCookie,
  newConsentId,
  newVisitorId,
  PREFS_COOKIE,
  readConsentCookie,
  readStatsCookie,
  serializeConsentCookie,
  serializeStatsCookie,
  STATS_COOKIE,
  type ConsentChoice,
  type ConsentMethod,
} from './cookie.server'
import { cookiePolicyInForce, hasGpcSignal } from './state.server'

/**
 * Recording a cookie choice: one transaction writes the anonymous
 * consent id (new, or the browser's own when it may be reused) and one
 * `cookie` ledger row per optional category, given or withdrawn, against the
 * cookie policy in force. Then the response sets palitra_consent and deletes
 * the cookies of every category that is off.
 */

export type CookieChoiceInput = {
  request: Request
  locale: Locale
  method: ConsentMethod
  /** The checkboxes; read only for method 'custom'. */
  preferences?: boolean
  analytics?: boolean
  /** The cookie policy version the form showed (its hidden field); null when missing or malformed. */
  shownVersion: number | null
  evidence: { ip: string | null; userAgent: string | null }
  now?: Date
  /** Tests inject their own database and version lookup; the app uses the process-wide ones. */
  deps?: { db: Database; policy: (locale: Locale) => Promise<CurrentVersion | null> }
}

export type CookieChoiceOutcome =
  | { ok: true; choice: ConsentChoice; rows: AcceptanceRow[]; setCookies: string[] }
  /** The form showed another version than the one in force now: nothing recorded, ask again. */
  | { ok: false; reason: 'version-changed'; policy: CurrentVersion }
  /** No cookie policy is in force in this language: nothing can be recorded. */
  | { ok: false; reason: 'unavailable' }
  /** Too many choices from this address, or from everybody, in the window: nothing recorded. */
  | { ok: false; reason: 'rate-limited'; retryAfterSeconds: number }

/** The texts a choice is recorded with, exactly as the banner shows them (our own strings, never the form's). */
export function choiceWordings(locale: Locale, method: ConsentMethod, gpc: boolean): Record<CookieCategory, string> {
  const t = getFixedT(locale, 'cookie-consent')
  if (method === 'essential') return { preferences: t('essentialOnly'), analytics: t('essentialOnly') }
  if (method === 'all') {
    return {
      preferences: t('acceptAll'),
      // With the GPC signal "Accept all" leaves analytics off, as the banner says next to the button.
      analytics: gpc ? t('wordingUnderGpc', { button: t('acceptAll'), note: t('gpc') }) : t('acceptAll'),
    }
  }
  return { preferences: t('preferences.label'), analytics: t('analytics.label') }
}

/** What each category becomes: "Accept all" under GPC leaves analytics off; the checkboxes decide for "custom". */
export function resolveCategories(
  method: ConsentMethod,
  gpc: boolean,
  boxes: { preferences?: boolean; analytics?: boolean },
): Record<CookieCategory, boolean> {
  if (method === 'all') return { preferences: true, analytics: !gpc }
  if (method === 'essential') return { preferences: false, analytics: false }
  return { preferences: boxes.preferences === true, analytics: boxes.analytics === true }
}

type Owner = { userId: string | null; guestId: string | null }

/**
 * The account or guest of the request, to link the consent id to. A guest
 * cookie can outlive its row, so the guest must exist.
 */
async function ownerOf(db: Database, request: Request): Promise<Owner> {
  const session = await getSessionUser(request, db)
  if (session) return { userId: session.user.id, guestId: null }
  const guestId = await readGuestId(request)
  if (!guestId) return { userId: null, guestId: null }
  return { userId: null, guestId: (await guestExists(db, guestId)) ? guestId : null }
}

/**
 * The browser's consent id may be reused only while it stays with the same
 * person: a row linked to an account or guest other than the request's (a
 * shared computer, someone signed out) gets a fresh id, so that nobody's
 * choices end up in another person's history.
 */
function reusable(row: { userId: string | null; guestId: string | null }, owner: Owner): boolean {
  return (row.userId === null || row.userId === owner.userId) && (row.guestId === null || row.guestId === owner.guestId)
}

export async function recordCookieChoice(input: CookieChoiceInput): Promise<CookieChoiceOutcome> {
  const now = input.now ?? new Date()
  const db = input.deps?.db ?? (await getDb())
  const limit = await checkClientThenOverall(db, 'cookie-choice', input.evidence.ip, { now: input.now })
  if (!limit.ok) return { ok: false, reason: 'rate-limited', retryAfterSeconds: limit.retryAfterSeconds }
  // Before the transaction: serving a version for the first time archives it.
  const policy = await (input.deps?.policy ?? ((locale: Locale) => cookiePolicyInForce(locale, { now })))(input.locale)
  if (!policy) return { ok: false, reason: 'unavailable' }
  if (input.shownVersion !== policy.version) return { ok: false, reason: 'version-changed', policy }

  const gpc = hasGpcSignal(input.request)
  const categories = resolveCategories(input.method, gpc, input)
  const wordings = choiceWordings(input.locale, input.method, gpc)
  const owner = await ownerOf(db, input.request)
  // Any signed cookie of ours names the browser's id, whatever version it was for.
  const previous = await readConsentCookie(input.request, { now })

  const { consentId, rows } = await db.transaction(async (tx) => {
    let id: string | null = null
    if (previous) {
      const row = await lockConsentId(tx, previous.consentId)
      if (row && reusable(row, owner)) {
        id = row.id
        await updateConsentId(
          tx,
          id,
          { userId: row.userId ?? owner.userId, guestId: row.guestId ?? owner.guestId },
          now,
        )
      }
    }
    if (!id) {
      id = newConsentId()
      await insertConsentId(tx, id, owner, now)
    }
    const written: AcceptanceRow[] = []
    for (const scope of ['preferences', 'analytics'] as const) {
      written.push(
        ...(await recordAcceptances(tx, {
          subject: { consentId: id },
          event: 'cookie',
          state: categories[scope] ? 'given' : 'withdrawn',
          scope,
          documents: [policy],
          wordings: { cookies: wordings[scope] },
          ip: input.evidence.ip,
          userAgent: input.evidence.userAgent,
          action: { type: 'cookie-choice', id },
        })),
      )
    }
    return { consentId: id, rows: written }
  })

  const choice: ConsentChoice = {
    consentId,
    locale: policy.locale,
    version: policy.version,
    method: input.method,
    ...categories,
    issuedAt: Math.floor(now.getTime() / 1000),
  }
  const setCookies = [await serializeConsentCookie(choice)]
  // Switching a category off deletes its cookies; analytics on starts the visitor id right away.
  if (!categories.preferences) setCookies.push(expireCookie(PREFS_COOKIE))
  if (!categories.analytics) setCookies.push(expireCookie(STATS_COOKIE))
  else if (!readStatsCookie(input.request)) setCookies.push(serializeStatsCookie(newVisitorId()))
  logger.info(
    { event: 'cookie-consent.recorded', consentId, method: input.method, ...categories, version: policy.version },
    'cookie choice recorded',
  )
  return { ok: true, choice, rows, setCookies }
}
