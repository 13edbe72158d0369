import type { ReactNode } from 'react'
import { Form, Link, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import type { Confirmation } from '~/flows/account/index.server'
import type { Locale } from '~/platform/i18n/locales'
import type { FormFailure } from '~/platform/form'
import { ConfirmationField } from './confirmation-field'
import { FormErrorSummary } from './form-fields'

// The pieces the two ways of closing an account (deletion, consent
// withdrawal) share: what ends, what is kept and for how long, the
// re-authenticated confirmation, and the page shown afterwards.

export function AccountClosed({ locale, title, text }: { locale: Locale; title: string; text: string }) {
  const { t } = useTranslation('account-data')
  return (
    <main id="main">
      <h1>{title}</h1>
      <p role="status">{text}</p>
      <p>
        <Link to={`/${locale}`}>{t('closing.home')}</Link>
      </p>
    </main>
  )
}

export function WhatEnds() {
  const { t } = useTranslation('account-data')
  return (
    <ul>
      <li>{t('closing.signedOut')}</li>
      <li>{t('closing.erased')}</li>
      <li>{t('closing.irreversible')}</li>
    </ul>
  )
}

export function WhatIsKept({ locale, userId }: { locale: Locale; userId: string }) {
  const { t } = useTranslation('account-data')
  return (
    <>
      <h2>{t('closing.keptHeading')}</h2>
      <p>{t('closing.kept')}</p>
      <p>{t('closing.keptPeriod')}</p>
      <p>{t('closing.pseudonymousId', { id: userId })}</p>
      <p>
        <Link to={`/${locale}/privacy`}>{t('closing.policyLink')}</Link>
      </p>
      <p>
        {t('closing.exportFirst')} <Link to={`/${locale}/account/export`}>{t('accountLinks.export')}</Link>
      </p>
    </>
  )
}

/** The confirmation form; `submitLabel` is the button text (for a withdrawal, the wording the ledger records). */
export function ClosingConfirmation({
  confirmation,
  phrase,
  failure,
  submitLabel,
}: {
  confirmation: Confirmation
  phrase: string
  failure: FormFailure | undefined
  submitLabel: string
}) {
  const { t } = useTranslation('account-data')
  const navigation = useNavigation()
  return (
    <>
      <h2>{t('closing.confirmHeading')}</h2>
      <Form method="post" className="form" noValidate>
        <FormErrorSummary failure={failure} />
        <ConfirmationField confirmation={confirmation} phrase={phrase} failure={failure} />
        <p>
          <button type="submit" disabled={navigation.state === 'submitting'}>
            {submitLabel}
          </button>
        </p>
      </Form>
    </>
  )
}

type ClosingTexts = { title: string; lead: string; submit: string; doneTitle: string; doneText: string }

/**
 * The page frame both closing routes render: the closed state after `?done`,
 * else the title, lead, the route's own explanation (`children`), the
 * confirmation form and the way back to the account.
 */
export function ClosingPage({
  page,
  failure,
  texts,
  children,
}: {
  page: { locale: Locale; done: true } | { locale: Locale; done: false; confirmation: Confirmation; phrase: string }
  failure: FormFailure | undefined
  texts: ClosingTexts
  children: ReactNode
}) {
  const { t } = useTranslation('account-data')
  const { locale } = page
  if (page.done) return <AccountClosed locale={locale} title={texts.doneTitle} text={texts.doneText} />
  return (
    <main id="main">
      <h1>{texts.title}</h1>
      <p>{texts.lead}</p>
      {children}
      <ClosingConfirmation
        confirmation={page.confirmation}
        phrase={page.phrase}
        failure={failure}
        submitLabel={texts.submit}
      />
      <p>
        <Link to={`/${locale}/account`}>{t('closing.backToAccount')}</Link>
      </p>
    </main>
  )
}
