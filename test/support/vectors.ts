/**
 * Reads the public known-answer vectors committed in test/vectors/ (Wycheproof from
 * C2SP/wycheproof, RFC 5297/5869/4231, NIST SP 800-38G FF1/FF3-1 samples and ACVP).
 * test/vectors/SOURCES.md says where each file comes from and under which licence.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder holding the vector files (test/vectors). */
export const vectorsDir: string = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'vectors');

/** Parses a JSON vector file, by its path relative to test/vectors (e.g. `wycheproof/aes_gcm_test.json`). */
export function loadVectors<T = unknown>(relativePath: string): T {
  return JSON.parse(readFileSync(join(vectorsDir, relativePath), 'utf8')) as T;
}

/** Hex to bytes. */
export const hex = (s: string): Buffer => Buffer.from(s, 'hex');
