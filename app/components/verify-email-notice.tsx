import { Form } from '@remix-run/react'
import { useTranslation } from 'react-i18next'

/** The "send a new confirmation link" button; posts to /:lang/verify-email, works without JavaScript. */
export function ResendVerificationForm({ locale }: { locale: string }) {
  const { t } = useTranslation('email')
  return (
    <Form method="post" action={`/${locale}/verify-email`} className="inline-form">
      <input type="hidden" name="intent" value="resend" />
      <button type="submit">{t('verify.resend')}</button>
    </Form>
  )
}

/**
 * Says that the account's address is not confirmed yet and what that means
 * (no purchases: receipts go to it), with the button for a new link. Pages
 * that show it declare the `email` namespace.
 */
export function VerifyEmailNotice({ locale, email }: { locale: string; email: string }) {
  const { t } = useTranslation('email')
  return (
    <div className="notice notice--warning verify-email-notice">
      <p>{t('notice.unverified', { email })}</p>
      <ResendVerificationForm locale={locale} />
    </div>
  )
}
