-- A data-subject request's history is evidence of how it was handled: its
-- events are appended, never changed or removed.
CREATE FUNCTION "data_subject_request_events_refuse_change"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'data_subject_request_events is append-only: % is not allowed', TG_OP
    USING ERRCODE = 'restrict_violation';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "data_subject_request_events_refuse_update_delete"
BEFORE UPDATE OR DELETE ON "data_subject_request_events"
FOR EACH ROW EXECUTE FUNCTION "data_subject_request_events_refuse_change"();
--> statement-breakpoint
CREATE TRIGGER "data_subject_request_events_refuse_truncate"
BEFORE TRUNCATE ON "data_subject_request_events"
FOR EACH STATEMENT EXECUTE FUNCTION "data_subject_request_events_refuse_change"();
--> statement-breakpoint
-- The working-day calendar starts with the Russian non-working weekdays of
-- 2026 (with the government's transfers of 3 and 4 January to 9 January and
-- 31 December) and 2027 (the statutory holidays and the Labour Code's
-- moves of a holiday falling on a weekend to the next working day). The
-- legal team keeps it up to date in the legal view, e.g. adding 2027's
-- transfers of 2 and 3 January once they are published.
INSERT INTO "calendar_days" ("day", "kind", "note") VALUES
  ('2026-01-01', 'holiday', 'Новогодние каникулы / New Year holidays'),
  ('2026-01-02', 'holiday', 'Новогодние каникулы / New Year holidays'),
  ('2026-01-05', 'holiday', 'Новогодние каникулы / New Year holidays'),
  ('2026-01-06', 'holiday', 'Новогодние каникулы / New Year holidays'),
  ('2026-01-07', 'holiday', 'Рождество Христово / Orthodox Christmas'),
  ('2026-01-08', 'holiday', 'Новогодние каникулы / New Year holidays'),
  ('2026-01-09', 'holiday', 'Перенос с 3 января / Moved from 3 January'),
  ('2026-02-23', 'holiday', 'День защитника Отечества / Defender of the Fatherland Day'),
  ('2026-03-09', 'holiday', 'Перенос с 8 марта / Moved from 8 March'),
  ('2026-05-01', 'holiday', 'Праздник Весны и Труда / Spring and Labour Day'),
  ('2026-05-11', 'holiday', 'Перенос с 9 мая / Moved from 9 May'),
  ('2026-06-12', 'holiday', 'День России / Russia Day'),
  ('2026-11-04', 'holiday', 'День народного единства / Unity Day'),
  ('2026-12-31', 'holiday', 'Перенос с 4 января / Moved from 4 January'),
  ('2027-01-01', 'holiday', 'Новогодние каникулы / New Year holidays'),
  ('2027-01-04', 'holiday', 'Новогодние каникулы / New Year holidays'),
  ('2027-01-05', 'holiday', 'Новогодние каникулы / New Year holidays'),
  ('2027-01-06', 'holiday', 'Новогодние каникулы / New Year holidays'),
  ('2027-01-07', 'holiday', 'Рождество Христово / Orthodox Christmas'),
  ('2027-01-08', 'holiday', 'Новогодние каникулы / New Year holidays'),
  ('2027-02-23', 'holiday', 'День защитника Отечества / Defender of the Fatherland Day'),
  ('2027-03-08', 'holiday', 'Международный женский день / International Women''s Day'),
  ('2027-05-03', 'holiday', 'Перенос с 1 мая / Moved from 1 May'),
  ('2027-05-10', 'holiday', 'Перенос с 9 мая / Moved from 9 May'),
  ('2027-06-14', 'holiday', 'Перенос с 12 июня / Moved from 12 June'),
  ('2027-11-04', 'holiday', 'День народного единства / Unity Day')
ON CONFLICT ("day") DO NOTHING;
