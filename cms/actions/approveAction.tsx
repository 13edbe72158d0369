import { useState } from 'react'
import { useClient, useCurrentUser, type DocumentActionComponent } from 'sanity'
import { apiVersion } from '../environment'
import { KIND_TITLES, LOCALE_TITLES, isDocumentKind, isLocale } from '../schemaTypes/vocabulary'
import { decideApprove, type Approval } from './approval'
import { formatUtc } from './moments'
import { useDraftState } from './useDraftState'

export const APPROVE_LABEL = 'Approve for publishing'

/**
 * Records, on the draft, who approved exactly which text: a plain patch
 * through the client (/data/mutate). The hash is of the text the approver
 * was shown, so if somebody else changed the draft meanwhile, the approval
 * simply does not match and publishing stays blocked.
 */
export const ApproveAction: DocumentActionComponent = ({ id, type, draft }) => {
  const client = useClient({ apiVersion })
  const currentUser = useCurrentUser()
  const state = useDraftState(id, type, draft)
  const [confirming, setConfirming] = useState(false)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)

  if (!draft) return null

  const decision = decideApprove({ hasDraft: true, ...state })
  const { kind, locale, version, effectiveFrom } = draft
  const what = `version ${typeof version === 'number' ? version : '?'} of the ${
    isDocumentKind(kind) ? KIND_TITLES[kind] : 'document'
  } (${isLocale(locale) ? LOCALE_TITLES[locale] : 'no language'})`

  const approve = async () => {
    setConfirming(false)
    const hash = state.currentHash
    if (!currentUser || hash === null) return
    const approval: Approval = {
      userId: currentUser.id,
      name: currentUser.name,
      email: currentUser.email,
      approvedAt: new Date().toISOString(),
      contentHash: hash,
    }
    setBusy(true)
    try {
      await client.patch(draft._id).set({ approval }).commit({ tag: 'palitra.approve' })
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err))
    } finally {
      setBusy(false)
    }
  }

  return {
    label: busy ? 'Approving…' : APPROVE_LABEL,
    title: decision.allowed
      ? 'Record that you have read this text and approve it for publishing. Somebody else then publishes it.'
      : decision.reason,
    disabled: busy || !decision.allowed || !currentUser,
    onHandle: () => setConfirming(true),
    dialog: error
      ? { type: 'dialog', header: 'The approval was not recorded', content: error, onClose: () => setError(null) }
      : confirming
        ? {
            type: 'confirm',
            tone: 'primary',
            message: `Approve ${what}, in force from ${formatUtc(effectiveFrom) ?? 'a date not set yet'}, for publishing? Your name, e-mail and the time are recorded with a fingerprint of the text. Any later edit needs a new approval, and you will not be able to publish this version yourself.`,
            confirmButtonText: 'Approve',
            cancelButtonText: 'Cancel',
            onConfirm: () => void approve(),
            onCancel: () => setConfirming(false),
          }
        : null,
  }
}
ApproveAction.displayName = 'ApproveAction'
