import { Link } from '@remix-run/react'
import { useEffect, useId, useRef, useState, useSyncExternalStore } from 'react'
import { useTranslation } from 'react-i18next'
import { counterState, PHOTO_ACCEPT, photoHint, promptLength, ratioKey, type PhotoHint } from '~/generation/form-hints'
import {
  ASPECT_RATIOS,
  MAX_IMAGES,
  MIN_IMAGES,
  priceInCredits,
  PROMPT_MAX_LENGTH,
  STYLES,
  CREDITS_PER_IMAGE,
  type AspectRatio,
  type Style,
} from '~/generation/options'
import type { Locale } from '~/i18n/locales'

const subscribeToNothing = () => () => {}

/** True once the page is hydrated: parts that need JavaScript render only then. */
export function useHydrated(): boolean {
  return useSyncExternalStore(
    subscribeToNothing,
    () => true,
    () => false,
  )
}

const COUNTS = Array.from({ length: MAX_IMAGES - MIN_IMAGES + 1 }, (_, i) => MIN_IMAGES + i)

/** Values every field message may use, so the server need not send them. */
const MESSAGE_LIMITS = { min: MIN_IMAGES, max: MAX_IMAGES, maxLength: PROMPT_MAX_LENGTH }

// Screen readers hear the counter once typing pauses, not on every key.
const COUNTER_ANNOUNCE_DELAY_MS = 1000

export type GenerationFormFailure = {
  formError?: string
  formErrorParams?: Record<string, string | number>
  fieldErrors: Partial<Record<string, string>>
}

export type GenerationFormProps = {
  locale: Locale
  action: string
  balance: number | null
  guestFreeCredits: number
  engineKind: 'local' | 'ai'
  defaults?: { prompt?: string; style?: Style; aspectRatio?: AspectRatio; count?: number }
  failure?: GenerationFormFailure | null
  busy?: boolean
  /** Who is generating: guests are offered to register when short of credits. */
  viewerKind?: 'user' | 'guest' | null
  /** Where credits can be bought; no link while there is no such page. */
  buyHref?: string
  onSubmit?: (form: HTMLFormElement, event: React.FormEvent<HTMLFormElement>) => void
}

type Choice = {
  value: string
  label: React.ReactNode
  /** Uncontrolled groups give defaultChecked; controlled ones checked and onChange. */
  defaultChecked?: boolean
  checked?: boolean
  onChange?: () => void
}

/** A group of radio buttons under a legend, with its error below. */
function ChoiceGroup({
  id,
  name,
  legend,
  error,
  options,
}: {
  id: string
  name: string
  legend: string
  error: string | null | undefined
  options: Choice[]
}) {
  const errorId = `${id}-error`
  return (
    <fieldset className="choices" aria-describedby={error ? errorId : undefined}>
      <legend>{legend}</legend>
      <div className="choices__options">
        {options.map((option) => {
          const inputId = `${id}-${option.value.replace(':', 'x')}`
          return (
            <div key={option.value} className="choice">
              <input
                type="radio"
                id={inputId}
                name={name}
                value={option.value}
                defaultChecked={option.defaultChecked}
                checked={option.checked}
                onChange={option.onChange}
              />
              <label htmlFor={inputId}>{option.label}</label>
            </div>
          )
        })}
      </div>
      {error ? (
        <p id={errorId} className="field-error">
          {error}
        </p>
      ) : null}
    </fieldset>
  )
}

function clampCount(count: number | undefined): number {
  if (count === undefined || !Number.isInteger(count)) return MIN_IMAGES
  return Math.min(MAX_IMAGES, Math.max(MIN_IMAGES, count))
}

function describedBy(...ids: (string | false | null | undefined)[]): string | undefined {
  return ids.filter(Boolean).join(' ') || undefined
}

/**
 * The generation form: a plain multipart form that works without JavaScript;
 * with it, a live counter and price, photo drag-and-drop with a preview, and
 * (when `onSubmit` is given) submission through the caller's fetcher.
 */
