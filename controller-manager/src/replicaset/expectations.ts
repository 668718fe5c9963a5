// Controller expectations (Kubernetes: controller_utils.go). After a ReplicaSet asks the
// apiserver for 3 pods, its informer cache shows them only a moment later; syncing in
// between would see too few pods and create 3 more. So the controller records "expect 3
// creations" and skips managing replicas for that key until the informer has observed
// them all (or 5 minutes pass, in case a watch event was lost).

import type { Clock } from '@kubesim/shared';

const EXPECTATIONS_TTL_MS = 5 * 60 * 1000;

interface Expectation {
  add: number;
  del: number;
  timestamp: number;
}

export class ControllerExpectations {
  private readonly map = new Map<string, Expectation>();
  constructor(private readonly clock: Clock) {}

  /** true when nothing is outstanding (or the record expired): the controller may act */
  satisfied(key: string): boolean {
    const e = this.map.get(key);
    if (!e) return true;
    if (e.add <= 0 && e.del <= 0) return true;
    return this.clock.now() - e.timestamp > EXPECTATIONS_TTL_MS;
  }

  expect(key: string, add: number, del: number): void {
    this.map.set(key, { add, del, timestamp: this.clock.now() });
  }

  creationObserved(key: string): void {
    const e = this.map.get(key);
    if (e) e.add--;
  }

  deletionObserved(key: string): void {
    const e = this.map.get(key);
    if (e) e.del--;
  }

  /** undo expectations for requests that were never made or failed */
  lower(key: string, add: number, del: number): void {
    const e = this.map.get(key);
    if (e) {
      e.add -= add;
      e.del -= del;
    }
  }

  delete(key: string): void {
    this.map.delete(key);
  }
}
