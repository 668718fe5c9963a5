import { describe, expect, it } from 'vitest';
import { formatRFC3339Nano, goDuration, parseDuration } from './duration.ts';

describe('parseDuration', () => {
  it('reads Go-style durations and plain seconds', () => {
    expect(parseDuration('1m30s')).toBe(90_000);
    expect(parseDuration('2.5')).toBe(2500);
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('1h')).toBe(3_600_000);
    expect(parseDuration('infinity')).toBe(Number.POSITIVE_INFINITY);
    expect(parseDuration('soon')).toBeUndefined();
    expect(parseDuration(undefined)).toBeUndefined();
  });
});

describe('goDuration', () => {
  it('prints as Go prints time.Duration', () => {
    expect(goDuration(10_000)).toBe('10s');
    expect(goDuration(80_000)).toBe('1m20s');
    expect(goDuration(300_000)).toBe('5m0s');
    expect(goDuration(3_600_000)).toBe('1h0m0s');
    expect(goDuration(500)).toBe('500ms');
  });
});

describe('formatRFC3339Nano', () => {
  it('drops trailing zeros of the fraction', () => {
    expect(formatRFC3339Nano(Date.UTC(2024, 0, 2, 3, 4, 5, 120))).toBe('2024-01-02T03:04:05.12Z');
    expect(formatRFC3339Nano(Date.UTC(2024, 0, 2, 3, 4, 5))).toBe('2024-01-02T03:04:05Z');
  });
});
