-- The privacy policy says the card number and expiry date never reach us and
-- are not stored. The bank's notifications carry the masked card number
-- (Pan), the expiry date (ExpDate), the card and recurring-payment ids
-- (CardId, RebillId) and may carry more, and payment_notifications.body kept
-- all of it. From now on only the fields the policy's payment records need
-- are stored (STORED_NOTIFICATION_FIELDS in app/payments/notifications.server.ts,
-- the same list as here). This redacts the rows stored before: every other
-- key, and any nested object or array, is removed. Token goes too: it signs
-- the full body, so it can no longer be checked against what is kept.
UPDATE "payment_notifications"
SET "body" = coalesce(
  (
    SELECT jsonb_object_agg(e.key, e.value)
    FROM jsonb_each(CASE WHEN jsonb_typeof("body") = 'object' THEN "body" ELSE '{}'::jsonb END) AS e
    WHERE e.key IN ('TerminalKey', 'OrderId', 'Success', 'Status', 'PaymentId', 'ErrorCode', 'Message', 'Details', 'Amount')
      AND jsonb_typeof(e.value) IN ('string', 'number', 'boolean')
  ),
  '{}'::jsonb
);
