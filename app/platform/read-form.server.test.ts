import { describe, expect, it } from 'vitest'
import { readForm } from './read-form.server'

async function refusal(request: Request) {
  try {
    await readForm(request)
  } catch (thrown) {
    const result = thrown as { data: string; init: { status: number } }
    return { status: result.init.status, message: result.data }
  }
  throw new Error('expected a refusal')
}

describe('readForm', () => {
  it('reads an url-encoded form', async () => {
    const form = await readForm(
      new Request('http://x/ru/login', {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: 'email=a%40b.example&password=x',
      }),
    )
    expect(form.get('email')).toBe('a@b.example')
  })

  it('refuses a body that is not a form with a localized 415', async () => {
    const result = await refusal(new Request('http://x/en/guest', { method: 'POST', body: '{"a":1}' }))
    expect(result.status).toBe(415)
    expect(result.message).toMatch(/does not look like a form/)
    const ru = await refusal(
      new Request('http://x/ru/guest', { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: 'x' }),
    )
    expect(ru.message).toMatch(/не похож на отправку формы/)
  })

  it('refuses an oversized form with 413, whether or not it declares its length', async () => {
    const body = `a=${'x'.repeat(70 * 1024)}`
    const declared = await refusal(
      new Request('http://x/en/login', {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': String(body.length) },
        body,
      }),
    )
    expect(declared.status).toBe(413)
    const undeclared = await refusal(
      new Request('http://x/en/login', {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body,
      }),
    )
    expect(undeclared.status).toBe(413)
  })

  it('refuses a malformed multipart body with 400', async () => {
    const result = await refusal(
      new Request('http://x/en/login', {
        method: 'POST',
        headers: { 'Content-Type': 'multipart/form-data; boundary=zzz' },
        body: 'not multipart at all',
      }),
    )
    expect(result.status).toBe(400)
  })
})
