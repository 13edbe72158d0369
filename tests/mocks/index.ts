import { setupServer } from 'msw/node'
import { googleHandlers } from './google'
import { kandinskyHandlers } from './kandinsky'
import { openaiHandlers } from './openai'
import { s3Handlers } from './s3'
import { sanityHandlers } from './sanity'
import { tbankHandlers } from './tbank'
import { vkHandlers } from './vk'
import { yandexHandlers } from './yandex'
import { yandexArtHandlers } from './yandex-art'

/**
 * One msw server for every outside vendor; each vendor's handlers live in
 * their own file here. Tests start it with
 * `server.listen({ onUnhandledRequest: 'error' })` and stop it in afterAll.
 */
export const handlers = [
  ...sanityHandlers,
  ...googleHandlers,
  ...yandexHandlers,
  ...vkHandlers,
  ...s3Handlers,
  ...openaiHandlers,
  ...tbankHandlers,
  ...yandexArtHandlers,
  ...kandinskyHandlers,
]

export const server = setupServer(...handlers)

// msw 2.15 can leave a mocked response whose body a client cancels (arctic
// does on 5xx token answers) hanging for ever (mswjs/interceptors #712,
// #799). Reading msw's own copy of every mocked response releases it.
server.events.on('response:mocked', ({ response }) => void response.arrayBuffer().catch(() => {}))
