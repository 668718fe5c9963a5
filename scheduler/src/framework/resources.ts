// Resource arithmetic for scheduling: what a pod requests and what a node offers.
// A pod's request is Kubernetes' effective request: the sum of its app containers and
// sidecars (restartable init containers), or the largest init-time need if bigger, plus
// `spec.overhead`. Example — containers 100m + 200m, init containers 500m then 50m:
// max(300m, 500m) = 500m, then overhead 10m → 510m. The "non-zero" variant, used only
// for scoring, counts a container without a cpu/memory request as 100m / 200 MB, so that
// spreading still works for pods that request nothing. CPU is in millicores, the rest in
// units (bytes, counts); extended resources (`nvidia.com/gpu`, hugepages-*) are "scalar".

import { parseQuantity } from '@kubesim/shared';
import type { Container, Pod, ResourceList } from '../types.ts';

export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

export class Resource {
  milliCPU = 0;
  memory = 0;
  ephemeralStorage = 0;
  allowedPodNumber = 0;
  /** extended resources, e.g. `nvidia.com/gpu` → 2; absent when none */
  scalar: Map<string, number> | undefined = undefined;

  clone(): Resource {
    const r = new Resource();
    r.milliCPU = this.milliCPU;
    r.memory = this.memory;
    r.ephemeralStorage = this.ephemeralStorage;
    r.allowedPodNumber = this.allowedPodNumber;
    if (this.scalar) r.scalar = new Map(this.scalar);
    return r;
  }

  equals(o: Resource): boolean {
    if (this.milliCPU !== o.milliCPU || this.memory !== o.memory || this.ephemeralStorage !== o.ephemeralStorage || this.allowedPodNumber !== o.allowedPodNumber) return false;
    const a = this.scalar;
    const b = o.scalar;
    if (!a || !b) return (a?.size ?? 0) === 0 && (b?.size ?? 0) === 0;
    if (a.size !== b.size) return false;
    for (const [k, v] of a) if (b.get(k) !== v) return false;
    return true;
  }

  /** adds (sign 1) or subtracts (sign -1) another Resource */
  addResource(o: Resource, sign: 1 | -1 = 1): void {
    this.milliCPU += sign * o.milliCPU;
    this.memory += sign * o.memory;
    this.ephemeralStorage += sign * o.ephemeralStorage;
    if (o.scalar) {
      this.scalar ??= new Map();
      for (const [k, v] of o.scalar) this.scalar.set(k, (this.scalar.get(k) ?? 0) + sign * v);
    }
  }

  get(name: string): number {
    switch (name) {
      case 'cpu':
        return this.milliCPU;
      case 'memory':
        return this.memory;
      case 'ephemeral-storage':
        return this.ephemeralStorage;
      case 'pods':
        return this.allowedPodNumber;
      default:
        return this.scalar?.get(name) ?? 0;
    }
  }

  set(name: string, v: number): void {
    switch (name) {
      case 'cpu':
        this.milliCPU = v;
        return;
      case 'memory':
        this.memory = v;
        return;
      case 'ephemeral-storage':
        this.ephemeralStorage = v;
        return;
      case 'pods':
        this.allowedPodNumber = v;
        return;
      default:
        this.scalar ??= new Map();
        this.scalar.set(name, v);
    }
  }

  isZero(): boolean {
    if (this.milliCPU !== 0 || this.memory !== 0 || this.ephemeralStorage !== 0) return false;
    if (this.scalar) for (const v of this.scalar.values()) if (v !== 0) return false;
    return true;
  }
}

const parsed = new Map<string, { milli: number; value: number }>();

/** A quantity as a number: millicores for cpu, whole units otherwise (rounded up). 0 if it does not parse. */
export function quantityValue(name: string, q: string | number): number {
  const key = typeof q === 'number' ? `#${q}` : q;
  let p = parsed.get(key);
  if (!p) {
    try {
      const quantity = parseQuantity(q);
      p = { milli: quantity.milliValue(), value: quantity.value() };
    } catch {
      p = { milli: 0, value: 0 };
    }
    if (parsed.size > 10_000) parsed.clear();
    parsed.set(key, p);
  }
  return name === 'cpu' ? p.milli : p.value;
}

/** A ResourceList (`{cpu: '500m', memory: '1Gi'}`) as a Resource. */
export function resourceFromList(list: ResourceList | undefined): Resource {
  const r = new Resource();
  if (list) for (const name in list) r.set(name, quantityValue(name, list[name]!));
  return r;
}

function containerRequest(c: Container, nonZero: boolean): Resource {
  const r = resourceFromList(c.resources?.requests);
  if (nonZero) {
    const req = c.resources?.requests;
    if (!req || req.cpu === undefined) r.milliCPU = DEFAULT_MILLI_CPU_REQUEST;
    if (!req || req.memory === undefined) r.memory = DEFAULT_MEMORY_REQUEST;
  }
  return r;
}

function maxInto(target: Resource, o: Resource): void {
  target.milliCPU = Math.max(target.milliCPU, o.milliCPU);
  target.memory = Math.max(target.memory, o.memory);
  target.ephemeralStorage = Math.max(target.ephemeralStorage, o.ephemeralStorage);
  if (o.scalar) {
    target.scalar ??= new Map();
    for (const [k, v] of o.scalar) target.scalar.set(k, Math.max(target.scalar.get(k) ?? 0, v));
  }
}

/** The effective request of a pod (see the header); `nonZero` applies the scoring defaults. */
export function computePodRequests(pod: Pod, nonZero: boolean): Resource {
  const spec = pod.spec;
  const total = new Resource();
  if (!spec) return total;
  for (const c of spec.containers ?? []) total.addResource(containerRequest(c, nonZero));
  const sidecars = new Resource();
  const maxInit = new Resource();
  for (const c of spec.initContainers ?? []) {
    const req = containerRequest(c, nonZero);
    if (c.restartPolicy === 'Always') {
      sidecars.addResource(req);
      maxInto(maxInit, sidecars);
    } else {
      const atStart = req.clone();
      atStart.addResource(sidecars);
      maxInto(maxInit, atStart);
    }
  }
  total.addResource(sidecars);
  maxInto(total, maxInit);
  if (spec.overhead) total.addResource(resourceFromList(spec.overhead));
  return total;
}

/** What a node offers: status.allocatable, or status.capacity when allocatable is absent. */
export function nodeAllocatable(list: ResourceList | undefined): Resource {
  return resourceFromList(list);
}
