import type { FormFailure } from '~/platform/form'
import {
  isAspectRatio,
  isStyle,
  PROMPT_MAX_LENGTH,
  type AspectRatio,
  type Style,
  type JobStatusResponse,
} from '~/generation'

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

/**
 * A form filled in from the address (`?prompt=…&style=…&aspectRatio=…`, as the
 * example gallery links): only valid values are taken, a prompt only within
 * its limit; nothing when none is.
 */
export function defaultsFromQuery(search: URLSearchParams): HomeDefaults | undefined {
  const prompt = (search.get('prompt') ?? '').replace(/\r\n?/g, '\n').trim()
  const style = search.get('style') ?? ''
  const ratio = search.get('aspectRatio') ?? ''
  const defaults: HomeDefaults = {
    prompt: prompt && [...prompt].length <= PROMPT_MAX_LENGTH ? prompt : undefined,
    style: isStyle(style) ? style : undefined,
    aspectRatio: isAspectRatio(ratio) ? ratio : undefined,
  }
  return defaults.prompt || defaults.style || defaults.aspectRatio ? defaults : undefined
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
