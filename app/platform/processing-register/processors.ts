import type { Env } from '~/platform/env.server'
import type { Localized } from './text'

/**
 * Every outside service the code can talk to, or make the browser talk to.
 * The privacy policy's table of recipients is rendered from these entries
 * (the legal team picks which ones a version discloses), and at start the
 * server checks that each integration its settings enable is disclosed by
 * the policy in force (disclosure.server.ts). An integration added to the
 * code without an entry here fails the register tests.
 */

/** ISO 3166-1 alpha-2. */
export type CountryCode = 'RU' | 'US' | 'AE'

export const COUNTRY_NAMES: Record<CountryCode, Localized> = {
  RU: { ru: 'Россия', en: 'Russia' },
  US: { ru: 'США', en: 'United States' },
  AE: { ru: 'ОАЭ', en: 'United Arab Emirates' },
}

/**
 * processor: acts on our instructions (152-FZ art. 6 part 3, "лицо,
 * осуществляющее обработку по поручению оператора"; GDPR art. 28).
 * independent: an operator on its own account whom the person deals with
 * directly (a sign-in provider, the bank for card data).
 * none: receives no personal data of the people using the site.
 */
export type ProcessorRole = 'processor' | 'independent' | 'none'

export type ProcessorEntry = {
  id: string
  name: Localized
  service: Localized
  role: ProcessorRole
  country: CountryCode
  /** What it receives; for role 'none', what it is sent instead. */
  receives: Localized
  /** Who contacts it: our servers, or the person's browser (their IP address goes there). */
  contactedBy: 'server' | 'browser'
  /** The settings that switch it on (named in the start-up check); empty for what no setting switches. */
  settings: readonly string[]
  /** Every setting starting with this belongs to the integration (null: none do). */
  settingPrefix: string | null
  /**
   * Whether these settings enable it. Null for a service no setting switches
   * on (the data centre the operator runs on): the start-up check cannot see
   * it, so the texts test requires every privacy policy to disclose it.
   */
  enabled: ((env: Env) => boolean) | null
}

