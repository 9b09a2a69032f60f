/**
 * `fieldseal keys …`: the key lifecycle from a shell. `generate-kek` needs no config;
 * `list` reads the key store only (no KEK needed); the others go through a Sealer on the
 * config's provider and store. Nothing printed holds key bytes: records are shown without
 * their wrapped bytes.
 *
 * @module
 */
import { KeyNotFoundError } from '../errors.js';
import { generateKek } from '../keys/local-provider.js';
import { DEFAULT_SCOPE, recordScope } from '../keys/key-scope.js';
import { KEY_PURPOSES, MAX_PAGE_SIZE, type KeyPurpose, type KeyRecord } from '../keys/store/key-store.js';
import { booleanFlag, stringFlag, usageText, type Command } from './command.js';
import { EXIT_FAILURE, EXIT_OK, UsageError } from './io.js';
import { findKeyUse } from './key-use.js';

const generateKekCommand: Command = {
  name: 'keys generate-kek',
  summary: 'print a new random KEK (base64) for the local provider',
  usage: usageText(
    'keys generate-kek',
    `Prints a new random 32-byte key-encryption key (KEK), base64, for the local provider
(the FIELDSEAL_KEK environment variable, or the variable your config's provider.kekEnv
names). Needs no config. Keep it in your secret store: with it and the key store, every
value can be opened. In production, prefer a KMS provider (aws-kms, gcp-kms).`,
    '',
  ),
  flags: {},
  async run({ io }) {
    io.stdout.write(`${generateKek()}\n`);
    return EXIT_OK;
  },
};

const listCommand: Command = {
  name: 'keys list',
  summary: 'list the key records (never their key bytes)',
  usage: usageText(
    'keys list [--scope <scope>] [--subject <subject>] [--purpose data|lookup|root] [--json]',
    `Lists the records of the key store in id order: id, purpose, state, whether it is its
scope's primary, creation time, scope, and parent (the root key id of a data or lookup
key, the KEK of a root key). Reads the key store only: no KEK is needed.`,
    `      --scope <scope>      only this scope's keys (root keys are in scope 'root')
      --subject <subject>  only this subject's data keys (in --scope, default 'default')
      --purpose <purpose>  only data, lookup or root keys
      --json               a JSON array of records instead of a table`,
  ),
  flags: { scope: { type: 'string' }, subject: { type: 'string' }, purpose: { type: 'string' }, json: { type: 'boolean' } },
  async run(context) {
    const { io, args } = context;
    const purpose = stringFlag(args, 'purpose');
    if (purpose !== undefined && !(KEY_PURPOSES as readonly string[]).includes(purpose)) {
      throw new UsageError(`--purpose must be one of ${KEY_PURPOSES.join(', ')}`, listCommand.usage);
    }
    const subject = stringFlag(args, 'subject');
    const scopeFlag = stringFlag(args, 'scope');
    const scope = subject === undefined ? scopeFlag : recordScope(scopeFlag ?? DEFAULT_SCOPE, subject);
    const store = await (await context.session()).store();
    const json = booleanFlag(args, 'json');
    let count = 0;
    let widths: ColumnWidths | undefined;
    for (let after: string | undefined; ; ) {
      const page = await store.list({ scope, purpose: purpose as KeyPurpose | undefined, after, limit: MAX_PAGE_SIZE });
      for (const record of page) {
        if (json) io.stdout.write(`${count === 0 ? '[\n' : ',\n'}  ${JSON.stringify(publicRecord(record))}`);
        else {
          widths ??= columnWidths(page);
          if (count === 0) io.stdout.write(tableLine(widths, ['ID', 'PURPOSE', 'STATE', 'PRIMARY', 'CREATED', 'SCOPE', 'PARENT']));
          io.stdout.write(tableLine(widths, [record.id, record.purpose, record.state, record.primary ? 'yes' : '', record.createdAt, record.scope, record.parent]));
        }
        count++;
      }
      if (page.length < MAX_PAGE_SIZE) break;
      after = page.at(-1)?.id;
    }
    if (json) io.stdout.write(count === 0 ? '[]\n' : '\n]\n');
    else if (count === 0) io.stdout.write('no keys\n');
    return EXIT_OK;
  },
};

