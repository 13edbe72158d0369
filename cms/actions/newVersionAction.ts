import { useState } from 'react'
import { getPublishedId, isDraftId, useClient, type DocumentActionComponent } from 'sanity'
import { useRouter } from 'sanity/router'
import { apiVersion } from '../environment'
import { describeSeries, newVersionFrom, nextVersionNumber } from '../schemaTypes/rules'
import { fetchSeries } from '../schemaTypes/series'
import { isDocumentKind, isLocale } from '../schemaTypes/vocabulary'

/**
 * The only way to change a published legal document: start a draft of the
 * next version from its text. The published version itself stays untouched.
 */
export const NewVersionAction: DocumentActionComponent = ({ published }) => {
  const client = useClient({ apiVersion })
  const router = useRouter()
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)

  if (!published) return null

  const open = (id: string) => router.navigateIntent('edit', { id: getPublishedId(id), type: 'legalDocument' })

  return {
    label: busy ? 'Creating the new version…' : 'New version from this one',
    title: 'Start a draft of the next version with this text. The published version stays as it is.',
    tone: 'primary',
    disabled: busy,
    onHandle: async () => {
      const { kind, locale } = published
      if (!isDocumentKind(kind) || !isLocale(locale)) {
        setError('This version has no valid kind or language, so the next version cannot be numbered.')
        return
      }
      setBusy(true)
      try {
        const stored = await fetchSeries(client, kind, locale)
        const { siblings } = describeSeries(stored)
        const next = nextVersionNumber(siblings)
        // Someone already started the next version: open it instead of making a rival draft.
        const started = stored.find((row) => isDraftId(row._id) && row.version === next)
        if (started) {
          open(started._id)
          return
        }
        const id = crypto.randomUUID()
        await client.create({ _id: `drafts.${id}`, ...newVersionFrom(published, siblings) })
        open(id)
      } catch (err) {
        setError(err instanceof Error ? err.message : String(err))
      } finally {
        setBusy(false)
      }
    },
    dialog: error
      ? { type: 'dialog', header: 'The new version was not created', content: error, onClose: () => setError(null) }
      : null,
  }
}
NewVersionAction.displayName = 'NewVersionAction'
