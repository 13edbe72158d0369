import type { Localized } from './text'

/**
 * How long each category of personal data is kept, and what ends it. The
 * jobs that delete or de-identify data read their periods from here
 * (`retentionDays`), and the privacy policy's retention table is rendered
 * from the same entries, so the promise and the job cannot say different
 * things. A longer period is a material change of the privacy policy.
 */

/** What starts the clock of a fixed period. */
export type RetentionClock =
  'created' | 'last-visit' | 'upload' | 'account-end' | 'link-expiry' | 'payment' | 'completed' | 'expiry'

export type RetentionPeriod =
  /** Deleted (or de-identified) a number of days or calendar months after `from`, by an automatic job. */
  | { kind: 'fixed'; days: number; from: RetentionClock }
  | { kind: 'months'; months: number; from: RetentionClock }
  /**
   * Kept through the calendar year (Moscow time) in which `from` happened and
   * `years` full calendar years after it: how accounting law counts (402-FZ
   * art. 29: "at least five years after the reporting year").
   */
  | { kind: 'years-after-year-end'; years: number; from: RetentionClock }
  /** Kept while something lasts; deleted with it. */
  | { kind: 'while'; until: 'account' | 'session' | 'person-deletes' }
  /** Kept by the hosting operator's log service, outside this code; `days` is what it must be set to. */
  | { kind: 'operator'; days: number }

export type RetentionEntry = {
  id: string
  data: Localized
  purpose: Localized
  ground: Localized
  period: RetentionPeriod
  /** The period in the words of the policy's table. */
  periodText: Localized
  /** The function that enforces the period (for people reading the register; a test checks it exists). */
  enforcedBy: string
}

const CONTRACT: Localized = { ru: 'Исполнение договора', en: 'Contract' }

