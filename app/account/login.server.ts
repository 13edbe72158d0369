import { authenticate } from '~/auth/accounts.server'
import { normalizeEmail } from '~/auth/password.server'
import { createUserSession, signOut } from '~/auth/session.server'
import { getDb } from '~/db/client.server'
import { formFailure, rateLimited, type ActionOutcome } from '~/lib/form'
import { logger } from '~/log.server'
import { checkLimits } from '~/security/rate-limit.server'
import { readCredentials } from './credentials.server'

/**
 * Sign-in with e-mail and password, limited per IP and per account. A fresh
 * session is always created and the one the request carried (if any) ends,
 * so a session id planted before sign-in is worthless after it.
 */
export async function signIn(
  request: Request,
  form: FormData,
  evidence: { ip: string | null; userAgent: string | null },
): Promise<ActionOutcome> {
  const { email, password } = readCredentials(form)
  const values = { email }
  const db = await getDb()
  const normalized = normalizeEmail(email)
  if (!normalized || !password) {
    return {
      ok: false,
      status: 400,
      failure: formFailure(
        {
          ...(normalized ? {} : { email: 'errors.emailInvalid' }),
          ...(password ? {} : { password: 'errors.credentials' }),
        },
        values,
      ),
    }
  }
  const limit = await checkLimits(db, [
    { policy: 'signin-ip', subject: evidence.ip ?? 'unknown' },
    { policy: 'signin-account', subject: normalized },
  ])
  if (!limit.ok) return rateLimited(values, limit.retryAfterSeconds)

  const user = await authenticate(db, email, password)
  if (!user) {
    logger.info({ event: 'auth.signin.failed' }, 'sign-in refused')
    return { ok: false, status: 400, failure: formFailure({}, values, 'errors.credentials') }
  }
  const headers = new Headers()
  // Ends the session the request came with (rotation); its clearing cookie is
  // replaced by the new session's cookie below.
  await signOut(request)
  const session = await createUserSession(db, user.id, evidence)
  headers.append('Set-Cookie', session.cookie)
  logger.info({ event: 'auth.signin', userId: user.id }, 'signed in')
  return { ok: true, headers }
}
