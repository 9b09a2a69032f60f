-- CreateTable
CREATE TABLE "rotation_accounts" (
    "account_id" INTEGER NOT NULL,
    "email_address" TEXT NOT NULL,
    "email_index" TEXT,
    "pin" TEXT,
    "profile" TEXT,
    "card" TEXT,

    CONSTRAINT "rotation_accounts_pkey" PRIMARY KEY ("account_id")
);

-- CreateIndex
CREATE UNIQUE INDEX "rotation_accounts_email_index_key" ON "rotation_accounts"("email_index");
