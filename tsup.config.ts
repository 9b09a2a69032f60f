import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    'aws-kms': 'src/aws-kms/index.ts',
    'gcp-kms': 'src/gcp-kms/index.ts',
    testing: 'src/testing/index.ts',
    prisma: 'src/adapters/prisma/index.ts',
    typeorm: 'src/adapters/typeorm/index.ts',
    rotation: 'src/rotation/index.ts',
    privacy: 'src/privacy/index.ts',
    'prisma-generator': 'src/adapters/prisma/generator/bin.ts',
    cli: 'src/cli/main.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  tsconfig: 'tsconfig.build.json',
  sourcemap: true,
  clean: true,
  target: 'node20',
  platform: 'node',
  // One copy of the core (and so of every error class) shared by all entries, in ESM and CJS.
  splitting: true,
  treeshake: true,
  // Optional peers: never bundled; the subpath that needs one loads it at run time through
  // requireOptionalPeer (src/optional-peer.ts), so a missing peer is named in the error.
  external: ['@aws-sdk/client-kms', '@google-cloud/kms', '@prisma/client', /^@prisma\/client\//, '@prisma/generator-helper', '@prisma/internals', '@opentelemetry/api', 'typeorm', /^typeorm\//],
});
