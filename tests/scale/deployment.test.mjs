// What a scaled deployment runs, on one machine: two web instances
// (build/server-entry.js, each with its own DATA_DIR as on separate
// machines) and `npm run worker` processes (build/worker-entry.js) on one
// throwaway PostgreSQL database and a real S3-compatible server (s3rver),
// with the bank and the image provider as stand-ins on loopback ports.
// A guest and a user spend across both instances, the bank's notifications
// arrive twice at both, and the worker is killed in the middle of a job.
// Run with `npm run test:scale` (after `npm run build`).
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { after, before, test } from 'node:test'
import { freePort } from '../e2e/support/production-server.mjs'
import { startS3Server } from '../support/s3-server.mjs'
import {
  createThrowawayDatabase,
  hiddenField,
  newClient,
  samplePhoto,
  startOpenAiStandIn,
  startTbankStandIn,
  startWebProcess,
  startWorkerProcess,
} from './support.mjs'

const TERMINAL = { terminalKey: 'PalitraScaleDEMO', password: 'scale-test-password' }
const FREE_CREDITS = 4

let db, s3, bank, engine
const webs = []
const workers = []
const dataDirs = []

/** Settings every process shares (as a deployment's secret store would give them). */
let shared

before(async () => {
  db = await createThrowawayDatabase()
  s3 = await startS3Server({ buckets: ['palitra-scale'] })
  bank = await startTbankStandIn(TERMINAL)
  engine = await startOpenAiStandIn()
  shared = {
    DATABASE_URL: db.url,
    SESSION_SECRET: randomBytes(32).toString('hex'),
    S3_BUCKET: 'palitra-scale',
    S3_REGION: 'us-east-1',
    S3_ENDPOINT: s3.endpoint,
    S3_ACCESS_KEY_ID: s3.accessKeyId,
    S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
    S3_FORCE_PATH_STYLE: 'true',
    MEDIA_DIR_SHARED: '',
    IMAGE_ENGINE: 'openai',
    OPENAI_API_KEY: 'sk-scale-test-not-a-key',
    OPENAI_BASE_URL: engine.url,
    OPENAI_IMAGE_MODEL: 'gpt-image-1',
    ENGINE_RETRIES: '0',
    ENGINE_TIMEOUT_MS: '60000',
    JOB_LEASE_SECONDS: '5',
    JOB_MAX_ATTEMPTS: '3',
    GUEST_FREE_CREDITS: String(FREE_CREDITS),
    TBANK_TERMINAL_KEY: TERMINAL.terminalKey,
    TBANK_PASSWORD: TERMINAL.password,
    TBANK_API_URL: bank.url,
    SMTP_URL: '',
    SANITY_PROJECT_ID: '',
    // The web instances only serve; jobs run in the worker processes.
    WORKER_CONCURRENCY: '0',
  }
  for (let i = 0; i < 2; i++) {
    const port = await freePort()
    const dataDir = mkdtempSync(path.join(os.tmpdir(), `palitra-scale-web${i}-`))
    dataDirs.push(dataDir)
    const web = await startWebProcess({ port, dataDir, env: { ...shared, PUBLIC_URL: `http://127.0.0.1:${port}` } })
    if (!web.started) throw new Error(`web instance ${i} exited at start:\n${web.output()}`)
    webs.push(web)
  }
})

after(async () => {
  for (const worker of workers) await worker.stop().catch(() => {})
  for (const web of webs) await web.stop().catch(() => {})
  await engine?.close()
  await bank?.close()
  await s3?.stop()
  await db?.drop()
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true })
})

function workerEnv() {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'palitra-scale-worker-'))
  dataDirs.push(dataDir)
  // Production needs PUBLIC_URL everywhere; behind a load balancer it is the one public address.
  return { ...shared, DATA_DIR: dataDir, PUBLIC_URL: webs[0].url, WORKER_PROCESS_CONCURRENCY: '2' }
}

async function startWorker() {
  const worker = startWorkerProcess(workerEnv())
  workers.push(worker)
  await worker.started
  return worker
}

