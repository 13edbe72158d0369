import type { Locale } from '~/platform/i18n/locales'
import {
  COOKIES,
  COUNTRY_NAMES,
  PROCESSORS,
  processorById,
  REQUEST_DEADLINES,
  REQUEST_KIND_NAMES,
  REQUEST_KINDS,
  RETENTION,
  type CookieDeclaration,
  type ProcessorEntry,
  type RequestKindId,
  type RequestLaw,
  type RetentionEntry,
} from '~/platform/processing-register'
import { getEnv } from '~/platform/env.server'
import { getFixedT } from '~/platform/i18n/i18next.server'
import { replyPeriodText } from '~/privacy-requests'
import { DOCUMENT_KINDS, type DocumentKind } from '~/platform/document-kinds'
import type { LegalDocument, PortableBody, RegisterTableBlock, RegisterTableName, TableBlock } from '~/content'

/**
 * Fills the register-table placeholders of a document from the register of
 * processing. Called when a version is archived (and by the archive check),
 * so the archived body, and the text its hash covers, holds the rows as they
 * were then: a later change to the register never changes what an archived
 * version says, it shows up as a difference the legal team must publish.
 */

type Words = Record<Locale, string>

const CAPTIONS: Record<RegisterTableName, Words> = {
  cookies: { ru: 'Cookie сайта palitra.example', en: 'Cookies of palitra.example' },
  retention: {
    ru: 'Данные, цели, правовые основания и сроки хранения',
    en: 'Data, purposes, legal grounds and retention periods',
  },
  processors: {
    ru: 'Кому передаются данные и в какой стране они обрабатываются',
    en: 'Who receives data and in which country it is processed',
  },
  requests: {
    ru: 'Сроки ответа на запросы (со дня получения запроса)',
    en: 'Response times for requests (from the day a request is received)',
  },
  notices: {
    ru: 'Предварительное уведомление о существенных изменениях документов',
    en: 'Advance notice of material changes to the documents',
  },
}

const HEADERS: Record<RegisterTableName, Record<Locale, string[]>> = {
  cookies: {
    ru: ['Название', 'Категория', 'Назначение', 'Срок хранения', 'Атрибуты'],
    en: ['Name', 'Category', 'Purpose', 'Lifetime', 'Attributes'],
  },
  retention: {
    ru: ['Данные', 'Цель', 'Основание', 'Срок хранения'],
    en: ['Data', 'Purpose', 'Ground', 'Retention'],
  },
  processors: {
    ru: ['Получатель', 'Для чего', 'Роль', 'Страна', 'Что получает'],
    en: ['Recipient', 'What for', 'Role', 'Country', 'What it receives'],
  },
  requests: {
    ru: ['Запрос', 'По 152-ФЗ', 'По GDPR'],
    en: ['Request', 'Under 152-FZ', 'Under the GDPR'],
  },
  notices: {
    ru: ['Документ', 'Когда мы сообщаем', 'Как мы сообщаем'],
    en: ['Document', 'When we tell you', 'How we tell you'],
  },
}

const CATEGORY: Record<CookieDeclaration['category'], Words> = {
  essential: { ru: 'Необходимые', en: 'Essential' },
  preferences: { ru: 'Предпочтения', en: 'Preferences' },
  analytics: { ru: 'Аналитика', en: 'Analytics' },
}

const ROLE: Record<ProcessorEntry['role'], Words> = {
  processor: {
    ru: 'Лицо, осуществляющее обработку по поручению оператора',
    en: 'Processes data on our instructions',
  },
  independent: {
    ru: 'Самостоятельный оператор: вы взаимодействуете с ним напрямую',
    en: 'An operator in its own right: you deal with it directly',
  },
  none: { ru: 'Не получает персональных данных', en: 'Receives no personal data' },
}

function cookieAttributes(cookie: CookieDeclaration, locale: Locale): string {
  const ru = locale === 'ru'
  const parts = [
    ...(cookie.httpOnly ? ['HttpOnly'] : []),
    `SameSite=${cookie.sameSite}`,
    ru ? 'Secure при работе по HTTPS' : 'Secure over HTTPS',
    ...(cookie.path !== '/' ? [ru ? `только для ${cookie.path}` : `only for ${cookie.path}`] : []),
    ...(cookie.signed ? [ru ? 'подписано' : 'signed'] : []),
  ]
  return parts.join(', ')
}

function cookieRows(locale: Locale) {
  return (COOKIES as readonly CookieDeclaration[]).map((c) => ({
    id: c.name,
    cells: [
      c.names ? c.names.join(', ') : c.name,
      CATEGORY[c.category][locale],
      c.purpose[locale],
      c.lifetime[locale],
      cookieAttributes(c, locale),
    ],
  }))
}

function retentionRows(locale: Locale) {
  return Object.values(RETENTION as Record<string, RetentionEntry>).map((entry) => ({
    id: entry.id,
    cells: [entry.data[locale], entry.purpose[locale], entry.ground[locale], entry.periodText[locale]],
  }))
}

