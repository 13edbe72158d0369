import { expect, test } from './support/fixtures'
import { approvedBy, formatMoment, nextVersionDraft, seedDocuments, versionTitle } from './support/dataset'
import { publishedIdOf } from './support/content-lake'
import { SECRET_PARAM } from './support/site'

// The publish confirmation (cms/actions/publishAction.tsx, docs/legal-team.md
// “Publishing: the confirmation”). Each draft is approved by the colleague, so
// the signed-in user may publish it.

const HOUR = 60 * 60 * 1000

/** Moscow is UTC+3 all year round (no daylight saving since 2014). */
function moscow(iso: string): string {
  const at = new Date(new Date(iso).getTime() + 3 * HOUR).toISOString()
  return `${at.slice(0, 10)} ${at.slice(11, 16)} Moscow time (GMT+3)`
}

test('a material version: the dates, the accounts asked again, the other language; Cancel publishes nothing', async ({
  studio,
  standIn,
  site,
}) => {
  const documents = seedDocuments()
  const draft = approvedBy(nextVersionDraft(documents, 'terms', 'en', { material: true }), standIn.colleague)
  standIn.lake.reset([...documents, draft])
  const publishedBefore = standIn.lake.get(publishedIdOf(draft._id))
  site.publishImpact = { status: 200, json: { accountsToAskAgain: 42, noticeDays: 10 } }
  await studio.openDocument(draft._id, versionTitle('terms', 'en', draft.version))

  const dialog = await studio.openPublishConfirmation()
  await expect(dialog).toContainText('Publish this version?')
  await expect(studio.confirmationRow('kind')).toContainText('Terms of service (public offer)')
  await expect(studio.confirmationRow('language')).toContainText('English')
  await expect(studio.confirmationRow('version')).toContainText(String(draft.version))
  const effectiveFrom = String(draft.effectiveFrom)
  await expect(studio.confirmationRow('effective')).toContainText(formatMoment(effectiveFrom))
  await expect(studio.confirmationRow('effective')).toContainText(moscow(effectiveFrom))
  await expect(studio.confirmationRow('material')).toContainText(
    'Yes: everyone who accepted an earlier version is asked to accept this one.',
  )
  await expect(studio.confirmationRow('impact')).toContainText('42 accounts, once this version takes effect.')
  // Told ten days before the effective date, which is further away than that.
  const noticeAt = new Date(new Date(String(draft.effectiveFrom)).getTime() - 10 * 24 * HOUR)
  await expect(studio.confirmationRow('notice')).toContainText(
    `42 accounts will be told by e-mail and on their account page on ${formatMoment(noticeAt.toISOString())}, 10 days before it takes effect.`,
  )
  await expect(studio.confirmationRow('approval')).toContainText(
    `${standIn.colleague.name} (${standIn.colleague.email})`,
  )
  // The Russian terms have nothing in force from that moment.
  await expect(studio.confirmationRow('other-language')).toContainText(
    'The Russian text has no version (published or draft) in force from the same moment.',
  )

  // The count came from the site, asked with a secret the Studio had just stored in the dataset.
  const asked = site.requests.filter((url) => url.pathname === '/api/studio/publish-impact')
  expect(asked).toHaveLength(1)
  const query = asked[0]!.searchParams
  expect([query.get('kind'), query.get('locale'), query.get('version')]).toEqual(['terms', 'en', String(draft.version)])
  expect(site.secretDocument(query.get(SECRET_PARAM))).toMatchObject({ source: 'palitra-publish' })
  await studio.shot('publish-confirmation')

  // Cancel: nothing is published.
  await dialog.getByRole('button', { name: 'Cancel', exact: true }).click()
  await expect(dialog).toBeHidden()
  expect(standIn.actionsSeen().filter((action) => action.actionType === 'sanity.action.document.publish')).toEqual([])
  expect(standIn.lake.get(draft._id)).toMatchObject({ version: draft.version })
  expect(standIn.lake.get(publishedIdOf(draft._id))).toEqual(publishedBefore)

  // A notice period longer than the time left: the confirmation warns that people would be told late.
  site.publishImpact = { status: 200, json: { accountsToAskAgain: 42, noticeDays: 90 } }
  await studio.openPublishConfirmation()
  await expect(studio.confirmationRow('notice')).toContainText('Too late for the full notice')
  await dialog.getByRole('button', { name: 'Cancel', exact: true }).click()
  await expect(dialog).toBeHidden()

  // A site that refuses the secret: the count is unknown, and publishing is still possible.
  site.publishImpact = { status: 401, json: { error: 'invalid-secret', message: 'Unknown secret' } }
  await studio.openPublishConfirmation()
  await expect(studio.confirmationRow('impact')).toContainText(
    'Unknown: the site did not accept the Studio’s secret (401). You can still publish.',
  )
  await dialog.getByRole('button', { name: 'Publish', exact: true }).click()
  await expect(dialog).toBeHidden()
  await expect.poll(() => standIn.lake.get(publishedIdOf(draft._id))?.version).toBe(draft.version)
  expect(standIn.actionsSeen().filter((action) => action.actionType === 'sanity.action.document.publish')).toEqual([
    expect.objectContaining({ draftId: draft._id, publishedId: publishedIdOf(draft._id) }),
  ])
  expect(standIn.lake.get(draft._id)).toBeUndefined()
})

test('a version that is not material, with the other language taking effect at the same moment', async ({
  studio,
  standIn,
  site,
}) => {
  const documents = seedDocuments()
  const draft = approvedBy(nextVersionDraft(documents, 'privacy', 'ru', { material: false }), standIn.colleague)
  // An English draft in force from the same moment.
  const english = nextVersionDraft(documents, 'privacy', 'en', { effectiveFrom: draft.effectiveFrom })
  standIn.lake.reset([...documents, draft, english])
  await studio.openDocument(draft._id, versionTitle('privacy', 'ru', draft.version))

  const dialog = await studio.openPublishConfirmation()
  await expect(studio.confirmationRow('language')).toContainText('Russian')
  await expect(studio.confirmationRow('material')).toContainText('No: the new version simply replaces the old one.')
  await expect(studio.confirmationRow('impact')).toContainText('Nobody: this is not a material change.')
  await expect(studio.confirmationRow('other-language')).toContainText(
    `English: version ${english.version} (draft) takes effect at the same moment.`,
  )
  // Nothing to count, so the site is not asked.
  expect(site.requests.filter((url) => url.pathname === '/api/studio/publish-impact')).toEqual([])
  await dialog.getByRole('button', { name: 'Cancel', exact: true }).click()
  await expect(dialog).toBeHidden()
  expect(standIn.actionsSeen().filter((action) => action.actionType === 'sanity.action.document.publish')).toEqual([])
})
