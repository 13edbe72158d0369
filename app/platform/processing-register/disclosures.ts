import type { ProcessorId } from './processors'

/**
 * The outside services disclosed by privacy policy versions published before
 * the register existed (they have no register tables to read). Read from
 * their sections 6 and 7 by hand and keyed by the SHA-256 of their archived
 * text, so the entry can only ever apply to exactly that text. Versions 1–3
 * (ru and en) name the hosting provider, object storage, e-mail delivery and the acquiring bank in
 * Russia, and the sign-in providers; version 1 rules out any cross-border
 * transfer, and versions 2–3 allow an AI provider only in the European
 * Union — so none of them discloses the OpenAI engine (United States).
 */
const RUSSIAN_SERVICES_AND_SIGN_IN: readonly ProcessorId[] = [
  'hosting',
  'object-storage',
  'smtp',
  'tbank',
  'google-sign-in',
  'yandex-sign-in',
  'vk-sign-in',
  'telegram-sign-in',
]

export const DISCLOSED_BEFORE_THE_REGISTER: Readonly<Record<string, readonly ProcessorId[]>> = {
  // privacy ru v1, v2, v3
  '0c3f8f4f31f6bcb2d1b08ea3f49f17f196e901e7792a02264eccaebf2dd89e99': RUSSIAN_SERVICES_AND_SIGN_IN,
  dd71d734f6cf5f35c9fbca7f400e7284e7bbe85b50aca7ec6c353cd3e7e74840: RUSSIAN_SERVICES_AND_SIGN_IN,
  '97ed1f25bc514615796933472554b7caa1e8dd2ab541528840c5b76bd193014e': RUSSIAN_SERVICES_AND_SIGN_IN,
  // privacy en v1, v2, v3
  '2ec33207067fbe6927eaf8b6c3672d92e4d4a39a4b6780a3325ad1aba03cc9ae': RUSSIAN_SERVICES_AND_SIGN_IN,
  ad713175cf1867b98fd0ecb8ff5c98e578afced1521bcce7a7d4463761a54872: RUSSIAN_SERVICES_AND_SIGN_IN,
  f91c68e5e5d4219411bd788598d590bb57bef8b34c6997689617a29e8a42a8bb: RUSSIAN_SERVICES_AND_SIGN_IN,
}
