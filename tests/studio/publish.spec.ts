import { expect, test } from './support/fixtures'
import { lastPublished, nextVersionDraft, seedDocuments, versionTitle } from './support/dataset'
import { publishedIdOf } from './support/content-lake'

test('Publish waits for a valid, approved draft; somebody else publishes it through the confirmation', async ({
  studio,
  standIn,
}) => {
  const documents = seedDocuments()
  const last = lastPublished(documents, 'privacy', 'en')
  // Everything right but the change summary, which version 2 and later need.
  const draft = nextVersionDraft(documents, 'privacy', 'en', { changeSummary: undefined })
  standIn.lake.reset([...documents, draft])
  const publishedId = publishedIdOf(draft._id)
  const title = versionTitle('privacy', 'en', last.version + 1)

  await studio.openDocument(draft._id, title)
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
  // The listener brought the edit back to the Studio: nothing is left pending.
  await expect(studio.page.getByTestId('pane-footer-document-status')).not.toContainText(/Saving/)

  // Valid is not enough: a second person approves, and the approver does not publish.
  await expect(studio.publishButton()).toBeDisabled()
  await studio.approve()
  await expect.poll(() => standIn.lake.get(draft._id)?.approval).toMatchObject({ userId: standIn.user.id })
  await expect(studio.publishButton()).toBeDisabled()

  await studio.signInAs('colleague', title)
  await expect(studio.publishButton()).toBeEnabled()
  await studio.shot('publish-ready', {
    hover: {
      target: studio.publishButton(),
      tooltip: `Approved by ${standIn.user.name} (${standIn.user.email}). You will be asked to confirm.`,
    },
  })

  const dialog = await studio.openPublishConfirmation()
  await dialog.getByRole('button', { name: 'Publish', exact: true }).click()

  await expect.poll(() => standIn.lake.get(publishedId)?.changeSummary).toBe(summary)
  const publish = standIn.actionsSeen().filter((action) => action.actionType === 'sanity.action.document.publish')
  expect(publish).toEqual([expect.objectContaining({ draftId: draft._id, publishedId })])
  // Published by the colleague, who did not approve it.
  expect(standIn.lake.transactions.at(-1)?.identity).toBe(standIn.colleague.id)
  expect(standIn.lake.get(draft._id)).toBeUndefined()
  expect(standIn.lake.get(publishedId)).toMatchObject({
    kind: 'privacy',
    locale: 'en',
    version: last.version + 1,
    effectiveFrom: draft.effectiveFrom,
    title: draft.title,
    body: draft.body,
    // The approval is published with the version.
    approval: { userId: standIn.user.id, name: standIn.user.name },
  })
  // Once published, the only way forward is a new version.
  await expect(studio.footerAction('New version from this one')).toBeVisible()
  await expect(studio.input('changeSummary')).toHaveAttribute('readonly', '')
})
