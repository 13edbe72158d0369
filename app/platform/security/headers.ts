/**
 * The security headers of the HTTP edge (server/app.ts). Pure, so the policy
 * can be read and tested on its own.
 */
import { randomBytes } from 'node:crypto'

/** Telegram's Login Widget: its script, and the frame it draws the button in. */
export const TELEGRAM_SCRIPT_ORIGIN = 'https://telegram.org'
export const TELEGRAM_FRAME_ORIGIN = 'https://oauth.telegram.org'

/** A fresh nonce for one response: 16 random bytes, base64 (24 characters). */
export function newNonce(): string {
  return randomBytes(16).toString('base64')
}

export type PolicySettings = {
  /** Telegram sign-in is switched on: its widget script and frame are allowed. */
  telegram: boolean
  /**
   * T-Bank checkout is switched on: without JavaScript, the checkout form's
   * answer redirects to the bank's payment page, whose host the bank chooses
   * per payment, and Chromium applies form-action to that redirect. Forms may
   * then go to any https address; without T-Bank only to this site.
   */
  bankCheckout: boolean
}

/**
 * The Content-Security-Policy of an HTML page. Scripts: this site's files and
 * the inline scripts Remix writes, each carrying this response's nonce.
 * Images may be blob: (the preview of a photo being uploaded) and data:.
 * Inline style attributes (a few computed sizes) are allowed; style elements
 * and sheets only from this site.
 */
export function contentSecurityPolicy(nonce: string, { telegram, bankCheckout }: PolicySettings): string {
  const directives: Array<[string, ...string[]]> = [
    ['default-src', "'self'"],
    ['script-src', "'self'", `'nonce-${nonce}'`, ...(telegram ? [TELEGRAM_SCRIPT_ORIGIN] : [])],
    ['style-src', "'self'"],
    ['style-src-attr', "'unsafe-inline'"],
    ['img-src', "'self'", 'data:', 'blob:'],
    ['font-src', "'self'"],
    ['connect-src', "'self'"],
    ['frame-src', ...(telegram ? [TELEGRAM_FRAME_ORIGIN] : ["'none'"])],
    ['object-src', "'none'"],
    ['base-uri', "'none'"],
    ['frame-ancestors', "'none'"],
    ['form-action', "'self'", ...(bankCheckout ? ['https:'] : [])],
  ]
  return directives.map((parts) => parts.join(' ')).join('; ')
}

/** HSTS for a site served over https; nothing otherwise (browsers ignore it over http anyway). */
export function strictTransportSecurity(publicUrl: string | undefined): string | null {
  return publicUrl?.startsWith('https:') ? 'max-age=31536000' : null
}
