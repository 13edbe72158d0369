// Every table of every part, for tests and benchmarks that arrange or inspect rows directly.
// Application code never imports this: each part reads and writes its own tables.
export * from '~/acceptances/schema'
export * from '~/cookie-consent/schema'
export * from '~/credits/schema'
export * from '~/generation/schema'
export * from '~/identity/schema'
export * from '~/legal/schema'
export * from '~/payments/schema'
export * from '~/outbox/schema'
export * from '~/platform/security/schema'
export * from '~/platform/storage/schema'
export * from '~/privacy-requests/schema'
