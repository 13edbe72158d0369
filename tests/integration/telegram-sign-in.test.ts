import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type * as LoginRoute from '~/routes/$lang.login'
import type * as TelegramRoute from '~/routes/$lang.login_.telegram'
import { isolateProcessDatabase } from '../db'
import { closeAppResources, statusOf, thrownBy } from './support'

// The sign-in page and the Telegram step, through their loaders, with
// Telegram sign-in switched on. What reaches the browser is checked in
// tests/e2e/telegram-sign-in.spec.ts (the pages' HTML and the requests the
// browser makes).
const dir = mkdtempSync(path.join(tmpdir(), 'palitra-telegram-'))
process.env.DATA_DIR = dir
process.env.SESSION_SECRET = 'a-test-session-secret-that-is-long-enough-123'
const BOT_NAME = 'PalitraTestBot'
const ORIGIN = 'http://localhost'

let dropOwnDatabase: () => Promise<void> = async () => {}
let login: typeof LoginRoute
let telegram: typeof TelegramRoute

async function telegramOn(on: boolean) {
  if (on) {
    process.env.TELEGRAM_BOT_TOKEN = '123456:test-bot-token'
    process.env.TELEGRAM_BOT_NAME = BOT_NAME
  } else {
    delete process.env.TELEGRAM_BOT_TOKEN
    delete process.env.TELEGRAM_BOT_NAME
  }
  const { resetEnvForTests } = await import('~/platform/env.server')
  resetEnvForTests()
}

beforeAll(async () => {
  dropOwnDatabase = await isolateProcessDatabase()
  const { getDb } = await import('~/platform/db/client.server')
  await getDb()
  login = await import('~/routes/$lang.login')
  telegram = await import('~/routes/$lang.login_.telegram')
})
afterEach(() => telegramOn(true))
afterAll(async () => {
  await telegramOn(false)
  await closeAppResources()
  rmSync(dir, { recursive: true, force: true })
  await dropOwnDatabase()
})

const args = (url: string, lang: string, headers: Record<string, string> = {}) => ({
  request: new Request(`${ORIGIN}${url}`, { headers }),
  params: { lang },
  context: {},
})

describe('signing in with Telegram', () => {
  it('lists Telegram on the sign-in page without anything the widget needs', async () => {
    await telegramOn(true)
    const page = await login.loader(args('/en/login', 'en'))
    expect(page.providers).toContainEqual({ id: 'telegram', label: 'Telegram' })
    // Neither the bot nor the widget's return address: the page cannot start the widget.
    const serialized = JSON.stringify(page)
    expect(serialized).not.toContain('telegram.org')
    expect(serialized).not.toContain(BOT_NAME)
    expect(serialized).not.toContain('/auth/telegram/callback')
  })

  it('gives the Telegram step the bot and the return address', async () => {
    await telegramOn(true)
    const page = await telegram.loader(args('/ru/login/telegram', 'ru'))
    expect(page).toMatchObject({
      locale: 'ru',
      title: 'Вход через Telegram — Палитра',
      widget: { botName: BOT_NAME, authUrl: `${ORIGIN}/auth/telegram/callback` },
    })
  })

  it('has no Telegram step when Telegram sign-in is off', async () => {
    await telegramOn(false)
    expect(statusOf(await thrownBy(() => telegram.loader(args('/en/login/telegram', 'en'))))).toBe(404)
    const page = await login.loader(args('/en/login', 'en'))
    expect(page.providers.map((p) => p.id)).not.toContain('telegram')
  })
})
