// An in-process cluster on a VirtualClock for the part-2 workload controllers' tests: the
// apiserver's Registry over a memory store, controllers each with their own informers (so a
// test can stop one and start it again, as a restart), a stand-in scheduler that binds
// pending pods (honouring a daemon pod's pinned node and NoSchedule taints) and a stand-in
// kubelet that runs each pod by a script: start, become ready, and maybe exit with a code
// (Never: the pod Succeeds or Fails; OnFailure/Always: the container restarts). A pod being
// deleted is failed and removed. Events are kept in an array. Not a controller.
import { Registry, createInProcessClient } from '@kubesim/apiserver';
import { createMemoryStore } from '@kubesim/store';
import { SharedInformerFactory, VirtualClock, allResources, formatTime, isConflict, isNotFound, noopLogger, resources, seededRandom } from '@kubesim/shared';
import type { Client, KubeObject, Node, Pod, Taint } from '@kubesim/shared';
import type { ControllerContext, RunningController } from '../src/context.ts';
import { findUntoleratedTaint, targetNodeOf } from '../src/daemonset/predicates.ts';

export interface PodScript {
  /** ms from creation until Running (default 1000) */
  startMs?: number;
  /** ms after Running until Ready (default 0) */
  readyMs?: number;
  /** ms after Running until the container exits; undefined: it runs until deleted */
  runMs?: number;
  exitCode?: number;
}

export interface RecordedEvent {
  kind: string;
  name: string;
  type: string;
  reason: string;
  message: string;
  at: number;
}

export interface WorkloadClusterOptions {
  /** how the stand-in kubelet runs a pod (default: run forever, ready after 1 s) */
  script?: (pod: Pod) => PodScript;
  /** bind pods to nodes (default false: the kubelet runs unbound pods too) */
  scheduler?: boolean;
  workers?: number;
}

export interface ControllerHandle {
  stop(): Promise<void>;
}

export interface WorkloadCluster {
  clock: VirtualClock;
  client: Client;
  events: RecordedEvent[];
  start(starter: (ctx: ControllerContext) => RunningController): Promise<ControllerHandle>;
  addNode(name: string, o?: { labels?: Record<string, string>; taints?: Taint[] }): Promise<Node>;
  removeNode(name: string): Promise<void>;
  /** advance virtual time in steps until the store stays quiet */
  settle(opts?: { stepMs?: number; quietSteps?: number; maxMs?: number }): Promise<void>;
  advance(ms: number, stepMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export const EPOCH = Date.UTC(2024, 0, 1, 12, 0, 0);
const WATCH_TIMEOUT_S = 30 * 86_400;

const NS = { namespace: 'default' };

export async function startWorkloadCluster(opts: WorkloadClusterOptions = {}): Promise<WorkloadCluster> {
  const clock = new VirtualClock(EPOCH, { settleTurns: 3 });
  const store = createMemoryStore();
  const registry = new Registry({ store, clock, random: seededRandom(7), resources: allResources, compactionIntervalMs: 0 });
  // Virtual days pass in these tests: no periodic bookmarks or watch restarts to replay.
  registry.bookmarkIntervalMs = 0;
  await registry.start();
  const client = createInProcessClient(registry, { identity: 'system:admin' });
  const events: RecordedEvent[] = [];
  const handles: ControllerHandle[] = [];
  const script: (pod: Pod) => PodScript = opts.script ?? (() => ({}));

  const waitForSync = async (f: SharedInformerFactory): Promise<void> => {
    for (let i = 0; i < 100 && !f.informers().every((inf) => inf.hasSynced()); i++) await clock.advance(5);
  };

  // --- stand-in kubelet and scheduler -------------------------------------------------
  const infra = new SharedInformerFactory({ client, clock, watchTimeoutSeconds: WATCH_TIMEOUT_S });
  const podInformer = infra.forResource(resources.pods);
  const nodeInformer = infra.forResource(resources.nodes);
  const started = new Set<string>();
  const timers = new Map<string, ReturnType<VirtualClock['setTimeout']>[]>();

  const writeStatus = async (pod: Pod, change: (p: Pod) => void): Promise<void> => {
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        const cur = await client.get(resources.pods, pod.metadata.name ?? '', NS);
        if (cur.metadata.uid !== pod.metadata.uid) return;
        change(cur);
        await client.update(resources.pods, cur, { ...NS, subresource: 'status' });
        return;
      } catch (err) {
        if (isNotFound(err)) return;
        if (!isConflict(err)) throw err;
      }
    }
  };
  const containerStatuses = (pod: Pod, state: Record<string, unknown>, ready: boolean, restarts = 0): unknown[] =>
    (pod.spec?.containers ?? []).map((c) => ({ name: c.name, image: c.image ?? '', imageID: '', ready, restartCount: restarts, state }));
  const later = (uid: string, ms: number, fn: () => void): void => {
    const list = timers.get(uid) ?? [];
    list.push(clock.setTimeout(fn, ms));
    timers.set(uid, list);
  };

