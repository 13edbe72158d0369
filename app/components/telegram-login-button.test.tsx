import { renderToStaticMarkup } from 'react-dom/server'
import { describe, expect, it } from 'vitest'
import { TelegramLoginButton } from './telegram-login-button'

describe('TelegramLoginButton', () => {
  it('writes no script into the HTML: the browser adds it once the button is on screen', () => {
    const html = renderToStaticMarkup(
      <TelegramLoginButton botName="PalitraBot" authUrl="https://palitra.example/auth/telegram/callback" />,
    )
    expect(html).toBe('<div class="telegram-login"></div>')
  })
})
