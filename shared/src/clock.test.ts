// formatTime and formatMicroTime remember their last answer: whatever order times come in,
// they must answer what formatting each time afresh gives.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatMicroTime, formatTime } from './clock.ts';

const microReference = (ms: number): string => new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
const secondReference = (ms: number): string => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

// epoch milliseconds from 1970 to 2200, fractions included, repeats likely
const timeArb = fc.oneof(fc.integer({ min: 0, max: 7_258_118_400_000 }), fc.double({ min: 0, max: 7_258_118_400_000, noNaN: true }), fc.constantFrom(0, 1, 999, 1000, 1_767_225_600_123));

describe('formatMicroTime', () => {
  it('writes metav1.MicroTime: microseconds, the last three digits zero', () => {
    expect(formatMicroTime(Date.UTC(2026, 0, 1, 0, 0, 10, 250))).toBe('2026-01-01T00:00:10.250000Z');
    expect(formatMicroTime(0)).toBe('1970-01-01T00:00:00.000000Z');
  });

  it('answers as formatting afresh for any sequence of times, repeated or not', () => {
    fc.assert(
      fc.property(fc.array(timeArb, { maxLength: 30 }), (times) => {
        for (const t of [...times, ...times.slice().reverse()]) expect(formatMicroTime(t)).toBe(microReference(t));
      }),
    );
  });

  it('still throws on a time a Date cannot hold, and answers right afterwards', () => {
    formatMicroTime(5);
    expect(() => formatMicroTime(Number.NaN)).toThrow(RangeError);
    expect(formatMicroTime(5)).toBe(microReference(5));
    expect(formatMicroTime(6)).toBe(microReference(6));
  });
});

describe('formatTime', () => {
  it('answers as formatting afresh for any sequence of times', () => {
    fc.assert(
      fc.property(fc.array(timeArb, { maxLength: 30 }), (times) => {
        for (const t of [...times, ...times.slice().reverse()]) expect(formatTime(t)).toBe(secondReference(t));
      }),
    );
  });
});
