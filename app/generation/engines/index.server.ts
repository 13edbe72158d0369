import { getEnv, type Env } from '~/platform/env.server'
import { createLocalEngine } from './local.server'
import { createOpenAiEngine } from './openai.server'
import type { ImageEngine } from './types'

export type EngineSettings = Pick<
  Env,
  'IMAGE_ENGINE' | 'OPENAI_API_KEY' | 'OPENAI_BASE_URL' | 'OPENAI_IMAGE_MODEL' | 'ENGINE_TIMEOUT_MS' | 'ENGINE_RETRIES'
>

/** The engine the settings choose: the local preview engine unless a provider is configured. */
export function createEngine(env: EngineSettings): ImageEngine {
  switch (env.IMAGE_ENGINE) {
    case 'local':
      return createLocalEngine()
    case 'openai':
      // getEnv() already refuses this combination; the check keeps direct callers honest.
      if (!env.OPENAI_API_KEY) throw new Error("OPENAI_API_KEY is required when IMAGE_ENGINE is 'openai'")
      return createOpenAiEngine({
        apiKey: env.OPENAI_API_KEY,
        baseUrl: env.OPENAI_BASE_URL,
        model: env.OPENAI_IMAGE_MODEL,
        timeoutMs: env.ENGINE_TIMEOUT_MS,
        retries: env.ENGINE_RETRIES,
      })
  }
}

// Engines hold no state beyond their settings, so one per process is enough.
let cached: ImageEngine | undefined

export function getEngine(): ImageEngine {
  cached ??= createEngine(getEnv())
  return cached
}
