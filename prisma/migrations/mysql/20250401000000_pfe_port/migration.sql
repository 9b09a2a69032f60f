-- CreateTable
CREATE TABLE `PfeUser` (
    `id` INTEGER NOT NULL AUTO_INCREMENT,
    `email` VARCHAR(191) NOT NULL,
    `name` LONGTEXT NULL,
    `nameHash` VARCHAR(191) NULL,

    UNIQUE INDEX `PfeUser_email_key`(`email`),
    UNIQUE INDEX `PfeUser_nameHash_key`(`nameHash`),
    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `PfePost` (
    `id` INTEGER NOT NULL AUTO_INCREMENT,
    `title` VARCHAR(191) NOT NULL,
    `content` TEXT NULL,
    `published` BOOLEAN NOT NULL DEFAULT false,
    `authorId` INTEGER NULL,

    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `PfeCategory` (
    `id` INTEGER NOT NULL AUTO_INCREMENT,
    `name` VARCHAR(191) NOT NULL,

    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `PfeBigIntCursor` (
    `id` BIGINT NOT NULL,
    `key` TEXT NOT NULL,
    `value` INTEGER NOT NULL,

    PRIMARY KEY (`id`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- CreateTable
CREATE TABLE `_PfeCategoryToPfePost` (
    `A` INTEGER NOT NULL,
    `B` INTEGER NOT NULL,

    UNIQUE INDEX `_PfeCategoryToPfePost_AB_unique`(`A`, `B`),
    INDEX `_PfeCategoryToPfePost_B_index`(`B`)
) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;

-- AddForeignKey
ALTER TABLE `PfePost` ADD CONSTRAINT `PfePost_authorId_fkey` FOREIGN KEY (`authorId`) REFERENCES `PfeUser`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `_PfeCategoryToPfePost` ADD CONSTRAINT `_PfeCategoryToPfePost_A_fkey` FOREIGN KEY (`A`) REFERENCES `PfeCategory`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE `_PfeCategoryToPfePost` ADD CONSTRAINT `_PfeCategoryToPfePost_B_fkey` FOREIGN KEY (`B`) REFERENCES `PfePost`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;
