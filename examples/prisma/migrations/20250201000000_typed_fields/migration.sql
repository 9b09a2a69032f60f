-- AlterTable: fields of other types than String, stored as ciphertext text.
ALTER TABLE "User" ADD COLUMN "birthday" TEXT;
ALTER TABLE "User" ADD COLUMN "visits" TEXT;
ALTER TABLE "User" ADD COLUMN "preferences" TEXT;
