import fs from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import nodemailer from 'nodemailer'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { resetEnvForTests } from '~/platform/env.server'
import { createMailer, listStoredMail, mailPreviewEnabled, readStoredMail, sendMail } from './mailer.server'

let tmp: string
beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'palitra-mail-'))
})
afterAll(async () => {
  await fs.rm(tmp, { recursive: true, force: true })
})

const message = { to: 'reader@mail.example', subject: 'Привет', text: 'Line one\nLine two' }

describe('without SMTP: stored under DATA_DIR/mail', () => {
  it('writes the message as JSON and lists it, newest first', async () => {
    const dataDir = path.join(tmp, 'stored')
    const mailer = createMailer({ from: 'Palitra <no-reply@palitra.example>', dataDir })
    const first = await mailer.send(message)
    const second = await mailer.send({ ...message, subject: 'Second', html: '<p>Second</p>' })

    expect(first.via).toBe('file')
    expect(first.file).toBe(path.join(dataDir, 'mail', `${first.id}.json`))
    const onDisk = JSON.parse(await fs.readFile(first.file!, 'utf8'))
    expect(onDisk).toMatchObject({ id: first.id, from: 'Palitra <no-reply@palitra.example>', ...message })
    expect(new Date(onDisk.date).toISOString()).toBe(onDisk.date)

    const list = await listStoredMail({ dataDir })
    expect(list.map((m) => m.id)).toEqual([second.id, first.id])
    expect(list[0]).toEqual({ id: second.id, to: message.to, subject: 'Second', date: expect.any(String) })
    expect(await readStoredMail(second.id, { dataDir })).toMatchObject({ html: '<p>Second</p>' })
  })

  it('reads nothing outside its folder and ignores unknown ids', async () => {
    const dataDir = path.join(tmp, 'stored')
    await fs.writeFile(path.join(tmp, 'secret.json'), '{"secret":true}')
    expect(await readStoredMail('../secret', { dataDir })).toBeNull()
    expect(await readStoredMail('../../etc/passwd', { dataDir })).toBeNull()
    expect(await readStoredMail('20250101T000000000Z-00000000', { dataDir })).toBeNull()
  })

  it('lists nothing when there is no mail folder yet', async () => {
    expect(await listStoredMail({ dataDir: path.join(tmp, 'empty') })).toEqual([])
  })
})

describe('sendMail with the process settings', () => {
  const saved = {
    DATA_DIR: process.env.DATA_DIR,
    SMTP_URL: process.env.SMTP_URL,
    NODE_ENV: process.env.NODE_ENV,
    PUBLIC_URL: process.env.PUBLIC_URL,
  }
  afterEach(() => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name]
      else process.env[name] = value
    }
    resetEnvForTests()
  })

  it('stores mail under DATA_DIR when SMTP_URL is not set', async () => {
    process.env.DATA_DIR = path.join(tmp, 'env-data')
    delete process.env.SMTP_URL
    resetEnvForTests()
    const sent = await sendMail(message)
    expect(sent.via).toBe('file')
    expect((await listStoredMail()).map((m) => m.id)).toEqual([sent.id])
    expect(await readStoredMail(sent.id)).toMatchObject(message)
  })

  it('never shows stored mail in production', async () => {
    process.env.DATA_DIR = path.join(tmp, 'env-data')
    process.env.NODE_ENV = 'production'
    process.env.PUBLIC_URL = 'https://palitra.example'
    resetEnvForTests()
    expect(mailPreviewEnabled()).toBe(false)
    expect(await listStoredMail()).toEqual([])
    const [anyId] = await fs.readdir(path.join(tmp, 'env-data', 'mail'))
    expect(await readStoredMail(anyId!.replace(/\.json$/, ''))).toBeNull()
    expect(mailPreviewEnabled({ NODE_ENV: 'development' })).toBe(true)
  })
})

describe('with a transport (SMTP in production)', () => {
  it('hands the message to nodemailer with the sender and writes no file', async () => {
    const transport = nodemailer.createTransport({ jsonTransport: true })
    const spy = vi.spyOn(transport, 'sendMail')
    const dataDir = path.join(tmp, 'smtp')
    const mailer = createMailer({ from: 'Palitra <no-reply@palitra.example>', dataDir, transport })

    const sent = await mailer.send({ ...message, html: '<p>Line one</p>' })
    expect(sent.via).toBe('smtp')
    expect(sent.id).toMatch(/@/)
    const info = (await spy.mock.results[0]!.value) as { message: string }
    const envelope = JSON.parse(info.message)
    expect(envelope).toMatchObject({
      from: { address: 'no-reply@palitra.example', name: 'Palitra' },
      to: [{ address: 'reader@mail.example', name: '' }],
      subject: 'Привет',
      text: 'Line one\nLine two',
      html: '<p>Line one</p>',
    })
    await expect(fs.stat(path.join(dataDir, 'mail'))).rejects.toThrow()
  })

  it('passes a transport failure to the caller', async () => {
    const transport = nodemailer.createTransport({ jsonTransport: true })
    vi.spyOn(transport, 'sendMail').mockRejectedValue(new Error('connection refused'))
    const mailer = createMailer({ from: 'a@palitra.example', dataDir: tmp, transport })
    await expect(mailer.send(message)).rejects.toThrow('connection refused')
  })
})
