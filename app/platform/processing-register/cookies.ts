import { SECONDS, type Localized } from './text'

/**
 * Every cookie palitra.example can set. The code builds its Set-Cookie
 * headers from these declarations (app/platform/cookies.server.ts), the cookie
 * policy's table is rendered from them, and a test drives every cookie the
 * code sets and fails on one that is missing here or differs from it.
 * Adding or changing a cookie is a change of the cookie policy: publish a
 * new version in the same change.
 */
export const COOKIE_CATEGORIES = ['essential', 'preferences', 'analytics'] as const
export type CookieCategory = (typeof COOKIE_CATEGORIES)[number]

export type CookieDeclaration = {
  /** The exact name, or for a family the names it may take (see `names`). */
  name: string
  /** A family of cookies that differ only by a suffix (one per sign-in provider). */
  names?: readonly string[]
  category: CookieCategory
  purpose: Localized
  /** Max-Age in seconds; what the table's lifetime column says in words. */
  maxAgeSeconds: number
  lifetime: Localized
  /** Sent back only to this path. */
  path: '/' | '/auth/'
  httpOnly: boolean
  sameSite: 'Lax'
  /** Secure is added whenever the site is served over HTTPS (PUBLIC_URL). */
  secureOverHttps: true
  /** A signature (HMAC with the signing secrets) makes the value tamper-evident (it is not encrypted). */
  signed: boolean
  /** The lifetime starts again on visits (the cookie is sent anew). */
  renewedOnUse: boolean
}

const OAUTH_PROVIDERS = ['google', 'yandex', 'vk'] as const

