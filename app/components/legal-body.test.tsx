import { renderToStaticMarkup } from 'react-dom/server'
import { describe, expect, it } from 'vitest'
import { renderRegisterTable } from '~/legal/register-tables.server'
import { LegalBody } from './legal-body'

const render = (table: ReturnType<typeof renderRegisterTable>) =>
  renderToStaticMarkup(<LegalBody body={[table]} anchorIds={{}} anchorLabel="Link" />)

describe('tables in a legal text', () => {
  it('label each cell of a wide table with its column, so it can be read as a card on a phone', () => {
    const html = render(renderRegisterTable({ _type: 'registerTable', _key: 'c', table: 'cookies' }, 'en'))
    expect(html).toContain('class="table-wrap table-wrap--stacks"')
    expect(html).toContain('<th scope="col">Lifetime</th>')
    expect(html).toContain('<td data-label="Lifetime">1 year</td>')
  })

  it('leave a narrow table as it is', () => {
    const html = render(renderRegisterTable({ _type: 'registerTable', _key: 'q', table: 'requests' }, 'en'))
    expect(html).toContain('class="table-wrap"')
    expect(html).not.toContain('data-label')
  })
})
