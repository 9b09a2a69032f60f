/**
 * TEST DOUBLE — not Google Cloud KMS. Google publishes no KMS emulator, so the GCP provider
 * tests talk to this small loopback gRPC server instead. It serves the real Cloud KMS v1
 * wire protocol (the .proto files shipped in @google-cloud/kms) to the *official*
 * KeyManagementServiceClient, and is honest where fieldseal depends on the service:
 *
 * - Encrypt/Decrypt use real AES-256-GCM (node:crypto), one random 256-bit key per
 *   CryptoKeyVersion; Encrypt uses the CryptoKey's primary version, Decrypt finds the version
 *   from the ciphertext and fails unless it belongs to the CryptoKey named in the request;
 * - the request's additional_authenticated_data is the GCM AAD, so a wrong AAD fails;
 * - CRC32C fields are checked on requests (INVALID_ARGUMENT on mismatch, as Cloud KMS does)
 *   and computed on responses, with the verified_* flags set only when a checksum was sent;
 * - failures use Cloud KMS's gRPC codes (INVALID_ARGUMENT, NOT_FOUND, FAILED_PRECONDITION).
 *
 * What it does not model: IAM, quotas, key rings/locations as resources, HSM/EKM, audit logs.
 * Faults can be injected: N UNAVAILABLE (or any code) answers, corrupted checksums, delays.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { KeyManagementServiceClient } from '@google-cloud/kms';
import { crc32c } from '../../../src/gcp-kms/crc32c.js';
import { loadKeyManagementService } from './protos.js';

const TAG_BYTES = 8;
const NONCE_BYTES = 12;
const GCM_TAG_BYTES = 16;

interface KeyVersion {
  readonly id: number;
  readonly tag: Buffer;
  readonly key: Buffer;
  enabled: boolean;
}

interface CryptoKey {
  readonly versions: KeyVersion[];
  primary: number;
}

/** Faults the double injects, consumed in order of the checks in each handler. */
export interface GcpKmsFaults {
  /** The next `count` calls (of any method) fail with `code` (default UNAVAILABLE). */
  failNext(count: number, code?: grpc.status): void;
  /** Every call waits this long before answering (0 to stop). */
  delayMs: number;
  /** Encrypt answers with a wrong ciphertext_crc32c. */
  corruptCiphertextCrc: boolean;
  /** Encrypt answers verified_plaintext_crc32c = false, as if the request's checksum was lost. */
  dropPlaintextVerification: boolean;
  /** Decrypt answers with a wrong plaintext_crc32c. */
  corruptPlaintextCrc: boolean;
  /** Clears every fault. */
  reset(): void;
}

/** Request fields the double recorded (no plaintext, no key bytes). */
export interface RecordedCall {
  readonly method: 'Encrypt' | 'Decrypt';
  readonly name: string;
  readonly aad: Buffer;
}

/** A running Cloud KMS test double. */
export interface GcpKmsDouble {
  readonly port: number;
  /** `projects/test/locations/global/keyRings/fieldseal/cryptoKeys/<id>`; creates the key with one version. */
  createKey(id: string): string;
  /** Adds a version to a CryptoKey and makes it primary. */
  rotateKey(name: string): void;
  /** Disables a CryptoKey's versions (Encrypt/Decrypt then fail with FAILED_PRECONDITION). */
  disableKey(name: string): void;
  readonly faults: GcpKmsFaults;
  /** Calls that passed the fault injection, in order. */
  readonly calls: RecordedCall[];
  /** Every request received (faulted ones included), by method. */
  readonly requests: Map<string, number>;
  /** The official client, pointed at this double over plaintext loopback gRPC. */
  client(): KeyManagementServiceClient;
  stop(): Promise<void>;
}

type Int64 = { value?: string | number } | null | undefined;

interface EncryptRequest {
  name: string;
  plaintext?: Buffer;
  additionalAuthenticatedData?: Buffer;
  plaintextCrc32c?: Int64;
  additionalAuthenticatedDataCrc32c?: Int64;
}

interface DecryptRequest {
  name: string;
  ciphertext?: Buffer;
  additionalAuthenticatedData?: Buffer;
  ciphertextCrc32c?: Int64;
  additionalAuthenticatedDataCrc32c?: Int64;
}

