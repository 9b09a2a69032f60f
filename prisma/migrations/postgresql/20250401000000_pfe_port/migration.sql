-- CreateTable
CREATE TABLE "PfeUser" (
    "id" SERIAL NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT,
    "nameHash" TEXT,

    CONSTRAINT "PfeUser_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PfePost" (
    "id" SERIAL NOT NULL,
    "title" TEXT NOT NULL,
    "content" TEXT,
    "published" BOOLEAN NOT NULL DEFAULT false,
    "authorId" INTEGER,

    CONSTRAINT "PfePost_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PfeCategory" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,

    CONSTRAINT "PfeCategory_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PfeBigIntCursor" (
    "id" BIGINT NOT NULL,
    "key" TEXT NOT NULL,
    "value" INTEGER NOT NULL,

    CONSTRAINT "PfeBigIntCursor_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "_PfeCategoryToPfePost" (
    "A" INTEGER NOT NULL,
    "B" INTEGER NOT NULL,

    CONSTRAINT "_PfeCategoryToPfePost_AB_pkey" PRIMARY KEY ("A","B")
);

-- CreateIndex
CREATE UNIQUE INDEX "PfeUser_email_key" ON "PfeUser"("email");

-- CreateIndex
CREATE UNIQUE INDEX "PfeUser_nameHash_key" ON "PfeUser"("nameHash");

-- CreateIndex
CREATE INDEX "_PfeCategoryToPfePost_B_index" ON "_PfeCategoryToPfePost"("B");

-- AddForeignKey
ALTER TABLE "PfePost" ADD CONSTRAINT "PfePost_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "PfeUser"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "_PfeCategoryToPfePost" ADD CONSTRAINT "_PfeCategoryToPfePost_A_fkey" FOREIGN KEY ("A") REFERENCES "PfeCategory"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "_PfeCategoryToPfePost" ADD CONSTRAINT "_PfeCategoryToPfePost_B_fkey" FOREIGN KEY ("B") REFERENCES "PfePost"("id") ON DELETE CASCADE ON UPDATE CASCADE;
