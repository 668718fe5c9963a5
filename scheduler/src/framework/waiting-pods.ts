// Waiting pods: pods a Permit plugin answered `Wait` for. The binding cycle awaits
// `wait(uid)`, which resolves Success once every waiting plugin calls `allow`, or a
// rejection when one calls `reject` or its timeout (on the injected clock) passes.
// Example: a gang-scheduling plugin holds pods until the whole gang is reserved, then
// allows them all; the assumed pods keep their room on the nodes meanwhile.

import type { Clock, TimerHandle } from '@kubesim/shared';
import type { PodInfo } from './pod-info.ts';
import { Status, SUCCESS } from './status.ts';

export interface WaitingPod {
  readonly pod: PodInfo;
  readonly nodeName: string;
  allow(plugin: string): void;
  reject(plugin: string, message: string): void;
}

interface Entry extends WaitingPod {
  pending: Map<string, TimerHandle>;
  done: Promise<Status>;
}

export class WaitingPods {
  private readonly pods = new Map<string, Entry>();

  constructor(private readonly clock: Clock) {}

  add(pod: PodInfo, nodeName: string, plugins: ReadonlyMap<string, number>): void {
    let settle: (s: Status) => void = () => {};
    const done = new Promise<Status>((r) => (settle = r));
    const pending = new Map<string, TimerHandle>();
    const finish = (s: Status): void => {
      for (const t of pending.values()) this.clock.clearTimeout(t);
      pending.clear();
      this.pods.delete(pod.uid);
      settle(s);
    };
    const entry: Entry = {
      pod,
      nodeName,
      pending,
      done,
      allow: (plugin) => {
        const t = pending.get(plugin);
        if (t === undefined) return;
        this.clock.clearTimeout(t);
        pending.delete(plugin);
        if (pending.size === 0) finish(SUCCESS);
      },
      reject: (plugin, message) => finish(new Status('Unschedulable', [message], plugin)),
    };
    for (const [plugin, ms] of plugins) {
      pending.set(plugin, this.clock.setTimeout(() => entry.reject(plugin, `rejected due to timeout after waiting ${ms / 1000}s at plugin ${plugin}`), ms));
    }
    this.pods.set(pod.uid, entry);
  }

  get(uid: string): WaitingPod | undefined {
    return this.pods.get(uid);
  }

  list(): WaitingPod[] {
    return [...this.pods.values()];
  }

  wait(uid: string): Promise<Status> {
    return this.pods.get(uid)?.done ?? Promise.resolve(SUCCESS);
  }
}
