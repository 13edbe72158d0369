-- The legal archive is evidence of what people accepted: rows are written once
-- and never changed or removed. The database refuses UPDATE, DELETE and
-- TRUNCATE itself, so no code path (or stray console session) can rewrite it.
-- Statement-level triggers fire even when no row matches, which makes every
-- such attempt fail loudly. INSERT ... ON CONFLICT DO NOTHING is unaffected.
-- A later migration that must backfill a column has to DISABLE TRIGGER for the
-- duration explicitly, which leaves a visible trace in the migration history.
CREATE FUNCTION "legal_document_versions_refuse_change"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'legal_document_versions is append-only: % is not allowed', TG_OP
    USING ERRCODE = 'restrict_violation',
          HINT = 'Archived legal versions are evidence; publish a new version instead.';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "legal_document_versions_refuse_update_delete"
BEFORE UPDATE OR DELETE ON "legal_document_versions"
FOR EACH STATEMENT EXECUTE FUNCTION "legal_document_versions_refuse_change"();
--> statement-breakpoint
CREATE TRIGGER "legal_document_versions_refuse_truncate"
BEFORE TRUNCATE ON "legal_document_versions"
FOR EACH STATEMENT EXECUTE FUNCTION "legal_document_versions_refuse_change"();
