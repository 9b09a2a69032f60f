/**
 * Test file order for a run: the longest files first, so that no long file starts last and
 * runs alone while the other workers idle. Vitest's own order does this only from its results
 * cache (absent in CI and on a fresh checkout: it then runs the largest files first, and the
 * crash tests, the longest of all, are among the smallest). A file's expected duration is its
 * cached duration when there is one, else the rough figure below (measured on a 2-core
 * machine); files in neither start after these, in Vitest's default order.
 */
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** Rough durations in seconds of the files that take longest, for a run without a cache. */
const EXPECTED_SECONDS: Readonly<Record<string, number>> = {
  'test/rotation/jobs-crash.mariadb.test.ts': 105,
  'test/rotation/jobs-crash.postgres.test.ts': 97,
  'test/cli/keys.test.ts': 76,
  'test/cli/jobs.test.ts': 62,
  'test/rotation/jobs-crash.test.ts': 57,
  'test/prisma/types/typecheck.test.ts': 52,
  'test/cli/config.test.ts': 40,
  'test/cli/reindex.test.ts': 37,
  'test/cli/usage.test.ts': 37,
  'test/keys/file-key-store-crash.test.ts': 35,
  'test/cli/prisma.test.ts': 35,
  'test/rotation/jobs-crash.typeorm.test.ts': 33,
  'test/keys/file-key-store-race.test.ts': 30,
  'test/keys/coherence.test.ts': 28,
  'test/cli/servers.test.ts': 23,
  'test/providers/contract.test.ts': 19,
  'test/keys/store/multi-process.test.ts': 17,
  'test/prisma/row-source.test.ts': 16,
  'test/keys/store/prisma-sql-connection.test.ts': 15,
  'test/prisma/postgresql.test.ts': 14,
};

/** Orders test files by expected duration, longest first (see the module comment). */
export default class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const byDefault = await super.sort(files);
    const expected = (spec: TestSpecification): number => {
      const path = relative(this.ctx.config.root, spec.moduleId).split('\\').join('/');
      const cached = this.ctx.cache.getFileTestResults(`${spec.project.name}:${path}`)?.duration;
      return cached ?? (EXPECTED_SECONDS[path] ?? 0) * 1000;
    };
    // A stable sort: files of equal expectation (the unknown ones) keep Vitest's order.
    return byDefault.map((spec, index) => ({ spec, index, ms: expected(spec) })).sort((a, b) => b.ms - a.ms || a.index - b.index).map(({ spec }) => spec);
  }
}