export function GenerationForm({
  locale,
  action,
  balance,
  guestFreeCredits,
  engineKind,
  defaults,
  failure,
  busy = false,
  viewerKind = null,
  buyHref,
  onSubmit,
}: GenerationFormProps) {
  const { t } = useTranslation(['generate', 'common'])
  const hydrated = useHydrated()
  const id = useId()
  const fieldErrors = failure?.fieldErrors ?? {}
  const credits = (count: number) => t('common:credits', { count })
  const fieldError = (name: string) => {
    const key = fieldErrors[name]
    return key ? t(key, MESSAGE_LIMITS) : null
  }

  const initialStyle = defaults?.style ?? 'none'
  const initialRatio = defaults?.aspectRatio ?? '1:1'
  const [count, setCount] = useState(() => clampCount(defaults?.count))
  const price = priceInCredits(count)
  const notEnough = balance !== null && price > balance

  const formMessage = failure?.formError
    ? t(failure.formError, { ...MESSAGE_LIMITS, ...failure.formErrorParams })
    : Object.values(fieldErrors).some(Boolean)
      ? t('form.invalid')
      : null

  const promptId = `${id}-prompt`
  const promptError = fieldError('prompt')
  const styleError = fieldError('style')
  const ratioError = fieldError('aspectRatio')
  const countError = fieldError('count')

  return (
    <form
      method="post"
      encType="multipart/form-data"
      action={action}
      className="generation-form"
      aria-busy={busy || undefined}
      onSubmit={onSubmit ? (event) => onSubmit(event.currentTarget, event) : undefined}
    >
      {formMessage ? (
        <p className="form-error" role="alert">
          {formMessage}
        </p>
      ) : null}

      <PromptField id={promptId} defaultValue={defaults?.prompt ?? ''} error={promptError} hydrated={hydrated} />

      <PhotoField id={`${id}-photo`} error={fieldError('photo')} hydrated={hydrated} />

      <ChoiceGroup
        id={`${id}-style`}
        name="style"
        legend={t('form.styleLegend')}
        error={styleError}
        options={STYLES.map((style) => ({
          value: style,
          defaultChecked: style === initialStyle,
          label: (
            <>
              <span className={`choice__swatch choice__swatch--${style}`} aria-hidden="true" />
              {t(`styles.${style}`)}
            </>
          ),
        }))}
      />

      <ChoiceGroup
        id={`${id}-ratio`}
        name="aspectRatio"
        legend={t('form.ratioLegend')}
        error={ratioError}
        options={ASPECT_RATIOS.map((ratio) => {
          const [w, h] = ratio.split(':')
          return {
            value: ratio,
            defaultChecked: ratio === initialRatio,
            label: (
              <>
                <span className="choice__shape" aria-hidden="true" style={{ aspectRatio: `${w} / ${h}` }} />
                {t(ratioKey(ratio))}
              </>
            ),
          }
        })}
      />

      <ChoiceGroup
        id={`${id}-count`}
        name="count"
        legend={t('form.countLegend')}
        error={countError}
        options={COUNTS.map((n) => ({
          value: String(n),
          checked: n === count,
          onChange: () => setCount(n),
          label: t('images', { count: n }),
        }))}
      />

      <div className="generation-form__cost">
        <div aria-live="polite">
          <p className="generation-form__price">{t('form.price', { credits: credits(price) })}</p>
          {notEnough ? (
            <div className="notice notice--warning">
              <p>{t('form.notEnough', { price: credits(price), balance: credits(balance) })}</p>
              {buyHref || viewerKind !== 'user' ? (
                <p className="generation-form__links">
                  {buyHref ? <Link to={buyHref}>{t('form.buyCredits')}</Link> : null}
                  {viewerKind !== 'user' ? <Link to={`/${locale}/register`}>{t('form.register')}</Link> : null}
                </p>
              ) : null}
            </div>
          ) : null}
        </div>
        <p className="generation-form__rule">{t('form.priceRule', { credits: credits(CREDITS_PER_IMAGE) })}</p>
        {balance !== null ? (
          <p className="generation-form__balance">{t('form.balance', { credits: credits(balance) })}</p>
        ) : (
          <div className="notice">
            <p>
              {t('form.noBalance')}{' '}
              {guestFreeCredits > 0 ? t('form.guestOffer', { credits: credits(guestFreeCredits) }) : null}
            </p>
            <p className="generation-form__links">
              <Link to={`/${locale}/guest`}>{t('form.tryAsGuest')}</Link>
              <Link to={`/${locale}/login`}>{t('form.signIn')}</Link>
            </p>
          </div>
        )}
      </div>

      <div className="generation-form__actions">
        <button type="submit" className="generation-form__submit" disabled={busy}>
          {busy ? t('form.submitting') : t('form.submit')}
        </button>
        <p className={`engine-label engine-label--${engineKind}`}>{t(`engine.${engineKind}`)}</p>
      </div>
    </form>
  )
}

