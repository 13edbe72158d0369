import { vitePlugin as remix } from '@remix-run/dev'
import { defineConfig } from 'vitest/config'
import remixConfig from './remix.config.js'

declare module '@remix-run/node' {
  interface Future {
    v3_singleFetch: true
  }
}

const isTest = Boolean(process.env.VITEST)
const buildId = process.env.BUILD_ID ?? `${Date.now().toString(36)}-${process.pid}`

export default defineConfig({
  plugins: isTest ? [] : [remix(remixConfig)],
  define: { __BUILD_ID__: JSON.stringify(buildId) },
  resolve: {
    alias: { '~': new URL('./app', import.meta.url).pathname },
  },
  optimizeDeps: {
    // i18next-fs-backend uses top-level await, which the dev pre-bundler rejects.
    // @node-rs/argon2 is native, server-only; the dev scanner sees it through
    // route files and would try (and fail) to bundle it for the browser.
    exclude: ['i18next-fs-backend', '@node-rs/argon2'],
  },
  ssr: {
    // Native and WASM packages must be loaded from node_modules at run time.
    external: ['@electric-sql/pglite', 'pg', 'pino'],
  },
  test: {
    include: [
      'app/**/*.test.{ts,tsx}',
      'server/**/*.test.ts',
      'tests/**/*.test.ts',
      'cms/**/*.test.ts',
      'scripts/**/*.test.ts',
    ],
    exclude: [
      '**/node_modules/**',
      'tests/e2e/**',
      'build/**',
      // *.pg.test.ts need a real PostgreSQL server: `npm run test:pg` sets DATABASE_URL.
      ...(process.env.DATABASE_URL ? [] : ['**/*.pg.test.ts']),
    ],
    setupFiles: ['./tests/setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
})
