// Remembers the EndpointSlice writes not yet seen in the informer cache, per service
// (Kubernetes: EndpointSliceTracker, which uses generations; kubesim's slices have no
// generation, so it compares resourceVersions). A sync that plans from a cache missing its own
// last writes would create duplicate slices or undo an update, so `isStale` makes the caller
// wait for the watch to catch up. An expectation not met within `timeoutMs` is dropped (a
// slice deleted by someone else right after our update must not wedge the service).
//   tracker.expectWritten(key, slice) after create/update; tracker.expectDeleted(key, slice)
//   if (tracker.isStale(key, name => cache.get(ns/name))) requeue

import type { Clock, EndpointSlice } from '@kubesim/shared';

const DELETED = Symbol('deleted');

interface Expectation {
  rv: string | typeof DELETED;
  at: number;
}

/** resourceVersion `a` is at least `b` (numeric when both are; equal otherwise) */
function rvAtLeast(a: string, b: string): boolean {
  if (/^\d+$/.test(a) && /^\d+$/.test(b)) return BigInt(a) >= BigInt(b);
  return a === b;
}

export class EndpointSliceTracker {
  readonly #clock: Clock;
  readonly #timeoutMs: number;
  readonly #byService = new Map<string, Map<string, Expectation>>();

  constructor(clock: Clock, timeoutMs = 10_000) {
    this.#clock = clock;
    this.#timeoutMs = timeoutMs;
  }

  expectWritten(serviceKey: string, slice: EndpointSlice): void {
    const name = slice.metadata.name;
    const rv = slice.metadata.resourceVersion;
    if (name && rv) this.#set(serviceKey, name, rv);
  }

  expectDeleted(serviceKey: string, slice: EndpointSlice): void {
    if (slice.metadata.name) this.#set(serviceKey, slice.metadata.name, DELETED);
  }

  /** whether the cache lacks a write of ours; met expectations are forgotten */
  isStale(serviceKey: string, cached: (name: string) => EndpointSlice | undefined): boolean {
    const m = this.#byService.get(serviceKey);
    if (!m) return false;
    const now = this.#clock.now();
    let stale = false;
    for (const [name, exp] of m) {
      const obj = cached(name);
      const met = exp.rv === DELETED ? obj === undefined : obj !== undefined && rvAtLeast(obj.metadata.resourceVersion ?? '', exp.rv);
      if (met || now - exp.at > this.#timeoutMs) m.delete(name);
      else stale = true;
    }
    if (m.size === 0) this.#byService.delete(serviceKey);
    return stale;
  }

  forgetService(serviceKey: string): void {
    this.#byService.delete(serviceKey);
  }

  #set(serviceKey: string, name: string, rv: string | typeof DELETED): void {
    let m = this.#byService.get(serviceKey);
    if (!m) this.#byService.set(serviceKey, (m = new Map()));
    m.set(name, { rv, at: this.#clock.now() });
  }
}
