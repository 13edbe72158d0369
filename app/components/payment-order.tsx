import { Form, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import type { PaymentRow } from '~/flows/pages/index.server'

/** One order on the account's payments page, with its refund offer or the rule that bars one. */
export function PaymentOrder({ row }: { row: PaymentRow }) {
  const navigation = useNavigation()
  const { t } = useTranslation(['checkout', 'common'])
  return (
    <li className="card payments__order">
      <h2>
        {row.packName}: {t('common:credits', { count: row.credits })}, {row.amount}
      </h2>
      <dl className="details">
        <dt>{t('payments.status')}</dt>
        <dd>{t(`payments.statuses.${row.status}`)}</dd>
        <dt>{t('payments.created')}</dt>
        <dd>{row.createdAt}</dd>
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
      {row.refund.ok ? (
        <Form method="post" className="inline-form">
          <input type="hidden" name="orderId" value={row.id} />
          <p>
            {t('payments.refundOffer', {
              credits: t('common:credits', { count: row.refund.credits }),
              amount: row.refund.amount,
              until: row.refund.until,
            })}
          </p>
          <button type="submit" disabled={navigation.state === 'submitting'}>
            {t('payments.refundButton', { amount: row.refund.amount })}
          </button>
        </Form>
      ) : row.refund.reason !== 'not-paid' && row.refund.reason !== 'already-refunded' ? (
        <p className="payments__refund-rule">
          {t(`payments.refusal.${row.refund.reason}`, { until: row.refund.until })}
        </p>
      ) : null}
    </li>
  )
}
