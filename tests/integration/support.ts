// Helpers shared by the route tests: they call loaders and actions directly,
// which throw or return Responses and `data()` results.

import { post } from '../support/requests'

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

/** What a loader or action returned or threw, whichever it did (a route answers 4xx either way). */
export async function settle(fn: () => unknown): Promise<unknown> {
  try {
    return await fn()
  } catch (error) {
    return error
  }
}

/** The status of a thrown Response or `data()` result. */
export function statusOf(thrown: unknown): number | undefined {
  if (thrown instanceof Response) return thrown.status
  return (thrown as DataResult).init?.status
}

/** Closes what the process-wide modules opened (content source watcher, database). */
export async function closeAppResources() {
  const { closeContentSource } = await import('~/content/index.server')
  const { closeDb } = await import('~/platform/db/client.server')
  closeContentSource()
  await closeDb()
}

/**
 * Signs in through the sign-in page's action and returns the session cookie
 * (`palitra_session=…`). Registering starts no session (its answer must not
 * tell a new address from a taken one), so a test that registers someone
 * signs them in with this afterwards.
 */
export async function signInThroughLoginPage(
  email: string,
  password: string,
  { lang = 'ru', clientIp = '198.51.100.250', origin = 'http://localhost', cookie }: SignInOptions = {},
): Promise<string> {
  const login = await import('~/routes/$lang.login')
  const response = await login.action({
    request: post(`/${lang}/login`, { email, password }, cookie, { origin }),
    params: { lang },
    context: { clientIp },
  } as never)
  if (!(response instanceof Response) || response.status !== 302) {
    throw new Error(`signing in ${email} failed: ${response instanceof Response ? response.status : 'no redirect'}`)
  }
  const session = response.headers.getSetCookie().find((c) => c.startsWith('palitra_session='))
  if (!session) throw new Error(`signing in ${email} set no session cookie`)
  return session.split(';')[0]!
}

type SignInOptions = { lang?: 'ru' | 'en'; clientIp?: string; origin?: string; cookie?: string }
