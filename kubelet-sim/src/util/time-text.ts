// formatTime (RFC 3339, whole seconds) with a cache: pod statuses repeat the same few
// timestamps thousands of times, and Date formatting is the costly part of rendering them.

import { formatTime } from '@kubesim/shared';

const cache = new Map<number, string>();

export function timeText(ms: number): string {
  const s = Math.floor(ms / 1000);
  let t = cache.get(s);
  if (t === undefined) {
    t = formatTime(s * 1000);
    if (cache.size >= 20_000) cache.clear();
    cache.set(s, t);
  }
  return t;
}
