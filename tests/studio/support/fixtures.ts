import { expect, test as base } from '@playwright/test'
import { dataset, projectId } from '../../../cms/environment'
import { seedDocuments } from './dataset'
import { SiteStandIn } from './site'
import { SanityStandIn } from './stand-in'
import { AUTH_TOKEN_STORAGE_KEY, COLLEAGUE_TOKEN, STUDIO_TOKEN, StudioPage } from './studio-page'
import { serveStudio, type StudioServer } from './studio-server'

export { AUTH_TOKEN_STORAGE_KEY, COLLEAGUE_TOKEN, STUDIO_TOKEN }

interface WorkerFixtures {
  /** The built Studio (cms/dist) on a loopback port. */
  studioServer: StudioServer
  /** The Sanity API stand-in: one per worker, its dataset reset before every test. */
  standIn: SanityStandIn
}

interface TestFixtures {
  /** Resets the stand-in before the test and fails the test on any request it did not know. */
  standInGuard: void
  /** The Studio in the test's page, signed in. */
  studio: StudioPage
  /** The web site (SANITY_STUDIO_SITE_URL) answered by Playwright in the test's page (every test). */
  site: SiteStandIn
}

export const test = base.extend<TestFixtures, WorkerFixtures>({
  studioServer: [
    // Playwright reads a fixture's dependencies from this pattern; this one has none.
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const server = await serveStudio()
      await use(server)
      await server.close()
    },
    { scope: 'worker' },
  ],

  standIn: [
    async ({ studioServer }, use) => {
      const standIn = await SanityStandIn.start({
        projectId,
        dataset,
        studioOrigin: studioServer.origin,
        token: STUDIO_TOKEN,
        colleagueToken: COLLEAGUE_TOKEN,
      })
      await use(standIn)
      await standIn.close()
    },
    { scope: 'worker' },
  ],

  // The browser resolves the Sanity host names to the stand-in and nothing else at all.
  launchOptions: [
    async ({ launchOptions, standIn }, use) => {
      await use({
        ...launchOptions,
        args: [...(launchOptions.args ?? []), `--host-resolver-rules=${standIn.hostResolverRules()}`],
      })
    },
    { scope: 'worker' },
  ],

  baseURL: async ({ studioServer }, use) => {
    await use(studioServer.origin)
  },

  // Signed in before the first page loads: the Studio reads a token login from localStorage.
  storageState: async ({ studioServer }, use) => {
    await use({
      cookies: [],
      origins: [
        {
          origin: studioServer.origin,
          localStorage: [{ name: AUTH_TOKEN_STORAGE_KEY, value: JSON.stringify({ token: STUDIO_TOKEN }) }],
        },
      ],
    })
  },

  standInGuard: [
    async ({ standIn }, use) => {
      standIn.reset(seedDocuments())
      await use()
      expect(standIn.unknownRequests, 'requests the Sanity stand-in does not know (method, host and path)').toEqual([])
      // Over HTTP/1.1 the listeners would starve each other (six connections per host).
      const listeners = standIn.requests.filter((request) => request.path.startsWith('/data/listen/'))
      expect(listeners.filter((request) => request.httpVersion !== '2.0').map((request) => request.path)).toEqual([])
    },
    { auto: true },
  ],

  studio: async ({ page, standIn }, use) => {
    await use(new StudioPage(page, standIn))
  },

  // Every test: the page never reaches a real site, and a request to an unknown path of it fails the test.
  site: [
    async ({ page, standIn, studioServer }, use) => {
      const site = new SiteStandIn(standIn, studioServer.origin)
      await site.attach(page)
      await use(site)
      expect(site.unknown, 'requests to the site the site stand-in does not know').toEqual([])
    },
    { auto: true },
  ],
})

export { expect }
