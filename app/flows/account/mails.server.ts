/**
 * The mails an account holder is owed (mail_outbox rows), put together when
 * they are sent:
 *
 *  - registration: "confirm your address" with a single-use link, when the
 *    address is not verified yet, and the receipt of acceptance: the exact
 *    versions accepted at sign-up, from the ledger rows recorded then;
 *  - verification: a new confirmation link asked for from the account;
 *  - payment: the payment confirmed, and the receipt of acceptance of the
 *    versions accepted for that order. Checkout only ever starts for a
 *    verified address, and this mail only goes to a verified address;
 *  - registration-attempt: someone tried to register with the address of
 *    this account. The registration page answered as it does for a new
 *    address ("check your inbox"), so this letter is how the holder learns
 *    of it, with links to sign in and to reset the password.
 *
 * Links are absolute, on the base URL stored with the row (PUBLIC_URL, see
 * ~/mail/links.server). Each mail is in the language of the page the event
 * happened on.
 */
import { createVerificationToken, VERIFY_TOKEN_TTL_HOURS, verificationState } from '~/identity/index.server'
import { acceptancesForAction, type AcceptedForAction } from '~/acceptances/index.server'
import { getDb, type Database } from '~/platform/db/client.server'
import { findOrder } from '~/payments/index.server'
import {
  type MailOutboxRow,
  deliverMail,
  type DeliveryOptions,
  type DeliveryReport,
  type MailOutcomeListener,
} from '~/outbox/index.server'
import { getArchivedVersion } from '~/legal/index.server'
import { findNotice, recordNoticeMail } from '~/notices/index.server'
import { formatDate, formatMoney } from '~/platform/i18n/format'
import { getFixedT } from '~/platform/i18n/i18next.server'
import type { Locale } from '~/platform/i18n/locales'
import { DOCUMENT_KINDS } from '~/platform/document-kinds'
import { logger } from '~/platform/log.server'
import { absoluteLink } from '~/platform/mail/links.server'
import type { MailMessage } from '~/platform/mail/mailer.server'

type T = ReturnType<typeof getFixedT>

function tFor(locale: Locale): T {
  return getFixedT(locale, ['email', 'common', 'checkout'])
}

/** The receipt of acceptance: each version with its kind, title, number, effective date and its own address. */
export function acceptedBlock(
  t: T,
  locale: Locale,
  base: string,
  event: 'register' | 'payment',
  accepted: readonly AcceptedForAction[],
): string {
  // The order the documents are listed in everywhere else, not the database's.
  const rank = (kind: AcceptedForAction['kind']) => DOCUMENT_KINDS.indexOf(kind)
  const items = [...accepted].sort((a, b) => rank(a.kind) - rank(b.kind) || a.locale.localeCompare(b.locale))
  const recordedAt = items[0]?.recordedAt
  const lines = items.map((a) =>
    t('email:mail.accepted.item', {
      kind: t(`common:documentKinds.${a.kind}`, { lng: a.locale }),
      title: a.title,
      version: a.version,
      effective: formatDate(a.effectiveFrom, locale),
      link: absoluteLink(base, `/${a.locale}/${a.kind}/v/${a.version}`),
      sha256: a.contentSha256,
    }),
  )
  return [
    t(`email:mail.accepted.${event}`, { date: recordedAt ? formatDate(recordedAt, locale, true) : '' }),
    ...lines,
    t('email:mail.accepted.footer', { link: absoluteLink(base, `/${locale}/account/consents`) }),
  ].join('\n\n')
}

/** The confirmation paragraph with a fresh link; null when the address needs none (or there is none). */
async function confirmationParagraph(db: Database, t: T, row: MailOutboxRow): Promise<string | null> {
  const created = await createVerificationToken(db, row.userId)
  if (!created) return null
  const link = absoluteLink(row.baseUrl, `/${row.locale}/verify-email?${new URLSearchParams({ token: created.token })}`)
  return t('email:mail.verify.link', { link, hours: t('email:hours', { count: VERIFY_TOKEN_TTL_HOURS }) })
}

async function registrationMail(db: Database, row: MailOutboxRow): Promise<MailMessage | null> {
  const account = await verificationState(db, row.userId)
  if (!account?.email) return null
  const t = tFor(row.locale)
  const accepted = await acceptancesForAction(db, {
    userId: row.userId,
    event: 'register',
    action: { type: 'account', id: row.userId },
  })
  const receipt = accepted.length ? [acceptedBlock(t, row.locale, row.baseUrl, 'register', accepted)] : []
  const confirmation = account.verifiedAt ? null : await confirmationParagraph(db, t, row)
  if (confirmation) {
    return {
      to: account.email,
      subject: t('email:mail.verify.subject'),
      text: [
        t('email:mail.verify.registered'),
        confirmation,
        ...receipt,
        t('email:mail.verify.notYou'),
        t('email:mail.signature'),
      ].join('\n\n'),
    }
  }
  // A provider vouched for the address: only the receipt.
  if (!receipt.length) return null
  return {
    to: account.email,
    subject: t('email:mail.welcome.subject'),
    text: [t('email:mail.welcome.text'), ...receipt, t('email:mail.signature')].join('\n\n'),
  }
}

async function verificationMail(db: Database, row: MailOutboxRow): Promise<MailMessage | null> {
  const account = await verificationState(db, row.userId)
  if (!account?.email || account.verifiedAt) return null
  const t = tFor(row.locale)
  const confirmation = await confirmationParagraph(db, t, row)
  if (!confirmation) return null
  return {
    to: account.email,
    subject: t('email:mail.verify.subject'),
    text: [
      t('email:mail.verify.resent'),
      confirmation,
      t('email:mail.verify.notAsked'),
      t('email:mail.signature'),
    ].join('\n\n'),
  }
}

