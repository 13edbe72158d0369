// Settings of the benchmark scripts, read from the environment.

/** An integer setting from 1 to `max`, `fallback` when unset; anything else stops the run (exit 2). */
export function positiveInt(name, fallback, max) {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value < 1 || value > max) {
    console.error(`${name} must be an integer from 1 to ${max}`)
    process.exit(2)
  }
  return value
}
