import type { RequestKind, RequestRegime } from './schema'
import { REQUEST_DEADLINES, type DeadlineRule } from '~/platform/processing-register'

// The periods live in the register of processing (app/platform/processing-register/requests.ts),
// which the privacy policy's response-times table is rendered from.
export { REQUEST_DEADLINES }
export type { DeadlinePeriod, DeadlineRule } from '~/platform/processing-register'

// The register's kinds and laws are the database's, or this stops compiling.
REQUEST_DEADLINES satisfies Record<RequestRegime, Record<RequestKind, DeadlineRule>>

export function deadlineRule(regime: RequestRegime, kind: RequestKind): DeadlineRule {
  return REQUEST_DEADLINES[regime][kind]
}

/** The kinds of request of a law whose deadline may be extended. */
export function extendableKinds(regime: RequestRegime): RequestKind[] {
  return (Object.keys(REQUEST_DEADLINES[regime]) as RequestKind[]).filter(
    (kind) => deadlineRule(regime, kind).extension !== null,
  )
}