export const RETENTION = {
  account: {
    id: 'account',
    data: {
      ru: 'Аккаунт: e-mail, хеш пароля, идентификатор у провайдера входа, отображаемое имя, язык',
      en: 'Account: e-mail, password hash, sign-in provider identifier, display name, language',
    },
    purpose: { ru: 'Работа Сервиса, письма об аккаунте', en: 'Providing the Service, account e-mails' },
    ground: CONTRACT,
    period: { kind: 'while', until: 'account' },
    periodText: {
      ru: 'Пока существует аккаунт; удаляются при удалении аккаунта',
      en: 'While the account exists; erased when the account is deleted',
    },
    enforcedBy: 'deleteOwnAccount',
  },
  sessions: {
    id: 'sessions',
    data: {
      ru: 'Сессии входа: хеш ключа сессии, время начала и окончания, IP-адрес и user agent при входе',
      en: 'Sign-in sessions: hash of the session key, start and expiry time, IP address and user agent at sign-in',
    },
    purpose: {
      ru: 'Вход в аккаунт, список активных сессий и выход на других устройствах',
      en: 'Signing in, the list of active sessions and signing out elsewhere',
    },
    ground: CONTRACT,
    period: { kind: 'while', until: 'session' },
    periodText: {
      ru: 'До выхода или окончания сессии (30 дней без входа на сайт); истёкшие записи удаляются в течение суток',
      en: 'Until you sign out or the session expires (30 days without visiting); expired records are deleted within a day',
    },
    enforcedBy: 'deleteExpiredSessions',
  },
  generations: {
    id: 'generations',
    data: {
      ru: 'Запросы (промпты), параметры и созданные изображения',
      en: 'Prompts, generation settings and generated images',
    },
    purpose: { ru: 'Генерация и история генераций', en: 'Generation and the generation history' },
    ground: CONTRACT,
    period: { kind: 'while', until: 'person-deletes' },
    periodText: {
      ru: 'Пока вы не удалите генерацию или аккаунт (для гостя — см. гостевые данные)',
      en: 'Until you delete the generation or the account (for a guest, see guest data)',
    },
    enforcedBy: 'deleteJob',
  },
  guests: {
    id: 'guests',
    data: {
      ru: 'Гостевой режим: идентификатор гостя, время начала и последнего визита, бесплатные кредиты и их движение, генерации гостя (запросы, настройки, изображения, загруженные фото), запросы, отклонённые модерацией, связь с выбором cookie и с запросами субъекта данных',
      en: 'Guest mode: guest identifier, start and last-visit time, free credits and their movements, the guest’s generations (prompts, settings, images, uploaded photos), prompts refused by moderation, links to cookie choices and to data-subject requests',
    },
    purpose: {
      ru: 'Работа Сервиса без регистрации, учёт бесплатных кредитов',
      en: 'Using the Service without an account, tracking free credits',
    },
    ground: CONTRACT,
    period: { kind: 'fixed', days: 30, from: 'last-visit' },
    periodText: {
      ru: '30 дней с последнего визита (раньше переходят в аккаунт, если вы зарегистрируетесь из гостевой сессии); не удаляются, пока мы отвечаем на ваш запрос о них. Записи о принятых документах хранятся как записи о принятии',
      en: '30 days from the last visit (they move to your account sooner if you register from the guest session); not deleted while we are answering a request of yours about them. Records of the documents you accepted are kept as acceptance records',
    },
    enforcedBy: 'deleteInactiveGuests',
  },
  emailVerificationLinks: {
    id: 'emailVerificationLinks',
    data: {
      ru: 'Ссылки подтверждения e-mail: хеш одноразового ключа, аккаунт, время создания, срока действия (48 часов) и использования',
      en: 'E-mail confirmation links: hash of the single-use key, the account, when it was created, expires (48 hours) and was used',
    },
    purpose: { ru: 'Подтверждение адреса электронной почты', en: 'Confirming the e-mail address' },
    ground: CONTRACT,
    period: { kind: 'fixed', days: 1, from: 'expiry' },
    periodText: {
      ru: 'Сутки после истечения ссылки; сразу — при смене адреса или удалении аккаунта',
      en: 'A day after the link expires; at once when the address changes or the account is deleted',
    },
    enforcedBy: 'sweepVerificationTokens',
  },
  mailOutbox: {
    id: 'mailOutbox',
    data: {
      ru: 'Записи об отправке писем: вид письма, аккаунт, заказ, язык, статус, попытки, время, последняя ошибка доставки (без адреса и текста письма)',
      en: 'Records of letters owed: kind of letter, account, order, language, status, attempts, times, last delivery error (no address, no message text)',
    },
    purpose: {
      ru: 'Надёжная доставка писем об аккаунте и платежах',
      en: 'Reliable delivery of account and payment letters',
    },
    ground: CONTRACT,
    period: { kind: 'fixed', days: 30, from: 'completed' },
    periodText: {
      ru: '30 дней после отправки или отказа от неё; сразу — при удалении аккаунта',
      en: '30 days after the letter was sent or given up on; at once when the account is deleted',
    },
    enforcedBy: 'sweepMailOutbox',
  },
  // Notices of a material change, owed under clause 12.4 of the terms (from version 6): the contract, not a
  // statute, obliges us to send them, so the ground is the contract (docs/decisions/022).
  legalNotices: {
    id: 'legalNotices',
    data: {
      ru: 'Уведомления о существенных изменениях документов: аккаунт, документ и редакция, время уведомления, результат отправки письма (передано почтовому серверу, не удалось отправить или не отправлялось, потому что адрес не подтверждён), время, когда вы закрыли уведомление',
      en: 'Notices of material changes to the documents: the account, the document and version, when the notice was issued, the outcome of the e-mail (handed to the mail server, failed, or not sent because the address is not confirmed), when you dismissed the notice',
    },
    purpose: {
      ru: 'Заблаговременное уведомление о существенных изменениях документов и подтверждение того, что оно сделано',
      en: 'Telling you in advance about material changes to the documents, and showing that we did',
    },
    ground: CONTRACT,
    period: { kind: 'while', until: 'account' },
    periodText: {
      ru: 'Пока существует аккаунт; удаляются при удалении аккаунта',
      en: 'While the account exists; erased when the account is deleted',
    },
    enforcedBy: 'deleteOwnAccount',
  },
  uploadedPhotos: {
    id: 'uploadedPhotos',
    data: { ru: 'Загруженные фотографии', en: 'Uploaded photos' },
    purpose: { ru: 'Генерация по вашей фотографии', en: 'Generation from your photo' },
    ground: CONTRACT,
    period: { kind: 'fixed', days: 30, from: 'upload' },
    periodText: {
      ru: '30 дней с загрузки (раньше, если вы удалите генерацию или аккаунт)',
      en: '30 days from upload (sooner if you delete the generation or the account)',
    },
    enforcedBy: 'sweepOldPhotos',
  },
  pageViews: {
    id: 'pageViews',
    data: {
      ru: 'Статистика просмотров: шаблон адреса страницы, язык, тип устройства, час, случайный идентификатор посетителя',
      en: 'Page-view statistics: page route pattern, language, device type, hour, random visitor identifier',
    },
    purpose: { ru: 'Улучшение Сервиса', en: 'Improving the Service' },
    ground: { ru: 'Согласие (cookie аналитики)', en: 'Consent (analytics cookies)' },
    period: { kind: 'months', months: 12, from: 'created' },
    periodText: { ru: '12 месяцев', en: '12 months' },
    enforcedBy: 'purgeOldPageViews',
  },
  acceptanceIpAndUserAgent: {
    id: 'acceptanceIpAndUserAgent',
    data: {
      ru: 'IP-адрес и user agent в записях о принятии документов и о выборе cookie',
      en: 'IP address and user agent in acceptance records and cookie-choice records',
    },
    purpose: { ru: 'Доказательство принятия и согласия', en: 'Evidence of acceptance and consent' },
    ground: {
      ru: 'Законный интерес оператора (при условии, что не нарушаются права субъекта); обязанность доказать согласие',
      en: 'Legitimate interest; the duty to prove consent',
    },
    period: { kind: 'fixed', days: 1095, from: 'created' },
    periodText: { ru: '3 года с момента записи', en: '3 years from the record' },
    enforcedBy: 'eraseExpiredEvidence',
  },
  unconfirmedRequests: {
    id: 'unconfirmedRequests',
    data: {
      ru: 'Адрес для ответа и текст неподтверждённого запроса субъекта данных',
      en: 'Reply address and text of an unconfirmed data-subject request',
    },
    purpose: { ru: 'Обработка запросов субъектов данных', en: 'Handling data-subject requests' },
    ground: { ru: 'Обязанность оператора', en: 'Legal obligation' },
    period: { kind: 'fixed', days: 7, from: 'link-expiry' },
    periodText: {
      ru: '7 дней после истечения ссылки подтверждения',
      en: '7 days after the confirmation link expires',
    },
    enforcedBy: 'forgetUnconfirmedRequests',
  },
  technicalLogs: {
    id: 'technicalLogs',
    data: {
      ru: 'Технические журналы: время запроса, метод, адрес страницы, код ответа, длительность, идентификатор запроса; в сообщениях о событиях — внутренние идентификаторы аккаунта или заказа. Без IP-адреса и user agent',
      en: 'Technical logs: request time, method, page address, response code, duration, request identifier; event messages may hold internal account or order identifiers. No IP address or user agent',
    },
    purpose: { ru: 'Безопасность и расследование сбоев', en: 'Security and investigating failures' },
    ground: {
      ru: 'Законный интерес оператора (при условии, что не нарушаются права субъекта)',
      en: 'Legitimate interest',
    },
    period: { kind: 'operator', days: 30 },
    periodText: { ru: '30 дней', en: '30 days' },
    enforcedBy: 'operator log retention (docs/configuration.md)',
  },
  // Every category of data the code keeps has a period and a job, so that no
  // promise of the privacy policy depends on someone remembering to delete
  // (docs/decisions/014-retention-of-evidence-and-payments.md).
  acceptances: {
    id: 'acceptances',
    data: {
      ru: 'Записи о принятии документов: документ, версия и хеш её текста, язык, событие, формулировка флажка или кнопки, время, к чему относится принятие (аккаунт, гостевая сессия, заказ); IP-адрес и user agent — пока не стёрты; для удалённого гостя — время удаления его данных',
      en: 'Acceptance records: document, version and hash of its text, language, event, wording of the checkbox or button, time, what the acceptance covers (account, guest session, order); IP address and user agent until they are erased; for a deleted guest, when its data was deleted',
    },
    purpose: { ru: 'Доказательство принятия и согласия', en: 'Evidence of acceptance and consent' },
    ground: {
      ru: 'Законный интерес оператора (при условии, что не нарушаются права субъекта); обязанность доказать согласие',
      en: 'Legitimate interest; the duty to prove consent',
    },
    period: { kind: 'months', months: 36, from: 'account-end' },
    periodText: {
      ru: 'Пока существует аккаунт и 3 года после его удаления (для гостевого режима — 3 года после удаления данных гостя)',
      en: 'While the account exists and 3 years after it is deleted (for guest mode, 3 years after the guest data is deleted)',
    },
    enforcedBy: 'deleteExpiredAcceptances',
  },
  cookieChoices: {
    id: 'cookieChoices',
    data: {
      ru: 'Записи о выборе cookie: версия Политики cookie и хеш её текста, категории и решение по каждой, формулировка кнопки или флажка, время, идентификатор согласия; IP-адрес и user agent — пока не стёрты',
      en: 'Cookie choice records: Cookie Policy version and hash of its text, categories and the decision on each, wording of the button or checkbox, time, consent identifier; IP address and user agent until they are erased',
    },
    purpose: { ru: 'Доказательство согласия или отказа', en: 'Proof of consent or refusal' },
    ground: {
      ru: 'Обязанность доказать согласие; законный интерес оператора (при условии, что не нарушаются права субъекта)',
      en: 'The duty to prove consent; legitimate interest',
    },
    period: { kind: 'months', months: 36, from: 'created' },
    periodText: {
      ru: '3 года с момента записи; запись, сделанная в аккаунте, хранится как записи о принятии: пока существует аккаунт и 3 года после его удаления; запись, сделанная в гостевой сессии, — не меньше, чем хранятся данные гостя',
      en: '3 years from the record; a record made in an account is kept like acceptance records: while the account exists and 3 years after it is deleted; a record made in a guest session, at least as long as the guest data',
    },
    enforcedBy: 'deleteExpiredCookieChoices',
  },
  payments: {
    id: 'payments',
    data: {
      ru: 'Платёжные записи: заказ (пакет, кредиты, сумма, статус, номер платежа в банке, e-mail для чека — до удаления аккаунта, даты), уведомления банка о платеже (без данных карты), возвраты',
      en: "Payment records: order (pack, credits, amount, status, the bank's payment number, receipt e-mail until the account is deleted, dates), the bank's payment notifications (without card details), refunds",
    },
    purpose: {
      ru: 'Оплата, возвраты, чеки, бухгалтерский и налоговый учёт',
      en: 'Payment, refunds, receipts, bookkeeping and tax accounting',
    },
    ground: {
      ru: 'Обязанность оператора (бухгалтерский учёт, ст. 29 402-ФЗ); исполнение договора',
      en: 'Legal obligation (accounting, art. 29 of Federal Law 402-FZ); contract',
    },
    period: { kind: 'years-after-year-end', years: 5, from: 'payment' },
    periodText: {
      ru: '5 лет после окончания года, в котором прошёл платёж или последний возврат по нему (в том числе после удаления аккаунта)',
      en: '5 years after the end of the year in which the payment or its last refund took place (also after the account is deleted)',
    },
    enforcedBy: 'deleteExpiredPaymentRecords',
  },
  refusedPrompts: {
    id: 'refusedPrompts',
    data: {
      ru: 'Отклонённые запросы на генерацию: текст запроса, категория и правило, сработавший фрагмент, время, аккаунт или гость',
      en: 'Refused generation prompts: the prompt text, category and rule, the matched fragment, time, account or guest',
    },
    purpose: {
      ru: 'Проверка отказа по вашему обращению; предотвращение злоупотреблений',
      en: 'Reviewing a refusal when you ask us to; preventing abuse',
    },
    ground: {
      ru: 'Законный интерес оператора (при условии, что не нарушаются права субъекта)',
      en: 'Legitimate interest',
    },
    period: { kind: 'fixed', days: 90, from: 'created' },
    periodText: {
      ru: '90 дней с момента отказа (раньше, если удалить аккаунт или удаляются данные гостя)',
      en: '90 days from the refusal (sooner if you delete the account or the guest data is deleted)',
    },
    enforcedBy: 'deleteOldRefusals',
  },
  privacyRequests: {
    id: 'privacyRequests',
    data: {
      ru: 'Запросы субъектов данных: вид запроса, закон, адрес для ответа, текст запроса, аккаунт или гость, IP-адрес и user agent, сроки, ответ и история обработки',
      en: 'Data-subject requests: kind of request, law, reply address, text of the request, account or guest, IP address and user agent, deadlines, the reply and the history of handling',
    },
    purpose: {
      ru: 'Обработка запросов субъектов данных и подтверждение того, как они обработаны',
      en: 'Handling data-subject requests and showing how they were handled',
    },
    ground: {
      ru: 'Обязанность оператора (ст. 14, 20 и 21 152-ФЗ); законный интерес оператора (при условии, что не нарушаются права субъекта)',
      en: 'Legal obligation (arts. 14, 20 and 21 of the Personal Data Law); legitimate interest',
    },
    period: { kind: 'months', months: 36, from: 'completed' },
    periodText: {
      ru: '3 года после ответа на запрос; неподтверждённый запрос — 3 года после истечения ссылки подтверждения (адрес и текст из него стираются уже через 7 дней после истечения ссылки)',
      en: '3 years after the reply to the request; an unconfirmed request: 3 years after its confirmation link expired (its address and text are erased as soon as 7 days after the link expired)',
    },
    enforcedBy: 'deleteExpiredRequests',
  },
  rateLimits: {
    id: 'rateLimits',
    data: {
      ru: 'Счётчики ограничения частоты попыток: хеш IP-адреса (для IPv6 — сети /64) или e-mail, начало окна, число попыток',
      en: 'Rate-limit counters: hash of the IP address (for IPv6, of its /64 network) or of the e-mail address, window start, number of attempts',
    },
    purpose: {
      ru: 'Защита от подбора паролей и автоматических злоупотреблений',
      en: 'Protection against password guessing and automated abuse',
    },
    ground: {
      ru: 'Законный интерес оператора (при условии, что не нарушаются права субъекта)',
      en: 'Legitimate interest',
    },
    period: { kind: 'fixed', days: 1, from: 'created' },
    periodText: {
      ru: 'До суток с начала окна (окна длятся от 1 до 60 минут)',
      en: 'Up to a day from the start of the window (windows last 1 to 60 minutes)',
    },
    enforcedBy: 'sweepRateLimitWindows',
  },
} as const satisfies Record<string, RetentionEntry>

