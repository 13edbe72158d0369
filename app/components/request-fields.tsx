import { useTranslation } from 'react-i18next'

// Form fields of the data-subject request pages that form-fields.tsx does not
// have: a multi-line text and a group of radio buttons. Errors are message
// keys with their namespace, as in FormFailure.

export function TextAreaField({
  name,
  label,
  hint,
  maxLength,
  defaultValue,
  error,
  errorParams,
  required,
}: {
  name: string
  label: string
  hint?: string
  maxLength: number
  defaultValue?: string
  error?: string
  errorParams?: Record<string, string | number>
  required?: boolean
}) {
  const { t } = useTranslation()
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
      <textarea
        id={id}
        name={name}
        rows={5}
        maxLength={maxLength}
        defaultValue={defaultValue}
        required={required}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy || undefined}
      />
      {error ? (
        <p id={`${id}-error`} className="field-error">
          {t(error, errorParams)}
        </p>
      ) : null}
    </div>
  )
}

export type Choice = { value: string; label: string; hint?: string }

/** Radio buttons under a legend; the error is announced with the group. */
export function ChoiceFieldset({
  name,
  legend,
  choices,
  defaultValue,
  error,
}: {
  name: string
  legend: string
  choices: readonly Choice[]
  defaultValue?: string
  error?: string
}) {
  const { t } = useTranslation()
  const errorId = `${name}-error`
  return (
    <fieldset className="request-choices" aria-describedby={error ? errorId : undefined}>
      <legend>{legend}</legend>
      {error ? (
        <p id={errorId} className="field-error">
          {t(error)}
        </p>
      ) : null}
      {choices.map((choice) => {
        const id = `${name}-${choice.value}`
        return (
          <div className="request-choice" key={choice.value}>
            <input
              type="radio"
              id={id}
              name={name}
              value={choice.value}
              defaultChecked={defaultValue === choice.value}
              aria-describedby={choice.hint ? `${id}-hint` : undefined}
              required
            />
            <label htmlFor={id}>{choice.label}</label>
            {choice.hint ? (
              <p id={`${id}-hint`} className="field__hint">
                {choice.hint}
              </p>
            ) : null}
          </div>
        )
      })}
    </fieldset>
  )
}
