import { createHash } from 'node:crypto'
import { HttpResponse } from 'msw'

/**
 * What the mocks of the OAuth sign-in vendors (tests/mocks: google, yandex, vk)
 * share: the codes and access tokens a vendor issued, the requests it saw,
 * the person it describes, and the failures a test asks for until reset().
 * Each vendor's file keeps its own consent screen and endpoint rules.
 */

type Failure = { status: number; body: unknown }

/**
 * One vendor's state and the controls tests steer it with. `Code` is what
 * the vendor remembers about an issued code, `Grant` about an access token.
 */
export function oauthVendorMock<User extends object, Recorded, Code, Grant = true>(defaults: {
  user: User
  /** What failToken and failUserInfo answer when the test gives no body. */
  tokenFailure: unknown
  userInfoFailure: unknown
}) {
  const codes = new Map<string, Code>()
  const accessTokens = new Map<string, Grant>()
  const requests: Recorded[] = []
  let user: User = { ...defaults.user }
  let userInfoBody: unknown = undefined
  let tokenFailure: Failure | null = null
  let userInfoFailure: Failure | null = null
  let tokenHangs = false
  let releaseHung: Array<() => void> = []

  // Plain closures, not methods: tests pass them around detached (`{ google: googleMock.failUserInfo }[p]`).
  const controls = {
    requests: requests as readonly Recorded[],
    setUser(next: Partial<User>) {
      user = { ...defaults.user, ...next }
    },
    /** Answer the user-info endpoint with this exact body (a string goes out as non-JSON text). */
    answerUserInfoWith(body: unknown) {
      userInfoBody = body
    },
    /** Answer every token request with this status and body until reset. */
    failToken(status: number, body: unknown = defaults.tokenFailure) {
      tokenFailure = { status, body }
    },
    /** Never answer token requests until reset(), to exercise the timeout. */
    hangToken() {
      tokenHangs = true
    },
    /** Answer every user-info request with this status and body until reset. */
    failUserInfo(status: number, body: unknown = defaults.userInfoFailure) {
      userInfoFailure = { status, body }
    },
    reset() {
      codes.clear()
      accessTokens.clear()
      requests.length = 0
      user = { ...defaults.user }
      userInfoBody = undefined
      tokenFailure = null
      userInfoFailure = null
      tokenHangs = false
      for (const release of releaseHung) release()
      releaseHung = []
    },
  }

  return {
    codes,
    accessTokens,
    requests,
    controls,
    user: () => user,
    /** The body a test set with answerUserInfoWith, or undefined. */
    userInfoBody: () => userInfoBody,
    /** What the token endpoint answers while a test makes it fail or hang; null to go on as usual. */
    async tokenFailure(): Promise<Response | null> {
      if (tokenHangs) {
        await new Promise<void>((resolve) => releaseHung.push(resolve))
        return HttpResponse.error()
      }
      return tokenFailure ? reply(tokenFailure.body, tokenFailure.status) : null
    },
    /** What the user-info endpoint answers while a test makes it fail; null to go on as usual. */
    userInfoFailure(): Response | null {
      return userInfoFailure ? reply(userInfoFailure.body, userInfoFailure.status) : null
    },
  }
}

export const s256 = (verifier: string) => createHash('sha256').update(verifier).digest('base64url')

/** JSON for objects and arrays; a string goes out as plain text, to play a broken answer. */
export const reply = (body: unknown, status = 200) =>
  typeof body === 'string'
    ? new HttpResponse(body, { status, headers: { 'Content-Type': 'text/html' } })
    : HttpResponse.json(body as Record<string, unknown>, { status })

export const oauthError = (status: number, error: string, description: string) =>
  HttpResponse.json({ error, error_description: description }, { status })

/** The client id and secret of an `Authorization: Basic` header, or null. */
export function basicCredentials(header: string | null): { id: string; secret: string } | null {
  const match = /^Basic (.+)$/.exec(header ?? '')
  if (!match?.[1]) return null
  const decoded = Buffer.from(match[1], 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  return colon === -1 ? null : { id: decoded.slice(0, colon), secret: decoded.slice(colon + 1) }
}

/** A form-encoded request body as a plain record. */
export async function readForm(request: Request): Promise<Record<string, string>> {
  return Object.fromEntries(new URLSearchParams(await request.text()))
}
