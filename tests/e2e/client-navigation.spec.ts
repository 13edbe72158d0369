import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import type { Page } from '@playwright/test'
import {
  expect,
  expectCheckInboxThenSignIn,
  fillRegistration,
  newPerson,
  registerOverHttp,
  startGuestOverHttp,
  submitButton,
  test,
} from './support/accounts'
import { LOCALES, ui, type Locale } from './support/ui-text'

// Every page reached the way a person reaches it with JavaScript on: by a
// client-side navigation after the first page, never by loading a document.
// The server renders with every namespace of strings; the browser loads the
// ones a page's routes declare. A page whose strings are not loaded when it
// renders shows its raw keys ("payments.title"): this spec fails on any key
// of locales/*/*.json in the text, at the end of each navigation and at any
// moment during it (a MutationObserver watches every text the page puts up).

/** Every nested key path of the interface strings ("payments.title"), plural suffixes taken off. */
function allKeyPaths(): string[] {
  const dir = path.resolve('locales')
  const keys = new Set<string>()
  const walk = (value: unknown, prefix: string) => {
    if (typeof value === 'string') {
      // One-word keys ("siteName") cannot be told from words; a dotted path can.
      if (prefix.includes('.')) keys.add(prefix.replace(/_(zero|one|two|few|many|other)$/, ''))
      return
    }
    if (value && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) walk(inner, prefix ? `${prefix}.${key}` : key)
    }
  }
  for (const locale of readdirSync(dir)) {
    for (const file of readdirSync(path.join(dir, locale)).filter((f) => f.endsWith('.json'))) {
      walk(JSON.parse(readFileSync(path.join(dir, locale, file), 'utf8')), '')
    }
  }
  return [...keys]
}

const KEYS = allKeyPaths()

declare global {
  interface Window {
    __rawKeysSeen?: string[]
    __documentMark?: string
    __remixRouter?: {
      navigate(to: string): Promise<void>
      state: { navigation: { state: string }; location: { pathname: string } }
    }
  }
}

test.beforeEach(async ({ page }) => {
  // Watches every text node the page adds or changes, from the first byte on.
  await page.addInitScript((keys: string[]) => {
    const known = new Set(keys)
    const candidate = /(?:[a-z][\w-]*:)?([a-z][a-zA-Z0-9-]*(?:\.[a-zA-Z0-9_-]+)+)/g
    const seen: string[] = (window.__rawKeysSeen = [])
    const check = (text: string | null) => {
      if (!text) return
      for (const match of text.matchAll(candidate)) if (known.has(match[1]!)) seen.push(match[0])
    }
    const start = () =>
      new MutationObserver((records) => {
        for (const record of records) {
          if (record.type === 'characterData') check(record.target.textContent)
          for (const node of record.addedNodes) check(node.textContent)
        }
      }).observe(document.documentElement, { subtree: true, childList: true, characterData: true })
    if (document.documentElement) start()
    else document.addEventListener('DOMContentLoaded', start)
  }, KEYS)
})

/** Keys of locales/ found in a text, whole ("payments.title") or with their namespace ("account-data:…"). */
function rawKeysIn(text: string): string[] {
  const found: string[] = []
  const known = new Set(KEYS)
  for (const match of text.matchAll(/(?:[a-z][\w-]*:)?([a-z][a-zA-Z0-9-]*(?:\.[a-zA-Z0-9_-]+)+)/g)) {
    if (known.has(match[1]!)) found.push(match[0])
  }
  return found
}

/** The first page: a document load, marked so that a later full load would show. */
async function open(page: Page, pathname: string) {
  await page.goto(pathname)
  await page.waitForFunction(() => Boolean(window.__remixRouter))
  await page.evaluate(() => (window.__documentMark = 'first'))
}

/**
 * Goes to `pathname` inside the app: a click on a link to it when the page
 * has one in view (header, footer, menus, the page itself), the router's own
 * navigate otherwise. Then checks the page is the same document and shows no key.
 */
async function visit(page: Page, pathname: string, landsOn: string | RegExp = pathname) {
  const link = page.locator(`a[href="${pathname}"]:visible`).first()
  if ((await link.count()) > 0) await link.click()
  else await page.evaluate((to) => window.__remixRouter!.navigate(to), pathname)
  await page.waitForFunction(
    (target) => {
      const router = window.__remixRouter!
      const here = router.state.location.pathname
      const arrived = typeof target === 'string' ? here === target : new RegExp(target).test(here)
      return arrived && router.state.navigation.state === 'idle'
    },
    typeof landsOn === 'string' ? landsOn : landsOn.source,
  )
  await expectNoRawKeys(page, pathname)
}

