import { useTranslation } from 'react-i18next'
import type { Locale } from '~/platform/i18n/locales'
import type { DocumentKind } from '~/platform/document-kinds'

export type ShownDocument = { kind: DocumentKind; version: number; title: string }

/**
 * Separate, unticked checkboxes, one per document, each naming and linking
 * the exact version shown (152-FZ wants the consent to processing separate).
 * The label text is what the ledger records as the wording.
 */
export function AcceptanceCheckboxes({
  locale,
  documents,
  errors,
}: {
  locale: Locale
  documents: ShownDocument[]
  errors: Partial<Record<string, string>>
}) {
  const { t } = useTranslation('account')
  return (
    <fieldset className="acceptance">
      <legend>{t('acceptance.legend')}</legend>
      {documents.map((doc) => {
        const id = `accept-${doc.kind}`
        const error = errors[`accept_${doc.kind}`]
        return (
          // Keyed by version too: when a form comes back with a new version, its
          // box must be a new, unticked input, not the old one still ticked.
          <div key={`${doc.kind}-${doc.version}`} className="acceptance__item">
            <input
              type="checkbox"
              id={id}
              name={`accept_${doc.kind}`}
              value="yes"
              required
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? `${id}-error` : undefined}
            />
            <label htmlFor={id}>
              {t(`acceptance.${doc.kind}`, { title: doc.title, version: doc.version })}{' '}
              <a href={`/${locale}/${doc.kind}/v/${doc.version}`} target="_blank" rel="noreferrer">
                ({t('acceptance.open')})
              </a>
            </label>
            {error ? (
              <p id={`${id}-error`} className="field-error">
                {t(error)}
              </p>
            ) : null}
          </div>
        )
      })}
    </fieldset>
  )
}
