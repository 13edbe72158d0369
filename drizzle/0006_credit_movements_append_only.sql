-- The credit ledger is the record of every credit granted, bought, spent and
-- returned: rows are appended, never changed or removed. A correction is a
-- new 'adjustment' row. The balance beside it (credit_balances) is changed
-- only in the transaction that appends the matching row.
CREATE FUNCTION "credit_movements_refuse_change"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'credit_movements is append-only: % is not allowed', TG_OP
    USING ERRCODE = 'restrict_violation',
          HINT = 'Record an adjustment row instead.';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "credit_movements_refuse_update_delete"
BEFORE UPDATE OR DELETE ON "credit_movements"
FOR EACH ROW EXECUTE FUNCTION "credit_movements_refuse_change"();
--> statement-breakpoint
CREATE TRIGGER "credit_movements_refuse_truncate"
BEFORE TRUNCATE ON "credit_movements"
FOR EACH STATEMENT EXECUTE FUNCTION "credit_movements_refuse_change"();
