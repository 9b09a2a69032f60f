-- CreateTable
CREATE TABLE "fsx_reindex_customers" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "email" TEXT NOT NULL,
    "email_idx" TEXT,
    "email_idx_v2" TEXT,
    "ssn" TEXT,
    "ssn_v2" TEXT,
    "card" TEXT,
    "card_v2" TEXT
);

-- CreateTable
CREATE TABLE "fsx_subject_customers" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "subject_id" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "email_idx" TEXT,
    "name" TEXT
);

-- CreateTable
CREATE TABLE "fsx_subject_orders" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "customer_id" TEXT NOT NULL,
    "note" TEXT,
    CONSTRAINT "fsx_subject_orders_customer_id_fkey" FOREIGN KEY ("customer_id") REFERENCES "fsx_subject_customers" ("subject_id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "fsx_reindex_customers_email_idx_key" ON "fsx_reindex_customers"("email_idx");

-- CreateIndex
CREATE UNIQUE INDEX "fsx_reindex_customers_email_idx_v2_key" ON "fsx_reindex_customers"("email_idx_v2");

-- CreateIndex
CREATE UNIQUE INDEX "fsx_reindex_customers_ssn_key" ON "fsx_reindex_customers"("ssn");

-- CreateIndex
CREATE UNIQUE INDEX "fsx_reindex_customers_ssn_v2_key" ON "fsx_reindex_customers"("ssn_v2");

-- CreateIndex
CREATE UNIQUE INDEX "fsx_subject_customers_subject_id_key" ON "fsx_subject_customers"("subject_id");

-- CreateIndex
CREATE UNIQUE INDEX "fsx_subject_customers_email_idx_key" ON "fsx_subject_customers"("email_idx");
