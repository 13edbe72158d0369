/**
 * TRUST_PROXY: which peers may tell us the client's address. Express takes
 * the address a trusted proxy appended to X-Forwarded-For (walking from the
 * right and stopping at the first untrusted hop), so the client can prepend
 * whatever it likes without effect. Everything to the left of that is the
 * client's to choose and is never used: rate limits per IP and the
 * acceptance ledger depend on it.
 *
 *  - unset (or `false`): only a proxy on this machine (loopback) is trusted;
 *  - a hop count, e.g. `1`: that many proxies stand in front of the server,
 *    and the server is reachable only through them;
 *  - a comma-separated list of addresses, CIDR ranges, or the names
 *    `loopback`, `linklocal`, `uniquelocal`: the proxies' own addresses.
 *
 * `true` (trust every peer) is refused: with it the leftmost, client-written
 * X-Forwarded-For entry became the client's address.
 */
import { isIP } from 'node:net'

/** What Express's `trust proxy` setting is given. */
export type TrustProxy = number | string[]

export const DEFAULT_TRUST_PROXY: TrustProxy = ['loopback']
const NAMED_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal'])
const MAX_HOPS = 10

export type TrustProxyParse = { ok: true; value: TrustProxy } | { ok: false; problem: string }

/** Reads the TRUST_PROXY setting; a problem names what to set instead. */
export function parseTrustProxy(raw: string | undefined): TrustProxyParse {
  const value = raw?.trim() ?? ''
  if (value === '' || value.toLowerCase() === 'false') return { ok: true, value: DEFAULT_TRUST_PROXY }
  if (/^(true|yes|on|\*|all)$/i.test(value)) {
    return {
      ok: false,
      problem:
        `"${value}" would trust every peer, so any client could choose its own address with X-Forwarded-For ` +
        '(bypassing per-IP rate limits and writing a forged IP into the acceptance ledger). Set the number of ' +
        'proxies in front of the server (e.g. TRUST_PROXY=1, when the server is reachable only through them) ' +
        'or their addresses (e.g. TRUST_PROXY=10.0.0.5,10.0.1.0/24)',
    }
  }
  if (/^\d+$/.test(value)) {
    const hops = Number(value)
    if (hops > MAX_HOPS) return { ok: false, problem: `a hop count is 0 to ${MAX_HOPS}, got ${value}` }
    return { ok: true, value: hops }
  }
  const entries = value.split(',').map((entry) => entry.trim())
  const bad = entries.filter((entry) => !isProxyAddress(entry))
  if (bad.length > 0) {
    return {
      ok: false,
      problem:
        `not a hop count or a list of proxy addresses: ${bad.map((b) => JSON.stringify(b)).join(', ')} ` +
        '(use e.g. 1, or 10.0.0.5,10.0.1.0/24, or loopback,uniquelocal)',
    }
  }
  return { ok: true, value: entries }
}

/** An IP address, a CIDR range (address/prefix) or one of proxy-addr's named ranges. */
function isProxyAddress(entry: string): boolean {
  if (NAMED_RANGES.has(entry)) return true
  const slash = entry.indexOf('/')
  const address = slash === -1 ? entry : entry.slice(0, slash)
  const version = isIP(address)
  if (version === 0) return false
  if (slash === -1) return true
  const prefix = entry.slice(slash + 1)
  if (!/^\d{1,3}$/.test(prefix)) return false
  return Number(prefix) <= (version === 4 ? 32 : 128)
}
