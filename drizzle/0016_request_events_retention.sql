-- Data-subject requests and their history are kept 3 years after the reply
-- (a request never confirmed: 3 years after its link expired), then deleted.
-- The history (data_subject_request_events) stays append-only; the one way
-- to remove an event is the retention job's, in the style of the ledger
-- (migrations 0003 and 0015): its transaction declares
--
--   SELECT set_config('palitra.request_retention_cutoff', '<timestamptz>', true);
--
-- and a DELETE is allowed only when that cut-off lies at least 3 years
-- before the database's now() and the event's request was completed (or its
-- confirmation link expired unconfirmed) before the cut-off. UPDATE,
-- TRUNCATE and any other DELETE are still refused. See
-- docs/decisions/014-retention-of-evidence-and-payments.md.

-- When a request's retention period starts, or NULL while it must be kept
-- (open, or waiting for a confirmation link that has not expired).
CREATE FUNCTION "data_subject_request_retention_clock"(p_request_id uuid) RETURNS timestamptz
LANGUAGE sql STABLE AS $$
  SELECT CASE r.status
    WHEN 'completed' THEN r.completed_at
    WHEN 'awaiting-confirmation' THEN r.confirm_expires_at
  END
  FROM data_subject_requests r
  WHERE r.id = p_request_id
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION "data_subject_request_events_refuse_change"() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  cutoff timestamptz;
  clock timestamptz;
BEGIN
  IF TG_OP = 'DELETE' THEN
    cutoff := nullif(current_setting('palitra.request_retention_cutoff', true), '')::timestamptz;
    IF cutoff IS NOT NULL AND cutoff <= now() - interval '3 years' THEN
      clock := data_subject_request_retention_clock(OLD.request_id);
      IF clock IS NOT NULL AND clock < cutoff THEN
        RETURN OLD;
      END IF;
    END IF;
  END IF;
  RAISE EXCEPTION 'data_subject_request_events is append-only: % is not allowed', TG_OP
    USING ERRCODE = 'restrict_violation';
END;
$$;
