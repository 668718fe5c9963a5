// Test support (not a controller): an in-process apiserver (the real registry over the
// memory store, with Kubernetes' deletion semantics) on a VirtualClock, a ControllerContext
// over it whose recorder keeps events in an array, and `settle()` to run virtual time until
// the store stops changing. Used by the tests of garbagecollector/, namespace/,
// nodelifecycle/ and podgc/ (the apiserver and store are dev dependencies only).

import { SharedInformerFactory, VirtualClock, allResources, noopLogger, seededRandom } from '@kubesim/shared';
import type { Client, KubeObject } from '@kubesim/shared';
import { Registry, createInProcessClient } from '@kubesim/apiserver';
import { createMemoryStore } from '@kubesim/store';
import type { ControllerContext, RunningController } from '../context.ts';

export interface RecordedTestEvent {
  kind: string;
  namespace: string | undefined;
  name: string;
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
}

export interface TestCluster {
  clock: VirtualClock;
  client: Client;
  registry: Registry;
  ctx: ControllerContext;
  events: RecordedTestEvent[];
  /** start a controller, then the informers it asked for, and wait for their caches */
  run(start: (ctx: ControllerContext) => RunningController): Promise<RunningController>;
  /** advance virtual time in `stepMs` steps until the store is quiet for `quietSteps` steps */
  settle(opts?: { stepMs?: number; quietSteps?: number; maxMs?: number }): Promise<void>;
  /** advance virtual time by exactly `ms`, in steps */
  advance(ms: number, stepMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export const TEST_EPOCH = Date.UTC(2024, 0, 1, 12, 0, 0);

export async function startTestCluster(opts: { workers?: number } = {}): Promise<TestCluster> {
  const clock = new VirtualClock(TEST_EPOCH, { settleTurns: 3 });
  const store = createMemoryStore();
  const registry = new Registry({ store, clock, random: seededRandom(7), resources: allResources, compactionIntervalMs: 0 });
  await registry.start();
  const client = createInProcessClient(registry, { identity: 'system:kube-controller-manager' });
  const informers = new SharedInformerFactory({ client, clock });
  const events: RecordedTestEvent[] = [];
  const ctx: ControllerContext = {
    client,
    clock,
    random: seededRandom(11),
    informers,
    logger: noopLogger,
    recorder: {
      event(obj: KubeObject, type, reason, message) {
        events.push({ kind: obj.kind ?? '', namespace: obj.metadata.namespace, name: obj.metadata.name ?? '', type, reason, message });
      },
    },
    workers: opts.workers ?? 2,
  };
  const running: RunningController[] = [];

  const advance = async (ms: number, stepMs = 100): Promise<void> => {
    const end = clock.now() + ms;
    while (clock.now() < end) await clock.advance(Math.min(stepMs, end - clock.now()));
  };

  return {
    clock,
    client,
    registry,
    ctx,
    events,
    async run(start) {
      const c = start(ctx);
      running.push(c);
      informers.start();
      for (let i = 0; i < 50 && !informers.informers().every((inf) => inf.hasSynced()); i++) await clock.advance(10);
      return c;
    },
    async settle({ stepMs = 50, quietSteps = 6, maxMs = 120_000 } = {}) {
      const end = clock.now() + maxMs;
      let quiet = 0;
      let rev = store.currentRevision();
      while (quiet < quietSteps && clock.now() < end) {
        await clock.advance(stepMs);
        const now = store.currentRevision();
        quiet = now === rev ? quiet + 1 : 0;
        rev = now;
      }
    },
    advance,
    async stop() {
      for (const c of running.splice(0)) await c.stop();
      await informers.stop();
      await registry.stop();
    },
  };
}
