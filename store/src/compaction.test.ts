// The retention rule: keep the time window or the revision floor, whichever keeps more.
// Samples are (clock time, revision) pairs the periodic timer records.
import { describe, expect, it } from 'vitest';
import { RetentionPolicy } from './compaction.ts';

describe('RetentionPolicy', () => {
  it('compacts nothing until a sample is a whole window old', () => {
    const p = new RetentionPolicy({ windowMs: 300_000, minRevisions: 10 });
    expect(p.tick(0, 100)).toBe(0);
    expect(p.tick(60_000, 200)).toBe(0);
    expect(p.tick(299_999, 500)).toBe(0);
  });

  it('compacts to the revision current a window ago when the floor keeps less', () => {
    const p = new RetentionPolicy({ windowMs: 300_000, minRevisions: 10 });
    p.tick(0, 100);
    p.tick(60_000, 200);
    expect(p.tick(300_000, 900)).toBe(100);
    expect(p.tick(360_000, 950)).toBe(200);
  });

  it('keeps at least minRevisions when the window holds fewer', () => {
    const p = new RetentionPolicy({ windowMs: 300_000, minRevisions: 10_000 });
    p.tick(0, 9_000);
    expect(p.tick(300_000, 12_000)).toBe(2_000);
    expect(p.tick(600_000, 12_005)).toBe(2_005);
  });
});
