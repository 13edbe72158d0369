import { z } from 'zod'

/** Every outside sign-in the schema knows (oauth_accounts.provider). */
export const SIGN_IN_PROVIDERS = ['google', 'yandex', 'vk', 'telegram'] as const
export type SignInProvider = (typeof SIGN_IN_PROVIDERS)[number]

/** The providers reached through an OAuth 2 redirect; Telegram signs its widget data instead. */
export const OAUTH_PROVIDERS = ['google', 'yandex', 'vk'] as const
export type OAuthProvider = (typeof OAUTH_PROVIDERS)[number]

export function isOAuthProvider(value: unknown): value is OAuthProvider {
  return typeof value === 'string' && (OAUTH_PROVIDERS as readonly string[]).includes(value)
}

/** Who a provider says signed in; all a first-time sign-in carries to the acceptance step. */
export const providerProfileSchema = z.object({
  provider: z.enum(SIGN_IN_PROVIDERS),
  providerUserId: z.string().min(1).max(255),
  email: z.string().max(320).nullable(),
  emailVerified: z.boolean(),
  displayName: z.string().max(200).nullable(),
})

export type ProviderProfile = z.infer<typeof providerProfileSchema>

/** Trimmed text, or null for missing or blank values (providers send "" for unknown names). */
export function textOrNull(...parts: Array<string | null | undefined>): string | null {
  const joined = parts
    .map((part) => part?.trim() ?? '')
    .filter((part) => part !== '')
    .join(' ')
  return joined === '' ? null : joined.slice(0, 200)
}
