import type { AspectRatio, Style } from '../options'

/**
 * One interface for every image engine: the local preview engine (not AI)
 * and real providers over HTTP. Engines are pure producers: they never touch
 * the database, storage or credits; the worker does that.
 */

export type EngineInput = {
  /** Already passed moderation. */
  prompt: string
  style: Style
  aspectRatio: AspectRatio
  /** 1–4 images. */
  count: number
  /** Deterministic engines give the same images for the same input and seed. */
  seed: number
  /** The person's photo, already validated, stripped of metadata and re-encoded (image/webp). */
  sourceImage?: { bytes: Buffer; mimeType: string }
}

export type EngineImage = {
  bytes: Buffer
  mimeType: 'image/png' | 'image/webp' | 'image/jpeg'
  width: number
  height: number
}

export type EngineKind = 'local' | 'ai'

export interface ImageEngine {
  /** Stored with each job, e.g. 'local' or 'openai'. */
  readonly id: string
  /** 'local' is labelled in the UI as a local preview engine, not AI. */
  readonly kind: EngineKind
  /**
   * False for an engine that cannot start from the person's photo (YandexART,
   * Kandinsky): it refuses a job with one before sending anything (an
   * EngineError 'rejected', refunded), and the form can say so before the
   * job is charged. Absent: the engine takes a photo.
   */
  readonly takesPhoto?: boolean
  /** Returns exactly `input.count` images, or throws an EngineError. Must honour `signal`. */
  generate(input: EngineInput, options: { signal: AbortSignal }): Promise<EngineImage[]>
}

/**
 * A failure the engine reports. `retryable` failures (timeouts, 5xx, 429,
 * network errors) may be tried again by the queue; others (the provider
 * refused the prompt, a bad request) fail the job at once. Both kinds are
 * the service's failure, so the credits are refunded.
 */
export class EngineError extends Error {
  constructor(
    readonly code: 'timeout' | 'unavailable' | 'rate-limited' | 'rejected' | 'bad-response' | 'aborted',
    message: string,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options)
    this.name = 'EngineError'
  }
}
