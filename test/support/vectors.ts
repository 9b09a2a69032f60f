/**
 * Locates the public test vectors (Wycheproof from C2SP/wycheproof, RFC 5297/5869/4231,
 * NIST SP 800-38G FF1/FF3-1 samples and ACVP). They live outside the project in
 * ../shared/vectors (or the folder named by FIELDSEAL_VECTORS) and are never copied in.
 *
 * In CI (CI=true) a missing folder is a failure; elsewhere the vector suites report
 * themselves skipped with a message saying where the vectors come from.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** The vectors folder, or undefined when it is not there. */
export const vectorsDir: string | undefined = (() => {
  const candidates = [process.env.FIELDSEAL_VECTORS, resolve(here, '../../../shared/vectors')].filter(
    (p): p is string => typeof p === 'string' && p !== '',
  );
  return candidates.find((p) => existsSync(join(p, 'SOURCES.md')));
})();

export const vectorsMissingMessage =
  'test vectors not found: set FIELDSEAL_VECTORS to a folder holding Wycheproof (C2SP/wycheproof testvectors_v1), ' +
  'RFC 5297/5869/4231 and NIST SP 800-38G FF1/FF3-1 vectors, laid out as ../shared/vectors/SOURCES.md describes';

if (vectorsDir === undefined && process.env.CI === 'true') {
  throw new Error(`${vectorsMissingMessage} (CI must run the vector suites)`);
}

/** True when the vector suites can run; use with `describe.skipIf(!haveVectors)`. */
export const haveVectors = vectorsDir !== undefined;

/** Parses a JSON vector file relative to the vectors folder. */
export function loadVectors<T = unknown>(relativePath: string): T {
  if (vectorsDir === undefined) throw new Error(vectorsMissingMessage);
  return JSON.parse(readFileSync(join(vectorsDir, relativePath), 'utf8')) as T;
}

/** Hex to bytes. */
export const hex = (s: string): Buffer => Buffer.from(s, 'hex');
