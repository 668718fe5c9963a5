// Durations as people write them in the simulation kit: '30s', '10m', '1h30m', '250ms',
// or a number of milliseconds.

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export type Duration = number | string;

export function toMs(d: Duration): number {
  if (typeof d === 'number') {
    if (!Number.isFinite(d) || d < 0) throw new Error(`invalid duration ${d}`);
    return d;
  }
  const text = d.trim();
  if (!/^(\d+(\.\d+)?(ms|s|m|h|d))+$/.test(text)) throw new Error(`invalid duration "${d}" (use e.g. 30s, 10m, 1h30m, 250ms)`);
  let total = 0;
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)) total += Number(m[1]) * UNITS[m[2]!]!;
  return Math.round(total);
}
