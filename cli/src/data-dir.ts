// The data dir holds one cluster: the store, the CA and serving certificate, the tokens
// file, kubeconfigs and component logs. A lock file (`kubesim.lock`, holding the pid of
// the `kubesim up` that owns it) keeps two clusters off one dir; a lock whose pid is no
// longer alive is stale and is taken over.

import { mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export class DataDirLockedError extends Error {}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function lockDataDir(dir: string): () => void {
  mkdirSync(dir, { recursive: true });
  const lockPath = join(dir, 'kubesim.lock');
  if (existsSync(lockPath)) {
    const pid = Number(readFileSync(lockPath, 'utf8').trim());
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) {
      throw new DataDirLockedError(
        `the data dir ${resolve(dir)} is in use by another kubesim (pid ${pid}); stop it first or pass --data-dir`,
      );
    }
  }
  writeFileSync(lockPath, `${process.pid}\n`);
  return () => rmSync(lockPath, { force: true });
}

/** `kubesim reset`: wipe the cluster's state (refused while a cluster runs on it). */
export function resetDataDir(dir: string): void {
  const release = lockDataDir(dir);
  release();
  rmSync(dir, { recursive: true, force: true });
}
