-- users.email_verified_at says the person proved they receive mail at the
-- address the account has now. A change of the address (including its
-- erasure when the account is deleted) must not carry that over: the time is
-- cleared, and confirmation links sent to the old address stop working.
-- Enforced here so no future code path (an e-mail change, an import, a
-- manual fix) can forget it.
CREATE FUNCTION "users_email_change_voids_verification"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.email_normalized IS DISTINCT FROM OLD.email_normalized THEN
    NEW.email_verified_at := NULL;
    DELETE FROM "email_verification_tokens" WHERE "user_id" = NEW.id;
  END IF;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "users_email_change_voids_verification"
BEFORE UPDATE OF "email_normalized" ON "users"
FOR EACH ROW EXECUTE FUNCTION "users_email_change_voids_verification"();
