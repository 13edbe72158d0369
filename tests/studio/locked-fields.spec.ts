import { expect, test } from './support/fixtures'
import { lastPublished, seedDocuments, versionTitle } from './support/dataset'

// Kind and language are locked once set, the version number always
// (cms/schemaTypes/legalDocument.ts, docs/legal-team.md “Kind, language and number are fixed”).

test('a draft made by “New version from this one” cannot change its kind, language or number', async ({
  studio,
  standIn,
}) => {
  const source = lastPublished(seedDocuments(), 'consent', 'en')
  await studio.openDocument(source._id, versionTitle('consent', 'en', source.version))
  await studio.footerAction('New version from this one').click()
  await studio.expectDocumentTitle(versionTitle('consent', 'en', source.version + 1))
  const draft = standIn.lake.all().find((doc) => doc._id.startsWith('drafts.') && doc.kind === 'consent')
  expect(draft).toMatchObject({ locale: 'en', version: source.version + 1 })

  // The draft itself is editable…
  await expect(studio.input('title')).toBeEditable()
  // …but not its kind, language or number.
  const kinds = studio.field('kind').getByRole('radio')
  await expect(kinds).toHaveCount(4)
  for (const radio of await kinds.all()) await expect(radio).toBeDisabled()
  await expect(studio.field('kind').getByRole('radio', { checked: true })).toHaveAccessibleName(
    'Consent to personal-data processing',
  )
  const languages = studio.field('locale').getByRole('radio')
  await expect(languages).toHaveCount(2)
  for (const radio of await languages.all()) await expect(radio).toBeDisabled()
  await expect(studio.field('locale').getByRole('radio', { checked: true })).toHaveAccessibleName('English')
  await expect(studio.input('version')).toHaveAttribute('readonly', '')
  await expect(studio.input('version')).toHaveValue(String(source.version + 1))
})
