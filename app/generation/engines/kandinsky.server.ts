import { z } from 'zod'
import { PROMPT_MAX_LENGTH, type AspectRatio, type Style } from '../options'
import {
  generateOneByOne,
  pollUntilDone,
  redactor,
  requestJson,
  type PollingProviderOptions,
  type ProviderFailure,
  type ProviderSession,
} from './provider-http.server'
import { EngineError, type EngineInput, type ImageEngine } from './types'

/**
 * Kandinsky through the FusionBrain API (docs/architecture.md, "Engines").
 * The pipeline id is looked up once (`GET pipelines`), a generation is
 * started with `POST pipeline/run` (multipart: `pipeline_id` and `params`
 * as JSON) and its status read by uuid until DONE or FAIL; the images come
 * base64-encoded in `result.files`, and `result.censored` means the
 * provider's content filter refused the prompt or the picture. While the
 * pipeline is overloaded, `run` answers with `pipeline_status` instead of a
 * uuid. One run makes one image, so a job of N images makes N runs.
 *
 * Only the prompt and technical parameters are sent. The API takes no
 * source image, so a job with the person's photo is refused before anything
 * is sent.
 */

export type KandinskyEngineOptions = PollingProviderOptions & {
  apiKey: string
  secretKey: string
  /** The FusionBrain key API endpoint, without the `key/api/v1` path. */
  apiUrl: string
}

export const KANDINSKY_POLL_INTERVAL_MS = 2000

// Short style words: the query holds at most PROMPT_MAX_LENGTH characters, the person's prompt first.
const STYLE_WORDS: Record<Style, string | null> = {
  none: null,
  watercolor: 'watercolour painting, soft washes, paper texture',
  comic: 'comic-book illustration, bold ink outlines, flat colours, halftone',
  noir: 'black-and-white film noir photograph, deep shadows, dramatic light',
  vintage: 'faded vintage sepia photograph, film grain, vignette',
  neon: 'neon light, glowing magenta and cyan, dark shadows',
  pastel: 'soft pastel illustration, light gentle colours',
}

/** Width and height for the ratio: at most 1024 px a side, multiples of 64 (the API's recommendation). */
export function kandinskySize(ratio: AspectRatio): { width: number; height: number } {
  switch (ratio) {
    case '1:1':
      return { width: 1024, height: 1024 }
    case '4:3':
      return { width: 1024, height: 768 }
    case '3:4':
      return { width: 768, height: 1024 }
    case '16:9':
      return { width: 1024, height: 576 }
    case '9:16':
      return { width: 576, height: 1024 }
  }
}

/** The query as sent: the person's words, then the style, within the API's length limit. */
export function kandinskyQuery(input: Pick<EngineInput, 'prompt' | 'style'>): string {
  const style = STYLE_WORDS[input.style]
  const prompt = input.prompt.trim()
  if (!style) return prompt.slice(0, PROMPT_MAX_LENGTH)
  const suffix = `\n\nStyle: ${style}.`
  return `${prompt.slice(0, PROMPT_MAX_LENGTH - suffix.length).trimEnd()}${suffix}`
}

const pipelinesSchema = z.array(
  z.object({
    id: z.string().nullish(),
    uuid: z.string().nullish(),
    status: z.string().nullish(),
    type: z.string().nullish(),
  }),
)

const runSchema = z.union([
  z.object({ uuid: z.string().min(1) }),
  z.object({ pipeline_status: z.string().min(1) }),
  z.object({ model_status: z.string().min(1) }),
])

const statusSchema = z.object({
  uuid: z.string().nullish(),
  status: z.string(),
  errorDescription: z.string().nullish(),
  result: z
    .object({
      files: z.array(z.string()).nullish(),
      censored: z.boolean().nullish(),
    })
    .nullish(),
})

function readFailure(_status: number, body: unknown): ProviderFailure {
  if (!body || typeof body !== 'object') return { message: '', code: null }
  const record = body as Record<string, unknown>
  const message = [record.message, record.errorDescription, record.error].find((v) => typeof v === 'string')
  const code = record.status ?? record.code
  return { message: typeof message === 'string' ? message : '', code: code == null ? null : String(code) }
}

