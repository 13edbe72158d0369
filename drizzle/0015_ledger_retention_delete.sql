-- The privacy policy promises that acceptance records are kept while the
-- account exists and 3 years after it is deleted, and that cookie-choice
-- records made without an account are kept 3 years. Until now the ledger
-- refused every DELETE, so that promise could not be kept. This opens one
-- narrow path, in the style of the IP/user-agent erasure of migration 0003:
--
--   SELECT set_config('palitra.ledger_deletion_cutoff', '<timestamptz>', true);
--
-- declares a deletion cut-off for the current transaction. A DELETE of a row
-- is then allowed only when
--   * the cut-off lies at least 3 years before the database's own now(), and
--   * the row's retention clock (acceptance_retention_clock below) started
--     before the cut-off: the account (or the account a guest was linked to)
--     was deleted, the guest was deleted, or, for a cookie choice made
--     without an account or guest, the choice was recorded.
-- Any other DELETE, UPDATE or TRUNCATE is refused as before. The declaration
-- is a different setting from the erasure's, so neither job can do the
-- other's work. See docs/decisions/014-retention-of-evidence-and-payments.md.

-- When the subject of a ledger row stopped existing, or NULL while it exists.
-- An account ends when it is deleted (users.deleted_at; the row stays as a
-- pseudonymous id). A guest linked to an account ends with that account. A
-- guest never linked ends when deleteInactiveGuests deletes it: the guest
-- row goes, and guest_deletions keeps the id with the time.
CREATE FUNCTION "ledger_subject_ended_at"(p_user_id text, p_guest_id text) RETURNS timestamptz
LANGUAGE sql STABLE AS $$
  SELECT CASE
    WHEN p_user_id IS NOT NULL THEN (SELECT u.deleted_at FROM users u WHERE u.id = p_user_id)
    WHEN p_guest_id IS NULL THEN NULL
    WHEN EXISTS (SELECT 1 FROM guests g WHERE g.id = p_guest_id) THEN (
      SELECT u.deleted_at FROM guests g JOIN users u ON u.id = g.linked_user_id WHERE g.id = p_guest_id
    )
    ELSE (SELECT d.deleted_at FROM guest_deletions d WHERE d.guest_id = p_guest_id)
  END
$$;
--> statement-breakpoint
-- The moment a row's 3-year retention period starts, or NULL while it must
-- be kept. Rows under an account or guest: when that subject ended. Cookie
-- choices (consent_id): linked to an account or guest (cookie_consents), the
-- same; linked to nobody, when the choice was recorded (deleting a guest
-- unlinks its consent ids, which then count from their records). A consent
-- id without a cookie_consents row has no link to anyone and counts as
-- unlinked.
-- Never earlier than the row itself.
CREATE FUNCTION "acceptance_retention_clock"(a "acceptances") RETURNS timestamptz
LANGUAGE plpgsql STABLE AS $$
DECLARE
  link_user text;
  link_guest text;
  ended timestamptz;
BEGIN
  IF a.consent_id IS NOT NULL THEN
    SELECT c.user_id, c.guest_id INTO link_user, link_guest FROM cookie_consents c WHERE c.id = a.consent_id;
    IF NOT FOUND OR (link_user IS NULL AND link_guest IS NULL) THEN
      RETURN a.recorded_at;
    END IF;
    ended := ledger_subject_ended_at(link_user, link_guest);
  ELSE
    ended := ledger_subject_ended_at(a.user_id, a.guest_id);
  END IF;
  -- greatest() would skip a NULL and make a living account's rows deletable.
  IF ended IS NULL THEN
    RETURN NULL;
  END IF;
  RETURN greatest(ended, a.recorded_at);
END;
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION "acceptances_guard"() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  cutoff timestamptz;
  clock timestamptz;
BEGIN
  IF TG_OP = 'UPDATE' THEN
    -- Unchanged from migration 0003: erasing ip and user agent after the period.
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
  ELSIF TG_OP = 'DELETE' THEN
    cutoff := nullif(current_setting('palitra.ledger_deletion_cutoff', true), '')::timestamptz;
    IF cutoff IS NOT NULL AND cutoff <= now() - interval '3 years' THEN
      clock := acceptance_retention_clock(OLD);
      IF clock IS NOT NULL AND clock < cutoff THEN
        RETURN OLD;
      END IF;
    END IF;
  END IF;
  RAISE EXCEPTION 'acceptances is append-only: % is not allowed', TG_OP
    USING ERRCODE = 'restrict_violation',
          HINT = 'Record a new row (for example state = withdrawn) instead.';
END;
$$;
--> statement-breakpoint
-- Guests deleted before guest_deletions existed: their deletion time is not
-- known, so it counts from now, which keeps their rows a little longer,
-- never shorter.
INSERT INTO "guest_deletions" ("guest_id", "deleted_at")
SELECT DISTINCT a.guest_id, now()
FROM "acceptances" a
WHERE a.guest_id IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM "guests" g WHERE g.id = a.guest_id)
ON CONFLICT ("guest_id") DO NOTHING;
