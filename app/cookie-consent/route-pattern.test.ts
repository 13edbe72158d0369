import { describe, expect, it } from 'vitest'
import { isRoutePattern, routePattern } from './route-pattern'

describe('routePattern', () => {
  it('replaces every captured value with its parameter name', () => {
    expect(routePattern('/en', { lang: 'en' })).toBe('/:lang')
    expect(routePattern('/ru/pricing', { lang: 'ru' })).toBe('/:lang/pricing')
    expect(routePattern('/ru/privacy/v/2', { lang: 'ru', kind: 'privacy', version: '2' })).toBe(
      '/:lang/:kind/v/:version',
    )
    expect(
      routePattern('/en/generations/0b9c5d2e-6a43-4f0e-9a59-1d0c7c9ad2f1', {
        lang: 'en',
        id: '0b9c5d2e-6a43-4f0e-9a59-1d0c7c9ad2f1',
      }),
    ).toBe('/:lang/generations/:id')
    expect(routePattern('/en/checkout/ord_42/done', { lang: 'en', orderId: 'ord_42' })).toBe(
      '/:lang/checkout/:orderId/done',
    )
  })

  it('never keeps the rest of an unknown address', () => {
    expect(routePattern('/en/some/secret-path', { lang: 'en', '*': 'some/secret-path' })).toBe('/:lang/*')
    expect(routePattern('/en/%D1%8F', { lang: 'en', '*': 'я' })).toBe('/:lang/*')
  })

  it('has no query string to keep: only the path is given', () => {
    expect(routePattern('/ru/privacy/changes', { lang: 'ru', kind: 'privacy' })).toBe('/:lang/:kind/changes')
  })
})

describe('isRoutePattern', () => {
  it('accepts the shapes routePattern makes', () => {
    for (const p of ['/:lang', '/:lang/pricing', '/:lang/:kind/v/:version', '/:lang/*', '/:lang/account/export.json']) {
      expect(isRoutePattern(p), p).toBe(true)
    }
  })

  it('refuses addresses with values, queries, other roots or odd characters', () => {
    for (const p of [
      '',
      '/',
      '/en/pricing',
      '/:lang/pricing?x=1',
      '/:lang/Pricing',
      '/:lang/a@b.example',
      '/:lang//x',
      'https://mail.example/:lang',
      `/:lang/${'a'.repeat(300)}`,
      42,
      null,
    ]) {
      expect(isRoutePattern(p), String(p)).toBe(false)
    }
  })
})
