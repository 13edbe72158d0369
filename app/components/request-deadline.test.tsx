import { renderToStaticMarkup } from 'react-dom/server'
import { I18nextProvider } from 'react-i18next'
import { describe, expect, it } from 'vitest'
import { requestInstance } from '~/platform/i18n/i18next.server'
import { TimeLeft } from './request-deadline'

function render(locale: 'ru' | 'en', daysLeft: number | null, overdue: boolean) {
  return renderToStaticMarkup(
    <I18nextProvider i18n={requestInstance(locale)}>
      <TimeLeft daysLeft={daysLeft} overdue={overdue} />
    </I18nextProvider>,
  )
}

describe('TimeLeft', () => {
  it('says in words that a request is overdue, and by how much, not only with a colour', () => {
    expect(render('en', -3, true)).toBe('<strong class="overdue">Overdue by 3 days</strong>')
    expect(render('ru', -1, true)).toBe('<strong class="overdue">Просрочен на 1 день</strong>')
    expect(render('ru', -5, true)).toBe('<strong class="overdue">Просрочен на 5 дней</strong>')
  })

  it('marks the last day and counts the days left otherwise', () => {
    expect(render('en', 0, false)).toBe('<strong>Due today</strong>')
    expect(render('en', 1, false)).toBe('1 day')
    expect(render('ru', 3, false)).toBe('3 дня')
    expect(render('en', null, false)).toBe('')
  })
})
