-- CreateTable
CREATE TABLE `rotation_accounts` (
    `account_id` INTEGER NOT NULL,
    `email_address` TEXT NOT NULL,
    `email_index` VARCHAR(191) NULL,
    `pin` TEXT NULL,
    `profile` TEXT NULL,
    `card` VARCHAR(191) NULL,

    UNIQUE INDEX `rotation_accounts_email_index_key`(`email_index`),
    PRIMARY KEY (`account_id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
