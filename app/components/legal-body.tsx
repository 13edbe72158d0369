import { PortableText, type PortableTextComponents } from '@portabletext/react'
import type { PortableBody, TableBlock } from '~/content'
import type { TocEntry } from '~/legal'

// Wide tables (four columns or more: the register's cookie, retention and
// recipient tables) turn into one card per row on a phone, each cell led by
// its column name, instead of scrolling sideways.
const STACK_FROM_COLUMNS = 4

function LegalTable({ value }: { value: TableBlock }) {
  const [header, ...rows] = value.rows
  const stacked = (header?.cells.length ?? 0) >= STACK_FROM_COLUMNS
  return (
    <div className={stacked ? 'table-wrap table-wrap--stacks' : 'table-wrap'}>
      <table>
        {value.caption ? <caption>{value.caption}</caption> : null}
        {header ? (
          <thead>
            <tr>
              {header.cells.map((cell, i) => (
                <th key={i} scope="col">
                  {cell}
                </th>
              ))}
            </tr>
          </thead>
        ) : null}
        <tbody>
          {rows.map((row) => (
            <tr key={row._key}>
              {row.cells.map((cell, i) => (
                <td key={i} data-label={stacked ? header?.cells[i] : undefined}>
                  {cell}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

function components(anchorIds: Record<string, string>, anchorLabel: string): PortableTextComponents {
  const Heading = (Tag: 'h2' | 'h3' | 'h4') =>
    function HeadingBlock({ children, value }: { children?: React.ReactNode; value: { _key?: string } }) {
      const id = value._key ? anchorIds[value._key] : undefined
      return (
        <Tag id={id}>
          {children}
          {id ? (
            <a className="heading-anchor" href={`#${id}`} aria-label={anchorLabel}>
              #
            </a>
          ) : null}
        </Tag>
      )
    }
  return {
    block: { h2: Heading('h2'), h3: Heading('h3'), h4: Heading('h4') },
    types: { table: LegalTable },
    marks: {
      link: ({ children, value }: { children?: React.ReactNode; value?: { href?: string } }) => {
        const href = value?.href ?? '#'
        const external = /^https?:\/\//.test(href)
        return (
          <a href={href} {...(external ? { rel: 'noopener noreferrer' } : {})}>
            {children}
          </a>
        )
      },
    },
  }
}

export function LegalBody({
  body,
  anchorIds,
  anchorLabel,
}: {
  body: PortableBody
  anchorIds: Record<string, string>
  anchorLabel: string
}) {
  return (
    <div className="legal-body">
      <PortableText value={body} components={components(anchorIds, anchorLabel)} />
    </div>
  )
}

export function TableOfContents({ toc, heading }: { toc: TocEntry[]; heading: string }) {
  if (toc.length < 2) return null
  const renderEntries = (entries: TocEntry[]) => (
    <ol>
      {entries.map((entry) => (
        <li key={entry.id}>
          <a href={`#${entry.id}`}>{entry.text}</a>
          {entry.children.length ? renderEntries(entry.children) : null}
        </li>
      ))}
    </ol>
  )
  return (
    <nav className="toc" aria-labelledby="toc-heading">
      <h2 id="toc-heading">{heading}</h2>
      {renderEntries(toc)}
    </nav>
  )
}
