/**
 * The shared copy the embedded PostgreSQL runs from as root: every user can read it (and run
 * what its owner could run), links stay inside it, it is made once and reused, and a folder
 * someone else could have planted or could change is refused.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { closedToOtherUsers, reachableCopy } from '../support/reachable-copy.js';

const cleanUps: string[] = [];
afterEach(() => {
  for (const path of cleanUps.splice(0)) rmSync(path, { recursive: true, force: true });
});

/** A private folder (0700) like a clone under /root: a file, a program, a sub-folder, a link. */
function privateSource(): string {
  const source = mkdtempSync(join(tmpdir(), 'fieldseal-test-source-'));
  cleanUps.push(source);
  mkdirSync(join(source, 'bin'), { mode: 0o700 });
  mkdirSync(join(source, 'lib'), { mode: 0o700 });
  writeFileSync(join(source, 'bin', 'program'), '#!/bin/sh\n', { mode: 0o700 });
  writeFileSync(join(source, 'lib', 'libthing.so.1.2'), 'library', { mode: 0o600 });
  symlinkSync('libthing.so.1.2', join(source, 'lib', 'libthing.so.1'));
  chmodSync(source, 0o700);
  return source;
}

/** A fresh name for a copy under the temp dir, removed after the test. */
function copyName(): string {
  const name = `fieldseal-test-copy-${randomBytes(6).toString('hex')}`;
  cleanUps.push(join(tmpdir(), name));
  return name;
}

const mode = (path: string): number => statSync(path).mode & 0o7777;

describe('reachableCopy', () => {
  it('copies a private folder under the temp dir where every user can read it and run its programs', () => {
    const source = privateSource();
    const copy = reachableCopy(source, copyName());
    expect(copy.startsWith(tmpdir())).toBe(true);
    expect(closedToOtherUsers(join(copy, 'bin', 'program'))).toBeUndefined();
    expect(closedToOtherUsers(join(source, 'bin', 'program'))).toBe(join(source, 'bin', 'program'));
    expect([mode(copy), mode(join(copy, 'bin')), mode(join(copy, 'lib'))]).toEqual([0o755, 0o755, 0o755]);
    expect(mode(join(copy, 'bin', 'program'))).toBe(0o755);
    expect(mode(join(copy, 'lib', 'libthing.so.1.2'))).toBe(0o644);
    // The link is kept as written, so it points inside the copy, not back into the source.
    expect(lstatSync(join(copy, 'lib', 'libthing.so.1')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(copy, 'lib', 'libthing.so.1'))).toBe('libthing.so.1.2');
    expect(readFileSync(join(copy, 'lib', 'libthing.so.1'), 'utf8')).toBe('library');
    // The source keeps its permissions.
    expect(mode(source)).toBe(0o700);
  });

  it('is made once and reused, leaving no partial copy behind', () => {
    const source = privateSource();
    const name = copyName();
    const first = reachableCopy(source, name);
    writeFileSync(join(source, 'lib', 'libthing.so.1.2'), 'changed');
    expect(reachableCopy(source, name)).toBe(first);
    expect(readFileSync(join(first, 'lib', 'libthing.so.1.2'), 'utf8')).toBe('library');
    expect(readdirSync(tmpdir()).filter((entry) => entry.startsWith(`${name}.partial-`))).toEqual([]);
  });

  it('refuses a folder of that name that other users can write (someone could have planted it)', () => {
    const name = copyName();
    const planted = join(tmpdir(), name);
    mkdirSync(planted);
    chmodSync(planted, 0o777);
    expect(() => reachableCopy(privateSource(), name)).toThrow(/is not a folder of this user that only it can write; remove it/);
  });

  it('refuses a temp dir other users cannot enter, naming TMPDIR', () => {
    const closed = mkdtempSync(join(tmpdir(), 'fieldseal-test-tmp-'));
    cleanUps.push(closed);
    const source = privateSource();
    const previous = process.env.TMPDIR;
    process.env.TMPDIR = closed;
    try {
      expect(() => reachableCopy(source, 'copy')).toThrow(/other users cannot enter .*set TMPDIR/);
    } finally {
      if (previous === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = previous;
    }
    expect(existsSync(join(closed, 'copy'))).toBe(false);
  });
});
