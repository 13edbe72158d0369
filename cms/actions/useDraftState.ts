import { getDraftId, useSyncState, useValidationStatus, type SanityDocument } from 'sanity'
import { readApproval, type Approval } from './approval'
import { useContentHash } from './useContentHash'

export interface DraftState {
  isSyncing: boolean
  /** Also true while the last check ran on an older revision than the one shown. */
  isValidating: boolean
  hasValidationErrors: boolean
  approval: Approval | null
  currentHash: string | null
}

/** What the approve and publish actions both need to know about the open draft. */
export function useDraftState(id: string, type: string, draft: SanityDocument | null): DraftState {
  const validation = useValidationStatus(getDraftId(id), type, true)
  const { isSyncing } = useSyncState(id, type)
  const currentHash = useContentHash(draft)
  return {
    isSyncing,
    isValidating: validation.isValidating || (draft !== null && validation.revision !== draft._rev),
    hasValidationErrors: validation.validation.some((marker) => marker.level === 'error'),
    approval: readApproval(draft?.approval),
    currentHash,
  }
}
