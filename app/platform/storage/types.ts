/**
 * Where uploaded photos and generated images live: files under DATA_DIR by
 * default, S3-compatible object storage when S3_* settings are given. Keys
 * are relative paths such as `generations/<jobId>/0.webp`; they are never
 * shown to anyone, and files are only served through routes that check the
 * owner.
 */
export interface ObjectStorage {
  readonly kind: 'local' | 's3'
  put(key: string, bytes: Buffer, contentType: string): Promise<void>
  /** The object, or null when there is none under the key. */
  get(key: string): Promise<{ bytes: Buffer; contentType: string } | null>
  /** Removes the objects; missing keys are not an error. */
  delete(keys: string[]): Promise<void>
  /** Removes every object whose key starts with `prefix` (which must end with '/'); returns how many. */
  deletePrefix(prefix: string): Promise<number>
}

/** Keys are relative, slash-separated, without '..' or empty segments. */
export function assertValidKey(key: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*)*\/?$/.test(key) || key.includes('..')) {
    throw new Error(`invalid storage key: ${JSON.stringify(key)}`)
  }
}

/** An object key: a valid key that is not a prefix (no trailing slash). */
export function assertObjectKey(key: string): void {
  assertValidKey(key)
  if (key.endsWith('/')) throw new Error(`invalid storage key: ${JSON.stringify(key)} (ends with '/')`)
}

export function assertPrefix(prefix: string): void {
  assertValidKey(prefix)
  if (!prefix.endsWith('/')) throw new Error(`invalid storage prefix: ${JSON.stringify(prefix)} (must end with '/')`)
}

export function assertContentType(contentType: string): void {
  if (contentType.length > 255 || !/^[\x21-\x7e][\x20-\x7e]*$/.test(contentType)) {
    throw new Error(`invalid content type: ${JSON.stringify(contentType)}`)
  }
}