const rotateCommand: Command = {
  name: 'keys rotate',
  summary: "make a new primary data key for a scope or a subject",
  usage: usageText(
    'keys rotate [--scope <scope>] [--subject <subject>] [--json]',
    `Makes a new primary data key for a scope (default 'default') or a subject within it. The
previous one becomes decrypt-only: values under it still open. Other processes seal
under the new key within maxStalenessMs (default 5 s). Lookup keys do not change, nor do
blind indexes, deterministic values or FPE tokens.

Then move the old values to the new key with \`fieldseal reencrypt\`, check with
\`fieldseal status\` that nothing uses the old key, and destroy it with
\`fieldseal keys destroy <id>\`.`,
    `      --scope <scope>      the scope (default 'default')
      --subject <subject>  a subject's data key within the scope
      --json               print the result as JSON`,
  ),
  flags: { scope: { type: 'string' }, subject: { type: 'string' }, json: { type: 'boolean' } },
  async run(context) {
    const { io, args } = context;
    const scope = stringFlag(args, 'scope') ?? DEFAULT_SCOPE;
    const subject = stringFlag(args, 'subject');
    const session = await context.session();
    const sealer = await session.sealer({ writes: true });
    const previous = await (await session.store()).primary(recordScope(scope, subject), 'data');
    const record = await sealer.rotateDataKey({ scope, subject });
    if (booleanFlag(args, 'json')) {
      io.stdout.write(`${JSON.stringify({ rotated: publicRecord(record), previous: previous?.id ?? null })}\n`);
      return EXIT_OK;
    }
    const where = subject === undefined ? `scope '${scope}'` : `subject '${subject}' of scope '${scope}'`;
    io.stdout.write(`new primary data key ${record.id} for ${where}\n`);
    if (previous !== undefined) {
      io.stdout.write(`the previous one, ${previous.id}, is decrypt-only: re-encrypt its values (fieldseal reencrypt), then destroy it (fieldseal keys destroy ${previous.id})\n`);
    }
    return EXIT_OK;
  },
};

const rewrapCommand: Command = {
  name: 'keys rewrap',
  summary: 'rewrap the root keys under another KEK (KEK rotation)',
  usage: usageText(
    'keys rewrap --to <kekRef> [--json]',
    `Rewraps every root key under the KEK <kekRef>: one KMS call per root key, whatever the
number of scopes. No data or lookup key and no value changes. Idempotent: root keys
already under <kekRef> are skipped. The config's provider must be able to unwrap under
the old KEK and wrap under the new one:
- local: a KEK's name is part of its reference: FIELDSEAL_KEK (or the variable that
  provider.kekEnv names) is local:main, FIELDSEAL_KEK_<NAME> is local:<name>. Add the new
  KEK as FIELDSEAL_KEK_NEXT and rewrap --to local:next; later make it FIELDSEAL_KEK too
  and rewrap --to local:main, after which FIELDSEAL_KEK_NEXT can go.
- aws-kms: both key ARNs in provider.keyIds; gcp-kms: both names in provider.keyNames.`,
    `      --to <kekRef>  the KEK to wrap under: local:<name>, a KMS key ARN, a Cloud KMS key name
      --json         print the result as JSON`,
  ),
  flags: { to: { type: 'string' }, json: { type: 'boolean' } },
  async run(context) {
    const { io, args } = context;
    const to = stringFlag(args, 'to');
    if (to === undefined) throw new UsageError('--to <kekRef> is required', rewrapCommand.usage);
    const sealer = await (await context.session()).sealer({ writes: false });
    const { rewrapped } = await sealer.rewrapDataKeys(to);
    io.stdout.write(booleanFlag(args, 'json') ? `${JSON.stringify({ rewrapped, to })}\n` : `rewrapped ${rewrapped} root key${rewrapped === 1 ? '' : 's'} under ${to}\n`);
    return EXIT_OK;
  },
};