export const COOKIES = [
  {
    name: 'palitra_session',
    category: 'essential',
    purpose: {
      ru: 'Поддерживает вход в аккаунт. Содержит случайный ключ сессии; на сервере хранится только его хеш',
      en: 'Keeps you signed in to your account. Holds a random session key; the server keeps only its hash',
    },
    maxAgeSeconds: 30 * SECONDS.day,
    lifetime: {
      ru: '30 дней, продлевается, пока вы пользуетесь сайтом; удаляется при выходе',
      en: '30 days, extended while you use the website; deleted when you sign out',
    },
    path: '/',
    httpOnly: true,
    sameSite: 'Lax',
    secureOverHttps: true,
    signed: false,
    renewedOnUse: true,
  },
  {
    name: 'palitra_guest',
    category: 'essential',
    purpose: {
      ru: 'Связывает браузер с гостевой сессией и её бесплатными кредитами. Содержит случайный идентификатор гостя с подписью',
      en: 'Links the browser to a guest session and its free credits. Holds a random guest identifier with a signature',
    },
    // Renewed by visitGuest (app/identity/guests.server.ts) together with the
    // guest's last visit, which the `guests` retention entry counts from.
    maxAgeSeconds: 30 * SECONDS.day,
    lifetime: {
      ru: '30 дней с последнего визита (отсчёт начинается заново, когда вы открываете страницу сайта, не чаще раза в час); удаляется, когда гостевые данные переходят в созданный аккаунт',
      en: '30 days from the last visit (counted again from each time you open a page of the website, at most once an hour); deleted when the guest data moves to a newly created account',
    },
    path: '/',
    httpOnly: true,
    sameSite: 'Lax',
    secureOverHttps: true,
    signed: true,
    renewedOnUse: true,
  },
  {
    name: 'lng',
    category: 'essential',
    purpose: {
      ru: 'Запоминает язык интерфейса, выбранный переключателем языка',
      en: 'Remembers the interface language chosen with the language switch',
    },
    maxAgeSeconds: SECONDS.year,
    lifetime: { ru: '1 год', en: '1 year' },
    path: '/',
    httpOnly: true,
    sameSite: 'Lax',
    secureOverHttps: true,
    signed: false,
    renewedOnUse: false,
  },
  {
    name: 'palitra_seen_versions',
    category: 'essential',
    purpose: {
      ru: 'Запоминает закрытые уведомления о новых версиях документов: вид документа, номер версии и язык',
      en: 'Remembers the notices about new document versions you closed: document type, version number and language',
    },
    maxAgeSeconds: SECONDS.year,
    lifetime: { ru: '1 год', en: '1 year' },
    path: '/',
    httpOnly: true,
    sameSite: 'Lax',
    secureOverHttps: true,
    signed: false,
    renewedOnUse: false,
  },
  {
    name: 'palitra_oauth_…',
    names: OAUTH_PROVIDERS.map((p) => `palitra_oauth_${p}`),
    category: 'essential',
    purpose: {
      ru: 'Защищает начатый вход через Google, Яндекс или VK ID от подмены: одноразовые проверочные значения, язык и страница возврата. Отправляется только на адреса входа (/auth/)',
      en: 'Protects a sign-in started with Google, Yandex or VK ID against substitution: one-time check values, the language and the page to return to. Sent only to the sign-in addresses (/auth/)',
    },
    maxAgeSeconds: 10 * SECONDS.minute,
    lifetime: {
      ru: '10 минут; удаляется, как только провайдер возвращает вас на сайт',
      en: '10 minutes; deleted as soon as the provider sends you back',
    },
    path: '/auth/',
    httpOnly: true,
    sameSite: 'Lax',
    secureOverHttps: true,
    signed: false,
    renewedOnUse: false,
  },
  {
    name: 'palitra_pending_signup',
    category: 'essential',
    purpose: {
      ru: 'При первом входе через провайдера хранит полученные от него данные (провайдер, идентификатор, e-mail и отметка о его подтверждении, имя), пока вы читаете и принимаете документы; до этого аккаунт не создаётся. Значение подписано',
      en: 'On a first sign-in through a provider, holds what the provider sent (provider, identifier, e-mail and whether it is confirmed, name) while you read and accept the documents; no account exists until then. The value is signed',
    },
    maxAgeSeconds: 15 * SECONDS.minute,
    lifetime: {
      ru: '15 минут; удаляется после создания аккаунта',
      en: '15 minutes; deleted once the account is created',
    },
    path: '/',
    httpOnly: true,
    sameSite: 'Lax',
    secureOverHttps: true,
    signed: true,
    renewedOnUse: false,
  },
  {
    name: 'palitra_consent',
    category: 'essential',
    purpose: {
      ru: 'Хранит ваш выбор о cookie: версию этой Политики, разрешённые и отклонённые категории, способ выбора, время и случайный идентификатор согласия. Значение подписано',
      en: 'Stores your cookie choice: the version of this Policy, the categories allowed and declined, how you chose, the time and a random consent identifier. The value is signed',
    },
    maxAgeSeconds: SECONDS.year,
    lifetime: { ru: '1 год', en: '1 year' },
    path: '/',
    httpOnly: true,
    sameSite: 'Lax',
    secureOverHttps: true,
    signed: true,
    renewedOnUse: false,
  },
  {
    name: 'palitra_prefs',
    category: 'preferences',
    purpose: {
      ru: 'Запоминает настройки генерации: стиль, соотношение сторон и число изображений',
      en: 'Remembers generation settings: style, aspect ratio and number of images',
    },
    maxAgeSeconds: SECONDS.year,
    lifetime: { ru: '1 год с последней генерации', en: '1 year from the last generation' },
    path: '/',
    httpOnly: true,
    sameSite: 'Lax',
    secureOverHttps: true,
    signed: false,
    renewedOnUse: true,
  },
  {
    name: 'palitra_stats',
    category: 'analytics',
    purpose: {
      ru: 'Случайный идентификатор посетителя для обезличенной статистики просмотров страниц',
      en: 'A random visitor identifier for de-identified page-view statistics',
    },
    maxAgeSeconds: SECONDS.year,
    lifetime: { ru: '1 год', en: '1 year' },
    path: '/',
    httpOnly: true,
    sameSite: 'Lax',
    secureOverHttps: true,
    signed: false,
    renewedOnUse: false,
  },
] as const satisfies readonly CookieDeclaration[]

export type CookieName =
  Exclude<(typeof COOKIES)[number]['name'], 'palitra_oauth_…'> | `palitra_oauth_${(typeof OAUTH_PROVIDERS)[number]}`

/** The declaration a concrete cookie name falls under, or undefined for a cookie we never declared. */
export function cookieDeclaration(name: string): CookieDeclaration | undefined {
  return (COOKIES as readonly CookieDeclaration[]).find((c) => c.name === name || c.names?.includes(name))
}

function declared(name: CookieName): CookieDeclaration {
  const declaration = cookieDeclaration(name)
  if (!declaration) throw new Error(`cookie ${name} is not in the register of processing`)
  return declaration
}

/** The lifetime the register declares for a cookie, in seconds. */
export function cookieMaxAgeSeconds(name: CookieName): number {
  return declared(name).maxAgeSeconds
}

/** Whether cookies get the Secure attribute: the site is served over HTTPS. */
export function secureCookiesFor(publicUrl: string | undefined): boolean {
  return publicUrl?.startsWith('https:') ?? false
}
