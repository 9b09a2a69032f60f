-- CreateTable
CREATE TABLE `AnnotationOption` (
    `id` VARCHAR(191) NOT NULL,
    `cardLast` VARCHAR(191) NULL,
    `cardFirst` VARCHAR(191) NULL,
    `cardLuhn` VARCHAR(191) NULL,
    `code` VARCHAR(191) NULL,
    `ssn` VARCHAR(191) NULL,
    `phone` VARCHAR(191) NULL,
    `account` VARCHAR(191) NULL,
    `refA` TEXT NULL,
    `refB` TEXT NULL,
    `vaulted` TEXT NULL,
    `mobile` TEXT NULL,
    `mobileIndex` VARCHAR(191) NULL,
    `fax` TEXT NULL,
    `faxIndex` VARCHAR(191) NULL,
    `pin` TEXT NULL,
    `pinIndex` VARCHAR(191) NULL,

    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