const destroyCommand: Command = {
  name: 'keys destroy',
  summary: 'destroy a data or lookup key (crypto-shredding; irreversible)',
  usage: usageText(
    'keys destroy <id> [--force] [--allow-primary]',
    `Destroys one data or lookup key: its wrapped bytes are erased from the key store, and the
values sealed under it can never be opened again, in the database and in every backup.
Irreversible. A scope's primary key is refused (rotate first, or shred the scope), unless
--allow-primary: for a scope's original lookup key once a reindex has moved every lookup
column of the scope to a later lookup key version.

First it checks that no value still uses the key: the status job reads every protected
column of the config (tables) and refuses while any value is under <id>; a lookup key is
also refused while a configured column makes its tokens under it. --force skips that check.`,
    `      --force          destroy without checking the protected columns
      --allow-primary  destroy even the primary key of its scope and purpose`,
  ),
  flags: { force: { type: 'boolean' }, 'allow-primary': { type: 'boolean' } },
  positionals: { min: 1, max: 1, name: 'the key id (8 hex digits, as `fieldseal keys list` shows it)' },
  async run(context) {
    const { io, args } = context;
    const id = args.positionals[0] as string;
    if (!/^[0-9a-f]{8}$/.test(id)) throw new UsageError(`'${id}' is not a key id (8 lowercase hex digits)`, destroyCommand.usage);
    const session = await context.session();
    const record = await (await session.store()).get(id);
    if (record === undefined || record.purpose === 'root') throw new KeyNotFoundError(id, `key ${id} not found${record?.purpose === 'root' ? ' (root keys are rewrapped, not destroyed)' : ''}`);
    if (record.state === 'destroyed') {
      io.stdout.write(`key ${id} is already destroyed\n`);
      return EXIT_OK;
    }
    if (!booleanFlag(args, 'force')) {
      const use = await findKeyUse(session, record, io.signal);
      if (use.kind !== 'unused') {
        io.stderr.write(`fieldseal keys destroy: refusing to destroy key ${id}: ${use.reason}\n`);
        return EXIT_FAILURE;
      }
    }
    const sealer = await session.sealer({ writes: false });
    await sealer.destroyDataKey(id, { allowPrimary: booleanFlag(args, 'allow-primary') });
    io.stdout.write(`destroyed ${record.purpose} key ${id} of scope '${record.scope}': values under it can never be opened again\n`);
    return EXIT_OK;
  },
};

const shredCommand: Command = {
  name: 'keys shred',
  summary: "crypto-shred a subject's data keys, or a whole scope (irreversible)",
  usage: usageText(
    'keys shred --subject <subject> [--scope <scope>] [--json]\n       fieldseal keys shred --scope <scope> [--json]',
    `Erasure by crypto-shredding; irreversible.
With --subject: destroys that data subject's data keys (in --scope, default 'default'):
its randomized values can never be opened again; the scope's lookup keys stay.
With --scope alone: destroys every key of the scope, lookup keys included, and the data
keys of every subject within it (a tenant). The 'default' scope as a whole is refused.
Other processes stop using the keys within maxStalenessMs (default 5 s).`,
    `      --subject <subject>  the data subject
      --scope <scope>      the scope (with --subject: the subject's scope)
      --json               print the result as JSON`,
  ),
  flags: { scope: { type: 'string' }, subject: { type: 'string' }, json: { type: 'boolean' } },
  async run(context) {
    const { io, args } = context;
    const scope = stringFlag(args, 'scope');
    const subject = stringFlag(args, 'subject');
    if (scope === undefined && subject === undefined) throw new UsageError('give --subject, --scope, or both', shredCommand.usage);
    const sealer = await (await context.session()).sealer({ writes: false });
    const destroyed = subject === undefined ? await sealer.shred(scope as string) : await sealer.shred({ scope: scope ?? DEFAULT_SCOPE, subject });
    if (booleanFlag(args, 'json')) {
      io.stdout.write(`${JSON.stringify({ destroyed })}\n`);
      return EXIT_OK;
    }
    const what = subject === undefined ? `scope '${scope}'` : `subject '${subject}' of scope '${scope ?? DEFAULT_SCOPE}'`;
    io.stdout.write(`shredded ${what}: ${destroyed} key${destroyed === 1 ? '' : 's'} destroyed\n`);
    return EXIT_OK;
  },
};

/** The `keys` commands, in the order the usage lists them. */
export const keysCommands: readonly Command[] = [generateKekCommand, listCommand, rotateCommand, rewrapCommand, destroyCommand, shredCommand];

/** A record without its wrapped bytes. */
function publicRecord(record: KeyRecord): Omit<KeyRecord, 'wrapped'> {
  const { wrapped: _wrapped, ...rest } = record;
  return rest;
}

interface ColumnWidths {
  readonly scope: number;
}

function columnWidths(page: readonly KeyRecord[]): ColumnWidths {
  return { scope: Math.min(40, Math.max(5, ...page.map((r) => r.scope.length))) };
}

function tableLine(widths: ColumnWidths, [id, purpose, state, primary, created, scope, parent]: string[]): string {
  return `${(id as string).padEnd(8)}  ${(purpose as string).padEnd(7)}  ${(state as string).padEnd(12)}  ${(primary as string).padEnd(7)}  ${(created as string).padEnd(24)}  ${(scope as string).padEnd(widths.scope)}  ${parent}\n`;
}
