/**
 * Loads the Cloud KMS v1 service definition from the .proto files shipped inside
 * @google-cloud/kms (imports such as google/api/*.proto resolve under google-gax's protos),
 * so the test double serves exactly the wire format the official client speaks.
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

const require = createRequire(import.meta.url);

/** A package's root folder (google-gax does not export ./package.json, so walk up from its main file). */
function packageDir(name: string): string {
  let dir = dirname(require.resolve(name));
  while (!existsSync(join(dir, 'package.json')) || !dir.endsWith(name.replace('/', sep))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find the folder of ${name}`);
    dir = parent;
  }
  return dir;
}

/** The KeyManagementService definition, ready for `server.addService`. */
export function loadKeyManagementService(): grpc.ServiceDefinition {
  const kmsProtos = join(packageDir('@google-cloud/kms'), 'build', 'protos');
  const gaxProtos = join(packageDir('google-gax'), 'build', 'protos');
  const definition = protoLoader.loadSync('google/cloud/kms/v1/service.proto', {
    includeDirs: [kmsProtos, gaxProtos],
    keepCase: false,
    longs: String,
    enums: String,
    defaults: false,
    oneofs: true,
  });
  const root = grpc.loadPackageDefinition(definition) as unknown as {
    google: { cloud: { kms: { v1: { KeyManagementService: grpc.ServiceClientConstructor } } } };
  };
  return root.google.cloud.kms.v1.KeyManagementService.service;
}
