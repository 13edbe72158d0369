import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { formText, parseForm } from './form-schema.server'

const SIGN_UP = z
  .object({
    email: formText({ max: 20 }).refine((email) => email.includes('@'), 'errors.emailInvalid'),
    password: formText({ trim: false }).refine((password) => password.length >= 8, 'errors.passwordTooShort'),
    note: formText({ max: 5 }),
  })
  .superRefine(({ email, password }, context) => {
    if (email && password.includes(email))
      context.addIssue({ code: 'custom', path: ['password'], message: 'errors.contains' })
    if (email === 'blocked@x') context.addIssue({ code: 'custom', message: 'errors.blocked' })
  })

function form(fields: Record<string, string | Blob>): FormData {
  const data = new FormData()
  for (const [name, value] of Object.entries(fields)) data.set(name, value)
  return data
}

describe('parseForm', () => {
  it('gives the typed values: trimmed and cut to length unless told otherwise', () => {
    const parsed = parseForm(
      form({ email: '  a@b.example  ', password: '  long enough  ', note: 'abcdefgh' }),
      SIGN_UP,
      {
        secrets: ['password'],
      },
    )
    expect(parsed).toEqual({
      ok: true,
      data: { email: 'a@b.example', password: '  long enough  ', note: 'abcde' },
      values: { email: 'a@b.example', note: 'abcdefgh' },
    })
  })

  it('refuses with one message key per field and echoes the values, never a secret', () => {
    const parsed = parseForm(form({ email: ' nope ', password: 'short' }), SIGN_UP, { secrets: ['password'] })
    expect(parsed).toEqual({
      ok: false,
      failure: {
        fieldErrors: { email: 'errors.emailInvalid', password: 'errors.passwordTooShort' },
        values: { email: 'nope', note: '' },
      },
    })
  })

  it('keeps the first problem of a field, and puts a problem without a field on the form', () => {
    const parsed = parseForm(form({ email: 'blocked@x', password: 'blocked@x' }), SIGN_UP)
    expect(parsed.ok).toBe(false)
    if (parsed.ok) return
    expect(parsed.failure.fieldErrors).toEqual({ password: 'errors.contains' })
    expect(parsed.failure.formError).toBe('errors.blocked')
    expect(parsed.failure.values).toEqual({ email: 'blocked@x', password: 'blocked@x', note: '' })
  })

  it('reads a missing field and a file in place of text as empty', () => {
    const parsed = parseForm(form({ email: new Blob(['x@y']) }), SIGN_UP)
    expect(parsed.ok).toBe(false)
    if (parsed.ok) return
    expect(parsed.failure.fieldErrors.email).toBe('errors.emailInvalid')
    expect(parsed.failure.values).toEqual({ email: '', password: '', note: '' })
  })
})

describe('parseForm over the text fields of a multipart body', () => {
  const CHOICE = z.object({ size: formText({ missing: 'small' }), note: formText() })

  it('reads a record like form data, and a field left out as its `missing` value', () => {
    expect(parseForm({ note: ' hi ' }, CHOICE)).toEqual({
      ok: true,
      data: { size: 'small', note: 'hi' },
      values: { size: '', note: 'hi' },
    })
    expect(parseForm({ size: '', note: '' }, CHOICE)).toMatchObject({ ok: true, data: { size: '', note: '' } })
  })
})
