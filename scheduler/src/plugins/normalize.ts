// DefaultNormalizeScore, shared by several Score plugins: scale raw scores so the highest
// becomes 100 (integer division), or, with `reverse`, so the highest becomes 0.
// Example: raw [2, 1, 0] → [100, 50, 0]; reversed → [0, 50, 100]. When every raw score
// is 0, scores stay 0 — or all become 100 when reversed (nothing to hold against any node).

import { MAX_NODE_SCORE } from '../framework/interfaces.ts';
import type { Scores } from '../framework/interfaces.ts';

export function defaultNormalizeScore(scores: Scores, reverse: boolean, max: number = MAX_NODE_SCORE): void {
  let maxCount = 0;
  for (const s of scores) if (s > maxCount) maxCount = s;
  if (maxCount === 0) {
    if (reverse) scores.fill(max);
    return;
  }
  for (let i = 0; i < scores.length; i++) {
    let s = Math.trunc((max * scores[i]!) / maxCount);
    if (reverse) s = max - s;
    scores[i] = s;
  }
}
