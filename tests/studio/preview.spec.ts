import { expect, test } from './support/fixtures'
import { nextVersionDraft, seedDocuments, versionTitle } from './support/dataset'
import { SECRET_PARAM, SITE_URL } from './support/site'

// The Preview tab of a legal document (cms/structure/preview-pane.tsx).

test('the Preview tab shows the site’s preview of the draft, with a secret stored in the dataset', async ({
  studio,
  standIn,
  site,
}) => {
  const documents = seedDocuments()
  // An expired secret, which the Studio clears when it makes a new one (a delete-by-query).
  const expired = {
    _id: 'drafts.studio-suite-expired-secret',
    _type: 'sanity.previewUrlSecret',
    _updatedAt: new Date(Date.now() - 2 * 60 * 60 * 1000).toISOString(),
    secret: 'expired-secret',
    source: 'palitra-preview',
  }
  const draft = nextVersionDraft(documents, 'privacy', 'en')
  standIn.lake.reset([...documents, expired, draft])
  await studio.openDocument(draft._id, versionTitle('privacy', 'en', draft.version))

  await studio.page.getByRole('tab', { name: 'Preview' }).click()
  const frame = studio.page.locator(`iframe[title="Preview of version ${draft.version}"]`)
  await expect(frame).toBeVisible()
  const src = await frame.getAttribute('src')
  expect(src).not.toBeNull()
  const url = new URL(String(src))
  expect(`${url.origin}${url.pathname}`).toBe(`${SITE_URL}/en/privacy/preview/${draft.version}`)
  const secret = url.searchParams.get(SECRET_PARAM)
  expect(secret).toBeTruthy()

  // The secret is a document in the dataset, made by the signed-in user…
  expect(site.secretDocument(secret)).toMatchObject({
    _id: expect.stringMatching(/^drafts\./),
    source: 'palitra-preview',
    userId: standIn.user.id,
  })
  // …and the page the frame loaded found it there.
  await expect(
    studio.page.frameLocator(`iframe[title="Preview of version ${draft.version}"]`).getByTestId('secret-matched'),
  ).toHaveText('yes')
  expect(standIn.lake.get(expired._id)).toBeUndefined()
  expect(standIn.mutationsSeen()).toContainEqual({
    delete: { query: expect.stringContaining('sanity.previewUrlSecret') },
  })

  // “Open in a new tab” opens the same address.
  await expect(studio.page.getByRole('link', { name: 'Open in a new tab' })).toHaveAttribute('href', String(src))
  await studio.shot('preview-tab')
})