function PromptField({
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

type ChosenPhoto = { name: string; hint: PhotoHint | null; previewUrl: string | null }

function PhotoField({ id, error, hydrated }: { id: string; error: string | null; hydrated: boolean }) {
  const { t } = useTranslation('generate')
  const inputRef = useRef<HTMLInputElement>(null)
  // The object URL of the preview, revoked when replaced and on unmount.
  const previewUrl = useRef<string | null>(null)
  const [photo, setPhoto] = useState<ChosenPhoto | null>(null)
  const [dragging, setDragging] = useState(false)
  const [removed, setRemoved] = useState(false)

  useEffect(() => {
    const preview = previewUrl
    return () => {
      if (preview.current) URL.revokeObjectURL(preview.current)
    }
  }, [])

  function choose(file: File | null) {
    if (previewUrl.current) URL.revokeObjectURL(previewUrl.current)
    previewUrl.current = null
    if (!file) {
      setPhoto(null)
      return
    }
    const hint = photoHint(file)
    // Only the types the server takes get a preview; a browser may not show others anyway.
    previewUrl.current = hint === 'unsupported-type' ? null : URL.createObjectURL(file)
    setPhoto({ name: file.name, hint, previewUrl: previewUrl.current })
    setRemoved(false)
  }

  function remove() {
    if (inputRef.current) {
      inputRef.current.value = ''
      inputRef.current.focus()
    }
    choose(null)
    setRemoved(true)
  }

  function handleDrop(event: React.DragEvent<HTMLDivElement>) {
    event.preventDefault()
    setDragging(false)
    const file = event.dataTransfer.files[0]
    const input = inputRef.current
    if (!file || !input) return
    // One photo only: put the first dropped file into the input, so it is submitted.
    const transfer = new DataTransfer()
    transfer.items.add(file)
    input.files = transfer.files
    choose(file)
  }

  function handleDragOver(event: React.DragEvent<HTMLDivElement>) {
    if (!event.dataTransfer.types.includes('Files')) return
    event.preventDefault()
    event.dataTransfer.dropEffect = 'copy'
    setDragging(true)
  }

  function handleDragLeave(event: React.DragEvent<HTMLDivElement>) {
    // Moving over the zone's own children fires dragleave too; only leaving it counts.
    if (event.relatedTarget instanceof Node && event.currentTarget.contains(event.relatedTarget)) return
    setDragging(false)
  }

  const hintText = photo?.hint ? t(`upload.${photo.hint}`) : null
  return (
    <div className="field">
      <label htmlFor={id}>{t('form.photoLabel')}</label>
      <p id={`${id}-hint`} className="field__hint">
        {t('form.photoHint')}
      </p>
      <div
        className={`drop-zone${hydrated ? ' drop-zone--enhanced' : ''}${dragging ? ' drop-zone--active' : ''}`}
        onDragEnter={hydrated ? handleDragOver : undefined}
        onDragOver={hydrated ? handleDragOver : undefined}
        onDragLeave={hydrated ? handleDragLeave : undefined}
        onDrop={hydrated ? handleDrop : undefined}
      >
        <input
          ref={inputRef}
          id={id}
          name="photo"
          type="file"
          accept={PHOTO_ACCEPT}
          onChange={(event) => choose(event.currentTarget.files?.[0] ?? null)}
          aria-invalid={error || photo?.hint ? true : undefined}
          aria-describedby={describedBy(`${id}-hint`, hydrated && `${id}-status`, error && `${id}-error`)}
        />
        {hydrated ? (
          <p className="drop-zone__text" aria-hidden="true">
            {dragging ? t('form.dropNow') : t('form.dropHere')}
          </p>
        ) : null}
        {photo ? (
          <div className="photo-preview">
            {photo.previewUrl ? (
              <img className="photo-preview__image" src={photo.previewUrl} alt={t('form.photoPreviewAlt')} />
            ) : null}
            <button type="button" className="secondary-button" onClick={remove}>
              {t('form.removePhoto')}
            </button>
          </div>
        ) : null}
      </div>
      {hydrated ? (
        <p id={`${id}-status`} className={hintText ? 'field-error' : 'visually-hidden'} aria-live="polite">
          {hintText ?? (photo ? t('form.photoChosen', { name: photo.name }) : removed ? t('form.photoRemoved') : '')}
        </p>
      ) : null}
      {error ? (
        <p id={`${id}-error`} className="field-error">
          {error}
        </p>
      ) : null}
    </div>
  )
}
