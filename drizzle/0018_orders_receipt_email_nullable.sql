-- Deleting an account now erases the receipt address of its orders: the
-- orders stay for the accounting period (decision 014) under the
-- pseudonymous account id, and accounting does not need the buyer's address
-- (the fiscal data operator keeps the receipt). The column becomes nullable,
-- and the orders of accounts deleted before lose their address too.
ALTER TABLE "orders" ALTER COLUMN "receipt_email" DROP NOT NULL;--> statement-breakpoint
UPDATE "orders" SET "receipt_email" = NULL
WHERE "user_id" IN (SELECT "id" FROM "users" WHERE "deleted_at" IS NOT NULL);
