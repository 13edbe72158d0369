import { GUEST_KINDS } from './support/accounts-dataset'
import {
  acceptanceBox,
  expect,
  expectCheckInboxThenSignIn,
  fillRegistration,
  formPost,
  newPerson,
  startGuestOverHttp,
  submitButton,
  test,
  uiPlural,
} from './support/accounts'
import { hydrated } from './support/axe'
import {
  countRadio,
  credits,
  dropPhoto,
  expectImageLoaded,
  expectInViewport,
  fillGenerationForm,
  generateOverHttp,
  generationForm,
  generationPost,
  headerBalance,
  jobCard,
  jobIdOf,
  jobStatus,
  openImage,
  photoInput,
  promptField,
  ratioLabel,
  ratioRadio,
  resultPanel,
  samplePhoto,
  statusBadge,
  styleRadio,
  submitGenerate,
  waitForJobDone,
} from './support/generation'
import { LOCALES, ui, type Locale } from './support/ui-text'

// Generation in the browser on the "accounts" server, with the local preview
// engine (IMAGE_ENGINE's default): guests get GUEST_FREE_CREDITS (3) and each
// image costs one credit. Every test starts its own guest from its own client
// address (support/accounts.ts), so tests run in any order and in parallel.

const GUEST_CREDITS = 3

/** Prompts in the page's language: harmless ones, and one the moderation rules refuse (with its category). */
const PROMPTS: Record<
  Locale,
  { first: string; second: string; third: string; refused: { prompt: string; category: string } }
> = {
  ru: {
    first: 'Маяк на рассвете над спокойным морем',
    second: 'Рыжий кот спит на красном диване',
    third: 'Осенний парк с жёлтыми клёнами',
    refused: { prompt: 'порно', category: 'pornography' },
  },
  en: {
    first: 'A lighthouse at dawn above a calm sea',
    second: 'A ginger cat asleep on a red sofa',
    third: 'An autumn park with yellow maples',
    refused: { prompt: 'nude photo of a child', category: 'minors' },
  },
}

/** The form's own line about the balance ("Balance: 3 credits"). */
function formBalance(locale: Locale, count: number) {
  return ui(locale, 'generate:form.balance', { credits: credits(locale, count) })
}

