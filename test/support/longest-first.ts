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

/** Rough durations in seconds (two workers, 2 cores) of the files that take longest, for a run without a cache. */
const EXPECTED_SECONDS: Readonly<Record<string, number>> = {
  'test/rotation/jobs-crash.mariadb.test.ts': 150,
  'test/rotation/jobs-crash.postgres.test.ts': 130,
  'test/rotation/jobs-crash.test.ts': 70,
  'test/rotation/jobs-crash.typeorm.test.ts': 50,
  'test/keys/file-key-store-race.test.ts': 30,
  'test/keys/coherence.test.ts': 20,
  'test/prisma/postgresql.test.ts': 19,
  'test/prisma/types/typecheck.test.ts': 18,
  'test/prisma/mysql.test.ts': 15,
  'test/cli/jobs.test.ts': 15,
  'test/providers/contract.test.ts': 13,
  'test/cli/config.test.ts': 12,
  'test/cli/keys.test.ts': 11,
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
