// Leases: a TTL that keys can be attached to (`put(key, v, { lease })`). When a lease
// expires or is revoked, its keys are deleted in one revision, with watch events.
// Expiry follows the injected Clock (one timer per lease, reset by keep-alive). Only the
// TTL is durable; like etcd after a leader change, a reopened store restarts every
// lease's full TTL. Lease grants and keep-alives do not bump the revision.

import type { Clock, TimerHandle } from '@kubesim/shared';
import { StoreError } from './errors.ts';
import type { Lease, WatchEvent } from './kv.ts';

interface LeaseState {
  lease: Lease;
  keys: Set<string>;
  timer: TimerHandle | undefined;
}

export class Leases {
  private readonly table = new Map<number, LeaseState>();
  /** the id the next grant gets; ids are never reused, even across restarts */
  nextId: number;

  constructor(
    private readonly clock: Clock,
    private readonly onExpire: (id: number) => void,
    nextId = 1,
  ) {
    this.nextId = nextId;
  }

  exists(id: number): boolean {
    return this.table.has(id);
  }

  /** Creates (or, when reopening, restores) a lease and starts its expiry timer. */
  add(id: number, ttlSeconds: number): Lease {
    const state: LeaseState = { lease: { id, ttlSeconds, expiresAt: 0 }, keys: new Set(), timer: undefined };
    this.table.set(id, state);
    if (id >= this.nextId) this.nextId = id + 1;
    this.arm(state);
    return { ...state.lease };
  }

  keepAlive(id: number): Lease {
    const state = this.table.get(id);
    if (!state) throw new StoreError('LeaseNotFound', `lease ${id} not found`);
    this.arm(state);
    return { ...state.lease };
  }

  /** Forgets a lease and returns the keys attached to it (sorted, for a deterministic delete order). */
  remove(id: number): string[] {
    const state = this.table.get(id);
    if (!state) throw new StoreError('LeaseNotFound', `lease ${id} not found`);
    this.clock.clearTimeout(state.timer);
    this.table.delete(id);
    return [...state.keys].sort();
  }

  /** Keeps lease → keys in step with committed writes. */
  track(events: readonly WatchEvent[]): void {
    for (const ev of events) {
      const prev = ev.prevKv?.lease;
      if (prev) this.table.get(prev)?.keys.delete(ev.kv.key);
      if (ev.type === 'put' && ev.kv.lease) this.table.get(ev.kv.lease)?.keys.add(ev.kv.key);
    }
  }

  /** Attaches a key found on disk at open. */
  attach(id: number, key: string): void {
    this.table.get(id)?.keys.add(key);
  }

  ids(): number[] {
    return [...this.table.keys()];
  }

  stop(): void {
    for (const s of this.table.values()) this.clock.clearTimeout(s.timer);
  }

  private arm(state: LeaseState): void {
    this.clock.clearTimeout(state.timer);
    const ms = state.lease.ttlSeconds * 1000;
    state.lease.expiresAt = this.clock.now() + ms;
    const id = state.lease.id;
    state.timer = this.clock.setTimeout(() => this.onExpire(id), ms);
  }
}
