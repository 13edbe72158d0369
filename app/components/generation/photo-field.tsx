import { useEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { PHOTO_ACCEPT, photoHint, type PhotoHint } from '~/generation'
import { describedBy } from './described-by'

type ChosenPhoto = { name: string; hint: PhotoHint | null; previewUrl: string | null }

/**
 * The optional photo: a plain file input; once hydrated, drag-and-drop, a
 * preview with a remove button, and the photo's problems said as it is chosen.
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
