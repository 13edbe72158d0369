import path from 'node:path'
import { z } from 'zod'
import { parseTrustProxy, type TrustProxy } from './security/trust-proxy'

const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional()

const settings = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: optionalString.pipe(
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
      .optional(),
  ),
  PUBLIC_URL: optionalString.pipe(z.url().optional()),
  SANITY_PROJECT_ID: optionalString.pipe(
    z
      .string()
      .regex(/^[a-z0-9-]+$/, 'must be a Sanity project id (lowercase letters, digits, dashes)')
      .optional(),
  ),
  SANITY_DATASET: z
    .string()
    .regex(/^[a-z0-9_-]+$/, 'must be a Sanity dataset name')
    .default('production'),
  SANITY_API_VERSION: z
    .string()
    .regex(/^v?\d{4}-\d{2}-\d{2}$/, 'must be a dated API version such as 2025-02-19')
    .default('2025-02-19'),
  SANITY_READ_TOKEN: optionalString,
  SANITY_WEBHOOK_SECRET: optionalString,
  /** Where the Studio runs: it may frame the draft preview and read /api/studio/* (only its origin counts). */
  SANITY_STUDIO_URL: optionalString.pipe(z.url().optional()),
  CONTENT_DATASET: z.string().min(1).default('cms/seed/production.ndjson'),
  CONTENT_CACHE_TTL_SECONDS: z.coerce.number().int().min(0).max(86_400).default(60),
  /** How often each instance looks whether another one was told of a publish (docs/decisions/021). */
  CONTENT_CHANGE_CHECK_SECONDS: z.coerce.number().int().min(1).max(300).default(2),
  /** Days before a material version of the terms takes effect that people who accepted an earlier one are told. */
  LEGAL_NOTICE_DAYS_TERMS: z.coerce.number().int().min(0).max(365).default(30),
  /** The same for the privacy policy, the cookie policy and the consent. */
  LEGAL_NOTICE_DAYS_OTHER: z.coerce.number().int().min(0).max(365).default(10),
  GUEST_FREE_CREDITS: z.coerce.number().int().min(0).max(1000).default(3),
  SMTP_URL: optionalString.pipe(
    z
      .string()
      .regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL')
      .optional(),
  ),
  MAIL_FROM: z.string().default('Palitra <no-reply@palitra.example>'),
  GOOGLE_CLIENT_ID: optionalString,
  GOOGLE_CLIENT_SECRET: optionalString,
  YANDEX_CLIENT_ID: optionalString,
  YANDEX_CLIENT_SECRET: optionalString,
  VK_CLIENT_ID: optionalString,
  VK_CLIENT_SECRET: optionalString,
  TELEGRAM_BOT_TOKEN: optionalString,
  TELEGRAM_BOT_NAME: optionalString,
  SESSION_SECRET: optionalString.pipe(z.string().min(32, 'must be at least 32 characters').optional()),
  /**
   * Secrets SESSION_SECRET had before, comma-separated: cookies signed with
   * them are still accepted until they expire, and none of them signs anew.
   */
  SESSION_SECRET_PREVIOUS: optionalString.pipe(
    z
      .string()
      .transform((list) => list.split(',').map((secret) => secret.trim()))
      .pipe(z.array(z.string().min(32, 'each secret must be at least 32 characters')))
      .optional(),
  ),
  /**
   * Image engine: 'local' (preview engine, not AI, no set-up), 'openai' (OpenAI Images API or a compatible one),
   * 'yandex-art' (YandexART in Yandex Cloud) or 'kandinsky' (Kandinsky through the FusionBrain API).
   */
  IMAGE_ENGINE: z.enum(['local', 'openai', 'yandex-art', 'kandinsky']).default('local'),
  OPENAI_API_KEY: optionalString,
  OPENAI_BASE_URL: z.url().default('https://api.openai.com/v1'),
  OPENAI_IMAGE_MODEL: z.string().min(1).default('gpt-image-1'),
  /** An API key of a Yandex Cloud service account with the ai.imageGeneration.user role. */
  YANDEX_ART_API_KEY: optionalString,
  /** The Yandex Cloud folder the requests are billed to (it is part of the model URI). */
  YANDEX_ART_FOLDER_ID: optionalString.pipe(
    z
      .string()
      .regex(/^[a-z0-9]+$/, 'must be a Yandex Cloud folder id (lowercase letters and digits)')
      .optional(),
  ),
  /** The Foundation Models endpoint, origin only. */
  YANDEX_ART_API_URL: optionalString.pipe(z.url().optional()).transform((v) => v ?? 'https://llm.api.cloud.yandex.net'),
  KANDINSKY_API_KEY: optionalString,
  KANDINSKY_SECRET_KEY: optionalString,
  /** The FusionBrain key API, origin only. */
  KANDINSKY_API_URL: optionalString.pipe(z.url().optional()).transform((v) => v ?? 'https://api-key.fusionbrain.ai'),
  /** One engine call (all images of a job) may take this long before it counts as a timeout. */
  ENGINE_TIMEOUT_MS: z.coerce.number().int().min(1000).max(600_000).default(120_000),
  /** Extra HTTP attempts an engine adapter makes on 429/5xx/network errors within one job attempt. */
  ENGINE_RETRIES: z.coerce.number().int().min(0).max(5).default(2),
  /** Generation workers inside the web process; 0 leaves jobs to `npm run worker` processes. */
  WORKER_CONCURRENCY: z.coerce.number().int().min(0).max(32).default(2),
  /** A running job's lease; a worker that stops renewing it loses the job to another worker. */
  JOB_LEASE_SECONDS: z.coerce.number().int().min(5).max(3600).default(60),
  /** Attempts per job before it fails for good and its credits are refunded. */
  JOB_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(10).default(3),
  /** A JSON file with prompt moderation rules; the shipped rules when unset. */
  MODERATION_RULES_FILE: optionalString,
  /** T-Bank internet acquiring; without both keys checkout goes to the local sandbox payment page. */
  TBANK_TERMINAL_KEY: optionalString,
  TBANK_PASSWORD: optionalString,
  /** The bank's production API; its test environment is https://rest-api-test.tinkoff.ru/v2 */
  TBANK_API_URL: z.url().default('https://securepay.tinkoff.ru/v2'),
  /** 54-FZ receipt: the operator's tax system and the VAT rate of a credit pack. */
  RECEIPT_TAXATION: z.enum(['osn', 'usn_income', 'usn_income_outcome', 'esn', 'patent']).default('usn_income'),
  RECEIPT_TAX: z
    .enum(['none', 'vat0', 'vat5', 'vat7', 'vat10', 'vat20', 'vat105', 'vat107', 'vat110', 'vat120'])
    .default('none'),
  S3_BUCKET: optionalString,
  S3_REGION: z.string().min(1).default('ru-central1'),
  S3_ENDPOINT: optionalString.pipe(z.url().optional()),
  S3_ACCESS_KEY_ID: optionalString,
  S3_SECRET_ACCESS_KEY: optionalString,
  /**
   * Which peers may tell the client's address (X-Forwarded-For) and scheme:
   * a hop count or a comma-separated list of addresses/CIDRs; loopback only
   * when unset (app/platform/security/trust-proxy.ts).
   */
  TRUST_PROXY: optionalString,
  S3_FORCE_PATH_STYLE: z
    .enum(['true', 'false', '1', '0', ''])
    .default('false')
    .transform((v) => v === 'true' || v === '1'),
  /**
   * With DATABASE_URL and no S3_BUCKET: the operator declares that DATA_DIR/media
   * is one volume every instance and worker mounts (NFS and the like). Checked
   * at start (app/platform/storage/shared-media.server.ts); without it such a start is refused.
   */
  MEDIA_DIR_SHARED: z
    .enum(['true', 'false', '1', '0', ''])
    .default('false')
    .transform((v) => v === 'true' || v === '1'),
})