async function expectNoRawKeys(page: Page, where: string) {
  expect(await page.evaluate(() => window.__documentMark), `${where}: reached without loading a new document`).toBe(
    'first',
  )
  const text = await page.locator('body').innerText()
  expect(rawKeysIn(text), `${where}: raw keys in the text`).toEqual([])
  const title = await page.title()
  expect(rawKeysIn(title), `${where}: raw keys in the title`).toEqual([])
  expect(await page.evaluate(() => window.__rawKeysSeen), `${where}: raw keys shown while it rendered`).toEqual([])
}

/** The public pages: home, prices, each document with its versions, changes and one version, sign-in and the rest. */
function publicPages(locale: Locale): string[] {
  const documents = ['privacy', 'terms', 'cookies', 'consent'].flatMap((kind) => [
    `/${locale}/${kind}`,
    `/${locale}/${kind}/versions`,
    `/${locale}/${kind}/v/1`,
  ])
  return [
    `/${locale}/pricing`,
    ...documents,
    // The accounts dataset has two versions of the privacy policy: their changes.
    `/${locale}/privacy/changes`,
    `/${locale}/privacy/v/2`,
    `/${locale}/cookie-consent`,
    `/${locale}/privacy/request`,
    `/${locale}/login`,
    `/${locale}/forgot-password`,
    `/${locale}/register`,
    `/${locale}/guest`,
    `/${locale}`,
  ]
}

for (const locale of LOCALES) {
  test(`a visitor moves through every public page without a raw key (${locale})`, async ({ page }) => {
    test.setTimeout(120_000)
    await open(page, `/${locale}`)
    for (const pathname of publicPages(locale)) await visit(page, pathname)
    // Pages for people with a session send a visitor to sign in, still inside the app.
    await visit(page, `/${locale}/account`, `/${locale}/login`)
  })

  test(`a guest moves through the guest's pages without a raw key (${locale})`, async ({ page, baseURL }) => {
    await startGuestOverHttp(page.request, baseURL, locale)
    await open(page, `/${locale}/pricing`)
    for (const pathname of [`/${locale}/guest`, `/${locale}/history`, `/${locale}/privacy/request`, `/${locale}`]) {
      await visit(page, pathname)
    }
  })

  test(`someone signed in moves through the account's pages without a raw key (${locale})`, async ({
    page,
    baseURL,
  }) => {
    test.setTimeout(120_000)
    await registerOverHttp(page.request, baseURL, newPerson(locale, 'client-nav'))
    await open(page, `/${locale}`)
    const pages = [
      `/${locale}/account`,
      `/${locale}/account/payments`,
      `/${locale}/account/consents`,
      `/${locale}/account/export`,
      `/${locale}/account/withdraw`,
      `/${locale}/account/delete`,
      `/${locale}/account/accept`,
      `/${locale}/history`,
      `/${locale}/pricing`,
      `/${locale}/privacy/request`,
      `/${locale}/cookie-consent`,
      `/${locale}/privacy`,
      `/${locale}/account`,
      `/${locale}`,
    ]
    for (const pathname of pages) {
      // The acceptance page sends someone with nothing to accept on to the home page.
      await visit(page, pathname, pathname.endsWith('/accept') ? `/${locale}` : pathname)
    }
  })

  test(`after registering through the form, the pages that follow show no raw key (${locale})`, async ({ page }) => {
    const person = newPerson(locale, 'client-nav-form')
    await open(page, `/${locale}`)
    await visit(page, `/${locale}/register`)
    await fillRegistration(page, person)
    await submitButton(page, ui(locale, 'account:register.submit')).click()
    await expectCheckInboxThenSignIn(page, person)
    // Signing in was a document load (signInWithForm opens the form); the account page is where keys were seen.
    await page.evaluate(() => (window.__documentMark = 'first'))
    await expectNoRawKeys(page, `/${locale}/account after signing in`)
    for (const pathname of [`/${locale}/account/payments`, `/${locale}/account/consents`, `/${locale}/account`]) {
      await visit(page, pathname)
    }
  })
}
