// Read by both the CLI (Node) and the Studio bundle, where `sanity build`
// replaces `process.env.SANITY_STUDIO_*` with the values at build time.
// The placeholders let a fresh clone build offline; a Studio built with them
// loads but cannot reach any project.
export const projectId = process.env.SANITY_STUDIO_PROJECT_ID || 'placeholder'
export const dataset = process.env.SANITY_STUDIO_DATASET || 'production'

// The API version the web app queries with (SANITY_API_VERSION's default).
export const apiVersion = '2025-02-19'

// Where the web site runs, for the draft preview and the publish confirmation
// (which asks the site how many accounts a material version asks again).
export const siteUrl = (process.env.SANITY_STUDIO_SITE_URL || 'http://localhost:3000').replace(/\/+$/, '')
