// ClusterView: the simulation's own read-only mirror of the objects invariants look at
// (pods, nodes, Deployments, ReplicaSets, Jobs, DaemonSets, StatefulSets, PriorityClasses),
// fed by one watch per kind on an untraced in-process client. Observing never perturbs a
// run: no timers, no writes, nothing in the trace. `sim.view()` starts it (once);
// `view.state()` is a consistent snapshot after `sim.settle()` (every component has
// reacted to the last step, and every watch event has reached the mirror). It also numbers
// pods in the order they became bound (the apiserver's commit order), since one step may
// bind several. Objects are the apiserver's private copies: read them, never change them.

import { createInProcessClient } from '@kubesim/apiserver';
import type { Registry } from '@kubesim/apiserver';
import { resources } from '@kubesim/shared';
import type { Client, DaemonSet, Deployment, Job, KubeObject, Node, Pod, ReplicaSet, ResourceType, StatefulSet, WatchStream } from '@kubesim/shared';

export interface PriorityClassLike extends KubeObject {
  value: number;
}

/** what an invariant sees: every watched object, at one virtual instant */
export interface ClusterState {
  /** virtual time, ms since the Unix epoch */
  readonly now: number;
  /** virtual ms since the simulation started (for messages) */
  readonly elapsed: number;
  /** the simulation's seed (for messages: a failure replays with it) */
  readonly seed: number;
  /** bumps with every watch event the view has applied */
  readonly revision: number;
  readonly pods: readonly Pod[];
  readonly nodes: readonly Node[];
  readonly deployments: readonly Deployment[];
  readonly replicaSets: readonly ReplicaSet[];
  readonly jobs: readonly Job[];
  readonly daemonSets: readonly DaemonSet[];
  readonly statefulSets: readonly StatefulSet[];
  readonly priorityClasses: readonly PriorityClassLike[];
  /** pod uid → its place in the order pods became bound (bindings and creations with
   *  spec.nodeName, as the apiserver committed them); a bound pod missing here (hand-made
   *  states, pods bound before the view started) counts as bound before all the others.
   *  After a relist of the view (rare: the watch cache was reset) pods bound meanwhile are
   *  numbered in list order. */
  readonly bindingOrder: ReadonlyMap<string, number>;
  node(name: string): Node | undefined;
  /** non-terminal pods (not Succeeded/Failed) bound to each node, terminating ones included */
  podsByNode(): ReadonlyMap<string, readonly Pod[]>;
}

const KINDS = {
  pods: resources.pods,
  nodes: resources.nodes,
  deployments: resources.deployments,
  replicaSets: resources.replicasets,
  jobs: resources.jobs,
  daemonSets: resources.daemonsets,
  statefulSets: resources.statefulsets,
  priorityClasses: resources.priorityclasses as unknown as ResourceType<PriorityClassLike>,
} as const;
type KindName = keyof typeof KINDS;

