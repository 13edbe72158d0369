-- The acceptance ledger is evidence: rows are appended, never changed or
-- removed (a withdrawal is a new row). The database enforces it.
--
-- One narrow exception: the retention job may erase the IP address and user
-- agent of rows recorded before a cut-off, once the retention period the
-- privacy policy names has passed. It must say so explicitly in its
-- transaction:
--   SET LOCAL palitra.ledger_retention_cutoff = '<timestamptz>';
-- and the update may only turn ip and user_agent to NULL, on rows older than
-- that cut-off, which itself must lie at least a year in the past. Any other
-- change to any column is refused.
CREATE FUNCTION "acceptances_guard"() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  cutoff timestamptz;
BEGIN
  IF TG_OP = 'UPDATE' THEN
    cutoff := nullif(current_setting('palitra.ledger_retention_cutoff', true), '')::timestamptz;
    IF cutoff IS NOT NULL
       AND cutoff <= now() - interval '1 year'
       AND OLD.recorded_at < cutoff
       AND NEW.ip IS NULL
       AND NEW.user_agent IS NULL
       AND (to_jsonb(NEW) - 'ip' - 'user_agent') = (to_jsonb(OLD) - 'ip' - 'user_agent')
    THEN
      RETURN NEW;
    END IF;
  END IF;
  RAISE EXCEPTION 'acceptances is append-only: % is not allowed', TG_OP
    USING ERRCODE = 'restrict_violation',
          HINT = 'Record a new row (for example state = withdrawn) instead.';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "acceptances_guard_update_delete"
BEFORE UPDATE OR DELETE ON "acceptances"
FOR EACH ROW EXECUTE FUNCTION "acceptances_guard"();
--> statement-breakpoint
CREATE FUNCTION "acceptances_refuse_truncate"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'acceptances is append-only: TRUNCATE is not allowed'
    USING ERRCODE = 'restrict_violation';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "acceptances_refuse_truncate"
BEFORE TRUNCATE ON "acceptances"
FOR EACH STATEMENT EXECUTE FUNCTION "acceptances_refuse_truncate"();
