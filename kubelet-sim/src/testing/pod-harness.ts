// A PodHost for tests: one virtual node on a VirtualClock, without any client. It records
// every status the worker would report (rendered at each change), every event, and the
// final delete, so tests can drive a pod through time and assert on what the kubelet
// would have written. `const h = new PodHarness(); const w = h.run(makePod(...));
// await h.clock.advance(30_000); h.last(w).phase`.

import { seededRandom, VirtualClock } from '@kubesim/shared';
import type { Random } from '@kubesim/shared';
import { LogStore } from '../logs/log-store.ts';
import { ImageService } from '../node/image-service.ts';
import { IpAllocator } from '../node/ip-allocator.ts';
import { Backoff } from '../pod/backoff.ts';
import { PodWorker } from '../pod/pod-worker.ts';
import type { PodHost } from '../pod/pod-worker.ts';
import { TimerQueue } from '../timer-queue.ts';
import type { ConfigMapLike, Container, Pod, PodStatus } from '../types.ts';

export interface RecordedEvent {
  pod: string;
  type: string;
  reason: string;
  message: string;
  time: number;
}

export class PodHarness implements PodHost {
  readonly clock: VirtualClock;
  readonly timers: TimerQueue;
  readonly random: Random;
  readonly nodeName = 'node-0';
  readonly hostIP = '127.0.0.1';
  readonly images: ImageService;
  readonly ips = new IpAllocator('10.244.0.0/24');
  readonly backoff = new Backoff();
  readonly logs = new LogStore();
  readonly configs = new Map<string, ConfigMapLike>();
  readonly events: RecordedEvent[] = [];
  readonly history = new Map<PodWorker, Array<{ time: number; status: PodStatus }>>();
  readonly deleted: PodWorker[] = [];
  readonly workers: PodWorker[] = [];

  constructor(seed = 1, start = Date.UTC(2025, 0, 1)) {
    this.clock = new VirtualClock(start);
    this.timers = new TimerQueue(this.clock);
    this.random = seededRandom(seed);
    this.images = new ImageService(this.timers);
  }

  /** add a ConfigMap (`kind` 'ConfigMap') or Secret in `namespace` */
  addConfig(kind: 'ConfigMap' | 'Secret', namespace: string, name: string, data: Record<string, string> = {}): void {
    this.configs.set(`${kind}/${namespace}/${name}`, { metadata: { name, namespace }, data });
  }

  async getConfig(kind: 'ConfigMap' | 'Secret', namespace: string, name: string): Promise<ConfigMapLike | undefined> {
    return this.configs.get(`${kind}/${namespace}/${name}`);
  }

  event(w: PodWorker, type: string, reason: string, message: string): void {
    this.events.push({ pod: w.key, type, reason, message, time: this.clock.now() });
  }

  statusChanged(w: PodWorker): void {
    const list = this.history.get(w) ?? [];
    list.push({ time: this.clock.now(), status: w.status() });
    this.history.set(w, list);
  }

  sandboxReady(): void {}

  terminated(w: PodWorker): void {
    if (w.terminating?.deleting) {
      this.deleted.push(w);
      w.close();
    }
  }

  /** start a pod (admission is the component's job; here every pod is admitted) */
  run(pod: Pod): PodWorker {
    const w = new PodWorker(pod, this);
    this.workers.push(w);
    w.start();
    return w;
  }

  last(w: PodWorker): PodStatus {
    return w.status();
  }

  /** mark the pod deleted with the given grace period, as the apiserver does */
  delete(w: PodWorker, graceSeconds?: number): void {
    const grace = graceSeconds ?? w.pod.spec.terminationGracePeriodSeconds ?? 30;
    w.update({
      ...w.pod,
      metadata: { ...w.pod.metadata, deletionTimestamp: new Date(this.clock.now()).toISOString(), deletionGracePeriodSeconds: grace },
    });
  }

  logText(w: PodWorker, container: string, previous = false): string[] {
    return this.logs.read(`${w.namespace}/${w.name}/${w.uid}/${container}`, { previous }).map((l) => l.text);
  }
}

let counter = 0;

/** a pod bound to node-0 with the given containers (image nginx unless given) */
export function makePod(
  containers: Array<Partial<Container>>,
  opts: { spec?: Partial<Pod['spec']>; annotations?: Record<string, string>; name?: string } = {},
): Pod {
  const n = ++counter;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: opts.name ?? `pod-${n}`,
      namespace: 'default',
      uid: `uid-${n}`,
      ...(opts.annotations ? { annotations: opts.annotations } : {}),
    },
    spec: {
      nodeName: 'node-0',
      containers: containers.map((c, i) => ({ name: i === 0 ? 'app' : `app${i}`, image: 'nginx:1.27', ...c })),
      ...opts.spec,
    },
  };
}
