import { Form, Link, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import type { PaymentRow } from '~/flows/pages/index.server'

/**
 * One order on the account's payments page: its details, and what can be
 * done with it. A waiting order: pay on the bank's page again, or cancel. A
 * declined, cancelled or expired one: try again (a new checkout of the same
 * pack). A paid one: the refund offer, whose button only opens the
 * confirmation step (a GET form, so it works without JavaScript), or the
 * rule that bars a refund.
 */
export function PaymentOrder({
  row,
  locale,
  confirming = false,
}: {
  row: PaymentRow
  locale: string
  confirming?: boolean
}) {
  const navigation = useNavigation()
  const { t } = useTranslation(['checkout', 'common'])
  const busy = navigation.state === 'submitting'
  return (
    <li className={`card payments__order payments__order--${row.tone}`} id={`order-${row.id}`}>
      <h2>
        {row.packName}: {t('common:credits', { count: row.credits })}, {row.amount}
      </h2>
      <dl className="details">
        <dt>{t('payments.status')}</dt>
        <dd>
          <span className={`payments__status payments__status--${row.tone}`}>
            {t(`payments.statuses.${row.status}`)}
          </span>
        </dd>
        <dt>{t('payments.created')}</dt>
        <dd>{row.createdAt}</dd>
        {row.payBy ? (
          <>
            <dt>{t('payments.payBy')}</dt>
            <dd>{row.payBy}</dd>
          </>
        ) : null}
        {row.paidAt ? (
          <>
            <dt>{t('payments.paid')}</dt>
            <dd>{row.paidAt}</dd>
          </>
        ) : null}
        <dt>{t('payments.receipt')}</dt>
        <dd>{row.receiptEmail}</dd>
        <dt>{t('payments.order')}</dt>
        <dd>
          <code>{row.id}</code>
          {row.provider === 'sandbox' ? ` (${t('payments.sandbox')})` : null}
        </dd>
        {row.refunded ? (
          <>
            <dt>{t('payments.refunded')}</dt>
            <dd>
              {row.refunded}, {t('common:credits', { count: row.refundedCredits })}
            </dd>
          </>
        ) : null}
      </dl>
      {row.cancellable ? (
        <>
          <p className="payments__hint">
            {t(row.resumeUrl ? 'payments.waitingHint' : 'payments.waitingNoPageHint', { until: row.payBy })}
          </p>
          <div className="payments__actions">
            {row.resumeUrl ? (
              <a className="button button--primary" href={row.resumeUrl}>
                {t('payments.resume', { amount: row.amount })}
              </a>
            ) : null}
            {!row.resumeUrl && row.retryUrl ? (
              <Link className="button button--primary" to={row.retryUrl}>
                {t('payments.retry')}
              </Link>
            ) : null}
            <Form method="post" action={`/${locale}/account/payments`} className="inline-form">
              <input type="hidden" name="intent" value="cancel" />
              <input type="hidden" name="orderId" value={row.id} />
              <button type="submit" className="button button--secondary" disabled={busy}>
                {t('payments.cancelOrder')}
              </button>
            </Form>
          </div>
        </>
      ) : row.retryUrl ? (
        <>
          <p className="payments__hint">{t(`payments.retryHint.${row.tone === 'declined' ? 'declined' : 'closed'}`)}</p>
          <div className="payments__actions">
            <Link className="button button--primary" to={row.retryUrl}>
              {t('payments.retry')}
            </Link>
          </div>
        </>
      ) : null}
      {row.refund.ok ? (
        <Form method="get" action={`/${locale}/account/payments`} className="payments__refund">
          <p>
            {t('payments.refundOffer', {
              credits: t('common:credits', { count: row.refund.credits }),
              amount: row.refund.amount,
              until: row.refund.until,
            })}
          </p>
          <div className="payments__actions">
            <button
              type="submit"
              name="refund"
              value={row.id}
              className="button button--secondary"
              aria-describedby={confirming ? 'refund-confirm-title' : undefined}
            >
              {t('payments.refundButton', { amount: row.refund.amount })}
            </button>
          </div>
        </Form>
      ) : row.refund.reason !== 'not-paid' && row.refund.reason !== 'already-refunded' ? (
        <p className="payments__refund-rule">
          {t(`payments.refusal.${row.refund.reason}`, { until: row.refund.until })}
        </p>
      ) : null}
    </li>
  )
}
