import type { ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import type { FormFailure } from '~/platform/form'

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
  return (
    <LabelledField name={name} label={label} hint={hint} errorMessage={error ? t(error) : undefined}>
      {(control) => (
        <input {...control} name={name} type={type} defaultValue={defaultValue} autoComplete={autoComplete} required />
      )}
    </LabelledField>
  )
}

/** What a field's control carries so that its label, hint and error are read with it. */
export type ControlProps = {
  id: string
  'aria-invalid': true | undefined
  'aria-describedby': string | undefined
}

/**
 * The frame every single-control field shares: the label, the hint under it,
 * the control, and the error after it, tied to the control by id.
 */
export function LabelledField({
  name,
  label,
  hint,
  errorMessage,
  children,
}: {
  name: string
  label: string
  hint?: string
  /** Already translated; the field is marked invalid when there is one. */
  errorMessage?: string
  children: (control: ControlProps) => ReactNode
}) {
  const id = `field-${name}`
  const hasError = errorMessage !== undefined
  const describedBy = [hint ? `${id}-hint` : null, hasError ? `${id}-error` : null].filter(Boolean).join(' ')
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {hint ? (
        <p id={`${id}-hint`} className="field__hint">
          {hint}
        </p>
      ) : null}
      {children({ id, 'aria-invalid': hasError ? true : undefined, 'aria-describedby': describedBy || undefined })}
      {hasError ? (
        <p id={`${id}-error`} className="field-error">
          {errorMessage}
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
