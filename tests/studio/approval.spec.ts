import { approvedContentHash } from '../../app/legal/approval.server'
import { expect, test } from './support/fixtures'
import { nextVersionDraft, seedDocuments, versionTitle } from './support/dataset'
import { publishedIdOf } from './support/content-lake'

// The approval step (cms/actions/approval.ts, approveAction.tsx, publishAction.tsx).

const NOT_APPROVED =
  'A second person must approve this version first: ask a colleague to choose “Approve for publishing”.'
const SELF_APPROVED = 'You approved this version, so somebody else must publish it.'

test('a version is approved by one person and published by another; an edit needs a new approval', async ({
  studio,
  standIn,
}) => {
  const documents = seedDocuments()
  const draft = nextVersionDraft(documents, 'cookies', 'ru')
  standIn.lake.reset([...documents, draft])
  const title = versionTitle('cookies', 'ru', draft.version)
  const lena = standIn.user
  const pavel = standIn.colleague

  await studio.openDocument(draft._id, title)
  // Valid, but nobody has approved it.
  await expect(studio.publishButton()).toBeDisabled()
  await studio.expectTooltip(studio.publishButton(), NOT_APPROVED)
  await studio.shot('publish-disabled-not-approved', {
    hover: { target: studio.publishButton(), tooltip: NOT_APPROVED },
  })

  // Lena approves: the approval lands on the draft through /data/mutate.
  await (await studio.menuAction('Approve for publishing')).click()
  await expect(studio.page.getByText(`Approve version ${draft.version} of the Cookie policy (Russian)`)).toBeVisible()
  await studio.shot('approve-confirmation')
  const approvedFrom = Date.now()
  await studio.approveConfirmButton().click()
  await expect.poll(() => standIn.lake.get(draft._id)?.approval).toBeTruthy()
  const stored = standIn.lake.get(draft._id)!
  expect(stored.approval).toEqual({
    userId: lena.id,
    name: lena.name,
    email: lena.email,
    approvedAt: expect.any(String),
    // The browser's Web Crypto hash of the draft as the Studio saw it equals the
    // site's node:crypto hash of the draft as stored: the two hash alike.
    contentHash: approvedContentHash(stored),
  })
  const approvedAt = new Date(String((stored.approval as { approvedAt: string }).approvedAt)).getTime()
  expect(approvedAt).toBeGreaterThanOrEqual(approvedFrom - 60_000)
  expect(standIn.mutationsSeen()).toContainEqual({
    patch: expect.objectContaining({ id: draft._id, set: { approval: stored.approval } }),
  })
  // The approval shows on the draft, read-only.
  const approvalField = studio.field('approval')
  await expect(approvalField.getByRole('textbox', { name: 'Approved by' })).toHaveValue(lena.name)
  await expect(approvalField.getByRole('textbox', { name: 'E-mail' })).toHaveValue(lena.email)
  await expect(approvalField.getByRole('textbox', { name: 'E-mail' })).toHaveAttribute('readonly', '')

  // The approver cannot publish it.
  await expect(studio.publishButton()).toBeDisabled()
  await studio.expectTooltip(studio.publishButton(), SELF_APPROVED)

  // Pavel could publish it, until he edits it: the approval no longer matches the text.
  await studio.signInAs('colleague', title)
  await expect(studio.publishButton()).toBeEnabled()
  await studio.expectTooltip(
    studio.publishButton(),
    `Approved by ${lena.name} (${lena.email}). You will be asked to confirm.`,
  )
  const summary = 'Named the analytics cookie and its lifetime.'
  await studio.field('changeSummary').getByRole('textbox').fill(summary)
  await expect.poll(() => standIn.lake.get(draft._id)?.changeSummary).toBe(summary)
  await expect(studio.publishButton()).toBeDisabled()
  await studio.expectTooltip(
    studio.publishButton(),
    `The text changed after ${lena.name} (${lena.email}) approved it, so it needs a new approval (“Approve for publishing”).`,
  )

  // Pavel approves the new text; Lena, who did not approve this one, publishes it.
  await studio.approve()
  await expect.poll(() => (standIn.lake.get(draft._id)?.approval as { userId?: string })?.userId).toBe(pavel.id)
  const reapproved = standIn.lake.get(draft._id)!
  expect(reapproved.approval).toMatchObject({ contentHash: approvedContentHash(reapproved) })
  await expect(studio.publishButton()).toBeDisabled()
  await studio.expectTooltip(studio.publishButton(), SELF_APPROVED)

  await studio.signInAs('user', title)
  const dialog = await studio.openPublishConfirmation()
  await expect(studio.confirmationRow('approval')).toContainText(`${pavel.name} (${pavel.email})`)
  await dialog.getByRole('button', { name: 'Publish', exact: true }).click()
  await expect.poll(() => standIn.lake.get(publishedIdOf(draft._id))?.changeSummary).toBe(summary)
  expect(standIn.lake.transactions.at(-1)?.identity).toBe(lena.id)
})