export type RetentionId = keyof typeof RETENTION

/** The period of an entry counted in days: what a retention job must use. */
export function retentionDays(id: RetentionId): number {
  const period: RetentionPeriod = RETENTION[id].period
  if (period.kind !== 'fixed' && period.kind !== 'operator')
    throw new Error(`retention entry ${id} is not counted in days`)
  return period.days
}

/** The period of an entry counted in calendar months. */
export function retentionMonths(id: RetentionId): number {
  const period: RetentionPeriod = RETENTION[id].period
  if (period.kind !== 'months') throw new Error(`retention entry ${id} is not counted in months`)
  return period.months
}

const DAY_MS = 24 * 60 * 60 * 1000
/** Moscow has kept UTC+3 all year since 26 October 2014; the years counted here all begin after that. */
const MOSCOW_OFFSET_MS = 3 * 60 * 60 * 1000

/** The moment before which data under this entry is due for deletion (its clock started before it). */
export function retentionCutoff(id: RetentionId, now: Date): Date {
  const period: RetentionPeriod = RETENTION[id].period
  if (period.kind === 'years-after-year-end') {
    // Data whose year ended `years` full years ago is due: before 1 January of (this year - years), Moscow time.
    const moscowYear = new Date(now.getTime() + MOSCOW_OFFSET_MS).getUTCFullYear()
    return new Date(Date.UTC(moscowYear - period.years, 0, 1) - MOSCOW_OFFSET_MS)
  }
  if (period.kind === 'months') {
    const cutoff = new Date(now.getTime())
    cutoff.setUTCMonth(cutoff.getUTCMonth() - period.months)
    return cutoff
  }
  return new Date(now.getTime() - retentionDays(id) * DAY_MS)
}
