import { getSessionUser, type SessionContext } from '~/identity/index.server'
import type { Database } from '~/platform/db/client.server'
import { clientError, refusalLocale } from '~/platform/i18n/client-errors.server'

/** The role that opens the legal team's view; granted with `npm run grant-role -- EMAIL legal`. */
export const LEGAL_ROLE = 'legal'

export function hasLegalRole(roles: readonly string[]): boolean {
  return roles.includes(LEGAL_ROLE)
}

/**
 * The signed-in member of the legal team, or a 404 for everyone else (signed
 * out included): the view does not reveal that it exists. Every loader and
 * action under /:lang/legal-admin calls this itself; a parent layout's check
 * does not guard a child's action.
 */
export async function requireLegalUser(request: Request, db?: Database): Promise<SessionContext> {
  const context = await getSessionUser(request, db)
  if (!context || !hasLegalRole(context.user.roles)) throw clientError(refusalLocale(request), 404)
  return context
}
