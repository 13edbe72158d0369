import { useTranslation } from 'react-i18next'
import { LabelledField } from './form-fields'

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
  return (
    <LabelledField name={name} label={label} hint={hint} errorMessage={error ? t(error, errorParams) : undefined}>
      {(control) => (
        <textarea
          {...control}
          name={name}
          rows={5}
          maxLength={maxLength}
          defaultValue={defaultValue}
          required={required}
        />
      )}
    </LabelledField>
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
