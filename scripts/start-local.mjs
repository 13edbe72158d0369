// `npm start`: the production build, for trying the site on this computer.
// Production requires PUBLIC_URL; when neither the environment nor .env
// sets it, this names the address the site is tried at,
// http://localhost:PORT. A real deployment runs `npm run serve` with its own
// PUBLIC_URL, and fails to start without one.
import { existsSync } from 'node:fs'

if (existsSync('.env')) process.loadEnvFile('.env')
if (!process.env.PUBLIC_URL?.trim()) process.env.PUBLIC_URL = `http://localhost:${process.env.PORT?.trim() || 3000}`
await import('../build/server-entry.js')