function processorRows(locale: Locale, include: readonly string[] | undefined) {
  const chosen = include
    ? include.map((id) => {
        const entry = processorById(id)
        if (!entry) throw new RegisterTableError(`unknown outside service "${id}" in a recipients table`)
        return entry
      })
    : (PROCESSORS as readonly ProcessorEntry[])
  return chosen.map((p) => ({
    id: p.id,
    cells: [
      p.name[locale],
      p.service[locale],
      ROLE[p.role][locale],
      COUNTRY_NAMES[p.country][locale],
      p.receives[locale],
    ],
  }))
}

function requestRows(locale: Locale) {
  // The same wording as the request pages and mails use (app/privacy-requests/deadline-text.ts).
  const t = getFixedT(locale, 'privacy-request')
  const cell = (law: RequestLaw, kind: RequestKindId) =>
    `${replyPeriodText(t, law, kind)} (${REQUEST_DEADLINES[law][kind].basis[locale]})`
  return REQUEST_KINDS.map((kind) => ({
    id: kind,
    cells: [REQUEST_KIND_NAMES[kind][locale], cell('ru', kind), cell('gdpr', kind)],
  }))
}

const RU_DAYS: Record<Intl.LDMLPluralRule, string> = {
  zero: 'дней',
  one: 'день',
  two: 'дня',
  few: 'дня',
  many: 'дней',
  other: 'дня',
}
const ruPlural = new Intl.PluralRules('ru')

function noticeWhen(days: number, locale: Locale): string {
  if (locale === 'ru') {
    const before =
      days === 0
        ? 'В день вступления новой редакции в силу'
        : `За ${days} ${RU_DAYS[ruPlural.select(days)]} до вступления новой редакции в силу`
    return `${before}; если редакция опубликована позже, — в течение часа после публикации`
  }
  const before =
    days === 0
      ? 'On the day the new version takes effect'
      : `${days} ${days === 1 ? 'day' : 'days'} before the new version takes effect`
  return `${before}; if the version is published later than that, within an hour of its publication`
}

const NOTICE_HOW: Words = {
  ru: 'Уведомление на странице аккаунта и письмо на адрес электронной почты аккаунта, если адрес подтверждён; на языке аккаунта, с номером редакции, датой вступления в силу, описанием изменений и ссылкой на сравнение текстов',
  en: "A notice on your account page, and an e-mail to your account's address if that address is confirmed; in your account's language, with the version number, the effective date, the summary of changes and a link to the comparison of the texts",
}

function noticeRows(locale: Locale) {
  // The same settings the notice job reads, so the table says what the code does; the archive keeps the rows as
  // they were, and a changed setting shows up as a difference the legal team must publish.
  const env = getEnv()
  const daysFor = (kind: DocumentKind) => (kind === 'terms' ? env.LEGAL_NOTICE_DAYS_TERMS : env.LEGAL_NOTICE_DAYS_OTHER)
  const names = getFixedT(locale, 'common')
  return DOCUMENT_KINDS.map((kind) => ({
    id: kind,
    cells: [names(`documentKinds.${kind}`), noticeWhen(daysFor(kind), locale), NOTICE_HOW[locale]],
  }))
}

export class RegisterTableError extends Error {
  override name = 'RegisterTableError'
}

/** The table a placeholder stands for, in the document's language, as the register holds it now. */
export function renderRegisterTable(block: RegisterTableBlock, locale: Locale): TableBlock {
  const rows =
    block.table === 'cookies'
      ? cookieRows(locale)
      : block.table === 'retention'
        ? retentionRows(locale)
        : block.table === 'requests'
          ? requestRows(locale)
          : block.table === 'notices'
            ? noticeRows(locale)
            : processorRows(locale, block.include)
  return {
    _type: 'table',
    _key: block._key,
    caption: CAPTIONS[block.table][locale],
    register: { table: block.table, ids: rows.map((r) => r.id) },
    rows: [
      { _type: 'tableRow', _key: `${block._key}h`, cells: HEADERS[block.table][locale] },
      ...rows.map((row, i) => ({ _type: 'tableRow' as const, _key: `${block._key}r${i}`, cells: row.cells })),
    ],
  }
}

/** The document with every register-table placeholder filled in. */
export function resolveRegisterTables<D extends Pick<LegalDocument, 'body' | 'locale'>>(
  doc: D,
): Omit<D, 'body'> & { body: PortableBody } {
  const body: PortableBody = doc.body.map((block) =>
    block._type === 'registerTable' ? renderRegisterTable(block, doc.locale) : block,
  )
  return { ...doc, body }
}

/** Whether a document takes some of its text from the register. */
export function usesRegister(doc: Pick<LegalDocument, 'body'>): boolean {
  return doc.body.some((block) => block._type === 'registerTable')
}
