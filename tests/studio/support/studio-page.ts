import { mkdirSync } from 'node:fs'
import path from 'node:path'
import { expect, type Locator, type Page } from '@playwright/test'
import { projectId } from '../../../cms/environment'
import { publishedIdOf } from './content-lake'
import { KIND_TITLES, LOCALE_TITLES, type Kind, type Locale } from './dataset'
import type { SanityStandIn } from './stand-in'
import { ROOT } from './studio-server'

/** The token of the stand-in's `user`, the one every test starts signed in with. */
export const STUDIO_TOKEN = 'studio-suite-token'

/** The token of the stand-in's `colleague`, the second member of the project. */
export const COLLEAGUE_TOKEN = 'studio-suite-token-colleague'

/** Where the Studio keeps a token login (sanity's getAuthTokenStorageKey): `__studio_auth_token_<projectId>`. */
export const AUTH_TOKEN_STORAGE_KEY = `__studio_auth_token_${projectId}`

/** Where STUDIO_SHOTS=1 writes the legal team guide's screenshots. */
export const SHOTS_DIR = path.join(ROOT, 'docs/legal-team')

/**
 * The Studio as the legal team sees it, driven through the words on screen
 * (the labels come from cms/ and from Sanity's English UI).
 */
export class StudioPage {
  constructor(
    readonly page: Page,
    readonly standIn: SanityStandIn,
  ) {}

  /**
   * Signs in as the stand-in's `user` or `colleague` and loads the page again
   * (the Studio reads the token when it starts), then waits for `title`.
   */
  async signInAs(who: 'user' | 'colleague', title: string): Promise<void> {
    const token = who === 'user' ? STUDIO_TOKEN : COLLEAGUE_TOKEN
    await this.page.evaluate(([storageKey, value]) => window.localStorage.setItem(storageKey, value), [
      AUTH_TOKEN_STORAGE_KEY,
      JSON.stringify({ token }),
    ] as const)
    await this.page.reload()
    await this.expectDocumentTitle(title)
  }

  /** The tooltip of a footer action, shown by hovering over it (a disabled action says why). */
  async expectTooltip(target: Locator, text: string | RegExp): Promise<void> {
    await this.page.mouse.move(0, 0)
    await target.hover()
    await expect(this.page.getByText(text, { exact: true })).toBeVisible()
  }

  /** The list of versions of one kind in one language, newest first. */
  async openVersionList(kind: Kind, locale: Locale): Promise<Locator> {
    await this.page.goto(`/structure/${kind};${kind}-${locale}`)
    const list = this.versionList(kind, locale)
    await expect(list.getByRole('option').first()).toBeVisible()
    return list
  }

  /** The list box of versions; each option is named by the version's preview title and subtitle. */
  versionList(kind: Kind, locale: Locale): Locator {
    return this.page.getByRole('listbox', { name: `${KIND_TITLES[kind]} · ${LOCALE_TITLES[locale]}`, exact: true })
  }

  /** Opens a document (published or draft) by its id, as a link from elsewhere would. */
  async openDocument(id: string, title: string): Promise<void> {
    await this.page.goto(`/intent/edit/id=${encodeURIComponent(publishedIdOf(id))};type=legalDocument/`)
    await this.expectDocumentTitle(title)
  }

  async expectDocumentTitle(title: string): Promise<void> {
    await expect(this.documentPane().getByRole('heading', { name: title, exact: true })).toBeVisible()
  }

  documentPane(): Locator {
    return this.page.locator('[data-testid="document-pane"]')
  }

  /** A document action in the footer (the primary one, or one behind the ⋯ menu). */
  footerAction(label: string | RegExp): Locator {
    return this.page.locator('[data-testid="pane-footer"]').getByRole('button', { name: label })
  }

  publishButton(): Locator {
    return this.page.getByTestId('action-publish')
  }

  /** “Approve for publishing” from the ⋯ menu, confirmed with **Approve** (cms/actions/approveAction.tsx). */
  async approve(): Promise<void> {
    await (await this.menuAction('Approve for publishing')).click()
    await this.approveConfirmButton().click()
    await expect(this.approveConfirmButton()).toBeHidden()
  }

  /** The confirmation pops up over the footer (a popover, not a dialog). */
  approveConfirmButton(): Locator {
    return this.page.getByRole('button', { name: 'Approve', exact: true })
  }

