/**
 * What a suite does when a service it needs (a database server, moto) is not there. Outside
 * CI it skips, and the reason, with how to get the service, is printed once per run by
 * test/support/global-setup.ts. In CI (`CI=true`) every suite must run, so a missing service
 * fails instead.
 */

/** True in CI (`CI=true` or `CI=1`), where nothing may skip. */
export const inCI: boolean = process.env.CI === 'true' || process.env.CI === '1';

/**
 * Returns `reason` (the caller then skips) outside CI, and throws it in CI. `undefined`
 * means the service is there.
 */
export function skipReasonOrFail(reason: string | undefined, ci: boolean = inCI): string | undefined {
  if (reason !== undefined && ci) throw new Error(`CI runs every suite, but ${reason}`);
  return reason;
}