  const run = (pod: Pod): void => {
    const uid = pod.metadata.uid ?? '';
    if (started.has(uid)) return;
    started.add(uid);
    const s = script(pod);
    const startMs = s.startMs ?? 1000;
    let restarts = 0;
    const begin = (): void => {
      const at = formatTime(clock.now());
      const readyNow = (s.readyMs ?? 0) === 0;
      void writeStatus(pod, (p) => {
        p.status = {
          ...p.status,
          phase: 'Running',
          podIP: '10.244.0.10',
          startTime: p.status?.startTime ?? at,
          conditions: [
            { type: 'Ready', status: readyNow ? 'True' : 'False', lastTransitionTime: at },
            { type: 'ContainersReady', status: readyNow ? 'True' : 'False', lastTransitionTime: at },
          ],
          containerStatuses: containerStatuses(p, { running: { startedAt: at } }, readyNow, restarts),
        } as NonNullable<Pod['status']>;
      }).catch(() => {});
      if (!readyNow) {
        later(uid, s.readyMs ?? 0, () => {
          const t = formatTime(clock.now());
          void writeStatus(pod, (p) => {
            if (p.status?.phase !== 'Running') return;
            p.status.conditions = [
              { type: 'Ready', status: 'True', lastTransitionTime: t },
              { type: 'ContainersReady', status: 'True', lastTransitionTime: t },
            ];
            p.status.containerStatuses = containerStatuses(p, { running: { startedAt: t } }, true, restarts) as NonNullable<NonNullable<Pod['status']>['containerStatuses']>;
          }).catch(() => {});
        });
      }
      if (s.runMs !== undefined) {
        later(uid, s.runMs, () => {
          const code = s.exitCode ?? 0;
          const policy = pod.spec?.restartPolicy ?? 'Always';
          const t = formatTime(clock.now());
          if (policy === 'Always' || (policy === 'OnFailure' && code !== 0)) {
            restarts++;
            begin();
            return;
          }
          void writeStatus(pod, (p) => {
            p.status = {
              ...p.status,
              phase: code === 0 ? 'Succeeded' : 'Failed',
              conditions: [
                { type: 'Ready', status: 'False', reason: 'PodCompleted', lastTransitionTime: t },
                { type: 'ContainersReady', status: 'False', reason: 'PodCompleted', lastTransitionTime: t },
              ],
              containerStatuses: containerStatuses(p, { terminated: { exitCode: code, reason: code === 0 ? 'Completed' : 'Error', finishedAt: t } }, false, restarts),
            } as NonNullable<Pod['status']>;
          }).catch(() => {});
        });
      }
    };
    later(uid, startMs, begin);
  };

  const killed = new Set<string>();
  const kill = (pod: Pod): void => {
    const uid = pod.metadata.uid ?? '';
    if (killed.has(uid)) return;
    killed.add(uid);
    for (const t of timers.get(uid) ?? []) clock.clearTimeout(t);
    timers.delete(uid);
    void (async () => {
      const phase = pod.status?.phase;
      if (phase !== 'Succeeded' && phase !== 'Failed') {
        const t = formatTime(clock.now());
        await writeStatus(pod, (p) => {
          p.status = { ...p.status, phase: 'Failed', containerStatuses: containerStatuses(p, { terminated: { exitCode: 137, reason: 'Error', finishedAt: t } }, false) } as NonNullable<Pod['status']>;
        });
      }
      await client.delete(resources.pods, pod.metadata.name ?? '', { ...NS, gracePeriodSeconds: 0 });
    })().catch(() => {});
  };

