import { getDb } from '~/platform/db/client.server'
import { ACCEPTANCE_EVENTS } from '~/acceptances'
import { getFixedT } from '~/platform/i18n/i18next.server'
import type { Locale } from '~/platform/i18n/locales'
import { versionStats, versionsInForce } from './stats.server'

/** The legal team's table of every archived version with its acceptance counts (/:lang/legal-admin/versions). */
export async function versionsPage(locale: Locale) {
  const t = getFixedT(locale, ['legal-admin', 'common'])
  const inForce = await versionsInForce()
  const inForceIds = new Set(
    [...inForce.values()].flatMap((entry) => (entry.state === 'ok' ? [entry.version.current.documentVersionId] : [])),
  )
  const stats = await versionStats(await getDb())
  return {
    locale,
    title: `${t('versions.title')} — ${t('common:siteName')}`,
    versions: stats.map((s) => ({ ...s, inForce: inForceIds.has(s.id) })),
    // The table's event columns, in the ledger's order (passed on so the browser bundle needs no schema).
    events: ACCEPTANCE_EVENTS,
  }
}
