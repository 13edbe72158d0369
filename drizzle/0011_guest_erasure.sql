-- Guests are deleted 30 days after their last visit (the register of
-- processing, entry `guests`; app/guest/retention.server.ts), their credit
-- history included: a guest's credits were never paid for (free grants,
-- charges for generations and refunds of them), and every movement names the
-- guest. For everyone else the credit ledger stays append-only.
--
-- The one exception: a transaction that declares the guests it erases,
--   SELECT set_config('palitra.erasing_guests', '<id>,<id>,…', true);
-- may DELETE movements whose owner is 'guest:<one of those ids>', while that
-- guest still exists and is not linked to an account (a linked guest's
-- movements record credits that moved on to the account, and stay).
-- UPDATE and TRUNCATE are still refused, as is any other DELETE.
CREATE OR REPLACE FUNCTION "credit_movements_refuse_change"() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  erasing text[];
  erased_guest text;
BEGIN
  IF TG_OP = 'DELETE' AND TG_LEVEL = 'ROW' THEN
    IF OLD.owner LIKE 'guest:%' THEN
      erased_guest := substr(OLD.owner, length('guest:') + 1);
      erasing := string_to_array(nullif(current_setting('palitra.erasing_guests', true), ''), ',');
      IF erased_guest = ANY (erasing)
         AND EXISTS (SELECT 1 FROM "guests" g WHERE g.id = erased_guest AND g.linked_user_id IS NULL)
      THEN
        RETURN OLD;
      END IF;
    END IF;
  END IF;
  RAISE EXCEPTION 'credit_movements is append-only: % is not allowed', TG_OP
    USING ERRCODE = 'restrict_violation',
          HINT = 'Record an adjustment row instead.';
END;
$$;
