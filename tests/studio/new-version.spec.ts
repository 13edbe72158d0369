import { expect, test } from './support/fixtures'
import {
  escapeRegExp,
  lastPublished,
  nextVersionDraft,
  publishedVersions,
  seedDocuments,
  versionTitle,
} from './support/dataset'

// “New version from this one” (cms/actions/newVersionAction.ts) on the newest
// published privacy policy in English.
const KIND = 'privacy'
const LOCALE = 'en'

test('creates a draft of the next version from the published text, then opens it', async ({ studio, standIn }) => {
  const source = lastPublished(seedDocuments(), KIND, LOCALE)
  const next = source.version + 1

  // The list shows every version, newest first.
  const list = await studio.openVersionList(KIND, LOCALE)
  const published = publishedVersions(seedDocuments(), KIND, LOCALE).reverse()
  await expect(list.getByRole('option')).toHaveText(
    published.map((doc) => new RegExp(`^${escapeRegExp(versionTitle(KIND, LOCALE, doc.version))}(?!\\d)`)),
  )
  await studio.shot('version-list')
  await studio.openDocument(source._id, versionTitle(KIND, LOCALE, source.version))
  const action = studio.footerAction('New version from this one')
  await expect(action).toBeEnabled()
  await studio.shot('new-version-action', {
    hover: {
      target: action,
      tooltip: 'Start a draft of the next version with this text. The published version stays as it is.',
    },
  })
  await action.click()

  // The Studio opens the new draft…
  await studio.expectDocumentTitle(versionTitle(KIND, LOCALE, next))
  // …which the action created through /data/mutate with the next number and the published text.
  const creates = standIn.mutationsSeen().filter((mutation) => 'create' in mutation)
  expect(creates).toHaveLength(1)
  const drafts = standIn.lake.all().filter((doc) => doc._id.startsWith('drafts.') && doc.kind === KIND)
  expect(drafts).toHaveLength(1)
  const draft = drafts[0]!
  expect(draft).toMatchObject({ kind: KIND, locale: LOCALE, version: next, title: source.title, material: false })
  expect(draft.body).toEqual(source.body)
  // The effective date and the change summary are the legal team's decision, so they start empty.
  expect(draft).not.toHaveProperty('effectiveFrom')
  expect(draft).not.toHaveProperty('changeSummary')
  expect(studio.page.url()).toContain(encodeURIComponent(draft._id.slice('drafts.'.length)))
  // The published version is untouched.
  expect(standIn.lake.get(source._id)).toEqual(source)

  // Both validation messages the legal team must act on are shown for the new draft.
  await studio.openValidation()
  await studio.expectValidation('In force from', 'Set the date and time from which this version is in force.')
  await studio.expectValidation(
    'What changed and why',
    'Say what changed since the previous version and why. The site shows this to readers.',
  )
})

test('opens the existing draft of the next version instead of making a second one', async ({ studio, standIn }) => {
  const documents = seedDocuments()
  const source = lastPublished(documents, KIND, LOCALE)
  // A colleague already started the next version.
  const started = nextVersionDraft(documents, KIND, LOCALE, { title: 'Started by a colleague' })
  standIn.lake.reset([...documents, started])

  await studio.openDocument(source._id, versionTitle(KIND, LOCALE, source.version))
  await studio.footerAction('New version from this one').click()

  await studio.expectDocumentTitle(versionTitle(KIND, LOCALE, source.version + 1))
  await expect(studio.page).toHaveURL(new RegExp(started._id.slice('drafts.'.length)))
  await expect(studio.field('title').getByRole('textbox')).toHaveValue('Started by a colleague')
  expect(standIn.mutationsSeen()).toEqual([])
  expect(standIn.lake.all().filter((doc) => doc._id.startsWith('drafts.'))).toEqual([started])
})
