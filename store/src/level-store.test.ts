// Runs the conformance suite against the level backend (with its write-ahead log in
// default and tiny segments, and without it), each test in its own temp dir, plus
// level-only behaviour: group commit ordering, the LevelDB directory lock, segment reuse.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { conformanceSuite } from './conformance.ts';
import { openLevelStore, type LevelStoreOptions } from './level-store.ts';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'kubesim-store-'));
}

const variants: [string, Omit<LevelStoreOptions, 'dir'>][] = [
  ['level', {}],
  ['level (write-ahead log in 1 KiB segments)', { walSegmentBytes: 1024 }],
  ['level (write-ahead log off)', { wal: false }],
];
for (const [name, extra] of variants) {
  conformanceSuite(name, () => {
    const dir = tempDir();
    return {
      open: (opts) => openLevelStore({ ...opts, ...extra, dir }),
      reopen: async (kv, opts) => {
        await kv.close();
        return openLevelStore({ ...opts, ...extra, dir });
      },
      destroy: async () => rmSync(dir, { recursive: true, force: true }),
    };
  });
}

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

  it('reuses write-ahead log segments once checkpoints cover them', async () => {
    const dir = tempDir();
    try {
      const kv = await openLevelStore({ dir, compaction: false, walSegmentBytes: 2048 });
      for (let i = 0; i < 1500; i++) await kv.put(`/s/${i}`, 'v'.repeat(40));
      await kv.close();
      // ~170-byte records, ~12 to a segment: 1,500 of them fill over 120 segments. How many
      // files exist depends on how far checkpoints lagged, but far fewer means reuse.
      expect(readdirSync(join(dir, 'wal')).filter((f) => f.endsWith('.wal')).length).toBeLessThan(40);
      const again = await openLevelStore({ dir, compaction: false, wal: false });
      expect(again.currentRevision()).toBe(1500);
      expect((await again.range('/s/', { countOnly: true })).count).toBe(1500);
      await again.put('/s/after', 'x');
      await again.close();
      const third = await openLevelStore({ dir, compaction: false, walSegmentBytes: 2048 });
      expect(third.currentRevision()).toBe(1501);
      expect((await third.put('/s/third', 'x')).revision).toBe(1502);
      await third.close();
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
