import { authenticate, normalizeEmail, createUserSession, signOut } from '~/identity/index.server'
import { getDb } from '~/platform/db/client.server'
import { formFailure, rateLimited, type ActionOutcome } from '~/platform/form'
import { formText, parseForm } from '~/platform/form-schema.server'
import { z } from 'zod'
import { logger } from '~/platform/log.server'
import { checkLimits } from '~/platform/security/rate-limit.server'

const SIGN_IN_FORM = z.object({
  email: formText({ max: 320 }).refine((email) => normalizeEmail(email) !== null, 'errors.emailInvalid'),
  password: formText({ max: 1000, trim: false }).refine((password) => password !== '', 'errors.credentials'),
})

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
  const parsed = parseForm(form, SIGN_IN_FORM, { secrets: ['password'] })
  if (!parsed.ok) return { ok: false, status: 400, failure: parsed.failure }
  const { email, password } = parsed.data
  const { values } = parsed
  const normalized = normalizeEmail(email)!
  const db = await getDb()
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
