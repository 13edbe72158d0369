import { useTranslation } from 'react-i18next'
import type { Confirmation } from '~/flows/account/index.server'
import type { FormFailure } from '~/platform/form'
import { TextField } from './form-fields'

/** The one field that proves it is the account's owner; which one depends on how the account signs in. */
export function ConfirmationField({
  confirmation,
  phrase,
  failure,
}: {
  confirmation: Confirmation
  phrase: string
  failure: FormFailure | undefined
}) {
  const { t } = useTranslation('account-data')
  const error = failure?.fieldErrors[confirmation]
  if (confirmation === 'password') {
    return (
      <TextField
        name="password"
        type="password"
        label={t('confirm.password')}
        hint={t('confirm.passwordHint')}
        autoComplete="current-password"
        error={error}
      />
    )
  }
  if (confirmation === 'email') {
    return (
      <TextField
        name="email"
        type="email"
        label={t('confirm.email')}
        hint={t('confirm.emailHint')}
        autoComplete="email"
        defaultValue={failure?.values.email}
        error={error}
      />
    )
  }
  return (
    <TextField
      name="phrase"
      label={t('confirm.phrase')}
      hint={t('confirm.phraseHint', { phrase })}
      autoComplete="off"
      defaultValue={failure?.values.phrase}
      error={error}
    />
  )
}
