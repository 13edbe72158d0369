import { useTranslation } from 'react-i18next'
import type { FormFailure } from '~/lib/form'

export function TextField({
  name,
  label,
  type = 'text',
  hint,
  error,
  defaultValue,
  autoComplete,
}: {
  name: string
  label: string
  type?: 'text' | 'email' | 'password'
  hint?: string
  error?: string
  defaultValue?: string
  autoComplete?: string
}) {
  const { t } = useTranslation('account')
  const id = `field-${name}`
  const describedBy = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(' ')
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {hint ? (
        <p id={`${id}-hint`} className="field__hint">
          {hint}
        </p>
      ) : null}
      <input
        id={id}
        name={name}
        type={type}
        defaultValue={defaultValue}
        autoComplete={autoComplete}
        required
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy || undefined}
      />
      {error ? (
        <p id={`${id}-error`} className="field-error">
          {t(error)}
        </p>
      ) : null}
    </div>
  )
}

/** The form-level message of a refused submission, announced to screen readers. */
export function FormErrorSummary({ failure }: { failure: FormFailure | undefined }) {
  const { t } = useTranslation('account')
  if (!failure) return null
  const message = failure.formError
    ? t(failure.formError, failure.formErrorParams)
    : Object.keys(failure.fieldErrors).length
      ? t('errors.formInvalid')
      : null
  if (!message) return null
  return (
    <p className="form-error" role="alert">
      {message}
    </p>
  )
}
