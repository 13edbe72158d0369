import { useEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { counterState, promptLength, PROMPT_MAX_LENGTH } from '~/generation'
import { describedBy } from './described-by'

// Screen readers hear the counter once typing pauses, not on every key.
const COUNTER_ANNOUNCE_DELAY_MS = 1000

/**
 * The prompt: a plain required textarea with its limit; once hydrated, a
 * live character counter that screen readers hear when typing pauses.
 */
export function PromptField({
  id,
  defaultValue,
  error,
  hydrated,
}: {
  id: string
  defaultValue: string
  error: string | null
  hydrated: boolean
}) {
  const { t } = useTranslation('generate')
  const [length, setLength] = useState(() => promptLength(defaultValue))
  const [spokenLength, setSpokenLength] = useState<number | null>(null)
  const announceTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined)

  useEffect(() => {
    const timers = announceTimer
    return () => clearTimeout(timers.current)
  }, [])

  function handleChange(event: React.ChangeEvent<HTMLTextAreaElement>) {
    const next = promptLength(event.currentTarget.value)
    setLength(next)
    clearTimeout(announceTimer.current)
    announceTimer.current = setTimeout(() => setSpokenLength(next), COUNTER_ANNOUNCE_DELAY_MS)
  }

  const state = counterState(length, PROMPT_MAX_LENGTH)
  return (
    <div className="field">
      <label htmlFor={id}>{t('form.promptLabel')}</label>
      <p id={`${id}-hint`} className="field__hint">
        {t('form.promptHint')}
      </p>
      <textarea
        id={id}
        name="prompt"
        rows={4}
        required
        maxLength={PROMPT_MAX_LENGTH}
        defaultValue={defaultValue}
        onChange={handleChange}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(`${id}-hint`, `${id}-counter`, error && `${id}-error`)}
      />
      {hydrated ? (
        <>
          <p id={`${id}-counter`} className={`char-counter char-counter--${state}`} aria-hidden="true">
            {t('form.counter', { used: length, max: PROMPT_MAX_LENGTH })}
          </p>
          <p className="visually-hidden" aria-live="polite">
            {spokenLength === null ? '' : t('form.counterSpoken', { used: spokenLength, max: PROMPT_MAX_LENGTH })}
          </p>
        </>
      ) : (
        <p id={`${id}-counter`} className="char-counter">
          {t('form.counterLimit', { max: PROMPT_MAX_LENGTH })}
        </p>
      )}
      {error ? (
        <p id={`${id}-error`} className="field-error">
          {error}
        </p>
      ) : null}
    </div>
  )
}
