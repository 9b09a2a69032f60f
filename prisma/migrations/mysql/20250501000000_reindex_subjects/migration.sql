-- CreateTable
CREATE TABLE `fsx_reindex_customers` (
    `id` VARCHAR(191) NOT NULL,
    `email` TEXT NOT NULL,
    `email_idx` VARCHAR(191) NULL,
    `email_idx_v2` VARCHAR(191) NULL,
    `ssn` VARCHAR(191) NULL,
    `ssn_v2` VARCHAR(191) NULL,
    `card` VARCHAR(191) NULL,
    `card_v2` VARCHAR(191) NULL,

    UNIQUE INDEX `fsx_reindex_customers_email_idx_key`(`email_idx`),
    UNIQUE INDEX `fsx_reindex_customers_email_idx_v2_key`(`email_idx_v2`),
    UNIQUE INDEX `fsx_reindex_customers_ssn_key`(`ssn`),
    UNIQUE INDEX `fsx_reindex_customers_ssn_v2_key`(`ssn_v2`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `fsx_subject_customers` (
    `id` VARCHAR(191) NOT NULL,
    `subject_id` VARCHAR(191) NOT NULL,
    `email` TEXT NOT NULL,
    `email_idx` VARCHAR(191) NULL,
    `name` TEXT NULL,

    UNIQUE INDEX `fsx_subject_customers_subject_id_key`(`subject_id`),
    UNIQUE INDEX `fsx_subject_customers_email_idx_key`(`email_idx`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `fsx_subject_orders` (
    `id` INTEGER NOT NULL AUTO_INCREMENT,
    `customer_id` VARCHAR(191) NOT NULL,
    `note` TEXT NULL,

    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- AddForeignKey
ALTER TABLE `fsx_subject_orders` ADD CONSTRAINT `fsx_subject_orders_customer_id_fkey` FOREIGN KEY (`customer_id`) REFERENCES `fsx_subject_customers`(`subject_id`) ON DELETE CASCADE ON UPDATE CASCADE;
