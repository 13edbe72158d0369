import { visionTool } from '@sanity/vision'
import { defineConfig } from 'sanity'
import { structureTool } from 'sanity/structure'
import { resolveDocumentActions } from './actions'
import { apiVersion, dataset, projectId } from './environment'
import { schemaTypes } from './schemaTypes'
import { SITE_SETTINGS_ID } from './schemaTypes/siteSettings'
import { NEXT_VERSION_TEMPLATE_ID, nextVersionTemplate } from './schemaTypes/templates'
import { defaultDocumentNode, structure } from './structure'

export default defineConfig({
  name: 'default',
  title: 'Palitra · legal documents',
  projectId,
  dataset,
  plugins: [structureTool({ structure, defaultDocumentNode }), visionTool({ defaultApiVersion: apiVersion })],
  schema: {
    types: schemaTypes,
    // Site settings exist once, under a fixed id, so no template may create another.
    templates: (previous) => [...previous.filter(({ id }) => id !== SITE_SETTINGS_ID), nextVersionTemplate],
  },
  document: {
    actions: resolveDocumentActions,
    // New legal versions start from their kind + language list (which numbers
    // them) or from “New version from this one”, not from the global menu.
    newDocumentOptions: (previous, { creationContext }) =>
      creationContext.type === 'global'
        ? previous.filter(
            ({ templateId }) => !['legalDocument', NEXT_VERSION_TEMPLATE_ID, SITE_SETTINGS_ID].includes(templateId),
          )
        : previous,
  },
  // Releases and scheduling publish through paths the version rules do not
  // see; a future effective date already covers planned changes.
  releases: { enabled: false },
  scheduledDrafts: { enabled: false },
  scheduledPublishing: { enabled: false },
})
