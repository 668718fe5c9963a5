// Durations as users write them in kubesim.io annotations and shell commands, and as Go
// prints them in kubelet messages. `parseDuration('1m30s') === 90_000`; a bare number is
// seconds (`'2.5'` → 2500 ms), as `sleep` reads it; `'infinity'` is Infinity.
// `goDuration(80_000) === '1m20s'`, like Go's time.Duration.String (`5m0s`, `10s`, `1h0m0s`).

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** milliseconds, or undefined when the text is not a duration */
export function parseDuration(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const s = text.trim().toLowerCase();
  if (s === '') return undefined;
  if (s === 'infinity' || s === 'inf') return Number.POSITIVE_INFINITY;
  if (/^\d+(\.\d+)?$/.test(s)) return Math.round(Number(s) * 1000);
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/y;
  let total = 0;
  let pos = 0;
  while (pos < s.length) {
    re.lastIndex = pos;
    const m = re.exec(s);
    if (!m) return undefined;
    total += Number(m[1]) * UNIT_MS[m[2]!]!;
    pos = re.lastIndex;
  }
  return Math.round(total);
}

/** Go's time.Duration.String for whole milliseconds: `10s`, `1m20s`, `5m0s`, `1h0m0s`, `500ms`. */
export function goDuration(ms: number): string {
  if (ms === 0) return '0s';
  if (ms < 1000) return `${ms}ms`;
  const totalSeconds = ms / 1000;
  const h = Math.floor(totalSeconds / 3600);
  const m = Math.floor((totalSeconds - h * 3600) / 60);
  const s = totalSeconds - h * 3600 - m * 60;
  const sec = Number.isInteger(s) ? String(s) : String(Number(s.toFixed(3)));
  if (h > 0) return `${h}h${m}m${sec}s`;
  if (m > 0) return `${m}m${sec}s`;
  return `${sec}s`;
}

/** Go's RFC3339Nano for a millisecond time: trailing zeros of the fraction dropped. */
export function formatRFC3339Nano(ms: number): string {
  const iso = new Date(ms).toISOString(); // 2024-01-02T03:04:05.678Z
  return iso.replace(/\.(\d{3})Z$/, (_all, frac: string) => {
    const trimmed = frac.replace(/0+$/, '');
    return trimmed ? `.${trimmed}Z` : 'Z';
  });
}
