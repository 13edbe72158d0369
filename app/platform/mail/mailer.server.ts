/**
 * Outgoing mail. With SMTP_URL set, messages go out over SMTP; without it
 * they are written as JSON files under <DATA_DIR>/mail/, so sign-up and
 * password reset work on a fresh machine, and a development-only page lists
 * them.
 */
import { randomBytes } from 'node:crypto'
import fs from 'node:fs/promises'
import path from 'node:path'
import nodemailer, { type Transporter } from 'nodemailer'
import { getEnv, type Env } from '~/platform/env.server'
import { logger } from '~/platform/log.server'

export type MailMessage = { to: string; subject: string; text: string; html?: string }

export type SentMail = { id: string; via: 'smtp' | 'file'; file?: string }

export type StoredMail = {
  id: string
  from: string
  to: string
  subject: string
  text: string
  html?: string
  /** ISO 8601, UTC. */
  date: string
}

export type StoredMailSummary = Pick<StoredMail, 'id' | 'to' | 'subject' | 'date'>

export type Mailer = { send(message: MailMessage): Promise<SentMail> }

export type MailerOptions = {
  from: string
  /** Stored messages go to <dataDir>/mail/ when there is no transport. */
  dataDir: string
  /** An SMTP URL (smtp:// or smtps://): nodemailer connects to it. */
  smtpUrl?: string
  /** A ready transport (tests use nodemailer's JSON or stream transports); wins over smtpUrl. */
  transport?: Transporter
}

// Ids sort by time: an ISO timestamp made file-name safe, then random bytes.
const MAIL_ID = /^\d{8}T\d{9}Z-[0-9a-f]{8}$/

function newMailId(date: Date) {
  return `${date.toISOString().replace(/[-:.]/g, '')}-${randomBytes(4).toString('hex')}`
}

function mailDir(dataDir: string) {
  return path.join(dataDir, 'mail')
}

export function createMailer(options: MailerOptions): Mailer {
  let transport = options.transport
  if (!transport && options.smtpUrl) transport = nodemailer.createTransport(options.smtpUrl)

  if (transport) {
    const smtp = transport
    return {
      async send(message) {
        const info = await smtp.sendMail({ from: options.from, ...message })
        const id = String(info.messageId ?? newMailId(new Date()))
        logger.info({ event: 'mail.sent', messageId: id, subject: message.subject }, 'mail sent')
        return { id, via: 'smtp' }
      },
    }
  }

  return {
    async send(message) {
      const date = new Date()
      const id = newMailId(date)
      const stored: StoredMail = { id, from: options.from, ...message, date: date.toISOString() }
      const dir = mailDir(options.dataDir)
      await fs.mkdir(dir, { recursive: true })
      const file = path.join(dir, `${id}.json`)
      // Write then rename: the listing never sees half a message.
      await fs.writeFile(`${file}.tmp`, `${JSON.stringify(stored, null, 2)}\n`, { mode: 0o600 })
      await fs.rename(`${file}.tmp`, file)
      logger.info({ event: 'mail.stored', file, subject: message.subject }, 'mail stored (SMTP_URL is not set)')
      return { id, via: 'file', file }
    },
  }
}

// The process-wide mailer follows the parsed settings (tests reset them).
let cached: { env: Env; mailer: Mailer } | undefined

function defaultMailer(): Mailer {
  const env = getEnv()
  if (cached?.env !== env) {
    if (!env.SMTP_URL && env.NODE_ENV === 'production') {
      logger.warn({ event: 'mail.no-smtp' }, 'SMTP_URL is not set: mail is stored under DATA_DIR, not delivered')
    }
    cached = {
      env,
      mailer: createMailer({ from: env.MAIL_FROM, dataDir: env.dataDir, smtpUrl: env.SMTP_URL }),
    }
  }
  return cached.mailer
}

/** Sends a message through SMTP_URL, or stores it under DATA_DIR/mail when SMTP is not configured. */
export function sendMail(message: MailMessage): Promise<SentMail> {
  return defaultMailer().send(message)
}

/** Whether stored mail may be shown (the development mail page): never in production. */
export function mailPreviewEnabled(env: Pick<Env, 'NODE_ENV'> = getEnv()): boolean {
  return env.NODE_ENV !== 'production'
}

/** Stored messages, newest first (at most `limit`); empty in production. */
export async function listStoredMail(options: { dataDir?: string; limit?: number } = {}): Promise<StoredMailSummary[]> {
  if (!mailPreviewEnabled()) return []
  const dir = mailDir(options.dataDir ?? getEnv().dataDir)
  const names = await fs.readdir(dir).catch(() => [] as string[])
  const ids = names
    .filter((name) => name.endsWith('.json') && MAIL_ID.test(name.slice(0, -'.json'.length)))
    .map((name) => name.slice(0, -'.json'.length))
    .sort()
    .reverse()
    .slice(0, options.limit ?? 100)
  const messages = await Promise.all(ids.map((id) => readStoredMail(id, options)))
  return messages
    .filter((m): m is StoredMail => m !== null)
    .map(({ id, to, subject, date }) => ({ id, to, subject, date }))
}

/** One stored message by id, or null (unknown or malformed id, or production). */
export async function readStoredMail(id: string, options: { dataDir?: string } = {}): Promise<StoredMail | null> {
  // The id becomes a file name: only our own id shape, so no path tricks.
  if (!mailPreviewEnabled() || !MAIL_ID.test(id)) return null
  const file = path.join(mailDir(options.dataDir ?? getEnv().dataDir), `${id}.json`)
  try {
    return JSON.parse(await fs.readFile(file, 'utf8')) as StoredMail
  } catch {
    return null
  }
}