/** Every setting the process reads (the register tests check each is accounted for). */
export const SETTING_NAMES = Object.keys(settings.shape)

const schema = settings.superRefine((env, ctx) => {
  if (env.IMAGE_ENGINE === 'openai' && !env.OPENAI_API_KEY) {
    ctx.addIssue({ code: 'custom', path: ['OPENAI_API_KEY'], message: "is required when IMAGE_ENGINE is 'openai'" })
  }
  const required: Record<string, (keyof typeof env)[]> = {
    'yandex-art': ['YANDEX_ART_API_KEY', 'YANDEX_ART_FOLDER_ID'],
    kandinsky: ['KANDINSKY_API_KEY', 'KANDINSKY_SECRET_KEY'],
  }
  for (const name of required[env.IMAGE_ENGINE] ?? []) {
    if (!env[name]) {
      ctx.addIssue({ code: 'custom', path: [name], message: `is required when IMAGE_ENGINE is '${env.IMAGE_ENGINE}'` })
    }
  }
  for (const name of ['YANDEX_ART_API_URL', 'KANDINSKY_API_URL'] as const) {
    const problem = endpointProblem(env[name])
    if (problem) ctx.addIssue({ code: 'custom', path: [name], message: problem })
  }
  if (Boolean(env.TBANK_TERMINAL_KEY) !== Boolean(env.TBANK_PASSWORD)) {
    ctx.addIssue({
      code: 'custom',
      path: ['TBANK_PASSWORD'],
      message: 'TBANK_TERMINAL_KEY and TBANK_PASSWORD are set together (or neither, for the sandbox)',
    })
  }
  if (env.NODE_ENV === 'production' && !env.PUBLIC_URL) {
    ctx.addIssue({
      code: 'custom',
      path: ['PUBLIC_URL'],
      message:
        'is required in production (e.g. https://palitra.example): links in mail, the origin check of forms, ' +
        'sign-in callbacks and bank notifications are built on it, never on the Host header a client sends',
    })
  }
  // (zod runs this check even when PUBLIC_URL is already reported as not a URL.)
  const url = env.PUBLIC_URL && URL.canParse(env.PUBLIC_URL) ? new URL(env.PUBLIC_URL) : null
  if (url) {
    if (!/^https?:$/.test(url.protocol) || url.pathname !== '/' || url.search || url.hash || url.username) {
      ctx.addIssue({
        code: 'custom',
        path: ['PUBLIC_URL'],
        message: "must be the site's origin only, http(s)://host[:port], without a path (the site is served at /)",
      })
    }
  }
  if (env.SANITY_STUDIO_URL && URL.canParse(env.SANITY_STUDIO_URL)) {
    const studio = new URL(env.SANITY_STUDIO_URL)
    if (!/^https?:$/.test(studio.protocol) || studio.username || studio.password) {
      ctx.addIssue({
        code: 'custom',
        path: ['SANITY_STUDIO_URL'],
        message: 'must be the http(s) address of the Studio, e.g. https://palitra.sanity.studio',
      })
    }
  }
  const trust = parseTrustProxy(env.TRUST_PROXY)
  if (!trust.ok) ctx.addIssue({ code: 'custom', path: ['TRUST_PROXY'], message: trust.problem })
  if (env.S3_BUCKET && (!env.S3_ACCESS_KEY_ID || !env.S3_SECRET_ACCESS_KEY)) {
    ctx.addIssue({
      code: 'custom',
      path: ['S3_ACCESS_KEY_ID'],
      message: 'S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY are required when S3_BUCKET is set',
    })
  }
  if (env.NODE_ENV === 'production' && env.SANITY_PROJECT_ID && !env.SANITY_WEBHOOK_SECRET) {
    ctx.addIssue({
      code: 'custom',
      path: ['SANITY_WEBHOOK_SECRET'],
      message: 'is required in production when SANITY_PROJECT_ID is set',
    })
  }
})

