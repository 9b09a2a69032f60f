-- CreateTable
CREATE TABLE "User" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "email" TEXT NOT NULL,
    "emailIndex" TEXT,
    "name" TEXT NOT NULL,
    "nameIndex" TEXT,
    "ssn" TEXT,
    "card" TEXT
);

-- CreateTable
CREATE TABLE "Order" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "userId" TEXT NOT NULL,
    "item" TEXT NOT NULL,
    "total" INTEGER NOT NULL,
    CONSTRAINT "Order_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "User_emailIndex_key" ON "User"("emailIndex");

-- CreateIndex
CREATE INDEX "User_nameIndex_idx" ON "User"("nameIndex");

-- CreateIndex
CREATE UNIQUE INDEX "User_ssn_key" ON "User"("ssn");
