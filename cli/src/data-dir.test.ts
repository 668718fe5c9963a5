import { mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataDirLockedError, lockDataDir, resetDataDir } from './data-dir.ts';

describe('lockDataDir', () => {
  it('refuses a data dir locked by a live process, naming its pid', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ks-lock-'));
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 10000)']);
    try {
      writeFileSync(join(dir, 'kubesim.lock'), `${other.pid}\n`);
      expect(() => lockDataDir(dir)).toThrow(DataDirLockedError);
      expect(() => lockDataDir(dir)).toThrow(new RegExp(`pid ${other.pid}`));
    } finally {
      other.kill('SIGKILL');
    }
  });

  it('takes over a stale lock and releases it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ks-lock-'));
    writeFileSync(join(dir, 'kubesim.lock'), '999999999\n');
    const release = lockDataDir(dir);
    expect(existsSync(join(dir, 'kubesim.lock'))).toBe(true);
    release();
    expect(existsSync(join(dir, 'kubesim.lock'))).toBe(false);
  });

  it('reset wipes an unlocked data dir', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ks-reset-'));
    writeFileSync(join(dir, 'tokens.csv'), 'x');
    resetDataDir(dir);
    expect(existsSync(dir)).toBe(false);
  });
});