for (const locale of LOCALES) {
  const prompts = PROMPTS[locale]

  test.describe(`generation in ${locale}`, () => {
    test('a guest generates with the local engine: live status, image, balance, full-size dialog, download', async ({
      page,
    }) => {
      await page.goto(`/${locale}`)
      await hydrated(page)
      const form = generationForm(page)
      await expect(form.getByText(ui(locale, 'generate:engine.local'), { exact: true })).toBeVisible()

      // Nobody yet: the form says how to start, and a submission is refused inline.
      await expect(form).toContainText(ui(locale, 'generate:form.noBalance'))
      await expect(form).toContainText(
        ui(locale, 'generate:form.guestOffer', { credits: credits(locale, GUEST_CREDITS) }),
      )
      await promptField(page, locale).fill(prompts.first)
      const refused = generationPost(page, locale)
      await submitGenerate(page, locale).click()
      expect((await refused).status()).toBe(401)
      await expect(form.getByRole('alert')).toHaveText(ui(locale, 'generate:errors.no-session'))

      // A guest session: the acceptance boxes, then back to the form.
      await form.getByRole('link', { name: ui(locale, 'generate:form.tryAsGuest'), exact: true }).click()
      await expect(page).toHaveURL(`/${locale}/guest`)
      for (const kind of GUEST_KINDS) await acceptanceBox(page, locale, kind).check()
      await submitButton(page, ui(locale, 'account:guest.submit')).click()
      await page.getByRole('link', { name: ui(locale, 'account:guest.startCreating'), exact: true }).click()
      await expect(page).toHaveURL(`/${locale}#generate`)
      await hydrated(page)
      await expect(headerBalance(page, locale, GUEST_CREDITS)).toHaveAttribute('href', `/${locale}/history`)
      await expect(form).toContainText(formBalance(locale, GUEST_CREDITS))
      await expect(form).toContainText(ui(locale, 'generate:form.price', { credits: credits(locale, 1) }))

      await fillGenerationForm(page, locale, { prompt: prompts.first, style: 'watercolor' })
      const accepted = generationPost(page, locale)
      await submitGenerate(page, locale).click()
      expect((await accepted).status()).toBe(202)
      await expect(page).toHaveURL(`/${locale}#generate`)

      // The card below the form follows the job until it is done.
      const card = jobCard(page)
      await expect(statusBadge(card, locale, 'done')).toBeVisible({ timeout: 20_000 })
      await expect(card.getByText(ui(locale, 'generate:engine.local'), { exact: true })).toBeVisible()
      await expect(card).toContainText(prompts.first)
      await expect(card).toContainText(ui(locale, 'generate:styles.watercolor'))
      await expect(headerBalance(page, locale, GUEST_CREDITS - 1)).toBeVisible()
      await expect(form).toContainText(formBalance(locale, GUEST_CREDITS - 1))

      const opener = openImage(card, locale, 1, 1)
      await expectImageLoaded(opener.locator('img'))

      // Full size in a modal dialog; Escape closes it and focus returns to the thumbnail.
      await opener.click()
      const dialog = page.getByRole('dialog', { name: ui(locale, 'generate:results.dialogTitle', { n: 1, total: 1 }) })
      await expect(dialog).toBeVisible()
      await expectImageLoaded(
        dialog.getByRole('img', {
          name: ui(locale, 'generate:results.imageAlt', { n: 1, total: 1, prompt: prompts.first }),
        }),
      )
      await page.keyboard.press('Escape')
      await expect(dialog).toBeHidden()
      await expect(opener).toBeFocused()

      // The download link: an attachment with an image type, also as the browser downloads it.
      const downloadLink = card.getByRole('link', {
        name: ui(locale, 'generate:results.downloadLabel', { n: 1 }),
        exact: true,
      })
      const href = await downloadLink.getAttribute('href')
      expect(href).toMatch(/^\/media\/generations\/[^/]+\/0\?download=1$/)
      const file = await page.request.get(href!)
      expect(file.status()).toBe(200)
      expect(file.headers()['content-type']).toMatch(/^image\/(webp|png|jpeg)$/)
      expect(file.headers()['content-disposition']).toMatch(/^attachment; filename="palitra-[^"]+\.(webp|png|jpg)"$/)
      expect((await file.body()).length).toBeGreaterThan(100)
      const downloading = page.waitForEvent('download')
      await downloadLink.click()
      expect((await downloading).suggestedFilename()).toMatch(/^palitra-.+\.(webp|png|jpg)$/)
    })

    test('a prohibited prompt is refused with its category, and nothing is charged', async ({ page, baseURL }) => {
      await startGuestOverHttp(page.request, baseURL, locale)
      await page.goto(`/${locale}`)
      await hydrated(page)
      await fillGenerationForm(page, locale, { prompt: prompts.refused.prompt })
      const refused = generationPost(page, locale)
      await submitGenerate(page, locale).click()
      expect((await refused).status()).toBe(422)
      const category = ui(locale, `generate:moderation.categories.${prompts.refused.category}`)
      await expect(generationForm(page).getByRole('alert')).toHaveText(
        ui(locale, 'generate:moderation.refused', { category }),
      )
      const prompt = promptField(page, locale)
      await expect(prompt).toHaveAttribute('aria-invalid', 'true')
      await expect(prompt).toHaveValue(prompts.refused.prompt)
      await expect(prompt).toHaveAccessibleDescription(
        new RegExp(escapeRegExp(ui(locale, 'generate:moderation.field'))),
      )
      await expect(jobCard(page)).toHaveCount(0)
      await expect(headerBalance(page, locale, GUEST_CREDITS)).toBeVisible()
      await expect(generationForm(page)).toContainText(formBalance(locale, GUEST_CREDITS))

      // Nothing was made either.
      await page.goto(`/${locale}/history`)
      await expect(page.getByRole('main')).toContainText(ui(locale, 'generate:history.empty'))
    })

    test('history: newest first with prompt, style and cost; deleting one removes it and its images', async ({
      page,
      baseURL,
    }) => {
      await startGuestOverHttp(page.request, baseURL, locale)
      const olderId = await generateOverHttp(page.request, baseURL, locale, { prompt: prompts.first, style: 'comic' })
      await waitForJobDone(page.request, olderId)
      const newerId = await generateOverHttp(page.request, baseURL, locale, {
        prompt: prompts.second,
        style: 'noir',
        aspectRatio: '16:9',
      })
      const newer = await waitForJobDone(page.request, newerId)
      const newerImage = newer.job.images[0]!.url

      await page.goto(`/${locale}/history`)
      await hydrated(page)
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(ui(locale, 'generate:history.title'))
      await expect(headerBalance(page, locale, GUEST_CREDITS - 2)).toBeVisible()
      const items = page.getByRole('main').locator('ol.history > li')
      await expect(items).toHaveCount(2)
      const expected = [
        { id: newerId, prompt: prompts.second, style: 'noir' },
        { id: olderId, prompt: prompts.first, style: 'comic' },
      ]
      for (const [i, job] of expected.entries()) {
        const item = items.nth(i)
        await expect(item.getByRole('link', { name: job.prompt, exact: true })).toHaveAttribute(
          'href',
          `/${locale}/generations/${job.id}`,
        )
        await expect(item).toContainText(ui(locale, `generate:styles.${job.style}`))
        await expect(item).toContainText(credits(locale, 1))
        await expect(item).toContainText(ui(locale, 'generate:status.done'))
        await expectImageLoaded(
          item.getByRole('img', { name: ui(locale, 'generate:history.thumbnailAlt', { prompt: job.prompt }) }),
        )
      }

      const deleteNewer = items
        .nth(0)
        .getByRole('button', { name: ui(locale, 'generate:history.deleteLabel', { prompt: prompts.second }) })

      // The confirmation, declined: nothing happens.
      page.once('dialog', (dialog) => {
        expect(dialog.type()).toBe('confirm')
        expect(dialog.message()).toBe(ui(locale, 'generate:history.confirmDelete'))
        void dialog.dismiss()
      })
      await deleteNewer.click()
      await expect(items).toHaveCount(2)
      expect((await page.request.get(newerImage)).status()).toBe(200)

      // Accepted: the generation and its images are gone.
      page.once('dialog', (dialog) => void dialog.accept())
      const deleted = formPost(page, `/${locale}/generations/${newerId}`)
      await deleteNewer.click()
      expect((await deleted).status()).toBeLessThan(400)
      await expect(page).toHaveURL(`/${locale}/history?deleted=1`)
      await expect(page.getByRole('status').filter({ hasText: ui(locale, 'generate:history.deleted') })).toBeVisible()
      await expect(items).toHaveCount(1)
      await expect(items.first()).toContainText(prompts.first)
      await expect(page.getByRole('main')).not.toContainText(prompts.second)
      expect((await page.request.get(newerImage)).status()).toBe(404)
      expect((await page.request.get(`${newerImage}?download=1`)).status()).toBe(404)
      expect((await page.request.get(`/${locale}/generations/${newerId}`)).status()).toBe(404)
      expect((await page.request.get(`/api/generations/${newerId}`)).status()).toBe(404)
      // Deleting returns no credits: the images were made.
      await expect(headerBalance(page, locale, GUEST_CREDITS - 2)).toBeVisible()
    })

    test('images and job pages are for their owner only', async ({ page, browser, baseURL }) => {
      await startGuestOverHttp(page.request, baseURL, locale)
      const id = await generateOverHttp(page.request, baseURL, locale, { prompt: prompts.first })
      const { job } = await waitForJobDone(page.request, id)
      const urls = [
        `/${locale}/generations/${id}`,
        `/api/generations/${id}`,
        job.images[0]!.url,
        job.images[0]!.downloadUrl,
      ]
      for (const url of urls) expect((await page.request.get(url)).status(), `the owner: ${url}`).toBe(200)

      const other = await browser.newContext()
      try {
        // Nobody, then another guest: the same 404 as for an id that does not exist.
        for (const url of urls) expect((await other.request.get(url)).status(), `nobody: ${url}`).toBe(404)
        await startGuestOverHttp(other.request, baseURL, locale)
        for (const url of urls) expect((await other.request.get(url)).status(), `another guest: ${url}`).toBe(404)
        const otherPage = await other.newPage()
        const response = await otherPage.goto(`/${locale}/generations/${id}`)
        expect(response?.status()).toBe(404)
        await expect(otherPage.getByRole('main')).not.toContainText(prompts.first)
      } finally {
        await other.close()
      }
    })

    test('"again with the same settings" fills in the prompt, style, ratio and count', async ({ page, baseURL }) => {
      await startGuestOverHttp(page.request, baseURL, locale)
      await page.goto(`/${locale}`)
      await hydrated(page)
      await fillGenerationForm(page, locale, { prompt: prompts.third, style: 'pastel', aspectRatio: '3:4', count: 2 })
      await expect(generationForm(page)).toContainText(
        ui(locale, 'generate:form.price', { credits: credits(locale, 2) }),
      )
      await submitGenerate(page, locale).click()
      const card = jobCard(page)
      await expect(statusBadge(card, locale, 'done')).toBeVisible({ timeout: 20_000 })
      await expect(card).toContainText(ratioLabel(locale, '3:4'))
      await expect(card).toContainText(uiPlural(locale, 'generate:images', 2))
      await expect(card).toContainText(credits(locale, 2))
      await expectImageLoaded(openImage(card, locale, 2, 2).locator('img'))
      await expect(headerBalance(page, locale, GUEST_CREDITS - 2)).toBeVisible()
      const id = jobIdOf((await openImage(card, locale, 1, 2).locator('img').getAttribute('src'))!)

      // A fresh form first, so the pre-filled one is the server's doing.
      await page.goto(`/${locale}`)
      await hydrated(page)
      await expect(promptField(page, locale)).toHaveValue('')
      await expect(styleRadio(page, locale, 'none')).toBeChecked()

      await page.goto(`/${locale}/generations/${id}`)
      await hydrated(page)
      await jobCard(page)
        .getByRole('link', { name: ui(locale, 'generate:results.again'), exact: true })
        .click()
      await expect(page).toHaveURL(`/${locale}?again=${id}#generate`)
      await expect(promptField(page, locale)).toHaveValue(prompts.third)
      await expect(styleRadio(page, locale, 'pastel')).toBeChecked()
      await expect(ratioRadio(page, locale, '3:4')).toBeChecked()
      await expect(countRadio(page, locale, 2)).toBeChecked()
      await expect(generationForm(page)).toContainText(
        ui(locale, 'generate:form.price', { credits: credits(locale, 2) }),
      )
    })

    test('uploads: a text file named .jpg is refused in the page language, a real PNG is used', async ({
      page,
      baseURL,
    }) => {
      await startGuestOverHttp(page.request, baseURL, locale)
      await page.goto(`/${locale}`)
      await hydrated(page)
      const photo = photoInput(page, locale)
      const unsupported = ui(locale, 'generate:upload.unsupported-type')

      // A file the browser already knows is not a photo: the hint comes before anything is sent.
      await photo.setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a photo\n') })
      await expect(photo).toHaveAttribute('aria-invalid', 'true')
      await expect(photo).toHaveAccessibleDescription(new RegExp(escapeRegExp(unsupported)))

      // Text with a photo's name and type: only the server can tell, by the bytes.
      await fillGenerationForm(page, locale, { prompt: prompts.first })
      await photo.setInputFiles({
        name: 'holiday.jpg',
        mimeType: 'image/jpeg',
        buffer: Buffer.from('These are holiday notes, not a JPEG.\n'),
      })
      await expect(photo).not.toHaveAttribute('aria-invalid', 'true')
      const refused = generationPost(page, locale)
      await submitGenerate(page, locale).click()
      expect((await refused).status()).toBe(415)
      await expect(generationForm(page).getByRole('alert')).toHaveText(ui(locale, 'generate:form.invalid'))
      await expect(photo).toHaveAttribute('aria-invalid', 'true')
      await expect(photo).toHaveAccessibleDescription(new RegExp(escapeRegExp(unsupported)))
      await expect(promptField(page, locale)).toHaveValue(prompts.first)
      await expect(headerBalance(page, locale, GUEST_CREDITS)).toBeVisible()

      // A real PNG: previewed, sent, and the job shows the photo it was made from.
      await photo.setInputFiles({ name: 'sample.png', mimeType: 'image/png', buffer: await samplePhoto('png') })
      await expectImageLoaded(
        generationForm(page).getByRole('img', { name: ui(locale, 'generate:form.photoPreviewAlt'), exact: true }),
      )
      const accepted = generationPost(page, locale)
      await submitGenerate(page, locale).click()
      expect((await accepted).status()).toBe(202)
      const card = jobCard(page)
      await expect(statusBadge(card, locale, 'done')).toBeVisible({ timeout: 20_000 })
      await expectImageLoaded(card.getByRole('img', { name: ui(locale, 'generate:details.photoAlt'), exact: true }))
      await expectImageLoaded(openImage(card, locale, 1, 1).locator('img'))
      await expect(headerBalance(page, locale, GUEST_CREDITS - 1)).toBeVisible()
    })

    test('out of credits: the form says so and offers to register; a submission is refused with 402', async ({
      page,
    }) => {
      // Through the guest page, so that registering afterwards takes the guest over.
      await page.goto(`/${locale}/guest`)
      for (const kind of GUEST_KINDS) await acceptanceBox(page, locale, kind).check()
      await submitButton(page, ui(locale, 'account:guest.submit')).click()
      await page.getByRole('link', { name: ui(locale, 'account:guest.startCreating'), exact: true }).click()
      await hydrated(page)
      await fillGenerationForm(page, locale, { prompt: prompts.second, count: GUEST_CREDITS })
      const form = generationForm(page)
      const warning = form.locator('.notice--warning')
      // Exactly the balance: no warning yet.
      await expect(form).toContainText(ui(locale, 'generate:form.price', { credits: credits(locale, GUEST_CREDITS) }))
      await expect(warning).toHaveCount(0)
      await submitGenerate(page, locale).click()
      await expect(statusBadge(jobCard(page), locale, 'done')).toBeVisible({ timeout: 20_000 })
      await expect(headerBalance(page, locale, 0)).toBeVisible()
      await expect(form).toContainText(formBalance(locale, 0))

      const notEnough = (price: number) =>
        ui(locale, 'generate:form.notEnough', { price: credits(locale, price), balance: credits(locale, 0) })
      await expect(warning).toHaveText(new RegExp(`^${escapeRegExp(notEnough(GUEST_CREDITS))}`))
      const register = warning.getByRole('link', { name: ui(locale, 'generate:form.register'), exact: true })
      await expect(register).toHaveAttribute('href', `/${locale}/register`)
      // A link to buy credits only where there is a page for it.
      const buy = warning.getByRole('link', { name: ui(locale, 'generate:form.buyCredits'), exact: true })
      if ((await buy.count()) > 0) {
        const href = await buy.getAttribute('href')
        expect((await page.request.get(href!)).status(), `the buy-credits link ${href}`).toBe(200)
      }
      // One image is still too many.
      await countRadio(page, locale, 1).check()
      await expect(warning).toHaveText(new RegExp(`^${escapeRegExp(notEnough(1))}`))

      const refused = generationPost(page, locale)
      await submitGenerate(page, locale).click()
      expect((await refused).status()).toBe(402)
      await expect(form.getByRole('alert')).toHaveText(
        ui(locale, 'generate:errors.not-enough-credits', { needed: 1, balance: 0 }),
      )
      await expect(headerBalance(page, locale, 0)).toBeVisible()

      // Registering keeps the guest's generation; an account is not offered to register again.
      await register.click()
      await expect(page).toHaveURL(`/${locale}/register`)
      await expect(page.getByRole('main')).toContainText(ui(locale, 'account:register.guestLinked'))
      const person = newPerson(locale, 'gen-credits')
      await fillRegistration(page, person)
      await submitButton(page, ui(locale, 'account:register.submit')).click()
      await expectCheckInboxThenSignIn(page, person)
      await expect(headerBalance(page, locale, 0)).toBeVisible()
      await page.goto(`/${locale}/history`)
      await expect(page.getByRole('main').locator('ol.history > li')).toHaveCount(1)
      await expect(page.getByRole('main')).toContainText(prompts.second)
      await page.goto(`/${locale}`)
      await hydrated(page)
      await expect(warning).toHaveText(new RegExp(`^${escapeRegExp(notEnough(1))}`))
      await expect(warning.getByRole('link', { name: ui(locale, 'generate:form.register'), exact: true })).toHaveCount(
        0,
      )
    })

    test.describe('on a phone', () => {
      test.use({ viewport: { width: 390, height: 844 } })

      test('the prompt and Generate are in the first screen; after Generate the result comes into view', async ({
        page,
        baseURL,
      }) => {
        await startGuestOverHttp(page.request, baseURL, locale)
        await page.goto(`/${locale}`)
        await hydrated(page)
        // The first screen as it is once the cookie choice is made.
        const banner = page.getByRole('region', { name: ui(locale, 'cookie-consent:heading') })
        await banner.getByRole('button', { name: ui(locale, 'cookie-consent:essentialOnly'), exact: true }).click()
        await expect(banner).toBeHidden()
        await page.goto(`/${locale}`)
        await hydrated(page)
        await expectInViewport(page, promptField(page, locale), 'the prompt')
        await expectInViewport(page, submitGenerate(page, locale), 'the Generate button')
        const generate = await submitGenerate(page, locale).boundingBox()
        expect(generate!.y + generate!.height, 'the Generate button ends within the first screen').toBeLessThanOrEqual(
          844,
        )
        // Before any job there is nothing to show below the form.
        await expect(resultPanel(page)).toBeHidden()

        await fillGenerationForm(page, locale, { prompt: prompts.first, count: 2 })
        await submitGenerate(page, locale).click()
        const panel = resultPanel(page)
        await expect(statusBadge(jobCard(page), locale, 'done')).toBeVisible({ timeout: 20_000 })
        await expectInViewport(page, panel, 'the result panel')
        await expect(panel).toBeFocused()
        await expectInViewport(page, openImage(panel, locale, 1, 2), 'the first image')
        // Nothing in the page's content reaches past the screen's right edge (the header is the layout's own test).
        const wide = await page
          .locator('#main')
          .evaluate((main) =>
            [main, ...main.querySelectorAll('*')]
              .filter((element) => element.getBoundingClientRect().right > window.innerWidth + 0.5)
              .map((element) => `${element.tagName.toLowerCase()}.${element.className}`),
          )
        expect(wide, 'no sideways scroll in the content').toEqual([])
      })
    })

    test('on a wide screen the result panel is beside the form, and the form never claims a stale shortage', async ({
      page,
      baseURL,
    }) => {
      await page.setViewportSize({ width: 1280, height: 900 })
      await startGuestOverHttp(page.request, baseURL, locale)
      await page.goto(`/${locale}`)
      await hydrated(page)
      const form = generationForm(page)
      const panel = resultPanel(page)
      // Before any job: a frame saying where the images will appear.
      await expect(panel).toContainText(ui(locale, 'generate:results.placeholder'))
      const beside = async () => {
        const [f, p] = [(await form.boundingBox())!, (await panel.boundingBox())!]
        expect(p.x, 'the panel starts right of the form').toBeGreaterThanOrEqual(f.x + f.width)
        expect(p.y, 'the panel starts level with the form').toBeLessThan(f.y + 100)
      }
      await beside()

      await fillGenerationForm(page, locale, { prompt: prompts.second, count: 1 })
      await submitGenerate(page, locale).click()
      await expect(statusBadge(jobCard(page), locale, 'done')).toBeVisible({ timeout: 20_000 })
      await beside()
      await expectInViewport(page, openImage(panel, locale, 1, 1), 'the image')

      // The same settings again are covered by what is left: no warning, and the balance is today's.
      await expect(headerBalance(page, locale, GUEST_CREDITS - 1)).toBeVisible()
      await expect(form).toContainText(formBalance(locale, GUEST_CREDITS - 1))
      await expect(form).toContainText(ui(locale, 'generate:form.price', { credits: credits(locale, 1) }))
      await expect(form.locator('.notice--warning')).toHaveCount(0)
      await expect(form.getByRole('alert')).toHaveCount(0)
      // And a second time, from the settings just used.
      await submitGenerate(page, locale).click()
      await expect(headerBalance(page, locale, GUEST_CREDITS - 2)).toBeVisible({ timeout: 20_000 })
      await expect(statusBadge(jobCard(page), locale, 'done')).toBeVisible({ timeout: 20_000 })
      await expect(form).toContainText(formBalance(locale, GUEST_CREDITS - 2))
      await expect(form.locator('.notice--warning')).toHaveCount(0)
    })

    test('a photo dropped on the picker fills its input and shows its name and preview; remove empties it', async ({
      page,
      baseURL,
    }) => {
      await startGuestOverHttp(page.request, baseURL, locale)
      await page.goto(`/${locale}`)
      await hydrated(page)
      const input = photoInput(page, locale)
      await dropPhoto(page, { name: 'harbour.png', mimeType: 'image/png', buffer: await samplePhoto('png') })
      expect(await input.evaluate((el: HTMLInputElement) => [...(el.files ?? [])].map((f) => f.name))).toEqual([
        'harbour.png',
      ])
      const picker = generationForm(page).locator('.file-picker')
      await expect(picker).toContainText('harbour.png')
      await expectImageLoaded(picker.locator('img.file-picker__thumbnail'))
      await expect(input).toHaveAccessibleDescription(
        new RegExp(escapeRegExp(ui(locale, 'generate:form.photoChosen', { name: 'harbour.png' }))),
      )
      await generationForm(page)
        .getByRole('button', { name: ui(locale, 'generate:form.removePhoto'), exact: true })
        .click()
      expect(await input.evaluate((el: HTMLInputElement) => el.files?.length ?? 0)).toBe(0)
      await expect(picker).not.toContainText('harbour.png')
    })

    test.describe('without JavaScript', () => {
      test.use({ javaScriptEnabled: false })

      test('deleting from the history asks first, on a page of its own', async ({ page, baseURL }) => {
        await startGuestOverHttp(page.request, baseURL, locale)
        const id = await generateOverHttp(page.request, baseURL, locale, { prompt: prompts.third })
        await waitForJobDone(page.request, id)
        await page.goto(`/${locale}/history`)
        const item = page.getByRole('main').locator('ol.history > li')
        await expect(item).toHaveCount(1)
        await item
          .getByRole('link', { name: ui(locale, 'generate:history.deleteLabel', { prompt: prompts.third }) })
          .click()
        await expect(page).toHaveURL(`/${locale}/generations/${id}?confirm=delete`)
        await expect(page.getByRole('heading', { level: 1 })).toHaveText(ui(locale, 'generate:history.confirmTitle'))
        await expect(page.getByRole('main')).toContainText(ui(locale, 'generate:history.confirmDelete'))

        // Changing one's mind deletes nothing.
        await page.getByRole('link', { name: ui(locale, 'generate:history.confirmNo'), exact: true }).click()
        await expect(page).toHaveURL(`/${locale}/history`)
        await expect(item).toHaveCount(1)
        expect((await page.request.get(`/api/generations/${id}`)).status()).toBe(200)

        await page.goto(`/${locale}/generations/${id}?confirm=delete`)
        await page.getByRole('button', { name: ui(locale, 'generate:history.confirmYes'), exact: true }).click()
        await expect(page).toHaveURL(`/${locale}/history?deleted=1`)
        await expect(page.getByRole('main')).toContainText(ui(locale, 'generate:history.deleted'))
        await expect(item).toHaveCount(0)
        expect((await page.request.get(`/api/generations/${id}`)).status()).toBe(404)
      })

      test('the form sends a visitor to the guest page, then to the job page, which reloads itself until done', async ({
        page,
      }) => {
        await page.goto(`/${locale}`)
        await fillGenerationForm(page, locale, { prompt: prompts.first })
        await submitGenerate(page, locale).click()
        await expect(page).toHaveURL(`/${locale}/guest`)
        for (const kind of GUEST_KINDS) await acceptanceBox(page, locale, kind).check()
        await submitButton(page, ui(locale, 'account:guest.submit')).click()
        await page.getByRole('link', { name: ui(locale, 'account:guest.startCreating'), exact: true }).click()
        await expect(headerBalance(page, locale, GUEST_CREDITS)).toBeVisible()

        await fillGenerationForm(page, locale, { prompt: prompts.second, style: 'vintage', aspectRatio: '4:3' })
        const firstView = page.waitForResponse(
          (r) => r.request().method() === 'GET' && /\/generations\/[^/]+$/.test(new URL(r.url()).pathname),
        )
        await submitGenerate(page, locale).click()
        await expect(page).toHaveURL(new RegExp(`/${locale}/generations/[^/?#]+$`))
        const id = jobIdOf(page.url())
        // The first view is either finished already or asks the browser to reload it.
        const html = await (await firstView).text()
        if (!html.includes('results-grid')) expect(html).toMatch(/<meta http-equiv="refresh" content="\d+"/i)

        await expect(page.getByRole('heading', { level: 1 })).toHaveText(ui(locale, 'generate:results.pageTitle'))
        const card = jobCard(page)
        const opener = openImage(card, locale, 1, 1, 'link')
        await expect(opener).toBeVisible({ timeout: 20_000 })
        await expect(statusBadge(card, locale, 'done')).toBeVisible()
        await expect(opener).toHaveAttribute('href', `/media/generations/${id}/0`)
        await expectImageLoaded(opener.locator('img'))
        await expect(card).toContainText(ui(locale, 'generate:styles.vintage'))
        await expect(card).toContainText(ratioLabel(locale, '4:3'))
        await expect(page.getByText(ui(locale, 'generate:results.refreshing'))).toHaveCount(0)
        await expect(headerBalance(page, locale, GUEST_CREDITS - 1)).toBeVisible()
        await expect(
          card.getByRole('link', { name: ui(locale, 'generate:results.downloadLabel', { n: 1 }), exact: true }),
        ).toHaveAttribute('href', `/media/generations/${id}/0?download=1`)

        // "Again" is a plain link: the server fills the form in.
        await card.getByRole('link', { name: ui(locale, 'generate:results.again'), exact: true }).click()
        await expect(page).toHaveURL(`/${locale}?again=${id}#generate`)
        await expect(promptField(page, locale)).toHaveValue(prompts.second)
        await expect(styleRadio(page, locale, 'vintage')).toBeChecked()
        await expect(ratioRadio(page, locale, '4:3')).toBeChecked()
        await expect(countRadio(page, locale, 1)).toBeChecked()
        expect((await jobStatus(page.request, id)).balance).toBe(GUEST_CREDITS - 1)
      })

      test('a prohibited prompt is answered with 422 and the category; a text file named .jpg with 415', async ({
        page,
        baseURL,
      }) => {
        await startGuestOverHttp(page.request, baseURL, locale)
        await page.goto(`/${locale}`)
        await fillGenerationForm(page, locale, { prompt: prompts.refused.prompt })
        const refused = generationPost(page, locale)
        await submitGenerate(page, locale).click()
        expect((await refused).status()).toBe(422)
        const category = ui(locale, `generate:moderation.categories.${prompts.refused.category}`)
        await expect(generationForm(page).getByRole('alert')).toHaveText(
          ui(locale, 'generate:moderation.refused', { category }),
        )
        await expect(promptField(page, locale)).toHaveValue(prompts.refused.prompt)
        await expect(headerBalance(page, locale, GUEST_CREDITS)).toBeVisible()

        await fillGenerationForm(page, locale, { prompt: prompts.first })
        await photoInput(page, locale).setInputFiles({
          name: 'holiday.jpg',
          mimeType: 'image/jpeg',
          buffer: Buffer.from('These are holiday notes, not a JPEG.\n'),
        })
        const unsupported = generationPost(page, locale)
        await submitGenerate(page, locale).click()
        expect((await unsupported).status()).toBe(415)
        await expect(photoInput(page, locale)).toHaveAccessibleDescription(
          new RegExp(escapeRegExp(ui(locale, 'generate:upload.unsupported-type'))),
        )
        await expect(headerBalance(page, locale, GUEST_CREDITS)).toBeVisible()
      })
    })
  })
}

function escapeRegExp(text: string) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
