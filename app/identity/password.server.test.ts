import { describe, expect, it } from 'vitest'
import commonPasswordList from './common-passwords.json'
import {
  hashPassword,
  isCommonPassword,
  normalizeEmail,
  PASSWORD_MAX_LENGTH,
  validateNewPassword,
  verifyPassword,
} from './password.server'

describe('hashPassword and verifyPassword', () => {
  it('makes argon2id hashes with the configured cost and checks them', async () => {
    const hash = await hashPassword('Ｃorrect horse battery')
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/)
    // NFKC: the full-width letter and its ASCII form are the same password.
    expect(await verifyPassword(hash, 'Correct horse battery')).toBe(true)
    expect(await verifyPassword(hash, 'correct horse battery')).toBe(false)
  })

  it('treats something that is not a hash as a wrong password', async () => {
    expect(await verifyPassword('not-a-hash', 'whatever')).toBe(false)
    expect(await verifyPassword('', '')).toBe(false)
  })
})

describe('validateNewPassword', () => {
  const email = 'ivan.petrov@mail.example'

  it('accepts a long, unusual password', () => {
    expect(validateNewPassword('violet tram over the Neva', email)).toBeNull()
    expect(validateNewPassword('зелёный трамвай 42', email)).toBeNull()
    expect(validateNewPassword('x7#Kq9!mZp', null)).toBeNull()
  })

  it('counts characters, not bytes, for the length rules', () => {
    expect(validateNewPassword('short', email)).toBe('too-short')
    expect(validateNewPassword('nine char', email)).toBe('too-short')
    expect(validateNewPassword('ёжик в тумане', email)).toBeNull()
    expect(validateNewPassword('🎨🖌️🎨', email)).toBe('too-short')
    expect(validateNewPassword('ab3'.repeat(86), email)).toBe('too-long')
    expect(validateNewPassword(`${'abc7'.repeat(64)}`.slice(0, PASSWORD_MAX_LENGTH), email)).toBeNull()
  })

  it('refuses common passwords whatever their case, and listed words with digits or symbols added', () => {
    for (const weak of [
      'password123',
      'Password2024!',
      'QWERTY12345',
      'qwertyuiop',
      '1q2w3e4r5t',
      '1234567890',
      'gfhjkm12345', // "пароль" typed with the Latin layout on
      'ЙЦУКЕН12345',
      'Пароль2025!',
      'solnyshko1990',
      'iloveyou!!!',
      'Palitra2026',
      '01.01.2000',
      'monkey987654321',
      'zzzzzzzzzzzz',
      'abababababab',
    ]) {
      expect(validateNewPassword(weak, null), weak).toBe('common')
    }
  })

  it('refuses a password containing the e-mail address or its name part', () => {
    expect(validateNewPassword('my ivan.petrov@mail.example pass', email)).toBe('contains-email')
    expect(validateNewPassword('Ivan.Petrov-1987-spring', email)).toBe('contains-email')
    // A local part of three characters is too short to judge by.
    expect(validateNewPassword('the ivo chronicles', 'ivo@mail.example')).toBeNull()
  })

  it('keeps a list of several thousand lower-case entries', () => {
    expect(commonPasswordList.length).toBeGreaterThan(3000)
    for (const entry of commonPasswordList) {
      expect(entry).toBe(entry.normalize('NFKC').toLowerCase())
      expect(entry.length).toBeGreaterThanOrEqual(4)
    }
    expect(isCommonPassword('a calm unlisted sentence')).toBe(false)
  })
})

describe('normalizeEmail', () => {
  it('trims, applies NFKC and lower-cases', () => {
    expect(normalizeEmail('  Ivan.Petrov@Mail.EXAMPLE ')).toBe('ivan.petrov@mail.example')
    expect(normalizeEmail('ｉｖａｎ@ｍａｉｌ.ｅｘａｍｐｌｅ')).toBe('ivan@mail.example')
  })

  it('turns an internationalized domain into its ASCII form, so each spelling is one address', () => {
    expect(normalizeEmail('user@ПОЧТА.РФ')).toBe('user@xn--80a1acny.xn--p1ai')
    expect(normalizeEmail('USER@xn--80a1acny.xn--p1ai')).toBe('user@xn--80a1acny.xn--p1ai')
  })

  it('refuses what is not an address, or is too long', () => {
    for (const bad of ['', 'ivan', '@mail.example', 'ivan@', 'ivan@example', 'iv an@mail.example', 'a@b@c.com']) {
      expect(normalizeEmail(bad), bad).toBeNull()
    }
    expect(normalizeEmail(`${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(59)}.com`)).toBeNull()
    expect(normalizeEmail(`${'a'.repeat(64)}@mail.example`)).toBe(`${'a'.repeat(64)}@mail.example`)
  })
})
