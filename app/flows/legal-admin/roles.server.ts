import { changeAccountRole, type AccountRoleChange } from '~/identity/index.server'
import type { Database } from '~/platform/db/client.server'
import { LEGAL_ROLE } from './access.server'

/**
 * Granting and revoking account roles (`npm run grant-role`). The only role
 * so far is `legal`, which opens /:lang/legal-admin. The account and its
 * roles are identity's: it finds the account by address and changes the
 * roles in one statement, harmless to repeat (changeAccountRole).
 */

export const KNOWN_ROLES = [LEGAL_ROLE] as const
export type Role = (typeof KNOWN_ROLES)[number]

export function isKnownRole(value: string): value is Role {
  return (KNOWN_ROLES as readonly string[]).includes(value)
}

/** Grants (or, with `revoke`, takes away) one of the roles this site knows. */
export function changeRole(
  db: Database,
  input: { email: string; role: Role; revoke?: boolean },
): Promise<AccountRoleChange> {
  return changeAccountRole(db, input)
}