export function createKandinskyEngine(opts: KandinskyEngineOptions): ImageEngine {
  const apiUrl = `${opts.apiUrl.replace(/\/+$/, '')}/key/api/v1`
  const pollIntervalMs = opts.pollIntervalMs ?? KANDINSKY_POLL_INTERVAL_MS
  const redact = redactor([opts.apiKey, opts.secretKey])
  const headers = { 'X-Key': `Key ${opts.apiKey}`, 'X-Secret': `Secret ${opts.secretKey}`, Accept: 'application/json' }
  // The pipeline id does not change while the process runs. Only a found id is
  // kept: a look-up that failed (or whose job was cancelled) is made again by the next job.
  let knownPipeline: string | null = null

  async function pipelineId(session: ProviderSession): Promise<string> {
    if (knownPipeline) return knownPipeline
    const answer = await requestJson(session, 'pipelines', `${apiUrl}/pipelines`, () => ({ method: 'GET', headers }))
    const parsed = pipelinesSchema.safeParse(answer)
    if (!parsed.success) {
      throw new EngineError('bad-response', 'pipelines: the answer is not a list of pipelines', false)
    }
    const usable = parsed.data.filter((p) => p.id || p.uuid)
    const chosen =
      usable.find((p) => p.type === 'TEXT2IMAGE' && p.status === 'ACTIVE') ??
      usable.find((p) => p.type === 'TEXT2IMAGE') ??
      usable[0]
    const id = chosen?.id ?? chosen?.uuid
    if (!id) throw new EngineError('unavailable', 'pipelines: no text-to-image pipeline is offered', false)
    knownPipeline = id
    return id
  }

  async function run(session: ProviderSession, pipeline: string, input: EngineInput): Promise<string> {
    const params = JSON.stringify({
      type: 'GENERATE',
      numImages: 1,
      ...kandinskySize(input.aspectRatio),
      generateParams: { query: kandinskyQuery(input) },
    })
    const answer = await requestJson(session, 'pipeline/run', `${apiUrl}/pipeline/run`, () => {
      // A fresh form per attempt: a body stream cannot be sent twice.
      const form = new FormData()
      form.append('pipeline_id', pipeline)
      form.append('params', new Blob([params], { type: 'application/json' }))
      return { method: 'POST', headers, body: form }
    })
    const parsed = runSchema.safeParse(answer)
    if (!parsed.success) throw new EngineError('bad-response', 'pipeline/run: the answer has no uuid', false)
    if ('uuid' in parsed.data) return parsed.data.uuid
    const status = 'pipeline_status' in parsed.data ? parsed.data.pipeline_status : parsed.data.model_status
    // DISABLED_BY_QUEUE: the provider takes no new work for now; the queue tries the job again later.
    throw new EngineError('unavailable', `pipeline/run: the pipeline is not available (${status})`, true)
  }

  async function result(session: ProviderSession, uuid: string): Promise<string> {
    return pollUntilDone(session, pollIntervalMs, async () => {
      const answer = await requestJson(
        session,
        'pipeline/status',
        `${apiUrl}/pipeline/status/${encodeURIComponent(uuid)}`,
        () => ({
          method: 'GET',
          headers,
        }),
      )
      const parsed = statusSchema.safeParse(answer)
      if (!parsed.success) throw new EngineError('bad-response', 'pipeline/status: the answer has no status', false)
      const { status, errorDescription, result: output } = parsed.data
      if (status === 'INITIAL' || status === 'PROCESSING') return null
      if (status === 'FAIL') {
        const reason = redact(errorDescription ?? '').slice(0, 300)
        throw new EngineError('unavailable', `pipeline/status: generation failed${reason ? `: ${reason}` : ''}`, true)
      }
      if (status !== 'DONE') throw new EngineError('bad-response', `pipeline/status: unknown status ${status}`, false)
      if (output?.censored) {
        throw new EngineError('rejected', 'pipeline/status: the provider refused the prompt (censored)', false)
      }
      const file = output?.files?.[0]
      if (!file) throw new EngineError('bad-response', 'pipeline/status: a finished generation has no image', false)
      return file
    })
  }

  return {
    id: 'kandinsky',
    kind: 'ai',
    takesPhoto: false,
    generate(input, { signal }) {
      return generateOneByOne(
        {
          engine: 'kandinsky',
          name: 'Kandinsky',
          options: opts,
          redact,
          readFailure,
          isRefusal: (failure) => /censor/i.test(failure.message),
          // The first run looks the pipeline up; the others find it known.
          start: async (session) => run(session, await pipelineId(session), input),
          finish: result,
        },
        input,
        signal,
      )
    },
  }
}
