import { z } from 'zod'
import { getDb } from '~/platform/db/client.server'
import { moderationRefusals } from './schema'
import { getEnv } from '~/platform/env.server'
import { getFixedT } from '~/platform/i18n/i18next.server'
import type { Locale } from '~/platform/i18n/locales'
import { formFailure, type FormFailure } from '~/platform/form'
import { formText, parseForm } from '~/platform/form-schema.server'
import { logger } from '~/platform/log.server'
import { checkLimits } from '~/platform/security/rate-limit.server'
import { getStorage } from '~/platform/storage/index.server'
import { getEngine } from './engines/index.server'
import { createJob, currentGenerator, toJobView, type Generator } from './jobs.server'
import { checkPrompt } from './moderation/match'
import { loadModerationRules } from './moderation/rules'
import { ASPECT_RATIOS, MAX_IMAGES, MIN_IMAGES, PROMPT_MAX_LENGTH, STYLES } from './options'
import { preparePhoto, readGenerationForm } from './upload.server'
import type { JobView } from './view'

export type SubmitOutcome =
  | { ok: true; job: JobView; balance: number }
  | {
      ok: false
      status: 400 | 401 | 402 | 413 | 415 | 422 | 429
      failure: FormFailure
      retryAfter?: number
      /** The request body was not read to its end (a refused upload). */
      unreadBody?: boolean
    }

// Longer prompts are cut a little past the limit: enough to tell "too long" (counted in characters).
// A field left out takes the form's own default.
const GENERATION_FORM = z.object({
  prompt: formText({ max: PROMPT_MAX_LENGTH + 100 })
    .transform((prompt) => prompt.replace(/\r\n/g, '\n'))
    .refine((prompt) => prompt !== '', 'errors.prompt-required')
    .refine((prompt) => [...prompt].length <= PROMPT_MAX_LENGTH, 'errors.prompt-too-long'),
  style: formText({ max: 40, trim: false, missing: 'none' }).pipe(z.enum(STYLES, { error: 'errors.bad-style' })),
  aspectRatio: formText({ max: 40, trim: false, missing: '1:1' }).pipe(
    z.enum(ASPECT_RATIOS, { error: 'errors.bad-ratio' }),
  ),
  count: formText({ max: 10, trim: false, missing: '1' })
    .refine((count) => /^\d$/.test(count), 'errors.bad-count')
    .transform(Number)
    .refine((count) => count >= MIN_IMAGES && count <= MAX_IMAGES, 'errors.bad-count'),
})

/**
 * One submission of the generation form, in the order the terms promise:
 * the form and photo are read within their limits, the fields checked, the
 * prompt moderated, the photo validated and re-encoded, and only then are
 * credits charged together with the job row. Every refusal is a 4xx with a
 * localized message key and leaves nothing behind.
 */
export async function submitGeneration(
  request: Request,
  locale: Locale,
  clientIp: string | null,
): Promise<SubmitOutcome | { ok: false; status: 401; failure: FormFailure; needsSession: true }> {
  const db = await getDb()
  const generator = await currentGenerator(request, db)
  if (!generator) {
    return { ok: false, status: 401, needsSession: true, failure: formFailure({}, {}, 'errors.no-session') }
  }

  const limited = await checkLimits(db, [{ policy: 'generate-ip', subject: clientIp }])
  if (!limited.ok) {
    return {
      ok: false,
      status: 429,
      retryAfter: limited.retryAfterSeconds,
      failure: formFailure({}, {}, 'errors.rate-limited'),
    }
  }

  const form = await readGenerationForm(request)
  if (!form.ok) {
    return {
      ok: false,
      status: form.failure.status,
      unreadBody: true,
      failure: formFailure({}, {}, `upload.${form.failure.code}`),
    }
  }
  const parsed = parseForm(form.input.fields, GENERATION_FORM)
  if (!parsed.ok) return { ok: false, status: 422, failure: parsed.failure }
  const fields = parsed.data
  const values = {
    prompt: fields.prompt,
    style: fields.style,
    aspectRatio: fields.aspectRatio,
    count: String(fields.count),
  }

  // An engine that cannot start from a photo refuses one here, before anything
  // is charged or written, rather than after the job has been paid for.
  if (form.input.photo && getEngine().takesPhoto === false) {
    return { ok: false, status: 422, failure: formFailure({ photo: 'upload.text-only-engine' }, values) }
  }

  const verdict = checkPrompt(fields.prompt, loadModerationRules(getEnv().MODERATION_RULES_FILE))
  if (!verdict.ok) {
    await recordRefusal(generator, fields.prompt, verdict)
    const t = getFixedT(locale, 'generate')
    return {
      ok: false,
      status: 422,
      failure: formFailure({ prompt: 'moderation.field' }, values, 'moderation.refused', {
        category: t(`moderation.categories.${verdict.category}`),
      }),
    }
  }

  let photo = null
  if (form.input.photo) {
    const prepared = await preparePhoto(form.input.photo)
    if (!prepared.ok) {
      return {
        ok: false,
        status: prepared.failure.status,
        failure: formFailure({ photo: `upload.${prepared.failure.code}` }, values),
      }
    }
    photo = prepared.photo
  }

  const result = await createJob(
    db,
    getStorage(),
    getEngine(),
    generator,
    { ...fields, photo },
    {
      maxAttempts: getEnv().JOB_MAX_ATTEMPTS,
    },
  )
  if (!result.ok) {
    return {
      ok: false,
      status: 402,
      failure: formFailure({}, values, 'errors.not-enough-credits', { balance: result.balance, needed: result.needed }),
    }
  }
  return { ok: true, job: toJobView(result.job, [], null), balance: result.balance }
}

async function recordRefusal(
  generator: Generator,
  prompt: string,
  verdict: { category: string; ruleId: string; matched: string },
) {
  const db = await getDb()
  await db.insert(moderationRefusals).values({
    owner: generator.owner,
    userId: generator.userId,
    guestId: generator.guestId,
    prompt,
    category: verdict.category,
    ruleId: verdict.ruleId,
    matched: verdict.matched,
  })
  logger.warn(
    { event: 'generation.refused', owner: generator.owner, category: verdict.category, rule: verdict.ruleId },
    'prompt refused by moderation rules',
  )
}