  /** The publish confirmation (cms/actions/publishAction.tsx), opened from the footer's Publish. */
  async openPublishConfirmation(): Promise<Locator> {
    await expect(this.publishButton()).toBeEnabled()
    await this.publishButton().click()
    const dialog = this.publishConfirmation()
    await expect(dialog).toBeVisible()
    return dialog
  }

  /** The dialog titled “Publish this version?”. */
  publishConfirmation(): Locator {
    return this.page.getByRole('dialog').filter({ has: this.page.getByTestId('publish-confirmation') })
  }

  /** One row of the publish confirmation: kind, language, version, effective, material, impact, approval, other-language. */
  confirmationRow(row: string): Locator {
    return this.page.getByTestId(`publish-confirmation-${row}`)
  }

  /** Opens the ⋯ menu of document actions and returns one of its items (the menu stays open). */
  async menuAction(label: string | RegExp): Promise<Locator> {
    await this.page.getByTestId('action-menu-button').click()
    await expect(this.page.getByRole('menu')).toBeVisible()
    return this.page.getByRole('menu').getByRole('menuitem', { name: label })
  }

  /** Opens the ⋯ menu of document actions and returns its items' labels. */
  async moreActions(): Promise<string[]> {
    await this.page.getByTestId('action-menu-button').click()
    const menu = this.page.getByRole('menu')
    await expect(menu).toBeVisible()
    const labels = await menu.getByRole('menuitem').allInnerTexts()
    await this.page.keyboard.press('Escape')
    // An item's text ends with its keyboard shortcut on lines of its own.
    return labels.map((label) => label.split('\n')[0]?.trim() ?? '')
  }

  /** Opens the validation panel of the open document. */
  async openValidation(): Promise<Locator> {
    const panel = this.validationPanel()
    if (!(await panel.isVisible())) await this.page.getByRole('button', { name: 'Validation', exact: true }).click()
    await expect(panel).toBeVisible()
    return panel
  }

  validationPanel(): Locator {
    return this.page.locator('aside[data-ui="DocumentInspectorPanel"]').filter({
      has: this.page.getByRole('heading', { name: 'Validation' }),
    })
  }

  /**
   * One entry of the validation panel: the field's title and the message.
   * Errors are tone "critical", warnings tone "caution".
   */
  validationEntry(field: string, message: string | RegExp): Locator {
    return this.validationPanel()
      .getByRole('button')
      .filter({ has: this.page.getByText(field, { exact: true }) })
      .filter({ hasText: message })
  }

  async expectValidation(field: string, message: string | RegExp, level: 'error' | 'warning' = 'error') {
    const entry = this.validationEntry(field, message)
    await expect(entry, `${level} on ${field}: ${String(message)}`).toBeVisible()
    await expect(entry).toHaveAttribute('data-tone', level === 'error' ? 'critical' : 'caution')
  }

  /** The text, number or date input of a field. */
  input(name: string): Locator {
    return this.field(name).locator('input:not([type="radio"]):not([type="checkbox"]), textarea').first()
  }

  /** A field of the form, by its name in the schema (cms/schemaTypes/legalDocument.ts). */
  field(name: string): Locator {
    return this.documentPane().getByTestId(`field-${name}`)
  }

  /**
   * With STUDIO_SHOTS=1, a screenshot of the page for the legal team's guide
   * (docs/legal-team/<name>.png), with the pointer on `hover.target` (showing
   * its tooltip, `hover.tooltip`) or out of the way.
   */
  async shot(name: string, options: { hover?: { target: Locator; tooltip: string } } = {}): Promise<void> {
    if (process.env.STUDIO_SHOTS !== '1') return
    mkdirSync(SHOTS_DIR, { recursive: true })
    // The Studio focuses the first field on opening; its focus ring and tooltip are noise here.
    await this.page.evaluate(() => {
      if (document.activeElement instanceof HTMLElement) document.activeElement.blur()
    })
    await this.page.mouse.move(0, 0)
    if (options.hover) {
      await options.hover.target.hover()
      await expect(this.page.getByText(options.hover.tooltip)).toBeVisible()
    }
    await this.page.screenshot({ path: path.join(SHOTS_DIR, `${name}.png`), animations: 'disabled', caret: 'hide' })
  }
}
