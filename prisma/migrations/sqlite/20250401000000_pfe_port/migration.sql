-- CreateTable
CREATE TABLE "PfeUser" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "email" TEXT NOT NULL,
    "name" TEXT,
    "nameHash" TEXT
);

-- CreateTable
CREATE TABLE "PfePost" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "title" TEXT NOT NULL,
    "content" TEXT,
    "published" BOOLEAN NOT NULL DEFAULT false,
    "authorId" INTEGER,
    CONSTRAINT "PfePost_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "PfeUser" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "PfeCategory" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL
);

-- CreateTable
CREATE TABLE "PfeBigIntCursor" (
    "id" BIGINT NOT NULL PRIMARY KEY,
    "key" TEXT NOT NULL,
    "value" INTEGER NOT NULL
);

-- CreateTable
CREATE TABLE "_PfeCategoryToPfePost" (
    "A" INTEGER NOT NULL,
    "B" INTEGER NOT NULL,
    CONSTRAINT "_PfeCategoryToPfePost_A_fkey" FOREIGN KEY ("A") REFERENCES "PfeCategory" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "_PfeCategoryToPfePost_B_fkey" FOREIGN KEY ("B") REFERENCES "PfePost" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "PfeUser_email_key" ON "PfeUser"("email");

-- CreateIndex
CREATE UNIQUE INDEX "PfeUser_nameHash_key" ON "PfeUser"("nameHash");

-- CreateIndex
CREATE UNIQUE INDEX "_PfeCategoryToPfePost_AB_unique" ON "_PfeCategoryToPfePost"("A", "B");

-- CreateIndex
CREATE INDEX "_PfeCategoryToPfePost_B_index" ON "_PfeCategoryToPfePost"("B");
