import { setupServer } from 'msw/node'
import { sanityHandlers } from './sanity'

/**
 * One msw server for every outside vendor; each vendor's handlers live in
 * their own file here. Tests start it with
 * `server.listen({ onUnhandledRequest: 'error' })` and stop it in afterAll.
 */
export const handlers = [...sanityHandlers]

export const server = setupServer(...handlers)
