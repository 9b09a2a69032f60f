/**
 * The OS user PostgreSQL runs as when the tests run as root (PostgreSQL refuses to run as
 * root). It is `postgres`, like a system installation's, and is created when missing.
 */
import { execFileSync, spawnSync } from 'node:child_process';

const NAME = 'postgres';

/** A user and group id to run a process as. */
export interface OsUser {
  readonly uid: number;
  readonly gid: number;
}

function lookUp(): OsUser | undefined {
  const id = (flag: string): number | undefined => {
    const result = spawnSync('id', [flag, NAME], { encoding: 'utf8' });
    return result.status === 0 ? Number.parseInt(result.stdout, 10) : undefined;
  };
  const uid = id('-u');
  const gid = id('-g');
  return uid === undefined || gid === undefined ? undefined : { uid, gid };
}

/** The ids of the OS user `postgres`; creates it (a system user without a home) when missing. */
export function postgresOsUser(): OsUser {
  const found = lookUp();
  if (found !== undefined) return found;
  try {
    if (spawnSync('getent', ['group', NAME]).status !== 0) execFileSync('groupadd', ['--system', NAME], { stdio: 'pipe' });
    execFileSync('useradd', ['--system', '--gid', NAME, '--no-create-home', NAME], { stdio: 'pipe' });
  } catch (error) {
    const detail = String((error as { stderr?: unknown }).stderr ?? (error as Error).message).trim();
    throw new Error(`PostgreSQL cannot run as root and the OS user ${NAME} is missing; creating it failed: ${detail}`);
  }
  const created = lookUp();
  if (created === undefined) throw new Error(`the OS user ${NAME} was created but \`id ${NAME}\` does not find it`);
  return created;
}
