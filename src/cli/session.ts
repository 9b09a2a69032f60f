/**
 * What one run of a `fieldseal` command opens from its config, each thing on first use and
 * all closed at the end: the key store (and its database), the KEK providers (the cloud
 * SDK subpaths are imported only for a config that names them), a Sealer, and the
 * application database of the protected tables.
 *
 * @module
 */
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { ConfigurationError } from '../errors.js';
import { fileKeyStore } from '../keys/file-key-store.js';
import { localKeyProviderFromEnv } from '../keys/local-provider.js';
import type { KeyProvider } from '../keys/provider.js';
import type { KeyStore } from '../keys/store/key-store.js';
import { mysqlKeyStore } from '../keys/store/mysql-key-store.js';
import { postgresKeyStore } from '../keys/store/postgres-key-store.js';
import { sqliteKeyStore } from '../keys/store/sqlite-key-store.js';
import { createSealer, type Sealer } from '../seal/sealer.js';
import type { CliConfig, ProviderConfig } from './config.js';
import { openDatabase, type Database } from './databases.js';

/** How a command uses the keys: reading never creates a table or a key. */
export interface SealerUse {
  /** Create the key table when missing, and a scope's first keys on first use (commands that write keys or values). */
  readonly writes: boolean;
}

/** The things one command run opened; {@link close} ends them all. */
export class Session {
  readonly config: CliConfig;
  readonly #env: NodeJS.ProcessEnv;
  readonly #poolSize: number;
  #storeDatabase: Promise<Database | undefined> | undefined;
  #appDatabase: Promise<Database> | undefined;
  #store: Promise<KeyStore> | undefined;
  readonly #opened: Promise<Database | undefined>[] = [];
  readonly #sealers = new Map<'writes' | 'reads', Promise<Sealer>>();

  constructor(config: CliConfig, env: NodeJS.ProcessEnv, options: { readonly poolSize?: number } = {}) {
    this.config = config;
    this.#env = env;
    this.#poolSize = options.poolSize ?? 4;
  }

  get #configDir(): string {
    return dirname(this.config.file);
  }

  /** The key store of the config (not migrated). */
  store(): Promise<KeyStore> {
    this.#store ??= this.#openStore();
    return this.#store;
  }

  async #openStore(): Promise<KeyStore> {
    const spec = this.config.store;
    if (!('type' in spec) || typeof spec.type !== 'string') return spec as KeyStore;
    if (spec.type === 'file') {
      if (!spec.create && !existsSync(spec.path)) {
        throw new ConfigurationError(`store.path: no key file at ${spec.path}; check the path, or set "create": true to create it`);
      }
      return fileKeyStore(spec.path);
    }
    const database = await this.#keyStoreDatabase();
    if (database === undefined) throw new ConfigurationError('store: no database');
    switch (database.type) {
      case 'sqlite':
        return sqliteKeyStore({ database: database.driver, table: spec.table });
      case 'postgres':
        return postgresKeyStore({ client: database.driver, table: spec.table, schema: spec.schema });
      case 'mysql':
        return mysqlKeyStore({ pool: database.driver, table: spec.table });
    }
  }

  #keyStoreDatabase(): Promise<Database | undefined> {
    if (this.#storeDatabase === undefined) {
      const spec = this.config.store;
      this.#storeDatabase =
        'type' in spec && (spec.type === 'sqlite' || spec.type === 'postgres' || spec.type === 'mysql')
          ? openDatabase(spec, 'store', this.#env, this.#configDir, this.#poolSize)
          : Promise.resolve(undefined);
      this.#opened.push(this.#storeDatabase);
    }
    return this.#storeDatabase;
  }

  /** The database of the protected tables: `database` of the config, else the key store's. */
  database(): Promise<Database> {
    this.#appDatabase ??= this.#openAppDatabase();
    return this.#appDatabase;
  }

  async #openAppDatabase(): Promise<Database> {
    if (this.config.database !== undefined) {
      const opened = openDatabase(this.config.database, 'database', this.#env, this.#configDir, this.#poolSize);
      this.#opened.push(opened);
      return opened;
    }
    const shared = await this.#keyStoreDatabase();
    if (shared === undefined) throw new ConfigurationError('the protected tables need a database: add "database" to the config (the key store is not in a SQL database)');
    return shared;
  }

  /** The KEK providers of the config: the first wraps new root keys, the others only unwrap. */
  async providers(): Promise<KeyProvider[]> {
    const spec = this.config.provider;
    if (spec === undefined) throw new ConfigurationError('the config names no provider: add "provider" (e.g. { "type": "local", "kekEnv": "FIELDSEAL_KEK" })');
    if (Array.isArray(spec)) return [...(spec as readonly KeyProvider[])];
    return [await openProvider(spec as ProviderConfig, this.#env)];
  }

  /** A Sealer on the config's provider and store (one per use, shared by a command's steps). It never loads keys before a command needs them. */
  sealer(use: SealerUse): Promise<Sealer> {
    const key = use.writes ? 'writes' : 'reads';
    let sealer = this.#sealers.get(key);
    if (sealer === undefined) {
      sealer = Promise.all([this.providers(), this.store()]).then(([providers, store]) =>
        createSealer({ provider: providers, store, migrate: use.writes, warm: false, autoCreateKeys: use.writes }),
      );
      this.#sealers.set(key, sealer);
    }
    return sealer;
  }

  /** Closes every database this run opened (and only those: objects from a .js config are the config's). */
  async close(): Promise<void> {
    const opened = await Promise.allSettled(this.#opened);
    await Promise.allSettled(opened.map((result) => (result.status === 'fulfilled' ? result.value?.close() : undefined)));
  }
}

/** A provider from its config; the AWS and GCP subpaths (and their SDKs) load only here. */
async function openProvider(spec: ProviderConfig, env: NodeJS.ProcessEnv): Promise<KeyProvider> {
  switch (spec.type) {
    case 'local':
      return localKeyProviderFromEnv(env, spec.kekEnv);
    case 'aws-kms': {
      const { awsKmsKeyProvider } = await import('../aws-kms/index.js');
      return awsKmsKeyProvider({ keyIds: spec.keyIds, primary: spec.primary, region: spec.region, endpoint: spec.endpoint });
    }
    case 'gcp-kms': {
      const { gcpKmsKeyProvider } = await import('../gcp-kms/index.js');
      return gcpKmsKeyProvider({ keyNames: spec.keyNames, primary: spec.primary });
    }
  }
}
