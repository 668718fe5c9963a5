// The load balancer of one service frontend, pure: no sockets, no clock (callers pass `now`).
// Round-robin over the current endpoint set, kept sorted; the cursor is the last endpoint
// picked, and the next pick is the first endpoint after it in sort order (wrapping). So over
// any run of picks with a stable set of k endpoints each is picked ⌊n/k⌋ or ⌈n/k⌉ times, and
// when the set changes the rotation carries on from where it was: new endpoints join in their
// place, removed ones are never picked again.
// ClientIP session affinity (kube-proxy's `recent` match): a client keeps its endpoint while it
// is in the set and was used within the timeout; each use renews it.
//   const b = new RoundRobinBalancer(); b.setEndpoints(['10.0.0.1:80', '10.0.0.2:80']);
//   b.pick('127.0.0.1', now)            // → an endpoint id, or undefined when the set is empty
//   b.pick(ip, now, new Set([failed]))   // skip endpoints that just failed (the affinity moves)

export interface AffinityEntry {
  endpoint: string;
  lastUsed: number;
}

export class RoundRobinBalancer {
  #endpoints: string[] = [];
  #members = new Set<string>();
  #last: string | undefined;
  #affinityTimeoutMs = 0;
  #affinity = new Map<string, AffinityEntry>();
  #picksSinceSweep = 0;

  /** the current endpoint ids, sorted */
  endpoints(): readonly string[] {
    return this.#endpoints;
  }

  /** replace the endpoint set; affinity to endpoints that left is forgotten */
  setEndpoints(ids: Iterable<string>): void {
    this.#members = new Set(ids);
    this.#endpoints = [...this.#members].sort();
    for (const [client, e] of this.#affinity) if (!this.#members.has(e.endpoint)) this.#affinity.delete(client);
  }

  /** ClientIP affinity for `timeoutMs` (0: none, the default) */
  setAffinity(timeoutMs: number): void {
    if (timeoutMs !== this.#affinityTimeoutMs) this.#affinity.clear();
    this.#affinityTimeoutMs = Math.max(0, timeoutMs);
  }

  /** how many clients are pinned now */
  affinityEntries(): number {
    return this.#affinity.size;
  }

  /** the endpoint for a new connection from `clientIP`, skipping `exclude`; undefined when none is left */
  pick(clientIP: string, now: number, exclude?: ReadonlySet<string>): string | undefined {
    if (this.#affinityTimeoutMs > 0) {
      if (++this.#picksSinceSweep >= 1024) this.#sweep(now);
      const pinned = this.#affinity.get(clientIP);
      if (pinned && now - pinned.lastUsed <= this.#affinityTimeoutMs && this.#members.has(pinned.endpoint) && !exclude?.has(pinned.endpoint)) {
        pinned.lastUsed = now;
        return pinned.endpoint;
      }
    }
    const chosen = this.#next(exclude);
    if (chosen !== undefined && this.#affinityTimeoutMs > 0) this.#affinity.set(clientIP, { endpoint: chosen, lastUsed: now });
    return chosen;
  }

  #next(exclude: ReadonlySet<string> | undefined): string | undefined {
    const list = this.#endpoints;
    const n = list.length;
    if (n === 0) return undefined;
    const start = this.#last === undefined ? 0 : upperBound(list, this.#last) % n;
    for (let i = 0; i < n; i++) {
      const id = list[(start + i) % n]!;
      if (exclude?.has(id)) continue;
      this.#last = id;
      return id;
    }
    return undefined;
  }

  #sweep(now: number): void {
    this.#picksSinceSweep = 0;
    for (const [client, e] of this.#affinity) if (now - e.lastUsed > this.#affinityTimeoutMs) this.#affinity.delete(client);
  }
}

/** index of the first element greater than `x` in sorted `list` (list.length if none) */
function upperBound(list: readonly string[], x: string): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
