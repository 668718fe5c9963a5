// Runs the conformance suite against the level backend, each test in its own temp dir,
// plus level-only behaviour: group commit ordering and the LevelDB directory lock.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { conformanceSuite } from './conformance.ts';
import { openLevelStore } from './level-store.ts';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'kubesim-store-'));
}

conformanceSuite('level', () => {
  const dir = tempDir();
  return {
    open: (opts) => openLevelStore({ ...opts, dir }),
    reopen: async (kv, opts) => {
      await kv.close();
      return openLevelStore({ ...opts, dir });
    },
    destroy: async () => rmSync(dir, { recursive: true, force: true }),
  };
});

describe('openLevelStore', () => {
  it('groups concurrent writers and keeps revisions in submission order', async () => {
    const dir = tempDir();
    try {
      const kv = await openLevelStore({ dir, compaction: false });
      const results = await Promise.all(Array.from({ length: 200 }, (_, i) => kv.put(`/g/${i}`, String(i))));
      expect(results.map((r) => r.revision)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
      await kv.close();
      const again = await openLevelStore({ dir, compaction: false, fsync: false });
      expect(again.currentRevision()).toBe(200);
      expect((await again.range('/g/', { countOnly: true })).count).toBe(200);
      await again.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a directory another store holds open, with a StoreError', async () => {
    const dir = tempDir();
    try {
      const kv = await openLevelStore({ dir, compaction: false });
      await expect(openLevelStore({ dir })).rejects.toMatchObject({ code: 'Closed' });
      await kv.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
