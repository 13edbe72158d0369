// The surface of flows/account: the only module other folders import.
export { closingAction, closingLoader } from './closing-route.server'
export { consentToWithdraw } from './delete.server'
export { titleInLanguage } from './document-titles.server'
export type { Confirmation } from './delete.server'
export { confirmFromForm, resendVerification } from './email-verification.server'
export { AccountGoneError, buildPersonalDataExport, EXPORT_SECTION_KEYS, exportResponse } from './export.server'
export { GUEST_KINDS, startGuestSession } from './guest-start.server'
export { signIn } from './login.server'
export { accountMailFinished, deliverAccountMailSoon, renderAccountMail } from './mails.server'
export { completeReset, inspectResetLink, requestResetLink, storedMailPreviewed } from './password-reset.server'
export { completeProviderSignup, finishProviderSignIn, pendingProviderProfile } from './provider-sign-in.server'
export {
  acceptPagePath,
  acceptPendingVersions,
  continuePath,
  dismissVersionNotice,
  reacceptPage,
  requireCurrentVersionsAccepted,
  versionNoticesFor,
} from './reaccept.server'
export type { PendingDocument } from './reaccept.server'
export { REGISTER_KINDS, registerAccount } from './register.server'
export { verifyEmailPage } from './verify-email-page.server'
export type { VersionNoticeData, VersionNoticeItem } from './reaccept.server'
