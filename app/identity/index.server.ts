// The surface of identity: the only module other folders import.
export {
  EmailTakenError,
  authenticate,
  createAccount,
  createProviderAccount,
  deidentifyAccount,
  findAccountIdByEmail,
  verifyPasswordForUser,
} from './accounts.server'
export {
  clearGuestCookie,
  insertGuest,
  getGuest,
  markGuestLinked,
  readGuestId,
  serializeGuestCookie,
  visitGuest,
} from './guests.server'
export { findUserIdByProvider, linkProvider } from './oauth/linked-accounts.server'
export { clearPendingSignup, readPendingSignup, serializePendingSignup } from './oauth/pending-signup.server'
export type { ProviderProfile } from './oauth/profile.server'
export {
  beginOAuth,
  completeOAuth,
  enabledOAuthProvider,
  enabledProviders,
  telegramLoginWidget,
} from './oauth/providers.server'
export { verifyTelegramLogin } from './oauth/telegram.server'
export { normalizeEmail, validateNewPassword } from './password.server'
export type { PasswordProblem } from './password.server'
export {
  RESET_TOKEN_TTL_MINUTES,
  checkResetToken,
  requestPasswordReset,
  resetPassword,
  sweepPasswordResetTokens,
} from './reset-tokens.server'
export type { ResetTokenProblem } from './reset-tokens.server'
export {
  createUserSession,
  deleteExpiredSessions,
  getSessionUser,
  listSessions,
  requireUser,
  revokeSession,
  signOut,
  signOutEverywhere,
} from './session.server'
export type { LinkGuestResult } from './guests.server'
export type { SessionContext, SessionUser } from './session.server'
export {
  VERIFY_TOKEN_TTL_HOURS,
  createVerificationToken,
  inspectVerificationToken,
  markVerifiedByProvider,
  sweepVerificationTokens,
  verificationState,
  verifyEmailWithToken,
} from './verification-tokens.server'
export type { VerifyTokenProblem } from './verification-tokens.server'
export { listGuestSessionsForExport, profileForExport } from './export.server'
export { reauthenticationFactors } from './reauthentication.server'
export type { ReauthenticationFactors } from './reauthentication.server'

// Roles on an account, for the command that grants them.
export { changeAccountRole } from './roles.server'
export type { AccountRoleChange } from './roles.server'

// Relations another domain may aggregate over (the columns are the contract).
export { guestLinksRelation, liveAccountsRelation } from './relations.server'
export { guestExists, guestIdsLinkedTo, lockGuestIfExists } from './guest-rows.server'
export { deleteGuests, forgetGuestDeletions, lockGuestsAwaySince } from './guest-removal.server'
export { emailsByAccount, mailAddressOf, normalizedEmailOf } from './lookups.server'
export type { MailAddress } from './lookups.server'
export { summarizeUserAgent, type UserAgentSummary } from './user-agent'
