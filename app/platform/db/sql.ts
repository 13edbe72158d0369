import { sql, type SQL } from 'drizzle-orm'

/** `column in ('a', 'b')` with literal values: a CHECK in DDL cannot take bind parameters. */
export function oneOf(column: SQL, values: readonly string[]): SQL {
  const literals = values.map((v) => `'${v.replaceAll("'", "''")}'`).join(', ')
  return sql`${column} in (${sql.raw(literals)})`
}
