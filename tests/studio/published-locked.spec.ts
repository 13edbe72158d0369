import { expect, test } from './support/fixtures'
import { lastPublished, nextVersionDraft, seedDocuments, versionTitle } from './support/dataset'

// A published legal version is the record people accepted (cms/actions/index.ts).

test('a published version is read-only and cannot be deleted, unpublished or duplicated', async ({ studio }) => {
  const published = lastPublished(seedDocuments(), 'terms', 'ru')
  await studio.openDocument(published._id, versionTitle('terms', 'ru', published.version))

  for (const name of ['version', 'effectiveFrom', 'title', 'changeSummary']) {
    await expect(studio.input(name), name).toHaveAttribute('readonly', '')
  }
  for (const radio of await studio.field('kind').getByRole('radio').all()) await expect(radio).toBeDisabled()
  await expect(studio.footerAction('New version from this one')).toBeEnabled()

  const actions = await studio.moreActions()
  expect(actions.filter((label) => /delete|unpublish|duplicate/i.test(label))).toEqual([])
})

test('a draft that was never published can still be deleted', async ({ studio, standIn }) => {
  const documents = seedDocuments()
  const draft = nextVersionDraft(documents, 'terms', 'ru')
  standIn.lake.reset([...documents, draft])
  await studio.openDocument(draft._id, versionTitle('terms', 'ru', draft.version))

  const actions = await studio.moreActions()
  expect(actions).toContain('Delete')
  expect(actions.filter((label) => /unpublish|duplicate/i.test(label))).toEqual([])
})
