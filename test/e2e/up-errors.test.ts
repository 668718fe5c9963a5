// `kubesim up` refuses a busy port and a data dir in use with one clear line, exit code 2,
// and no stack trace; so does `kubesim apiserver` for a --socket it cannot serve on.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, TSX } from './cluster.ts';

function kubesim(args: string[]): { code: number | null; out: string } {
  const r = spawnSync(process.execPath, ['--import', TSX, join(REPO, 'cli', 'src', 'main.ts'), ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}
const up = (args: string[]) => kubesim(['up', ...args]);

describe('kubesim up', () => {
  it('refuses a port that is already in use', async () => {
    const srv = createServer();
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const port = (srv.address() as { port: number }).port;
    try {
      const { code, out } = up(['--port', String(port), '--data-dir', mkdtempSync(join(tmpdir(), 'ks-busy-'))]);
      expect(code).toBe(2);
      expect(out).toContain(`kubesim: port ${port} on 127.0.0.1 is already in use`);
      expect(out).not.toMatch(/\n\s+at /);
    } finally {
      srv.close();
    }
  });

  it('refuses a data dir another kubesim holds', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ks-locked-'));
    writeFileSync(join(dir, 'kubesim.lock'), `${process.pid}\n`);
    const { code, out } = up(['--port', '1', '--data-dir', dir]);
    expect(code).toBe(2);
    expect(out).toContain(`is in use by another kubesim (pid ${process.pid})`);
    expect(out).not.toMatch(/\n\s+at /);
  });

  it('refuses a bad flag value', () => {
    const { code, out } = up(['--nodes', 'many']);
    expect(code).toBe(2);
    expect(out).toContain('--nodes must be an integer');
  });
});

describe('kubesim apiserver --socket', () => {
  it('refuses a socket path longer than a Unix socket may have', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ks-sock-'));
    const { code, out } = kubesim(['apiserver', '--data-dir', dir, '--port', '0', '--store', 'memory', '--socket', join(dir, `${'a'.repeat(120)}.sock`)]);
    expect(code).toBe(2);
    expect(out).toContain('is longer than 107 bytes');
    expect(out).not.toMatch(/\n\s+at /);
  });

  it('refuses a socket something else serves on', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ks-sock-'));
    const path = join(dir, 'apiserver.sock');
    const srv = createServer();
    await new Promise<void>((r) => srv.listen(path, r));
    try {
      const { code, out } = kubesim(['apiserver', '--data-dir', dir, '--port', '0', '--store', 'memory', '--socket', path]);
      expect(code).toBe(2);
      expect(out).toContain(`kubesim: another apiserver is serving on ${path}`);
      expect(out).not.toMatch(/\n\s+at /);
    } finally {
      srv.close();
    }
  });
});