/** Submits the generation form (multipart, as a browser without JavaScript does); the new job's id. */
async function generate(client, web, { prompt, count = 1, photo = null }) {
  const form = new FormData()
  form.set('prompt', prompt)
  form.set('style', 'none')
  form.set('aspectRatio', '1:1')
  form.set('count', String(count))
  if (photo) form.set('photo', new Blob([photo], { type: 'image/png' }), 'photo.png')
  const response = await client.postMultipart(web.url, '/en?index', form)
  assert.equal(response.status, 303, `generating "${prompt}" on ${web.url}: ${response.status}`)
  const id = /\/en\/generations\/([0-9a-f-]{36})$/.exec(response.headers.get('location') ?? '')?.[1]
  assert.ok(id, `a job id in ${response.headers.get('location')}`)
  return id
}

/** Waits until every job has ended (the deadline only stops a hung run; nothing here is timed). */
async function jobsEnded(ids, deadlineMs = 120_000) {
  const deadline = Date.now() + deadlineMs
  for (;;) {
    const rows = await db.query(`select id, status from generation_jobs where id = any($1::uuid[])`, [ids])
    if (rows.length === ids.length && rows.every((r) => ['done', 'failed', 'canceled'].includes(r.status))) return
    if (Date.now() > deadline) throw new Error(`jobs still not ended: ${JSON.stringify(rows)}`)
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
}

async function balanceInDb(owner) {
  const [row] = await db.query(`select balance from credit_balances where owner = $1`, [owner])
  return row?.balance ?? 0
}

async function apiJob(client, web, id) {
  const response = await client.get(web.url, `/api/generations/${id}`)
  assert.equal(response.status, 200, `job ${id} on ${web.url}`)
  return response.json()
}

test('two web instances and worker processes on one PostgreSQL and one S3 bucket keep one truth', async (t) => {
  const [a, b] = webs
  const photo = await samplePhoto()
  const allJobs = []

  // --- a guest, starting on A and spending on both ---------------------------------------
  const guest = newClient()
  const guestPage = await guest.get(a.url, '/en/guest')
  assert.equal(guestPage.status, 200)
  const started = await guest.postForm(a.url, '/en/guest', {
    shownVersions: hiddenField(await guestPage.text(), 'shownVersions'),
    accept_terms: 'yes',
    accept_privacy: 'yes',
    accept_consent: 'yes',
  })
  assert.equal(started.status, 302, 'the guest session starts on A')
  const [guestRow] = await db.query(`select id from guests order by created_at desc limit 1`)
  const guestOwner = `guest:${guestRow.id}`
  assert.equal(await balanceInDb(guestOwner), FREE_CREDITS)

  // --- a user, registering on A and paying on B ------------------------------------------
  const user = newClient()
  const email = `buyer-${randomBytes(4).toString('hex')}@palitra.example`
  const registerPage = await user.get(a.url, '/en/register')
  const registered = await user.postForm(a.url, '/en/register', {
    email,
    password: 'a long and private passphrase',
    shownVersions: hiddenField(await registerPage.text(), 'shownVersions'),
    accept_terms: 'yes',
    accept_privacy: 'yes',
    accept_consent: 'yes',
  })
  // Registering starts no session (it must not reveal whether the address had an account): sign in, on B.
  assert.equal(registered.status, 303, 'registering on A')
  assert.equal(registered.headers.get('location'), '/en/register/sent')
  const signedIn = await user.postForm(b.url, '/en/login', { email, password: 'a long and private passphrase' })
  assert.equal(signedIn.status, 302, 'signing in on B')
  const [userRow] = await db.query(`select id from users where email = $1`, [email])
  const userOwner = `user:${userRow.id}`
  // Receipts need a confirmed address; confirming by mail is covered by the e2e suite.
  await db.query(`update users set email_verified_at = now() where id = $1`, [userRow.id])

  await t.test('duplicate bank notifications to both instances credit the purchase once', async () => {
    const pricing = await (await user.get(b.url, '/en/pricing')).text()
    const checkoutPath = /href="(\/en\/checkout\/[^"]+)"/.exec(pricing)?.[1]
    assert.ok(checkoutPath, 'a pack to buy on the pricing page')
    const checkoutPage = await user.get(b.url, checkoutPath)
    assert.equal(checkoutPage.status, 200)
    const paid = await user.postForm(b.url, checkoutPath, {
      shownVersions: hiddenField(await checkoutPage.text(), 'shownVersions'),
      accept_terms: 'yes',
    })
    assert.equal(paid.status, 303, 'checkout on B sends the buyer to the bank')
    const [payment] = [...bank.payments.values()]
    assert.equal(paid.headers.get('location'), payment.PaymentURL)
    const [order] = await db.query(`select id, credits, amount_kopecks from orders where user_id = $1`, [userRow.id])
    assert.equal(order.id, payment.OrderId)
    assert.equal(order.amount_kopecks, payment.Amount)

    // The bank retries: the same signed notification twice at each instance, at once.
    const notification = bank.notification(payment.PaymentId, 'CONFIRMED')
    const answers = await Promise.all(
      [a, b, a, b].map((web) =>
        fetch(`${web.url}/webhooks/tbank`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(notification),
        }).then(async (response) => [response.status, await response.text()]),
      ),
    )
    assert.deepEqual(answers, [
      [200, 'OK'],
      [200, 'OK'],
      [200, 'OK'],
      [200, 'OK'],
    ])
    const purchases = await db.query(
      `select delta from credit_movements where owner = $1 and reason = 'purchase' and reference_id = $2`,
      [userOwner, order.id],
    )
    assert.deepEqual(
      purchases.map((p) => p.delta),
      [order.credits],
    )
    assert.equal(await balanceInDb(userOwner), order.credits)
    t.diagnostic(`bought ${order.credits} credits`)
  })
  const [{ credits: bought }] = await db.query(`select credits from orders where user_id = $1`, [userRow.id])

  // --- jobs on both instances, run by the worker process ----------------------------------
  let worker = await startWorker()

  await t.test('jobs submitted on either instance run in the worker, with their photos from the bucket', async () => {
    // The guest's four free credits are all charged before the refusal gives one back.
    const jobs = [
      { client: guest, web: a, prompt: 'a red kite over hills', count: 2 },
      { client: guest, web: b, prompt: 'a lighthouse from my photo', count: 1, photo },
      { client: guest, web: a, prompt: 'REFUSE this one', count: 1 },
      { client: user, web: a, prompt: 'two foxes in snow, from my photo', count: 2, photo },
      { client: user, web: b, prompt: 'REFUSE this too', count: 1 },
    ]
    const ids = []
    for (const job of jobs) ids.push(await generate(job.client, job.web, job))
    allJobs.push(...ids)
    await jobsEnded(ids)
    assert.ok(engine.calls.edits >= 2, 'the photos reached the engine')
  })

  await t.test('a worker killed in the middle of a job: the job is taken over and done once', async () => {
    const id = await generate(user, b, { prompt: 'HOLD a paper boat on a pond', count: 1 })
    allJobs.push(id)
    await engine.onHeld
    const killed = await worker.kill()
    assert.equal(killed.signal, 'SIGKILL')
    const [running] = await db.query(`select status, attempts from generation_jobs where id = $1`, [id])
    assert.deepEqual(running, { status: 'running', attempts: 1 })
    worker = await startWorker()
    await jobsEnded([id])
    const [job] = await db.query(`select status, attempts, refunded_credits from generation_jobs where id = $1`, [id])
    assert.deepEqual(job, { status: 'done', attempts: 2, refunded_credits: 0 })
    assert.equal(engine.calls.HOLD, 2)
  })

  await t.test('a guest cannot spend more than is left, on either instance', async () => {
    assert.equal(await balanceInDb(guestOwner), 1)
    const before = await db.query(`select count(*)::int as n from generation_jobs where owner = $1`, [guestOwner])
    const form = new FormData()
    form.set('prompt', 'two more, please')
    form.set('style', 'none')
    form.set('aspectRatio', '1:1')
    form.set('count', '2')
    const refused = await guest.postMultipart(b.url, '/en?index', form)
    assert.ok(refused.status >= 400 && refused.status < 500, `a 4xx, got ${refused.status}`)
    const afterwards = await db.query(`select count(*)::int as n from generation_jobs where owner = $1`, [guestOwner])
    assert.equal(afterwards[0].n, before[0].n)
  })

  await t.test('balances are exact and every job is done or refunded exactly once', async () => {
    const jobs = await db.query(
      `select id, owner, status, cost, refunded_credits, failure_code from generation_jobs where id = any($1::uuid[])`,
      [allJobs],
    )
    assert.equal(jobs.length, allJobs.length)
    for (const job of jobs) {
      const charges = await db.query(
        `select delta from credit_movements where reason = 'generation' and reference_id = $1`,
        [job.id],
      )
      const refunds = await db.query(
        `select delta from credit_movements where reason = 'refund' and reference_id = $1`,
        [job.id],
      )
      assert.deepEqual(
        charges.map((c) => c.delta),
        [-job.cost],
        `job ${job.id} charged once`,
      )
      if (job.status === 'done') {
        assert.equal(refunds.length, 0, `done job ${job.id} is not refunded`)
        assert.equal(job.refunded_credits, 0)
      } else {
        assert.equal(job.status, 'failed', `job ${job.id} ended`)
        assert.equal(job.failure_code, 'rejected-by-provider')
        assert.deepEqual(
          refunds.map((r) => r.delta),
          [job.cost],
          `failed job ${job.id} refunded once`,
        )
        assert.equal(job.refunded_credits, job.cost)
      }
    }
    const spent = (owner) =>
      jobs.filter((j) => j.owner === owner).reduce((sum, j) => sum + j.cost - j.refunded_credits, 0)
    // Guest: 4 free credits; 2 + 1 images made, 1 refused and refunded.
    assert.equal(spent(guestOwner), 3)
    assert.equal(await balanceInDb(guestOwner), FREE_CREDITS - 3)
    // User: the pack; 2 + 1 images made, 1 refused and refunded.
    assert.equal(spent(userOwner), 3)
    assert.equal(await balanceInDb(userOwner), bought - 3)
    // Every instance tells each person the same balance.
    for (const web of webs) {
      assert.equal((await apiJob(guest, web, jobs.find((j) => j.owner === guestOwner).id)).balance, FREE_CREDITS - 3)
      assert.equal((await apiJob(user, web, jobs.find((j) => j.owner === userOwner).id)).balance, bought - 3)
    }
  })

  await t.test('every image and uploaded photo is readable from both instances', async () => {
    const done = await db.query(`select id, owner, source_image_key from generation_jobs where id = any($1::uuid[])`, [
      allJobs,
    ])
    let images = 0
    for (const job of done) {
      const client = job.owner.startsWith('guest:') ? guest : user
      const rows = await db.query(`select index from generation_images where job_id = $1 order by index`, [job.id])
      const paths = rows.map((r) => `/media/generations/${job.id}/${r.index}`)
      if (job.source_image_key) paths.push(`/media/uploads/${job.id}`)
      for (const pathname of paths) {
        const bodies = []
        for (const web of webs) {
          const response = await client.get(web.url, pathname)
          assert.equal(response.status, 200, `${pathname} on ${web.url}`)
          assert.match(response.headers.get('content-type') ?? '', /^image\//)
          bodies.push(Buffer.from(await response.arrayBuffer()))
        }
        assert.ok(bodies[0].length > 0)
        assert.ok(bodies[0].equals(bodies[1]), `${pathname} is the same on both instances`)
        images++
      }
      // And nobody else sees them.
      if (paths.length > 0) {
        const stranger = newClient()
        assert.notEqual((await stranger.get(a.url, paths[0])).status, 200)
      }
    }
    assert.ok(images >= 8, `checked ${images} files`)
  })
})
