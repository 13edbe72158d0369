import { expect, type APIRequestContext, type Locator, type Page } from '@playwright/test'
import sharp from 'sharp'
import { originOf, uiPlural } from './accounts'
import { ui, type Locale } from './ui-text'

/**
 * Helpers for the generation specs (generation.spec.ts, accessibility.spec.ts):
 * the form on the home page filled the way a person fills it, the same form
 * posted over HTTP for set-up, the job's status read from the API the page
 * polls, and small images made on the fly for uploads.
 */

export type JobStatus = 'queued' | 'running' | 'done' | 'failed' | 'canceled'

/** What GET /api/generations/:id answers (JobStatusResponse in app/generation/view.ts). */
export type JobStatusResponse = {
  job: {
    id: string
    status: JobStatus
    prompt: string
    style: string
    aspectRatio: string
    count: number
    cost: number
    createdAt: string
    images: Array<{ index: number; url: string; downloadUrl: string; width: number; height: number }>
    sourceImageUrl: string | null
  }
  balance: number
}

export type GenerationSettings = {
  prompt: string
  style?: string
  aspectRatio?: string
  count?: number
}

/** The locale key of an aspect ratio (`ratios.16x9`: i18next reads ':' as a namespace separator). */
export function ratioLabel(locale: Locale, ratio: string): string {
  return ui(locale, `generate:ratios.${ratio.replace(':', 'x')}`)
}

/** "3 credits" / "3 кредита", as the site writes a number of credits. */
export function credits(locale: Locale, count: number): string {
  return uiPlural(locale, 'common:credits', count)
}

/** The balance in the header: a link to the history, named with the balance. */
export function headerBalance(page: Page, locale: Locale, count: number): Locator {
  return page.getByRole('banner').getByRole('link', {
    name: ui(locale, 'common:balance.label', { credits: credits(locale, count) }),
  })
}

export function generationForm(page: Page): Locator {
  return page.locator('form.generation-form')
}

export function promptField(page: Page, locale: Locale): Locator {
  return generationForm(page).getByRole('textbox', { name: ui(locale, 'generate:form.promptLabel'), exact: true })
}

function group(page: Page, locale: Locale, legendKey: string): Locator {
  return generationForm(page).getByRole('group', { name: ui(locale, legendKey), exact: true })
}

export function styleRadio(page: Page, locale: Locale, style: string): Locator {
  return group(page, locale, 'generate:form.styleLegend').getByRole('radio', {
    name: ui(locale, `generate:styles.${style}`),
    exact: true,
  })
}

export function ratioRadio(page: Page, locale: Locale, ratio: string): Locator {
  return group(page, locale, 'generate:form.ratioLegend').getByRole('radio', {
    name: ratioLabel(locale, ratio),
    exact: true,
  })
}

export function countRadio(page: Page, locale: Locale, count: number): Locator {
  return group(page, locale, 'generate:form.countLegend').getByRole('radio', {
    name: uiPlural(locale, 'generate:images', count),
    exact: true,
  })
}

export function photoInput(page: Page, locale: Locale): Locator {
  return generationForm(page).getByLabel(ui(locale, 'generate:form.photoLabel'), { exact: true })
}

export function submitGenerate(page: Page, locale: Locale): Locator {
  return generationForm(page).getByRole('button', { name: ui(locale, 'generate:form.submit'), exact: true })
}

/** Fills the form on the home page (which must be open) as a person would. */
export async function fillGenerationForm(page: Page, locale: Locale, settings: GenerationSettings) {
  await promptField(page, locale).fill(settings.prompt)
  if (settings.style) await styleRadio(page, locale, settings.style).check()
  if (settings.aspectRatio) await ratioRadio(page, locale, settings.aspectRatio).check()
  if (settings.count) await countRadio(page, locale, settings.count).check()
}

/**
 * The POST the generation form sends: with JavaScript the fetcher's
 * single-fetch request (`/<lang>.data?index&inline=1`), without it the
 * document request (`/<lang>?index`). Both carry the action's status.
 */
export function generationPost(page: Page, locale: Locale) {
  return page.waitForResponse((r) => {
    const url = new URL(r.url())
    return (
      r.request().method() === 'POST' &&
      (url.pathname === `/${locale}` || url.pathname === `/${locale}.data`) &&
      url.searchParams.has('index')
    )
  })
}

/** The job card on the home page (JavaScript) or the job page. */
export function jobCard(page: Page): Locator {
  return page.locator('section.job-card')
}

export function statusBadge(card: Locator, locale: Locale, status: JobStatus): Locator {
  return card.getByRole('status').getByText(ui(locale, `generate:status.${status}`), { exact: true })
}

/** The thumbnail that opens image `n` (1-based) of `total`: a button with JavaScript, a link without. */
export function openImage(card: Locator, locale: Locale, n: number, total: number, role: 'button' | 'link' = 'button') {
  return card.getByRole(role, { name: ui(locale, 'generate:results.open', { n, total }), exact: true })
}

