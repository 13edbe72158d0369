import { useEffect, useRef } from 'react'

/** Telegram's Login Widget script: it draws Telegram's button in an iframe from oauth.telegram.org. */
export const TELEGRAM_WIDGET_SRC = 'https://telegram.org/js/telegram-widget.js?22'

/**
 * Telegram's own sign-in button. The script is added from the browser, once
 * this component is on screen, and never written into the page's HTML: a
 * script element rendered by React on a client-side navigation would not
 * run, and a page that does not show this component must not contact
 * telegram.org at all (decisions/011-telegram-widget-on-demand.md). The widget
 * sends the person to `authUrl` with fields Telegram signed, which the
 * callback verifies.
 */
export function TelegramLoginButton({ botName, authUrl }: { botName: string; authUrl: string }) {
  const box = useRef<HTMLDivElement>(null)
  useEffect(() => {
    const element = box.current
    if (!element) return
    const script = document.createElement('script')
    script.async = true
    script.src = TELEGRAM_WIDGET_SRC
    script.dataset.telegramLogin = botName
    script.dataset.size = 'large'
    script.dataset.authUrl = authUrl
    element.appendChild(script)
    // The widget puts its iframe beside the script: remove both when leaving.
    return () => element.replaceChildren()
  }, [botName, authUrl])
  return <div ref={box} className="telegram-login" />
}
