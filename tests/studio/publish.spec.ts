import { expect, test } from './support/fixtures'
import { lastPublished, nextVersionDraft, seedDocuments, versionTitle } from './support/dataset'
import { publishedIdOf } from './support/content-lake'

test('Publish stays disabled until the draft is valid, then publishes it', async ({ studio, standIn }) => {
  const documents = seedDocuments()
  const last = lastPublished(documents, 'privacy', 'en')
  // Everything right but the change summary, which version 2 and later need.
  const draft = nextVersionDraft(documents, 'privacy', 'en', { changeSummary: undefined })
  standIn.lake.reset([...documents, draft])
  const publishedId = publishedIdOf(draft._id)

  await studio.openDocument(draft._id, versionTitle('privacy', 'en', last.version + 1))
  await studio.openValidation()
  await studio.expectValidation(
    'What changed and why',
    'Say what changed since the previous version and why. The site shows this to readers.',
  )
  await expect(studio.publishButton()).toBeDisabled()

  // The edit reaches the stand-in as a document action, and the message goes away.
  const summary = 'We now keep request logs for 30 days instead of 90.'
  await studio.field('changeSummary').getByRole('textbox').fill(summary)
  await expect.poll(() => standIn.lake.get(draft._id)?.changeSummary).toBe(summary)
  expect(standIn.actionsSeen().map((action) => action.actionType)).toContain('sanity.action.document.edit')
  await expect(studio.validationPanel().getByText('No validation errors')).toBeVisible()
  await expect(studio.publishButton()).toBeEnabled()
  // The listener brought the edit back to the Studio: nothing is left pending.
  await expect(studio.page.getByTestId('pane-footer-document-status')).not.toContainText(/Saving/)
  await studio.shot('publish-ready')

  await studio.publishButton().click()

  await expect.poll(() => standIn.lake.get(publishedId)?.changeSummary).toBe(summary)
  const publish = standIn.actionsSeen().filter((action) => action.actionType === 'sanity.action.document.publish')
  expect(publish).toEqual([expect.objectContaining({ draftId: draft._id, publishedId })])
  expect(standIn.lake.get(draft._id)).toBeUndefined()
  expect(standIn.lake.get(publishedId)).toMatchObject({
    kind: 'privacy',
    locale: 'en',
    version: last.version + 1,
    effectiveFrom: draft.effectiveFrom,
    title: draft.title,
    body: draft.body,
  })
  // Once published, the only way forward is a new version.
  await expect(studio.footerAction('New version from this one')).toBeVisible()
  await expect(studio.input('changeSummary')).toHaveAttribute('readonly', '')
})