const keyOf = (o: KubeObject): string => `${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;

export class ClusterView {
  #revision = 0;
  readonly #maps = new Map<KindName, Map<string, KubeObject>>();
  readonly #bindingOrder = new Map<string, number>();
  #bindings = 0;
  readonly #streams = new Set<WatchStream>();
  #closed = false;
  #error: Error | undefined;
  #cache: { revision: number; now: number; state: ClusterState } | undefined;

  constructor(
    private readonly registry: Registry,
    private readonly clock: { now(): number },
    private readonly startTime: number,
    private readonly seed: number,
  ) {
    const client = createInProcessClient(registry, { identity: 'system:kubesim-observer' });
    for (const name of Object.keys(KINDS) as KindName[]) {
      const map = new Map<string, KubeObject>();
      this.#maps.set(name, map);
      void this.#mirror(client, name, map);
    }
  }

  // Watch without a resourceVersion: ADDED for every current object, then every change. A
  // watch cut off (410 Gone when the mirror fell too far behind, or its end) starts over
  // from a fresh snapshot, as a reflector relists. Nothing here waits on the clock.
  async #mirror(client: Client, name: KindName, map: Map<string, KubeObject>): Promise<void> {
    for (let attempt = 0; !this.#closed; attempt++) {
      if (attempt > 100) {
        this.#error ??= new Error(`the cluster view's ${name} watch keeps failing`);
        return;
      }
      if (attempt > 0) map.clear(); // the new watch starts with ADDED for everything there is
      const stream = client.watch(KINDS[name] as ResourceType);
      this.#streams.add(stream);
      try {
        for await (const ev of stream) {
          if (ev.type === 'ERROR') break;
          if (ev.type === 'ADDED' || ev.type === 'MODIFIED') map.set(keyOf(ev.object), ev.object);
          else if (ev.type === 'DELETED') map.delete(keyOf(ev.object));
          if (name === 'pods') this.#numberBinding(ev.type, ev.object as Pod);
          this.#revision++;
        }
      } catch (err) {
        if (this.#closed) return;
        this.#error ??= err instanceof Error ? err : new Error(String(err));
        return;
      } finally {
        this.#streams.delete(stream);
        stream.close();
      }
    }
  }

  #numberBinding(type: string, pod: Pod): void {
    const uid = pod.metadata.uid ?? '';
    if (type === 'DELETED') this.#bindingOrder.delete(uid);
    else if (pod.spec?.nodeName && !this.#bindingOrder.has(uid)) this.#bindingOrder.set(uid, ++this.#bindings);
  }

  /** bumps with every applied watch event */
  get revision(): number {
    return this.#revision;
  }

  #list<T extends KubeObject>(name: KindName): T[] {
    return [...this.#maps.get(name)!.values()] as T[];
  }

  /** a snapshot of the mirror now (cached until the next event or clock move) */
  state(): ClusterState {
    if (this.#error) throw this.#error;
    const now = this.clock.now();
    if (this.#cache && this.#cache.revision === this.#revision && this.#cache.now === now) return this.#cache.state;
    const state = clusterStateOf(
      {
        pods: this.#list('pods'),
        nodes: this.#list('nodes'),
        deployments: this.#list('deployments'),
        replicaSets: this.#list('replicaSets'),
        jobs: this.#list('jobs'),
        daemonSets: this.#list('daemonSets'),
        statefulSets: this.#list('statefulSets'),
        priorityClasses: this.#list('priorityClasses'),
        bindingOrder: new Map(this.#bindingOrder),
      },
      { now, startTime: this.startTime, seed: this.seed, revision: this.#revision },
    );
    this.#cache = { revision: this.#revision, now, state };
    return state;
  }

  close(): void {
    this.#closed = true;
    for (const s of [...this.#streams]) s.close();
  }
}

export type ClusterObjects = { -readonly [K in Exclude<keyof ClusterState, 'now' | 'elapsed' | 'seed' | 'revision' | 'node' | 'podsByNode'>]?: ClusterState[K] };

/** a ClusterState from plain lists (the view's snapshots; also handy to unit-test an invariant) */
export function clusterStateOf(objects: ClusterObjects, at: { now?: number; startTime?: number; seed?: number; revision?: number } = {}): ClusterState {
  const nodes = objects.nodes ?? [];
  const pods = objects.pods ?? [];
  const nodeMap = new Map(nodes.map((n) => [n.metadata.name ?? '', n]));
  let byNode: Map<string, Pod[]> | undefined;
  const now = at.now ?? 0;
  return {
    now,
    elapsed: now - (at.startTime ?? 0),
    seed: at.seed ?? 0,
    revision: at.revision ?? 0,
    pods,
    nodes,
    deployments: objects.deployments ?? [],
    replicaSets: objects.replicaSets ?? [],
    jobs: objects.jobs ?? [],
    daemonSets: objects.daemonSets ?? [],
    statefulSets: objects.statefulSets ?? [],
    priorityClasses: objects.priorityClasses ?? [],
    bindingOrder: objects.bindingOrder ?? new Map(),
    node: (name) => nodeMap.get(name),
    podsByNode: () => {
      if (!byNode) {
        byNode = new Map();
        for (const p of pods) {
          const n = p.spec?.nodeName;
          const phase = p.status?.phase;
          if (!n || phase === 'Succeeded' || phase === 'Failed') continue;
          let list = byNode.get(n);
          if (!list) byNode.set(n, (list = []));
          list.push(p);
        }
      }
      return byNode;
    },
  };
}