class RpcError extends Error {
  constructor(
    readonly code: grpc.status,
    readonly details: string,
  ) {
    super(details);
  }
}

/** Starts the double on a free 127.0.0.1 port. */
export async function startGcpKmsDouble(): Promise<GcpKmsDouble> {
  const keys = new Map<string, CryptoKey>();
  const calls: RecordedCall[] = [];
  const requests = new Map<string, number>();
  let failures: { count: number; code: grpc.status } = { count: 0, code: grpc.status.UNAVAILABLE };
  const faults: GcpKmsFaults = {
    failNext(count, code = grpc.status.UNAVAILABLE) {
      failures = { count, code };
    },
    delayMs: 0,
    corruptCiphertextCrc: false,
    dropPlaintextVerification: false,
    corruptPlaintextCrc: false,
    reset() {
      failures = { count: 0, code: grpc.status.UNAVAILABLE };
      this.delayMs = 0;
      this.corruptCiphertextCrc = false;
      this.dropPlaintextVerification = false;
      this.corruptPlaintextCrc = false;
    },
  };
  const clients: KeyManagementServiceClient[] = [];

  const addVersion = (key: CryptoKey): void => {
    key.versions.push({ id: key.versions.length + 1, tag: randomBytes(TAG_BYTES), key: randomBytes(32), enabled: true });
    key.primary = key.versions.length;
  };

  const cryptoKey = (name: string): CryptoKey => {
    const key = keys.get(name);
    if (key === undefined) throw new RpcError(grpc.status.NOT_FOUND, `CryptoKey ${name} not found.`);
    return key;
  };

  /** Shared preamble: counting, delay, injected failures. */
  const before = async (method: string): Promise<void> => {
    requests.set(method, (requests.get(method) ?? 0) + 1);
    if (faults.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, faults.delayMs));
    if (failures.count > 0) {
      failures.count -= 1;
      throw new RpcError(failures.code, 'The service is currently unavailable (injected by the test double).');
    }
  };

  const checkCrc = (field: string, data: Buffer, sent: Int64): boolean => {
    if (sent === null || sent === undefined || sent.value === undefined) return false;
    if (Number(sent.value) !== crc32c(data)) {
      throw new RpcError(grpc.status.INVALID_ARGUMENT, `The checksum in field ${field}_crc32c did not match the data in field ${field}.`);
    }
    return true;
  };

  const encrypt = async (request: EncryptRequest): Promise<object> => {
    await before('Encrypt');
    const plaintext = request.plaintext ?? Buffer.alloc(0);
    const aad = request.additionalAuthenticatedData ?? Buffer.alloc(0);
    calls.push({ method: 'Encrypt', name: request.name, aad });
    const key = cryptoKey(request.name);
    const version = key.versions[key.primary - 1] as KeyVersion;
    if (!version.enabled) throw new RpcError(grpc.status.FAILED_PRECONDITION, `${request.name}/cryptoKeyVersions/${version.id} is not enabled.`);
    if (plaintext.length === 0) throw new RpcError(grpc.status.INVALID_ARGUMENT, 'plaintext is required.');
    const verifiedPlaintext = checkCrc('plaintext', plaintext, request.plaintextCrc32c);
    const verifiedAad = checkCrc('additional_authenticated_data', aad, request.additionalAuthenticatedDataCrc32c);
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', version.key, nonce);
    cipher.setAAD(Buffer.concat([version.tag, aad]));
    const body = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
    const ciphertext = Buffer.concat([version.tag, nonce, body]);
    const crc = crc32c(ciphertext);
    return {
      name: `${request.name}/cryptoKeyVersions/${version.id}`,
      ciphertext,
      ciphertextCrc32c: { value: String(faults.corruptCiphertextCrc ? (crc ^ 1) >>> 0 : crc) },
      verifiedPlaintextCrc32c: verifiedPlaintext && !faults.dropPlaintextVerification,
      verifiedAdditionalAuthenticatedDataCrc32c: verifiedAad,
      protectionLevel: 'SOFTWARE',
    };
  };

  const decrypt = async (request: DecryptRequest): Promise<object> => {
    await before('Decrypt');
    const ciphertext = request.ciphertext ?? Buffer.alloc(0);
    const aad = request.additionalAuthenticatedData ?? Buffer.alloc(0);
    calls.push({ method: 'Decrypt', name: request.name, aad });
    const key = cryptoKey(request.name);
    checkCrc('ciphertext', ciphertext, request.ciphertextCrc32c);
    checkCrc('additional_authenticated_data', aad, request.additionalAuthenticatedDataCrc32c);
    const invalid = new RpcError(grpc.status.INVALID_ARGUMENT, "Decryption failed: verify that 'name' refers to the correct CryptoKey.");
    if (ciphertext.length < TAG_BYTES + NONCE_BYTES + GCM_TAG_BYTES) throw invalid;
    const tag = ciphertext.subarray(0, TAG_BYTES);
    const version = key.versions.find((v) => v.tag.equals(tag));
    if (version === undefined) throw invalid;
    if (!version.enabled) throw new RpcError(grpc.status.FAILED_PRECONDITION, `${request.name}/cryptoKeyVersions/${version.id} is not enabled.`);
    const nonce = ciphertext.subarray(TAG_BYTES, TAG_BYTES + NONCE_BYTES);
    const body = ciphertext.subarray(TAG_BYTES + NONCE_BYTES, ciphertext.length - GCM_TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', version.key, nonce);
    decipher.setAAD(Buffer.concat([version.tag, aad]));
    decipher.setAuthTag(ciphertext.subarray(ciphertext.length - GCM_TAG_BYTES));
    let plaintext: Buffer;
    try {
      plaintext = Buffer.concat([decipher.update(body), decipher.final()]);
    } catch {
      throw invalid;
    }
    const crc = crc32c(plaintext);
    return {
      plaintext,
      plaintextCrc32c: { value: String(faults.corruptPlaintextCrc ? (crc ^ 1) >>> 0 : crc) },
      usedPrimary: version.id === key.primary,
      protectionLevel: 'SOFTWARE',
    };
  };

  const unary =
    <Req>(handler: (request: Req) => Promise<object>): grpc.handleUnaryCall<Req, object> =>
    (call, callback) => {
      handler(call.request).then(
        (response) => callback(null, response),
        (error: unknown) => {
          if (error instanceof RpcError) callback({ code: error.code, details: error.details, name: 'RpcError', message: error.details });
          else callback({ code: grpc.status.INTERNAL, details: 'test double failure', name: 'Error', message: 'test double failure' });
        },
      );
    };

  const server = new grpc.Server();
  server.addService(loadKeyManagementService(), {
    Encrypt: unary<EncryptRequest>(encrypt),
    Decrypt: unary<DecryptRequest>(decrypt),
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound)));
  });

  return {
    port,
    faults,
    calls,
    requests,
    createKey(id) {
      const name = `projects/test/locations/global/keyRings/fieldseal/cryptoKeys/${id}`;
      const key: CryptoKey = { versions: [], primary: 0 };
      addVersion(key);
      keys.set(name, key);
      return name;
    },
    rotateKey(name) {
      addVersion(cryptoKey(name));
    },
    disableKey(name) {
      for (const version of cryptoKey(name).versions) version.enabled = false;
    },
    client() {
      const client = new KeyManagementServiceClient({
        apiEndpoint: '127.0.0.1',
        port,
        sslCreds: grpc.credentials.createInsecure(),
        projectId: 'test',
        // Named explicitly so google-auth-library does not ask the GCE metadata server
        // (169.254.169.254) for it: the tests stay on loopback.
        universeDomain: 'googleapis.com',
      });
      clients.push(client);
      return client;
    },
    async stop() {
      await Promise.all(clients.map((client) => client.close()));
      server.forceShutdown();
    },
  };
}

/** An official client pointed at a loopback port where nothing (or a black hole) listens. */
export function gcpClientFor(port: number): KeyManagementServiceClient {
  return new KeyManagementServiceClient({
    apiEndpoint: '127.0.0.1',
    port,
    sslCreds: grpc.credentials.createInsecure(),
    projectId: 'test',
    universeDomain: 'googleapis.com',
  });
}
