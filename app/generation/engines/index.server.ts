import { getEnv, type Env } from '~/platform/env.server'
import { createLocalEngine } from './local.server'
import { createKandinskyEngine } from './kandinsky.server'
import { createOpenAiEngine } from './openai.server'
import { createYandexArtEngine } from './yandex-art.server'
import type { ImageEngine } from './types'

export type EngineSettings = Pick<
  Env,
  | 'IMAGE_ENGINE'
  | 'OPENAI_API_KEY'
  | 'OPENAI_BASE_URL'
  | 'OPENAI_IMAGE_MODEL'
  | 'ENGINE_TIMEOUT_MS'
  | 'ENGINE_RETRIES'
  | 'YANDEX_ART_API_KEY'
  | 'YANDEX_ART_FOLDER_ID'
  | 'YANDEX_ART_API_URL'
  | 'KANDINSKY_API_KEY'
  | 'KANDINSKY_SECRET_KEY'
  | 'KANDINSKY_API_URL'
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
    case 'yandex-art':
      if (!env.YANDEX_ART_API_KEY || !env.YANDEX_ART_FOLDER_ID) {
        throw new Error("YANDEX_ART_API_KEY and YANDEX_ART_FOLDER_ID are required when IMAGE_ENGINE is 'yandex-art'")
      }
      return createYandexArtEngine({
        apiKey: env.YANDEX_ART_API_KEY,
        folderId: env.YANDEX_ART_FOLDER_ID,
        apiUrl: env.YANDEX_ART_API_URL,
        timeoutMs: env.ENGINE_TIMEOUT_MS,
        retries: env.ENGINE_RETRIES,
      })
    case 'kandinsky':
      if (!env.KANDINSKY_API_KEY || !env.KANDINSKY_SECRET_KEY) {
        throw new Error("KANDINSKY_API_KEY and KANDINSKY_SECRET_KEY are required when IMAGE_ENGINE is 'kandinsky'")
      }
      return createKandinskyEngine({
        apiKey: env.KANDINSKY_API_KEY,
        secretKey: env.KANDINSKY_SECRET_KEY,
        apiUrl: env.KANDINSKY_API_URL,
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
