import { describe, expect, it } from 'vitest'
import { isRenderablePath } from './request-path'

describe('isRenderablePath', () => {
  it.each(['/', '/en', '/en/privacy/v/2', '/ru/%D0%BF%D1%80%D0%B8%D0%B2%D0%B5%D1%82', '/en/%zz', '/en/a%20b'])(
    'renders %s',
    (path) => {
      expect(isRenderablePath(path)).toBe(true)
    },
  )

  it.each([
    '/%09',
    '/%0a',
    '/%0d',
    '/%09%09',
    '/%09/',
    '/%5C',
    '/en/%5C',
    '/%5c%5cevil.example',
    '/en/%00',
    '/en/%7f',
    '/x/%0d%0a',
  ])('does not render %s (a control character or a backslash once decoded)', (path) => {
    expect(isRenderablePath(path)).toBe(false)
  })
})
