-- CreateTable
CREATE TABLE "AnnotationOption" (
    "id" TEXT NOT NULL,
    "cardLast" TEXT,
    "cardFirst" TEXT,
    "cardLuhn" TEXT,
    "code" TEXT,
    "ssn" TEXT,
    "phone" TEXT,
    "account" TEXT,
    "refA" TEXT,
    "refB" TEXT,
    "vaulted" TEXT,
    "mobile" TEXT,
    "mobileIndex" TEXT,
    "fax" TEXT,
    "faxIndex" TEXT,
    "pin" TEXT,
    "pinIndex" TEXT,

    CONSTRAINT "AnnotationOption_pkey" PRIMARY KEY ("id")
);
