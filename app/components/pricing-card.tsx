import { Link } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import type { PricedPack } from '~/flows/pages/index.server'

/**
 * The pack whose credit costs least, compared in integer kopecks
 * (a/b < c/d as a·d < c·b). Null when there is nothing to compare (fewer than
 * two packs) or when the lowest price is shared: "best value" must be true.
 */
export function bestValuePackId(packs: ReadonlyArray<Pick<PricedPack, 'id' | 'credits' | 'priceKopecks'>>) {
  const valid = packs.filter((p) => p.credits > 0)
  if (valid.length < 2) return null
  let best = valid[0]!
  let tied = false
  for (const pack of valid.slice(1)) {
    const lhs = pack.priceKopecks * best.credits
    const rhs = best.priceKopecks * pack.credits
    if (lhs < rhs) {
      best = pack
      tied = false
    } else if (lhs === rhs) {
      tied = true
    }
  }
  return tied ? null : best.id
}

/** The badges a card shows: the editors' one, and "best value" unless the editors' says the same. */
export function cardBadges(badge: string | null, bestValue: boolean, bestValueLabel: string) {
  const same = badge !== null && badge.trim().toLocaleLowerCase() === bestValueLabel.trim().toLocaleLowerCase()
  return { editors: badge, editorsSayBestValue: bestValue && same, bestValue: bestValue && !same }
}

export function PricingCard({ pack, bestValue }: { pack: PricedPack; bestValue: boolean }) {
  const { t } = useTranslation(['pricing', 'common'])
  const headingId = `pack-${pack.id.replace(/[^A-Za-z0-9_-]/g, '-')}`
  const credits = t('common:credits', { count: pack.credits })
  const badges = cardBadges(pack.badge, bestValue, t('bestValue'))
  const classes = ['card', 'pricing__pack']
  if (bestValue) classes.push('pricing__pack--best')
  return (
    <li className={classes.join(' ')} aria-labelledby={headingId}>
      <div className="pricing__head">
        <h2 id={headingId}>{pack.name}</h2>
        {badges.editors || badges.bestValue ? (
          <p className="pricing__badges">
            {badges.bestValue ? <strong className="pricing__best-value">{t('bestValue')}</strong> : null}
            {badges.editors ? (
              <strong className={badges.editorsSayBestValue ? 'pricing__badge pricing__best-value' : 'pricing__badge'}>
                {badges.editors}
              </strong>
            ) : null}
          </p>
        ) : null}
      </div>
      <p className="pricing__amount">
        <span className="pricing__credits">{credits}</span>
        <span className="pricing__dash"> — </span>
        <span className="pricing__price">{pack.price}</span>
      </p>
      <p className="pricing__per-credit">{pack.perCredit}</p>
      <p className="pricing__description">{pack.description}</p>
      <p className="pricing__buy">
        <Link
          className={`button ${bestValue ? 'button--primary' : 'button--secondary'} button--block`}
          to={pack.checkoutHref}
          aria-label={t('buyLabel', { name: pack.name, credits, price: pack.price })}
        >
          {t('buy')}
        </Link>
      </p>
    </li>
  )
}