/** A provider endpoint is an https origin (plain http only on this machine, for a local stand-in). */
function endpointProblem(value: string): string | null {
  if (!URL.canParse(value)) return null // already reported as not a URL
  const url = new URL(value)
  const local = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && local)) return 'must be an https:// URL'
  if (url.pathname !== '/' || url.search || url.hash || url.username || url.password) {
    return 'must be the origin only, https://host[:port], without a path, query or credentials'
  }
  return null
}

export type Env = z.infer<typeof schema> & {
  dataDir: string
  contentDatasetPath: string
  /** TRUST_PROXY as Express's 'trust proxy' takes it. */
  trustProxy: TrustProxy
}

export class EnvError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid environment:\n${problems.map((p) => `  - ${p}`).join('\n')}`)
    this.name = 'EnvError'
  }
}

/** Parses settings; throws an EnvError naming every bad variable. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = schema.safeParse(source)
  if (!result.success) {
    throw new EnvError(
      result.error.issues.map((issue) => `${issue.path.join('.') || '(environment)'}: ${issue.message}`),
    )
  }
  const env = result.data
  return {
    ...env,
    dataDir: path.resolve(env.DATA_DIR),
    contentDatasetPath: path.resolve(env.CONTENT_DATASET),
    trustProxy: (parseTrustProxy(env.TRUST_PROXY) as { ok: true; value: TrustProxy }).value,
  }
}

let cached: Env | undefined

/** The validated settings of this process, parsed once. */
export function getEnv(): Env {
  cached ??= parseEnv(process.env)
  return cached
}

/** For tests: forget the parsed settings so the next getEnv() reads process.env again. */
export function resetEnvForTests() {
  cached = undefined
}
