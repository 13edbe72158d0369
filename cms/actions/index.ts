import type { DocumentActionComponent, DocumentActionsResolver } from 'sanity'
import { ApproveAction } from './approveAction'
import { NewVersionAction } from './newVersionAction'
import { ConfirmedPublishAction } from './publishAction'

/**
 * Keeps a built-in action for documents that were never published. A
 * published legal version is part of the record people accepted, so it is
 * neither deleted nor unpublished from the Studio.
 */
function onlyBeforePublication(action: DocumentActionComponent): DocumentActionComponent {
  const guarded: DocumentActionComponent = (props) => {
    // Called on every render, whatever the outcome: the wrapped action uses hooks.
    const description = action(props)
    return props.published ? null : description
  }
  guarded.action = action.action
  guarded.displayName = `OnlyBeforePublication(${action.displayName ?? action.action ?? 'action'})`
  return guarded
}

export const resolveDocumentActions: DocumentActionsResolver = (previous, context) => {
  if (context.schemaType === 'siteSettings') {
    // A singleton: there is nothing to duplicate, and the site needs it published.
    return previous.filter(({ action }) => action !== 'delete' && action !== 'duplicate' && action !== 'unpublish')
  }
  if (context.schemaType !== 'legalDocument') return previous
  return [
    NewVersionAction,
    ...previous
      // A duplicate would carry the same version number; the new-version action replaces it.
      .filter(({ action }) => action !== 'duplicate')
      .flatMap((action) => {
        // Publishing needs a second person's approval and a confirmation (docs/legal-team.md).
        if (action.action === 'publish') return [ConfirmedPublishAction, ApproveAction]
        if (action.action === 'delete' || action.action === 'unpublish') return [onlyBeforePublication(action)]
        return [action]
      }),
  ]
}
