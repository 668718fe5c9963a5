import { describe, expect, it } from 'vitest';
import { toMs } from './duration.ts';

describe('toMs', () => {
  it('reads seconds, minutes, hours and combinations', () => {
    expect(toMs('30s')).toBe(30_000);
    expect(toMs('10m')).toBe(600_000);
    expect(toMs('1h30m')).toBe(5_400_000);
    expect(toMs('250ms')).toBe(250);
    expect(toMs(42)).toBe(42);
  });
  it('rejects what it cannot read', () => {
    expect(() => toMs('soon')).toThrow(/invalid duration/);
    expect(() => toMs(-1)).toThrow(/invalid duration/);
  });
});
