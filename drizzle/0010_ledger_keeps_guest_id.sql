-- The ledger keeps a guest's id as plain text: guests are deleted 30 days
-- after their last visit, their acceptance rows are evidence and may not
-- change (0003), so the foreign key that would forbid the deletion goes.
ALTER TABLE "acceptances" DROP CONSTRAINT "acceptances_guest_id_guests_id_fk";
--> statement-breakpoint
CREATE INDEX "guests_last_seen_idx" ON "guests" USING btree ("last_seen_at") WHERE "guests"."linked_user_id" is null;--> statement-breakpoint
CREATE INDEX "moderation_refusals_guest_idx" ON "moderation_refusals" USING btree ("guest_id");