import { defineConfig } from 'drizzle-kit'

// `drizzle-kit generate` needs only the schema. The credentials serve the
// optional kit commands (studio, check against a live database): the same
// database the app uses, PostgreSQL when DATABASE_URL is set, else the
// embedded PGlite directory.
const url = process.env.DATABASE_URL?.trim()
const pgliteDir = `${(process.env.DATA_DIR ?? './data').replace(/\/+$/, '')}/pglite`

export default url
  ? defineConfig({
      dialect: 'postgresql',
      schema: ['./app/*/schema.ts', './app/platform/*/schema.ts'],
      out: './drizzle',
      dbCredentials: { url },
      strict: true,
    })
  : defineConfig({
      dialect: 'postgresql',
      driver: 'pglite',
      schema: ['./app/*/schema.ts', './app/platform/*/schema.ts'],
      out: './drizzle',
      dbCredentials: { url: pgliteDir },
      strict: true,
    })
