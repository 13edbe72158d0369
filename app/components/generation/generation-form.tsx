import { Link } from '@remix-run/react'
import { useId, useState, useSyncExternalStore } from 'react'
import { useTranslation } from 'react-i18next'
import {
  ratioKey,
  ASPECT_RATIOS,
  MAX_IMAGES,
  MIN_IMAGES,
  priceInCredits,
  PROMPT_MAX_LENGTH,
  STYLES,
  CREDITS_PER_IMAGE,
  type AspectRatio,
  type Style,
} from '~/generation'
import type { Locale } from '~/platform/i18n/locales'
import { PhotoField } from './photo-field'
import { PromptField } from './prompt-field'

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
  /** False when the engine makes images from the description only: the photo field is left out. */
  takesPhoto?: boolean
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
              <label htmlFor={inputId} className="chip">
                {option.label}
              </label>
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
  takesPhoto = true,
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

      <div className="generation-form__go">
        <button type="submit" className="button button--primary generation-form__submit" disabled={busy}>
          {busy ? t('form.submitting') : t('form.submit')}
        </button>
        <div className="generation-form__cost" aria-live="polite">
          <p className="generation-form__price">{t('form.price', { credits: credits(price) })}</p>
          {balance !== null ? (
            <p className="generation-form__balance">{t('form.balance', { credits: credits(balance) })}</p>
          ) : null}
        </div>
      </div>
      <p className={`engine-label engine-label--${engineKind}`}>{t(`engine.${engineKind}`)}</p>

      <div aria-live="polite">
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
      {balance === null ? (
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
      ) : null}

      <div className="generation-form__settings">
        {takesPhoto ? (
          <PhotoField id={`${id}-photo`} error={fieldError('photo')} hydrated={hydrated} />
        ) : (
          <div className="field">
            <p className="field__hint generation-form__no-photo">{t('form.photoTextOnly')}</p>
            {fieldError('photo') ? <p className="field-error">{fieldError('photo')}</p> : null}
          </div>
        )}

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

        <p className="generation-form__rule">{t('form.priceRule', { credits: credits(CREDITS_PER_IMAGE) })}</p>
      </div>
    </form>
  )
}
