-- CreateTable
CREATE TABLE "rotation_accounts" (
    "account_id" INTEGER NOT NULL PRIMARY KEY,
    "email_address" TEXT NOT NULL,
    "email_index" TEXT,
    "pin" TEXT,
    "profile" TEXT,
    "card" TEXT
);

-- CreateIndex
CREATE UNIQUE INDEX "rotation_accounts_email_index_key" ON "rotation_accounts"("email_index");
