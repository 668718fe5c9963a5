// Crash safety of the level backend: a child process writes with many concurrent writers
// and is SIGKILLed at a random moment; on reopen every acknowledged write must be there
// and the revisions consistent (no acked write missing, history replays without gaps).

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openLevelStore } from './level-store.ts';

const here = dirname(fileURLToPath(import.meta.url));

/** Runs crash-writer.ts until it has acknowledged `acks` writes, then SIGKILLs it. */
function runAndKill(dir: string, acks: number): Promise<{ acked: Map<string, number>; hot: Map<string, number> }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'crash-writer.ts'), dir], {
      cwd: join(here, '..', '..'),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const acked = new Map<string, number>();
    const hot = new Map<string, number>();
    let partial = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      const lines = (partial + d.toString()).split('\n');
      partial = lines.pop()!;
      for (const line of lines) {
        const [kind, key, rev] = line.split(' ');
        (kind === 'hot' ? hot : acked).set(key!, Number(rev));
      }
      if (acked.size >= acks) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve({ acked, hot });
      else reject(new Error(`writer exited early (${code}): ${stderr}`));
    });
  });
}

describe('level store after SIGKILL', () => {
  it('reopens with every acknowledged write and a gap-free revision history', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubesim-crash-'));
    try {
      for (let round = 0; round < 3; round++) {
        const { acked, hot } = await runAndKill(dir, 200 + Math.floor(Math.random() * 3000));
        const kv = await openLevelStore({ dir, compaction: false });
        const current = kv.currentRevision();
        const byKey = new Map((await kv.range('/')).kvs.map((x) => [x.key, x]));
        for (const [key, rev] of acked) expect(byKey.get(key)?.modRevision, key).toBe(rev);
        // A hot key may hold a later, unacknowledged write, never an older one.
        for (const [key, rev] of hot) expect(byKey.get(key)!.modRevision, key).toBeGreaterThanOrEqual(rev);
        expect(Math.max(...[...byKey.values()].map((x) => x.modRevision))).toBeLessThanOrEqual(current);
        // The retained history replays without a gap from the compacted revision to current.
        const from = kv.compactedRevision();
        const w = kv.watch('/', { fromRevision: from });
        let expected = from + 1;
        for await (const ev of w) {
          if (ev.kv.modRevision !== expected) expect(ev.kv.modRevision).toBe(expected + 1);
          expected = ev.kv.modRevision;
          if (ev.kv.modRevision === current) break;
        }
        expect(expected).toBe(current);
        expect((await kv.put('/after', String(round))).revision).toBe(current + 1);
        await kv.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