export const PROCESSORS = [
  {
    id: 'hosting',
    name: { ru: 'Хостинг-провайдер (центр обработки данных)', en: 'Hosting provider (data centre)' },
    service: {
      ru: 'Серверы, на которых работает Сервис, его базы данных, резервные копии и журналы',
      en: 'The servers the Service runs on, its databases, backups and logs',
    },
    role: 'processor',
    country: 'RU',
    receives: {
      ru: 'Все данные, которые хранит Сервис, в зашифрованных каналах и на своих серверах; доступа к ним для своих целей не имеет',
      en: 'Everything the Service stores, on its servers and over encrypted connections; no access for purposes of its own',
    },
    contactedBy: 'server',
    settings: [],
    settingPrefix: null,
    enabled: null,
  },
  {
    id: 'openai-images',
    name: { ru: 'OpenAI', en: 'OpenAI' },
    service: { ru: 'Генерация изображений (OpenAI Images API)', en: 'Image generation (OpenAI Images API)' },
    role: 'processor',
    country: 'US',
    receives: {
      ru: 'Текст запроса, загруженная фотография и параметры генерации; без данных аккаунта и IP-адреса',
      en: 'The prompt, the uploaded photo and generation settings; no account data and no IP address',
    },
    contactedBy: 'server',
    settingPrefix: 'OPENAI_',
    settings: ['IMAGE_ENGINE=openai', 'OPENAI_API_KEY'],
    enabled: (env) => env.IMAGE_ENGINE === 'openai',
  },
  {
    id: 'yandex-art-images',
    name: { ru: 'Yandex Cloud (YandexART)', en: 'Yandex Cloud (YandexART)' },
    service: {
      ru: 'Генерация изображений по тексту запроса (YandexART в Yandex Cloud)',
      en: 'Generating images from the prompt (YandexART in Yandex Cloud)',
    },
    role: 'processor',
    country: 'RU',
    receives: {
      ru: 'Текст запроса и параметры генерации; без фотографий, данных аккаунта и IP-адреса',
      en: 'The prompt and generation settings; no photos, no account data and no IP address',
    },
    contactedBy: 'server',
    settingPrefix: 'YANDEX_ART_',
    settings: ['IMAGE_ENGINE=yandex-art', 'YANDEX_ART_API_KEY', 'YANDEX_ART_FOLDER_ID'],
    enabled: (env) => env.IMAGE_ENGINE === 'yandex-art',
  },
  {
    id: 'kandinsky-images',
    name: { ru: 'FusionBrain (Kandinsky)', en: 'FusionBrain (Kandinsky)' },
    service: {
      ru: 'Генерация изображений по тексту запроса (Kandinsky через FusionBrain API)',
      en: 'Generating images from the prompt (Kandinsky through the FusionBrain API)',
    },
    role: 'processor',
    country: 'RU',
    receives: {
      ru: 'Текст запроса и параметры генерации; без фотографий, данных аккаунта и IP-адреса',
      en: 'The prompt and generation settings; no photos, no account data and no IP address',
    },
    contactedBy: 'server',
    settingPrefix: 'KANDINSKY_',
    settings: ['IMAGE_ENGINE=kandinsky', 'KANDINSKY_API_KEY', 'KANDINSKY_SECRET_KEY'],
    enabled: (env) => env.IMAGE_ENGINE === 'kandinsky',
  },
  {
    id: 'object-storage',
    name: { ru: 'Поставщик объектного хранилища (S3)', en: 'Object storage provider (S3)' },
    service: {
      ru: 'Хранение загруженных фотографий и созданных изображений',
      en: 'Storing uploaded photos and generated images',
    },
    role: 'processor',
    country: 'RU',
    receives: { ru: 'Файлы фотографий и изображений', en: 'Photo and image files' },
    contactedBy: 'server',
    settingPrefix: 'S3_',
    settings: ['S3_BUCKET', 'S3_ENDPOINT'],
    enabled: (env) => Boolean(env.S3_BUCKET),
  },
  {
    id: 'smtp',
    name: { ru: 'Поставщик отправки e-mail (SMTP)', en: 'E-mail delivery provider (SMTP)' },
    service: { ru: 'Доставка писем', en: 'Delivering e-mails' },
    role: 'processor',
    country: 'RU',
    receives: { ru: 'Адрес получателя и текст письма', en: "The recipient's address and the message text" },
    contactedBy: 'server',
    settingPrefix: 'SMTP_',
    settings: ['SMTP_URL'],
    enabled: (env) => Boolean(env.SMTP_URL),
  },
  {
    id: 'tbank',
    name: { ru: 'Т-Банк', en: 'T-Bank' },
    service: {
      ru: 'Интернет-эквайринг: приём оплаты, возвраты, чеки 54-ФЗ',
      en: 'Internet acquiring: payments, refunds, 54-FZ receipts',
    },
    role: 'processor',
    country: 'RU',
    receives: {
      ru: 'Номер заказа, сумма, e-mail для чека; данные карты вы вводите на странице банка, и банк обрабатывает их как самостоятельный оператор',
      en: 'Order number, amount, receipt e-mail; you enter card details on the bank’s page, and the bank processes them as an operator in its own right',
    },
    contactedBy: 'server',
    settingPrefix: 'TBANK_',
    settings: ['TBANK_TERMINAL_KEY', 'TBANK_PASSWORD'],
    enabled: (env) => Boolean(env.TBANK_TERMINAL_KEY),
  },
  {
    id: 'sanity',
    name: { ru: 'Sanity', en: 'Sanity' },
    service: {
      ru: 'Редактирование и хранение текстов правовых документов',
      en: 'Editing and storing the texts of the legal documents',
    },
    role: 'none',
    country: 'US',
    receives: {
      ru: 'Персональные данные пользователей не получает: сайт только читает из него тексты документов',
      en: 'No personal data of users: the site only reads the document texts from it',
    },
    contactedBy: 'server',
    settingPrefix: 'SANITY_',
    settings: ['SANITY_PROJECT_ID'],
    enabled: (env) => Boolean(env.SANITY_PROJECT_ID),
  },
  {
    id: 'google-sign-in',
    name: { ru: 'Google', en: 'Google' },
    service: { ru: 'Вход через Google', en: 'Sign-in with Google' },
    role: 'independent',
    country: 'US',
    receives: {
      ru: 'Вы входите на сайте Google; мы получаем идентификатор, e-mail и имя и ничего не передаём о вашей работе в Сервисе',
      en: 'You sign in on Google’s site; we receive the identifier, e-mail and name and send nothing about your use of the Service',
    },
    contactedBy: 'browser',
    settingPrefix: 'GOOGLE_',
    settings: ['GOOGLE_CLIENT_ID', 'GOOGLE_CLIENT_SECRET'],
    enabled: (env) => Boolean(env.GOOGLE_CLIENT_ID && env.GOOGLE_CLIENT_SECRET),
  },
  {
    id: 'yandex-sign-in',
    name: { ru: 'Яндекс', en: 'Yandex' },
    service: { ru: 'Вход через Яндекс ID', en: 'Sign-in with Yandex ID' },
    role: 'independent',
    country: 'RU',
    receives: {
      ru: 'Вы входите на сайте Яндекса; мы получаем идентификатор, e-mail и имя',
      en: 'You sign in on Yandex’s site; we receive the identifier, e-mail and name',
    },
    contactedBy: 'browser',
    // Not 'YANDEX_': YANDEX_ART_* belongs to the image engine.
    settingPrefix: 'YANDEX_CLIENT_',
    settings: ['YANDEX_CLIENT_ID', 'YANDEX_CLIENT_SECRET'],
    enabled: (env) => Boolean(env.YANDEX_CLIENT_ID && env.YANDEX_CLIENT_SECRET),
  },
  {
    id: 'vk-sign-in',
    name: { ru: 'VK', en: 'VK' },
    service: { ru: 'Вход через VK ID', en: 'Sign-in with VK ID' },
    role: 'independent',
    country: 'RU',
    receives: {
      ru: 'Вы входите на сайте VK ID; мы получаем идентификатор, e-mail и имя',
      en: 'You sign in on the VK ID site; we receive the identifier, e-mail and name',
    },
    contactedBy: 'browser',
    settingPrefix: 'VK_',
    settings: ['VK_CLIENT_ID'],
    enabled: (env) => Boolean(env.VK_CLIENT_ID),
  },
  {
    id: 'telegram-sign-in',
    name: { ru: 'Telegram', en: 'Telegram' },
    service: {
      ru: 'Вход через Telegram: кнопка загружается с telegram.org, только когда вы выбираете этот способ',
      en: 'Sign-in with Telegram: the button is loaded from telegram.org only when you choose it',
    },
    role: 'independent',
    country: 'AE',
    receives: {
      ru: 'Ваш браузер обращается к telegram.org (IP-адрес, user agent); мы получаем идентификатор и имя в Telegram',
      en: 'Your browser contacts telegram.org (IP address, user agent); we receive your Telegram identifier and name',
    },
    contactedBy: 'browser',
    settingPrefix: 'TELEGRAM_',
    settings: ['TELEGRAM_BOT_TOKEN', 'TELEGRAM_BOT_NAME'],
    enabled: (env) => Boolean(env.TELEGRAM_BOT_TOKEN && env.TELEGRAM_BOT_NAME),
  },
] as const satisfies readonly ProcessorEntry[]

export type ProcessorId = (typeof PROCESSORS)[number]['id']

export function processorById(id: string): ProcessorEntry | undefined {
  return (PROCESSORS as readonly ProcessorEntry[]).find((p) => p.id === id)
}

/** The integrations these settings switch on. */
export function enabledProcessors(env: Env): ProcessorEntry[] {
  return (PROCESSORS as readonly ProcessorEntry[]).filter((p) => p.enabled?.(env) ?? false)
}
