import { expect, test } from './support/fixtures'
import {
  formatMoment,
  key,
  lastPublished,
  nextVersionDraft,
  paragraph,
  seedDocuments,
  versionTitle,
  type LegalDocument,
} from './support/dataset'
import type { StudioPage } from './support/studio-page'

// Every message of cms/schemaTypes/rules.ts a legal document can show, each
// seen in the Studio's validation panel. Each test opens a draft that breaks
// several rules at once.

async function openWithValidation(studio: StudioPage, draft: LegalDocument) {
  await studio.openDocument(draft._id, versionTitle(draft.kind, draft.locale, draft.version))
  await studio.openValidation()
}

const DAY = 24 * 60 * 60 * 1000

test('a gap in the numbers, and a draft with no date, title, text or summary', async ({ studio, standIn }) => {
  const documents = seedDocuments()
  const last = lastPublished(documents, 'privacy', 'en')
  const draft = nextVersionDraft(documents, 'privacy', 'en', {
    version: last.version + 2,
    effectiveFrom: undefined,
    title: undefined,
    body: [],
    changeSummary: undefined,
  })
  standIn.lake.reset([...documents, draft])
  await openWithValidation(studio, draft)

  await studio.expectValidation(
    'Version',
    `Version ${last.version} is the last published one; ${last.version + 2} would leave a gap. Use ${last.version + 1}.`,
  )
  await studio.expectValidation('In force from', 'Set the date and time from which this version is in force.')
  await studio.expectValidation('Title', 'Required')
  await studio.expectValidation('Text', 'Write the text of this version.')
  await studio.expectValidation(
    'What changed and why',
    'Say what changed since the previous version and why. The site shows this to readers.',
  )
  await expect(studio.publishButton()).toBeDisabled()
  await studio.shot('draft-with-validation-messages')
})

test('a number already published, a date that is not one, lists too deep and bad links', async ({
  studio,
  standIn,
}) => {
  const documents = seedDocuments()
  const last = lastPublished(documents, 'privacy', 'ru')
  const linkToNowhere = key()
  const linkWithoutAddress = key()
  const draft = nextVersionDraft(documents, 'privacy', 'ru', {
    version: last.version,
    effectiveFrom: 'next Tuesday',
    body: [
      paragraph('Level five', { listItem: 'bullet', level: 5 }),
      {
        ...paragraph('Write to us'),
        markDefs: [
          { _type: 'link', _key: linkToNowhere, href: 'javascript:alert(1)' },
          { _type: 'link', _key: linkWithoutAddress },
        ],
        children: [
          { _type: 'span', _key: key(), text: 'here', marks: [linkToNowhere] },
          { _type: 'span', _key: key(), text: ' or there', marks: [linkWithoutAddress] },
        ],
      },
    ],
  })
  standIn.lake.reset([...documents, draft])
  await openWithValidation(studio, draft)

  await studio.expectValidation(
    'Version',
    `Version ${last.version} of this document in this language is already published. Each number can be used once.`,
  )
  await studio.expectValidation('In force from', 'This is not a valid date and time.')
  await studio.expectValidation('Text', 'Lists can be nested at most 4 levels deep; the site cannot show deeper ones.')
  await studio.expectValidation(
    'Address',
    'Use a web address (https://…), an email link (mailto:…) or a path on this site starting with a single / (for example /ru/privacy).',
  )
  await studio.expectValidation('Address', 'Enter the address this link points to.')
  await expect(studio.publishButton()).toBeDisabled()
})

test('a number behind the last, a date before it and in the past, and broken tables', async ({ studio, standIn }) => {
  const documents = seedDocuments()
  const last = lastPublished(documents, 'terms', 'en')
  const lastAt = new Date(last.effectiveFrom ?? '').getTime()
  // Before the last version's date and before now: an error and the backdating warning.
  const backdated = new Date(Math.min(lastAt, Date.now()) - 2 * DAY)
  backdated.setUTCMinutes(0, 0, 0)
  const row = (...cells: string[]) => ({ _type: 'tableRow', _key: key(), cells })
  const draft = nextVersionDraft(documents, 'terms', 'en', {
    version: 0,
    effectiveFrom: backdated.toISOString(),
    body: [
      paragraph('Fees'),
      { _type: 'table', _key: key(), caption: 'Only a header', rows: [row('Plan', 'Price')] },
      { _type: 'table', _key: key(), caption: 'A short row', rows: [row('Plan', 'Price'), row('Start')] },
      { _type: 'table', _key: key(), caption: 'An empty header', rows: [row(), row('Start')] },
    ],
  })
  standIn.lake.reset([...documents, draft])
  await openWithValidation(studio, draft)

  await studio.expectValidation(
    'Version',
    `Version ${last.version} is already published, so the next version is ${last.version + 1}.`,
  )
  await studio.expectValidation(
    'In force from',
    `Version ${last.version} takes effect on ${formatMoment(last.effectiveFrom ?? '')}; a later version cannot take effect before it.`,
  )
  await studio.expectValidation(
    'In force from',
    'This date is in the past. Nobody could read this version before it is published, so it should take effect at publication or later.',
    'warning',
  )
  await studio.expectValidation('Rows', 'A table needs a header row and at least one row of data.')
  await studio.expectValidation(
    'Rows',
    'Row 2 has 1 cell but the header row has 2 cells. Every row needs the same number of cells.',
  )
  await studio.expectValidation('Rows', 'The header row (the first row) needs at least one cell.')
})

test('a number another draft has, and the first version of a series', async ({ studio, standIn }) => {
  const documents = seedDocuments()
  // Two colleagues started the same next version of the consent in English.
  const mine = nextVersionDraft(documents, 'consent', 'en', { title: 'Mine' })
  const theirs = { ...nextVersionDraft(documents, 'consent', 'en', { title: 'Theirs' }), _id: 'drafts.theirs' }
  // A cookie policy in Russian that was never published.
  const withoutCookiesRu = documents.filter((doc) => !(doc.kind === 'cookies' && doc.locale === 'ru'))
  const first = nextVersionDraft(documents, 'cookies', 'ru', { version: 2 })
  standIn.lake.reset([...withoutCookiesRu, mine, theirs, first])

  await openWithValidation(studio, mine)
  await studio.expectValidation(
    'Version',
    `Version ${mine.version} of this document in this language already exists as an unpublished draft. Each number can be used once.`,
  )

  await openWithValidation(studio, first)
  await studio.expectValidation(
    'Version',
    'Nothing is published yet for this document in this language, so this is version 1.',
  )
})

test('a draft that would change a published version', async ({ studio, standIn }) => {
  const documents = seedDocuments()
  const published = lastPublished(documents, 'cookies', 'en')
  const { _rev: _ignored, ...fields } = published
  const edited = { ...fields, _id: `drafts.${published._id}`, _rev: 'edited', title: 'Quietly corrected' }
  standIn.lake.reset([...documents, edited])
  await studio.openDocument(published._id, versionTitle('cookies', 'en', published.version))
  await studio.openValidation()

  await expect(
    studio
      .validationPanel()
      .getByText(
        `Version ${published.version} is published and cannot be changed (changed here: title). Discard this draft and use “New version from this one”.`,
      ),
  ).toBeVisible()
  // “New version from this one” stays the main action; Publish waits in the menu, disabled.
  await expect(await studio.menuAction(/^Publish/)).toBeDisabled()
})
