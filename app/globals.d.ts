/** Set at build time (vite.config.ts): changes with every build, so page ETags do too. */
declare const __BUILD_ID__: string
