import { afterEach, describe, expect, it, vi } from 'vitest'
import { parseEnv } from '~/platform/env.server'
import type { Locale } from '~/platform/i18n/locales'
import { DISCLOSED_BEFORE_THE_REGISTER } from '~/platform/processing-register'
import { disclosedBy, findUndisclosedIntegrations } from './disclosure.server'
import { renderRegisterTable } from './register-tables.server'
import type { PortableBody } from '~/content/legal-document'

const paragraph: PortableBody[number] = {
  _type: 'block',
  _key: 'p',
  style: 'normal',
  markDefs: [],
  children: [{ _type: 'span', text: 'Who receives data.', marks: [] }],
}

function withRecipients(version: number, include: string[]) {
  return {
    version,
    sha256: 'not-a-legacy-text',
    body: [paragraph, renderRegisterTable({ _type: 'registerTable', _key: 't', table: 'processors', include }, 'en')],
  }
}

// The seed's privacy policy v3 (ru), written before the register: known by the hash of its text.
const LEGACY_V3 = {
  version: 3,
  sha256: '97ed1f25bc514615796933472554b7caa1e8dd2ab541528840c5b76bd193014e',
  body: [paragraph],
}

const env = (settings: Record<string, string>) => parseEnv({ NODE_ENV: 'test', ...settings })

afterEach(() => vi.restoreAllMocks())

describe('the start-up disclosure check', () => {
  it('has nothing to say when the settings enable no outside service', async () => {
    const lookup = vi.fn()
    expect(await findUndisclosedIntegrations(env({}), lookup)).toEqual([])
    expect(lookup).not.toHaveBeenCalled()
  })

  it('names the setting and the missing disclosure when the policy in force does not list an enabled service', async () => {
    const problems = await findUndisclosedIntegrations(
      env({ IMAGE_ENGINE: 'openai', OPENAI_API_KEY: 'sk-test' }),
      async () => LEGACY_V3,
    )
    expect(problems.map((p) => [p.processor, p.locale, p.version])).toEqual([
      ['openai-images', 'ru', 3],
      ['openai-images', 'en', 3],
    ])
    expect(problems[0]!.settings).toEqual(['IMAGE_ENGINE=openai', 'OPENAI_API_KEY'])
    expect(problems[0]!.message).toContain('IMAGE_ENGINE=openai')
    expect(problems[0]!.message).toContain('United States')
    expect(problems[0]!.message).toContain('privacy policy v3 (ru) does not disclose it')
  })

  it('accepts what a version written before the register disclosed in its text', async () => {
    const settings = env({
      S3_BUCKET: 'media',
      S3_ACCESS_KEY_ID: 'k',
      S3_SECRET_ACCESS_KEY: 's',
      SMTP_URL: 'smtp://mail.palitra.example',
    })
    expect(await findUndisclosedIntegrations(settings, async () => LEGACY_V3)).toEqual([])
    expect(DISCLOSED_BEFORE_THE_REGISTER[LEGACY_V3.sha256]).not.toContain('openai-images')
  })

  it('reads the disclosures of a version from its archived recipients table', async () => {
    const settings = env({
      IMAGE_ENGINE: 'openai',
      OPENAI_API_KEY: 'sk-test',
      TBANK_TERMINAL_KEY: 't',
      TBANK_PASSWORD: 'p',
    })
    const lookup = async (locale: Locale) =>
      locale === 'ru' ? withRecipients(4, ['tbank', 'openai-images']) : withRecipients(4, ['tbank'])
    const problems = await findUndisclosedIntegrations(settings, lookup)
    expect(problems.map((p) => [p.processor, p.locale, p.version])).toEqual([['openai-images', 'en', 4]])
    expect([...disclosedBy(withRecipients(4, ['smtp']))]).toEqual(['smtp'])
  })

  it('counts every enabled service as undisclosed when no privacy policy is in force', async () => {
    const problems = await findUndisclosedIntegrations(
      env({ SMTP_URL: 'smtp://mail.palitra.example' }),
      async () => null,
    )
    expect(problems.map((p) => p.message)).toEqual([
      expect.stringContaining('no privacy policy (ru) is in force'),
      expect.stringContaining('no privacy policy (en) is in force'),
    ])
  })

  it('does not ask the policy to disclose a service that receives no personal data', async () => {
    const settings = env({ SANITY_PROJECT_ID: 'abc123' })
    expect(await findUndisclosedIntegrations(settings, async () => null)).toEqual([])
  })
})