  const schedule = (pod: Pod): void => {
    if (!opts.scheduler || pod.spec?.nodeName || pod.metadata.deletionTimestamp) return;
    const nodes = nodeInformer.store.list().sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
    const pinned = targetNodeOf(pod.spec);
    const fits = (n: Node): boolean => !findUntoleratedTaint(n.spec?.taints, pod.spec?.tolerations, ['NoSchedule', 'NoExecute']);
    const node = pinned ? nodes.find((n) => n.metadata.name === pinned && fits(n)) : nodes.find(fits);
    if (!node) return;
    void client.createSubresource(resources.pods, pod.metadata.name ?? '', 'binding', { apiVersion: 'v1', kind: 'Binding', metadata: { name: pod.metadata.name }, target: { apiVersion: 'v1', kind: 'Node', name: node.metadata.name } }, NS).catch(() => {});
  };

  const consider = (pod: Pod): void => {
    if (pod.metadata.deletionTimestamp) {
      kill(pod);
      return;
    }
    const phase = pod.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') return;
    if (opts.scheduler && !pod.spec?.nodeName) {
      schedule(pod);
      return;
    }
    run(pod);
  };
  podInformer.addEventHandler({ onAdd: consider, onUpdate: (_o, p) => consider(p) });
  nodeInformer.addEventHandler({ onAdd: () => podInformer.store.list().forEach(consider), onUpdate: () => podInformer.store.list().forEach(consider) });
  infra.start();
  await waitForSync(infra);

  const cluster: WorkloadCluster = {
    clock,
    client,
    events,
    async start(starter) {
      const informers = new SharedInformerFactory({ client: createInProcessClient(registry, { identity: 'system:kube-controller-manager' }), clock, watchTimeoutSeconds: WATCH_TIMEOUT_S });
      const ctx: ControllerContext = {
        client: createInProcessClient(registry, { identity: 'system:kube-controller-manager' }),
        clock,
        random: seededRandom(11),
        informers,
        logger: noopLogger,
        recorder: {
          event(obj: KubeObject, type, reason, message) {
            events.push({ kind: obj.kind ?? '', name: obj.metadata.name ?? '', type, reason, message, at: clock.now() });
          },
        },
        workers: opts.workers ?? 2,
      };
      const running = starter(ctx);
      informers.start();
      await waitForSync(informers);
      let stopped = false;
      const handle: ControllerHandle = {
        async stop() {
          if (stopped) return;
          stopped = true;
          await running.stop();
          await informers.stop();
        },
      };
      handles.push(handle);
      return handle;
    },
    async addNode(name, o = {}) {
      const now = formatTime(clock.now());
      return client.create(resources.nodes, {
        apiVersion: 'v1',
        kind: 'Node',
        metadata: { name, labels: { 'kubernetes.io/hostname': name, ...(o.labels ?? {}) } },
        spec: o.taints ? { taints: o.taints } : {},
        status: { conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: now }], allocatable: { cpu: '8', memory: '16Gi', pods: '110' } },
      } as Node);
    },
    async removeNode(name) {
      await client.delete(resources.nodes, name);
    },
    async settle({ stepMs = 500, quietSteps = 24, maxMs = 600_000 } = {}) {
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
    async advance(ms, stepMs = 250) {
      const end = clock.now() + ms;
      while (clock.now() < end) await clock.advance(Math.min(stepMs, end - clock.now()));
    },
    async stop() {
      for (const h of handles.splice(0)) await h.stop();
      for (const list of timers.values()) for (const t of list) clock.clearTimeout(t);
      await infra.stop();
      await registry.stop();
    },
  };
  return cluster;
}

export async function listPods(c: WorkloadCluster): Promise<Pod[]> {
  return (await c.client.list(resources.pods, NS)).items;
}
