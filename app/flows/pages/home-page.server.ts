import { requireCurrentVersionsAccepted } from '~/flows/account/index.server'
import { balanceOf } from '~/credits/index.server'
import { rememberedGenerationSettings, rememberGenerationSettings } from '~/cookie-consent/index.server'
import { getDb } from '~/platform/db/client.server'
import { getEnv } from '~/platform/env.server'
import { getFixedT } from '~/platform/i18n/i18next.server'
import type { Locale } from '~/platform/i18n/locales'
import { getEngine, currentGenerator, findJob, submitGeneration } from '~/generation/index.server'
import { defaultsFromJob, defaultsFromQuery, type HomeActionData, type HomeDefaults } from './home-form'

/**
 * The home page (/:lang): the generation form for whoever is generating, and
 * what a submission of it leads to.
 */

/**
 * The page's data. `?again=<id>` names one of the person's own generations to
 * start the form from; `?prompt=…&style=…&aspectRatio=…` (an example of the
 * gallery) fills it in, each value only when it is valid.
 */
export async function homePage(request: Request, locale: Locale) {
  const search = new URL(request.url).searchParams
  const againId = search.get('again')
  const t = getFixedT(locale, 'home')
  const db = await getDb()
  const generator = await currentGenerator(request, db)
  const engine = getEngine()
  // "Again with the same settings": the form starts from one of the person's own generations.
  let defaults: HomeDefaults | undefined
  if (generator && againId) {
    const job = await findJob(db, againId, generator.owner)
    if (job) defaults = defaultsFromJob(job)
  }
  defaults ??= defaultsFromQuery(search)
  // Otherwise, with the person's consent to preferences, the settings they used last.
  defaults ??= (await rememberedGenerationSettings(request, locale)) ?? undefined
  return {
    locale,
    // The local engine is not AI: the page's title and description do not promise it.
    title: t(engine.kind === 'ai' ? 'ai.title' : 'title'),
    description: t(engine.kind === 'ai' ? 'ai.description' : 'description'),
    guestCredits: getEnv().GUEST_FREE_CREDITS,
    engineKind: engine.kind,
    engineTakesPhoto: engine.takesPhoto !== false,
    balance: generator ? await balanceOf(db, generator.owner) : null,
    viewer: generator ? (generator.userId ? ('user' as const) : ('guest' as const)) : null,
    defaults,
  }
}

export type HomeSubmitOutcome =
  | { kind: 'redirect'; location: string; headers: Headers }
  | { kind: 'answer'; body: HomeActionData; status: number; headers: Headers }

/**
 * Submits the generation form. With JavaScript the form is sent by a fetcher
 * that stays on the page (`inline`); without it, a successful submission goes
 * on to the job's own page, and one that needs a session to the guest page.
 */
export async function submitFromHome(
  request: Request,
  locale: Locale,
  clientIp: string | null,
  inline: boolean,
): Promise<HomeSubmitOutcome> {
  // Someone who declined a material new version goes to the interstitial
  // first; without a session or guest there is nobody to ask, and the
  // submission answers that a session is needed.
  await requireCurrentVersionsAccepted(request, locale)
  const outcome = await submitGeneration(request, locale, clientIp)
  if (outcome.ok) {
    const { style, aspectRatio, count } = outcome.job
    const remembered = await rememberGenerationSettings(request, locale, { style, aspectRatio, count })
    const headers = new Headers(remembered ? { 'Set-Cookie': remembered } : undefined)
    if (!inline) return { kind: 'redirect', location: `/${locale}/generations/${outcome.job.id}`, headers }
    return { kind: 'answer', body: { ok: true, job: outcome.job, balance: outcome.balance }, status: 202, headers }
  }
  if ('needsSession' in outcome && !inline) {
    return { kind: 'redirect', location: `/${locale}/guest`, headers: new Headers() }
  }
  const headers = new Headers()
  if ('retryAfter' in outcome && outcome.retryAfter) headers.set('Retry-After', String(outcome.retryAfter))
  // A refused upload is left unread: closing the connection lets the client see the answer instead of a reset.
  if ('unreadBody' in outcome && outcome.unreadBody) headers.set('Connection', 'close')
  return {
    kind: 'answer',
    body: { ok: false, failure: outcome.failure, needsSession: 'needsSession' in outcome },
    status: outcome.status,
    headers,
  }
}
