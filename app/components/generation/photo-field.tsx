import { useEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { PHOTO_ACCEPT, photoHint, type PhotoHint } from '~/generation'
import { describedBy } from './described-by'

type ChosenPhoto = { name: string; hint: PhotoHint | null; previewUrl: string | null }

/**
 * The optional photo: a file picker. Without JavaScript it is the browser's
 * own file input inside the zone; once hydrated the input is hidden visually
 * (still focusable, and named by the field's label), the zone takes a drop,
 * and the chosen file shows its name, a preview and a remove button.
 */
export function PhotoField({ id, error, hydrated }: { id: string; error: string | null; hydrated: boolean }) {
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

  function handleDrop(event: React.DragEvent<HTMLElement>) {
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

  function handleDragOver(event: React.DragEvent<HTMLElement>) {
    if (!event.dataTransfer.types.includes('Files')) return
    event.preventDefault()
    event.dataTransfer.dropEffect = 'copy'
    setDragging(true)
  }

  function handleDragLeave(event: React.DragEvent<HTMLElement>) {
    // Moving over the zone's own children fires dragleave too; only leaving it counts.
    if (event.relatedTarget instanceof Node && event.currentTarget.contains(event.relatedTarget)) return
    setDragging(false)
  }

  const labelId = `${id}-label`
  const hintText = photo?.hint ? t(`upload.${photo.hint}`) : null
  return (
    <div className="field">
      {/* The title names the input (aria-labelledby); the zone around the input is its one <label>. */}
      <p id={labelId} className="field__label">
        {t('form.photoLabel')}
      </p>
      <p id={`${id}-hint`} className="field__hint">
        {t('form.photoHint')}
      </p>
      <div className="file-picker__row">
        <label
          className={`file-picker${hydrated ? ' file-picker--enhanced' : ''}${dragging ? ' file-picker--active' : ''}${photo ? ' file-picker--chosen' : ''}`}
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
            className="file-picker__input"
            onChange={(event) => choose(event.currentTarget.files?.[0] ?? null)}
            // The zone's own words are for the eye; the field's label names the input.
            aria-labelledby={labelId}
            aria-invalid={error || photo?.hint ? true : undefined}
            aria-describedby={describedBy(`${id}-hint`, hydrated && `${id}-status`, error && `${id}-error`)}
          />
          {hydrated ? (
            photo ? (
              <span className="file-picker__chosen">
                {photo.previewUrl ? (
                  <img
                    className="file-picker__thumbnail"
                    src={photo.previewUrl}
                    alt={t('form.photoPreviewAlt')}
                    width={56}
                    height={56}
                  />
                ) : null}
                <span className="file-picker__name" aria-hidden="true">
                  {photo.name}
                </span>
                <span className="file-picker__change" aria-hidden="true">
                  {t('form.changePhoto')}
                </span>
              </span>
            ) : (
              <span className="file-picker__prompt" aria-hidden="true">
                <span className="file-picker__icon" />
                <span className="file-picker__choose">{t('form.choosePhoto')}</span>
                <span className="file-picker__drop">{dragging ? t('form.dropNow') : t('form.dropHere')}</span>
              </span>
            )
          ) : null}
        </label>
        {photo ? (
          <button type="button" className="button button--quiet button--small file-picker__remove" onClick={remove}>
            {t('form.removePhoto')}
          </button>
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
