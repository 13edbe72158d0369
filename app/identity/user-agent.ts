/**
 * What a session's stored user-agent string is, for the account page's list
 * of sessions: the browser and the system, read when the page is shown (the
 * raw string is all that is stored). A few ordered rules, not a full
 * parser: Chromium-based browsers name themselves beside "Chrome", and every
 * browser on an iPhone says "Safari", so the specific names are tried first.
 */

export type BrowserId = 'yandex' | 'edge' | 'opera' | 'samsung' | 'firefox' | 'chrome' | 'safari'
export type SystemId = 'iphone' | 'ipad' | 'android' | 'windows' | 'chromeos' | 'macos' | 'linux'

export type UserAgentSummary =
  | { kind: 'browser'; browser: BrowserId | null; system: SystemId | null }
  /** A program that says it is a robot or a tool, by the name it gives. */
  | { kind: 'bot'; name: string }
  | { kind: 'unknown' }

const BROWSERS: readonly [BrowserId, RegExp][] = [
  ['yandex', /\bYaBrowser\//],
  ['edge', /\bEdg(e|A|iOS)?\//],
  ['opera', /\b(OPR|OPiOS|OPT)\/|\bOpera\b/],
  ['samsung', /\bSamsungBrowser\//],
  ['firefox', /\b(Firefox|FxiOS)\//],
  ['chrome', /(\b|Headless)(Chrome|CriOS|Chromium)\//],
  ['safari', /\bVersion\/[\d.]+.*\bSafari\//],
]

const SYSTEMS: readonly [SystemId, RegExp][] = [
  ['iphone', /\b(iPhone|iPod)\b/],
  ['ipad', /\biPad\b/],
  ['android', /\bAndroid\b/],
  ['windows', /\bWindows\b/],
  ['chromeos', /\bCrOS\b/],
  ['macos', /\bMac OS X\b|\bMacintosh\b/],
  ['linux', /\bLinux\b|\bX11\b/],
]

const BOTS: readonly [string, RegExp][] = [
  ['Googlebot', /Googlebot/i],
  ['YandexBot', /Yandex(Bot|Images|Mobile)/i],
  ['Bingbot', /bingbot/i],
  ['curl', /^curl\//i],
  ['Wget', /^Wget\//i],
  ['Python', /python-(requests|urllib)|aiohttp/i],
  ['Node.js', /^node(-fetch)?\b|undici/i],
]

export function summarizeUserAgent(userAgent: string | null | undefined): UserAgentSummary {
  const ua = userAgent?.trim()
  if (!ua) return { kind: 'unknown' }
  for (const [name, pattern] of BOTS) if (pattern.test(ua)) return { kind: 'bot', name }
  if (/bot\b|crawler|spider/i.test(ua)) return { kind: 'bot', name: 'bot' }
  const browser = BROWSERS.find(([, pattern]) => pattern.test(ua))?.[0] ?? null
  const system = SYSTEMS.find(([, pattern]) => pattern.test(ua))?.[0] ?? null
  if (!browser && !system) return { kind: 'unknown' }
  return { kind: 'browser', browser, system }
}
