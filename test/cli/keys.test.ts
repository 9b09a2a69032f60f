/**
 * `fieldseal keys …` on a SQLite key store with a local KEK from FIELDSEAL_KEK: what each
 * command changes in the store (seen through `keys list --json`), its refusals, and that no
 * output shows the KEK, a key's bytes or a wrapped key.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKek } from '../../src/keys/local-provider.js';
import { CliProject } from './support.js';

let project: CliProject;
beforeAll(async () => {
  project = await CliProject.create();
});
afterAll(() => project.remove());

describe('fieldseal keys generate-kek', () => {
  it('prints a new base64 32-byte KEK, without a config or environment', async () => {
    const bare = await CliProject.create(null);
    try {
      const first = await bare.run(['keys', 'generate-kek'], { FIELDSEAL_KEK: '' });
      const second = await bare.run(['keys', 'generate-kek']);
      expect(first.status).toBe(0);
      expect(first.stdout).toMatch(/^[A-Za-z0-9+/]{43}=\n$/);
      expect(Buffer.from(first.stdout.trim(), 'base64')).toHaveLength(32);
      expect(second.stdout).not.toBe(first.stdout);
      expect(first.stderr).toBe('');
    } finally {
      await bare.remove();
    }
  });
});

describe('fieldseal keys rotate and list', () => {
  it('makes the new key the primary and the previous one decrypt-only', async () => {
    const created = JSON.parse(await project.ok(['keys', 'rotate', '--json'])) as { rotated: { id: string }; previous: string | null };
    expect(created.previous).toBeNull();
    const rotated = JSON.parse(await project.ok(['keys', 'rotate', '--json'])) as { rotated: { id: string; primary: boolean }; previous: string | null };
    expect(rotated.previous).toBe(created.rotated.id);
    expect(rotated.rotated.primary).toBe(true);

    const data = await project.keys('--purpose', 'data');
    expect(data.map((k) => [k.id, k.scope, k.state, k.primary]).sort()).toEqual(
      [
        [created.rotated.id, 'default', 'decrypt-only', false],
        [rotated.rotated.id, 'default', 'active', true],
      ].sort(),
    );
    const all = await project.keys();
    expect(all.filter((k) => k.purpose === 'root')).toHaveLength(1);
    for (const record of all) expect(Object.keys(record)).not.toContain('wrapped');
  });

  it('prints a table, and says how to go on after a rotation', async () => {
    const text = await project.ok(['keys', 'rotate', '--scope', 'tenant-7']);
    expect(text).toMatch(/^new primary data key [0-9a-f]{8} for scope 'tenant-7'\n$/);
    const again = await project.ok(['keys', 'rotate', '--scope', 'tenant-7']);
    const previous = (await project.keys('--scope', 'tenant-7')).find((k) => k.state === 'decrypt-only')?.id ?? '';
    expect(again).toContain(`the previous one, ${previous}, is decrypt-only`);
    expect(again).toContain(`fieldseal keys destroy ${previous}`);

    const table = await project.ok(['keys', 'list', '--scope', 'tenant-7']);
    const lines = table.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID\s+PURPOSE\s+STATE\s+PRIMARY\s+CREATED\s+SCOPE\s+PARENT$/);
    expect(lines.slice(1).map((l) => l.split(/\s+/).slice(0, 3))).toEqual(
      expect.arrayContaining([
        [previous, 'data', 'decrypt-only'],
        [expect.stringMatching(/^[0-9a-f]{8}$/), 'data', 'active'],
      ]),
    );
    expect(lines).toHaveLength(3);
    expect(await project.ok(['keys', 'list', '--scope', 'nobody'])).toBe('no keys\n');
    expect(await project.ok(['keys', 'list', '--scope', 'nobody', '--json'])).toBe('[]\n');
  });

  it("rotates a subject's data key within its scope", async () => {
    const { rotated } = JSON.parse(await project.ok(['keys', 'rotate', '--scope', 'tenant-7', '--subject', 'c_1', '--json'])) as { rotated: { id: string; scope: string } };
    expect(rotated.scope).toBe('tenant-7#c_1');
    expect((await project.keys('--scope', 'tenant-7', '--subject', 'c_1')).map((k) => k.id)).toEqual([rotated.id]);
  });
});

describe('fieldseal keys shred', () => {
  it("destroys a subject's data keys and leaves the scope's keys", async () => {
    await project.ok(['keys', 'rotate', '--subject', 'c_9']);
    await project.ok(['keys', 'rotate', '--subject', 'c_9']);
    expect(await project.ok(['keys', 'shred', '--subject', 'c_9'])).toBe("shredded subject 'c_9' of scope 'default': 2 keys destroyed\n");
    expect((await project.keys('--subject', 'c_9')).map((k) => k.state)).toEqual(['destroyed', 'destroyed']);
    expect((await project.keys('--scope', 'default', '--purpose', 'data')).some((k) => k.state === 'active')).toBe(true);
    // Once shredded, nothing is left to destroy.
    expect(JSON.parse(await project.ok(['keys', 'shred', '--subject', 'c_9', '--json']))).toEqual({ destroyed: 0 });
  });

  it('destroys every key of a tenant scope, subjects included, and refuses the default scope', async () => {
    const { destroyed } = JSON.parse(await project.ok(['keys', 'shred', '--scope', 'tenant-7', '--json'])) as { destroyed: number };
    expect(destroyed).toBe(3); // two data keys of the scope, one of subject c_1
    expect((await project.keys('--scope', 'tenant-7')).every((k) => k.state === 'destroyed')).toBe(true);

    const refused = await project.run(['keys', 'shred', '--scope', 'default']);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/^fieldseal: CONFIGURATION_INVALID: refusing to shred the default scope/);
  });
});

describe('fieldseal keys destroy', () => {
  it('refuses an unknown id and a root key', async () => {
    const unknown = await project.run(['keys', 'destroy', '0badc0de']);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toBe('fieldseal: KEY_NOT_FOUND: key 0badc0de not found\n');
    const [rootKey] = await project.keys('--purpose', 'root');
    const root = await project.run(['keys', 'destroy', rootKey?.id ?? '']);
    expect(root.status).toBe(1);
    expect(root.stderr).toContain('root keys are rewrapped, not destroyed');
  });

  it('refuses a scope primary even with --force', async () => {
    const primary = (await project.keys('--scope', 'default', '--purpose', 'data')).find((k) => k.primary);
    const out = await project.run(['keys', 'destroy', primary?.id ?? '', '--force']);
    expect(out.status).toBe(1);
    expect(out.stderr).toMatch(/^fieldseal: CONFIGURATION_INVALID: key [0-9a-f]{8} is the primary data key of scope 'default': rotate first/);
    expect((await project.keys('--scope', 'default', '--purpose', 'data')).find((k) => k.id === primary?.id)?.state).toBe('active');
  });

  it('refuses a key without --force when no protected column shows it unused, and destroys it with --force', async () => {
    const old = (await project.keys('--scope', 'default', '--purpose', 'data')).find((k) => k.state === 'decrypt-only');
    const id = old?.id ?? '';
    const refused = await project.run(['keys', 'destroy', id]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(new RegExp(`^fieldseal keys destroy: refusing to destroy key ${id}: .*--force`));
    expect((await project.keys('--scope', 'default')).find((k) => k.id === id)?.state).toBe('decrypt-only');

    expect(await project.ok(['keys', 'destroy', id, '--force'])).toBe(`destroyed data key ${id} of scope 'default': values under it can never be opened again\n`);
    expect((await project.keys('--scope', 'default')).find((k) => k.id === id)?.state).toBe('destroyed');
    expect(await project.ok(['keys', 'destroy', id])).toBe(`key ${id} is already destroyed\n`);
  });
});

describe('fieldseal keys rewrap', () => {
  it('moves the root key to a new local KEK: added under a name of its own, then made the main one', async () => {
    const old = project.kek;
    const next = generateKek();
    project.keks.push(next);
    const [before] = await project.keys('--purpose', 'root');
    expect(before?.parent).toBe('local:main');
    expect(await project.ok(['keys', 'rewrap', '--to', 'local:main'])).toBe('rewrapped 0 root keys under local:main\n');

    // The new KEK beside the old one, under its own name; the root key moves to it.
    const both = { FIELDSEAL_KEK: old, FIELDSEAL_KEK_NEXT: next };
    expect(await project.ok(['keys', 'rewrap', '--to', 'local:next'], both)).toBe('rewrapped 1 root key under local:next\n');
    expect(JSON.parse(await project.ok(['keys', 'rewrap', '--to', 'local:next', '--json'], both))).toEqual({ rewrapped: 0, to: 'local:next' });
    expect((await project.keys('--purpose', 'root'))[0]?.parent).toBe('local:next');

    // Then the new KEK becomes FIELDSEAL_KEK, and the root key moves under that name.
    expect(await project.ok(['keys', 'rewrap', '--to', 'local:main'], { FIELDSEAL_KEK: next, FIELDSEAL_KEK_NEXT: next })).toBe('rewrapped 1 root key under local:main\n');
    project.kek = next;
    await project.ok(['keys', 'rotate', '--scope', 'after-rewrap']);
    const lost = await project.run(['keys', 'rotate', '--scope', 'after-rewrap'], { FIELDSEAL_KEK: old });
    expect(lost.status).toBe(1);
    expect(lost.stderr).toMatch(/^fieldseal: PROVIDER_FAILED: local: cannot unwrap/);
  });

  it('names the KEKs it can wrap under when --to names another', async () => {
    const out = await project.run(['keys', 'rewrap', '--to', 'local:elsewhere']);
    expect(out.status).toBe(1);
    expect(out.stderr).toMatch(/^fieldseal: [A-Z_]+: .*local:elsewhere/);
  });
});

describe('fieldseal keys output', () => {
  it('never shows the KEK, a key or a wrapped key', async () => {
    await project.expectNoLeak();
  });
});
