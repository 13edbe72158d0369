import { describe, expect, it } from 'vitest'
import { summarizeUserAgent } from './user-agent'

const UA = {
  chromeLinux: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  chromeWindows:
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  chromeAndroid:
    'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.39 Mobile Safari/537.36',
  chromeIphone:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/131.0.6778.73 Mobile/15E148 Safari/604.1',
  firefoxWindows: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0',
  firefoxLinux: 'Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
  firefoxMac: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14.7; rv:133.0) Gecko/20100101 Firefox/133.0',
  firefoxIphone:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) FxiOS/133.0 Mobile/15E148 Safari/605.1.15',
  safariMac:
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
  safariIphone:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
  safariIpad:
    'Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  edgeWindows:
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.2903.70',
  edgeAndroid:
    'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36 EdgA/131.0.2903.68',
  operaWindows:
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 OPR/115.0.0.0',
  operaMac:
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 OPR/115.0.0.0',
  yandexWindows:
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/128.0.0.0 YaBrowser/24.10.0.0 Safari/537.36',
  yandexAndroid:
    'Mozilla/5.0 (Linux; Android 13; SM-A536B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/128.0.0.0 YaBrowser/24.10.1.100.00 SA/3 Mobile Safari/537.36',
  yandexIphone:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 YaBrowser/24.10.6.466.10 SA/3 Mobile/15E148 Safari/604.1',
  samsungAndroid:
    'Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36',
  headlessChrome:
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.6778.33 Safari/537.36',
  chromeOs:
    'Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
}

describe('summarizeUserAgent', () => {
  it.each([
    [UA.chromeLinux, 'chrome', 'linux'],
    [UA.chromeWindows, 'chrome', 'windows'],
    [UA.chromeAndroid, 'chrome', 'android'],
    [UA.chromeIphone, 'chrome', 'iphone'],
    [UA.chromeOs, 'chrome', 'chromeos'],
    [UA.firefoxWindows, 'firefox', 'windows'],
    [UA.firefoxLinux, 'firefox', 'linux'],
    [UA.firefoxMac, 'firefox', 'macos'],
    [UA.firefoxIphone, 'firefox', 'iphone'],
    [UA.safariMac, 'safari', 'macos'],
    [UA.safariIphone, 'safari', 'iphone'],
    [UA.safariIpad, 'safari', 'ipad'],
    [UA.edgeWindows, 'edge', 'windows'],
    [UA.edgeAndroid, 'edge', 'android'],
    [UA.operaWindows, 'opera', 'windows'],
    [UA.operaMac, 'opera', 'macos'],
    [UA.yandexWindows, 'yandex', 'windows'],
    [UA.yandexAndroid, 'yandex', 'android'],
    [UA.yandexIphone, 'yandex', 'iphone'],
    [UA.samsungAndroid, 'samsung', 'android'],
    [UA.headlessChrome, 'chrome', 'linux'],
  ] as const)('%s', (ua, browser, system) => {
    expect(summarizeUserAgent(ua)).toEqual({ kind: 'browser', browser, system })
  })

  it('names robots and tools', () => {
    expect(summarizeUserAgent('Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)')).toEqual({
      kind: 'bot',
      name: 'Googlebot',
    })
    expect(summarizeUserAgent('Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)')).toEqual({
      kind: 'bot',
      name: 'YandexBot',
    })
    expect(summarizeUserAgent('curl/8.5.0')).toEqual({ kind: 'bot', name: 'curl' })
    expect(summarizeUserAgent('python-requests/2.32.3')).toEqual({ kind: 'bot', name: 'Python' })
    expect(summarizeUserAgent('SomeCrawler/1.0 (+https://crawler.example)')).toEqual({ kind: 'bot', name: 'bot' })
  })

  it('says what it knows of the rest, and nothing of what it cannot read', () => {
    expect(summarizeUserAgent(null)).toEqual({ kind: 'unknown' })
    expect(summarizeUserAgent('')).toEqual({ kind: 'unknown' })
    expect(summarizeUserAgent('   ')).toEqual({ kind: 'unknown' })
    expect(summarizeUserAgent('something else entirely')).toEqual({ kind: 'unknown' })
    expect(summarizeUserAgent('Mozilla/5.0 (Windows NT 10.0) SomeBrowser/1.0')).toEqual({
      kind: 'browser',
      browser: null,
      system: 'windows',
    })
  })
})
