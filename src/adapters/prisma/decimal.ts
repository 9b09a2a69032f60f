/**
 * Prisma's `Decimal`, from `@prisma/client` (the optional peer of `fieldseal/prisma`), loaded
 * when this subpath is imported. Without it the import fails with a ConfigurationError that
 * names the package to install (see src/optional-peer.ts for why this is not a static
 * import). In Node, `@prisma/client/runtime/client` is one CommonJS module for `import` and
 * `require`, so this is the class the application's generated client returns.
 *
 * @module
 */
import type * as PrismaRuntime from '@prisma/client/runtime/client';
import { requireOptionalPeer } from '../../optional-peer.js';

const runtime = requireOptionalPeer<typeof PrismaRuntime>('fieldseal/prisma', '@prisma/client/runtime/client');

/** Prisma's Decimal class (decimal.js). */
export const Decimal = runtime.Decimal;
/** A Prisma Decimal value. */
export type Decimal = PrismaRuntime.Decimal;
