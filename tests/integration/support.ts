// Helpers shared by the route tests: they call loaders and actions directly,
// which throw or return Responses and `data()` results.

/** What `data(value, init)` gives a route test: the value and the response init. */
export type DataResult = { data: Record<string, unknown>; init: ResponseInit | null }

/** What a loader or action threw; fails the test when it did not throw. */
export async function thrownBy(fn: () => unknown): Promise<unknown> {
  try {
    await fn()
  } catch (error) {
    return error
  }
  throw new Error('expected it to throw')
}

/** The status of a thrown Response or `data()` result. */
export function statusOf(thrown: unknown): number | undefined {
  if (thrown instanceof Response) return thrown.status
  return (thrown as DataResult).init?.status
}

/** Closes what the process-wide modules opened (content source watcher, database). */
export async function closeAppResources() {
  const { closeContentSource } = await import('~/legal/content/index.server')
  const { closeDb } = await import('~/db/client.server')
  closeContentSource()
  await closeDb()
}
