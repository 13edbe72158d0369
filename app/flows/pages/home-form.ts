import type { FormFailure } from '~/platform/form'
import { isAspectRatio, isStyle, type AspectRatio, type Style, type JobStatusResponse } from '~/generation'

/** What the home page's generation form starts from. */
export type HomeDefaults = { prompt?: string; style?: Style; aspectRatio?: AspectRatio; count?: number }

/** The home page action's answer: the job just started, or why none was. */
export type HomeActionData =
  ({ ok: true } & JobStatusResponse) | { ok: false; failure: FormFailure; needsSession?: boolean }

/** The settings of an earlier generation ("again with the same settings"); unknown options are left to the form's own. */
export function defaultsFromJob(job: {
  prompt: string
  style: string
  aspectRatio: string
  count: number
}): HomeDefaults {
  return {
    prompt: job.prompt,
    style: isStyle(job.style) ? job.style : undefined,
    aspectRatio: isAspectRatio(job.aspectRatio) ? job.aspectRatio : undefined,
    count: job.count,
  }
}

/** The refusal of the last submission, if it was one. */
export function failureOf(result: HomeActionData | undefined): FormFailure | null {
  return result && !result.ok ? result.failure : null
}

/** What a refused submission had in its fields, so the form shows it again; nothing when the prompt and style were empty. */
export function valuesOf(result: HomeActionData | undefined): HomeDefaults | undefined {
  if (!result || result.ok) return undefined
  const v = result.failure.values
  if (!v.prompt && !v.style) return undefined
  return {
    prompt: v.prompt,
    style: isStyle(v.style) ? v.style : undefined,
    aspectRatio: isAspectRatio(v.aspectRatio) ? v.aspectRatio : undefined,
    count: v.count ? Number(v.count) : undefined,
  }
}