/** Whether an <img> has loaded real pixels (scrolled into view first: thumbnails load lazily). */
export async function expectImageLoaded(image: Locator) {
  await image.scrollIntoViewIfNeeded()
  await expect
    .poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), {
      message: 'the image has loaded',
      timeout: 10_000,
    })
    .toBeGreaterThan(0)
}

/** The job id in a job page's path or a media URL. */
export function jobIdOf(url: string): string {
  const match = /\/(?:generations|media\/generations)\/([0-9a-zA-Z-]+)/.exec(url)
  if (!match) throw new Error(`no generation id in ${url}`)
  return match[1]!
}

/**
 * Submits the generation form over HTTP as a browser without JavaScript does
 * (multipart, same Origin): set-up for tests about something else. With
 * `page.request` the job belongs to the page's guest or account. Returns the
 * new job's id from the 303 to its page.
 */
export async function generateOverHttp(
  request: APIRequestContext,
  baseURL: string | undefined,
  locale: Locale,
  settings: GenerationSettings,
): Promise<string> {
  const response = await request.post(`/${locale}?index`, {
    multipart: {
      prompt: settings.prompt,
      style: settings.style ?? 'none',
      aspectRatio: settings.aspectRatio ?? '1:1',
      count: String(settings.count ?? 1),
    },
    headers: { Origin: originOf(baseURL) },
    maxRedirects: 0,
  })
  expect(response.status(), `generating "${settings.prompt}"`).toBe(303)
  const location = response.headers()['location'] ?? ''
  expect(location).toMatch(new RegExp(`^/${locale}/generations/[^/]+$`))
  return jobIdOf(location)
}

/** The job as the page's poller sees it. */
export async function jobStatus(request: APIRequestContext, jobId: string): Promise<JobStatusResponse> {
  const response = await request.get(`/api/generations/${jobId}`)
  expect(response.status(), `status of ${jobId}`).toBe(200)
  return (await response.json()) as JobStatusResponse
}

/** Waits until the job is finished and returns it; fails unless it is done. */
export async function waitForJobDone(request: APIRequestContext, jobId: string): Promise<JobStatusResponse> {
  let last: JobStatusResponse | undefined
  await expect
    .poll(
      async () => {
        last = await jobStatus(request, jobId)
        return last.job.status
      },
      { message: `generation ${jobId} finishes`, timeout: 20_000, intervals: [200, 300, 500] },
    )
    .toMatch(/^(done|failed|canceled)$/)
  expect(last!.job.status, `generation ${jobId}`).toBe('done')
  return last!
}

/** A small real picture (a gradient with a disc), as PNG or JPEG bytes; at least 64 px a side, as uploads need. */
export async function samplePhoto(format: 'png' | 'jpeg' = 'png', width = 160, height = 120): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">
      <stop offset="0" stop-color="#f2b134"/><stop offset="1" stop-color="#2c6e8f"/>
    </linearGradient></defs>
    <rect width="100%" height="100%" fill="url(#g)"/>
    <circle cx="${width / 2}" cy="${height / 2}" r="${Math.min(width, height) / 4}" fill="#fafafa"/>
  </svg>`
  const image = sharp(Buffer.from(svg))
  return format === 'png' ? image.png().toBuffer() : image.jpeg({ quality: 85 }).toBuffer()
}

/** The home page's result panel: beside the form on a wide screen, below it on a phone. */
export function resultPanel(page: Page): Locator {
  return page.locator('section#result')
}

/** Whether the element's top edge is inside the viewport and it is at least partly on screen. */
export async function expectInViewport(page: Page, locator: Locator, what: string) {
  const viewport = page.viewportSize()!
  await expect
    .poll(
      async () => {
        const box = await locator.boundingBox()
        return (
          box !== null && box.y >= 0 && box.y < viewport.height && box.x >= 0 && box.x + box.width <= viewport.width
        )
      },
      { message: `${what} is in the viewport`, timeout: 5_000 },
    )
    .toBe(true)
}

/**
 * Drops a file on the photo field's zone as a person dragging it from their
 * desktop would: dragenter, dragover and drop with a DataTransfer holding it.
 */
export async function dropPhoto(page: Page, file: { name: string; mimeType: string; buffer: Buffer }) {
  await generationForm(page)
    .locator('.file-picker')
    .evaluate(
      (zone, { name, mimeType, bytes }) => {
        const transfer = new DataTransfer()
        transfer.items.add(new File([new Uint8Array(bytes)], name, { type: mimeType }))
        for (const type of ['dragenter', 'dragover', 'drop']) {
          zone.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: transfer }))
        }
      },
      { name: file.name, mimeType: file.mimeType, bytes: [...file.buffer] },
    )
}