async function paymentMail(db: Database, row: MailOutboxRow): Promise<MailMessage | null> {
  const account = await verificationState(db, row.userId)
  // Only ever to an address the person confirmed (checkout refuses any other).
  if (!account?.email || !account.verifiedAt || !row.referenceId) return null
  const order = await findOrder(db, row.referenceId, row.userId)
  if (!order?.paidAt) return null
  const t = tFor(row.locale)
  const locale = row.locale
  const accepted = await acceptancesForAction(db, {
    userId: row.userId,
    event: 'payment',
    action: { type: 'order', id: order.id },
  })
  return {
    to: account.email,
    subject: t('email:mail.payment.subject', { order: order.id }),
    text: [
      t('email:mail.payment.text', {
        amount: formatMoney(order.amountKopecks, locale),
        pack: order.packName,
        credits: t('common:credits', { count: order.credits }),
        order: order.id,
        date: formatDate(order.paidAt, locale, true),
      }),
      t(order.provider === 'sandbox' ? 'email:mail.payment.sandbox' : 'email:mail.payment.fiscal'),
      ...(accepted.length ? [acceptedBlock(t, locale, row.baseUrl, 'payment', accepted)] : []),
      t('email:mail.payment.payments', { link: absoluteLink(row.baseUrl, `/${locale}/account/payments`) }),
      t('email:mail.signature'),
    ].join('\n\n'),
  }
}

async function registrationAttemptMail(db: Database, row: MailOutboxRow): Promise<MailMessage | null> {
  const account = await verificationState(db, row.userId)
  if (!account?.email) return null
  const t = tFor(row.locale)
  return {
    to: account.email,
    subject: t('email:mail.registrationAttempt.subject'),
    text: [
      t('email:mail.registrationAttempt.text'),
      t('email:mail.registrationAttempt.signIn', { link: absoluteLink(row.baseUrl, `/${row.locale}/login`) }),
      t('email:mail.registrationAttempt.reset', {
        link: absoluteLink(row.baseUrl, `/${row.locale}/forgot-password`),
      }),
      t('email:mail.registrationAttempt.notYou'),
      t('email:mail.signature'),
    ].join('\n\n'),
  }
}

/**
 * Advance notice of a material version (app/flows/legal-notices): only to a
 * confirmed address; without one, the notice on the account page is the
 * only one, and the record says the e-mail was not sent.
 */
async function legalNoticeMail(db: Database, row: MailOutboxRow): Promise<MailMessage | null> {
  const notice = row.referenceId ? await findNotice(db, row.referenceId) : null
  if (!notice) return null
  const account = await verificationState(db, row.userId)
  if (!account?.email || !account.verifiedAt) return null
  const version = await getArchivedVersion(db, notice.kind, notice.locale, notice.version)
  if (!version) return null
  const t = tFor(row.locale)
  const document = t(`common:documentKinds.${notice.kind}`)
  const date = formatDate(version.effectiveFrom, row.locale, true)
  const compare = `/${notice.locale}/${notice.kind}/changes?${new URLSearchParams({
    from: String(notice.acceptedVersion),
    to: String(notice.version),
  })}`
  return {
    to: account.email,
    subject: t('email:mail.notice.subject', { document, date: formatDate(version.effectiveFrom, row.locale) }),
    text: [
      t('email:mail.notice.text', {
        document,
        date,
        version: notice.version,
        accepted: notice.acceptedVersion,
        language: t(`email:mail.notice.languages.${notice.locale}`),
      }),
      ...(version.changeSummary ? [t('email:mail.notice.summary', { summary: version.changeSummary })] : []),
      t('email:mail.notice.compare', { link: absoluteLink(row.baseUrl, compare) }),
      t('email:mail.notice.next', { link: absoluteLink(row.baseUrl, `/${row.locale}/account/delete`) }),
      t('email:mail.notice.why'),
      t('email:mail.signature'),
    ].join('\n\n'),
  }
}

/** Builds the mail a row owes; null when there is nothing left to send. */
export async function renderAccountMail(db: Database, row: MailOutboxRow): Promise<MailMessage | null> {
  switch (row.kind) {
    case 'registration':
      return registrationMail(db, row)
    case 'verification':
      return verificationMail(db, row)
    case 'payment':
      return paymentMail(db, row)
    case 'registration-attempt':
      return registrationAttemptMail(db, row)
    case 'legal-notice':
      return legalNoticeMail(db, row)
  }
}

/** Records what became of a mail where its part keeps a record of it (advance notices). */
export const accountMailFinished: MailOutcomeListener = async (db, row, outcome) => {
  if (row.kind !== 'legal-notice' || !row.referenceId) return
  await recordNoticeMail(db, row.referenceId, outcome === 'dropped' ? 'not-sent' : outcome)
}

/** Sends owed account mail now (the rows `ids`, or all that are due). */
export function deliverAccountMail(
  db: Database,
  options: Omit<DeliveryOptions, 'render'> = {},
): Promise<DeliveryReport> {
  return deliverMail(db, { onFinished: accountMailFinished, ...options, render: renderAccountMail })
}

/**
 * Starts sending right after the transaction that owed the mail, without
 * making the response wait for the mail server. Whatever fails here is
 * retried by the periodic delivery.
 */
export function deliverAccountMailSoon(ids?: Array<string | null>): void {
  const wanted = ids?.filter((id): id is string => typeof id === 'string')
  if (wanted && wanted.length === 0) return
  void (async () => {
    try {
      await deliverAccountMail(await getDb(), { ids: wanted })
    } catch (error) {
      logger.error({ err: error, event: 'mail.outbox.deliver-now-failed' }, 'sending owed mail failed; will retry')
    }
  })()
}
