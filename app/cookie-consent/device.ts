import type { DeviceType } from './schema'

/**
 * The coarse kind of device a user agent names, which is all the page-view
 * statistics keep of it (the user agent itself is never stored). Robots and
 * anything unrecognisable are "other".
 */
export function deviceType(userAgent: string | null | undefined): DeviceType {
  const ua = (userAgent ?? '').slice(0, 512)
  if (ua.trim() === '') return 'other'
  if (/bot\b|crawler|spider|slurp|headlesschrome|lighthouse|curl\/|wget\/|python-requests|node-fetch/i.test(ua)) {
    return 'other'
  }
  if (/ipad|tablet|kindle|silk\/|playbook/i.test(ua)) return 'tablet'
  // Android phones say "Mobile"; Android tablets do not.
  if (/android/i.test(ua) && !/mobile/i.test(ua)) return 'tablet'
  if (/mobi|iphone|ipod|android|windows phone|opera mini/i.test(ua)) return 'mobile'
  if (/windows nt|macintosh|mac os x|x11|linux|cros/i.test(ua)) return 'desktop'
  return 'other'
}
