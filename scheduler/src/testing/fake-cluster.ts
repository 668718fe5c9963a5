// FakeCluster: just enough of an apiserver for scheduler tests and benchmarks, in memory.
// It implements the Client calls the scheduler makes — pods/binding, pod status patches,
// pod deletes, event writes — applies them to its own objects and reports the change back
// to the attached Scheduler as an informer would (onPodUpdate, onPodDelete). Nodes and
// pods are added with addNode/addPod. Writes are applied synchronously, before the
// returned promise resolves. Everything else a Client can do throws.

import { notFound } from '@kubesim/shared';
import type { Client, KubeList, KubeObject, ResourceType, Status as ApiStatus } from '@kubesim/shared';
import type { Binding, Node, Pod, PodCondition } from '../types.ts';
import type { Scheduler } from '../scheduler.ts';

export interface RecordedClusterEvent {
  namespace: string;
  name: string;
  type: string;
  reason: string;
  message: string;
  source: string;
}

const unsupported = (what: string): never => {
  throw new Error(`FakeCluster: ${what} is not supported`);
};

export class FakeCluster {
  readonly pods = new Map<string, Pod>();
  readonly nodes = new Map<string, Node>();
  readonly events: RecordedClusterEvent[] = [];
  scheduler: Scheduler | undefined;
  /** make the next N bindings fail */
  failBindings = 0;
  bindCalls = 0;
  readonly client: Client;

  constructor() {
    const self = this;
    this.client = {
      async get() {
        return unsupported('get');
      },
      async list<T extends KubeObject>(): Promise<KubeList<T>> {
        return unsupported('list');
      },
      watch() {
        return unsupported('watch');
      },
      async create<T extends KubeObject>(type: ResourceType<T>, obj: T): Promise<T> {
        if (type.resource === 'events') {
          const e = obj as unknown as { metadata: { namespace: string }; involvedObject: { name: string }; type: string; reason: string; message: string; source?: { component?: string } };
          self.events.push({ namespace: e.metadata.namespace, name: e.involvedObject.name, type: e.type, reason: e.reason, message: e.message, source: e.source?.component ?? '' });
          return obj;
        }
        return unsupported(`create ${type.resource}`);
      },
      async update() {
        return unsupported('update');
      },
      async patch<T extends KubeObject>(type: ResourceType<T>, name: string, patch: unknown, opts: { namespace?: string; subresource?: string }): Promise<T> {
        if (type.resource === 'events') return {} as T;
        if (type.resource !== 'pods' || opts.subresource !== 'status') return unsupported(`patch ${type.resource}`);
        const key = `${opts.namespace ?? 'default'}/${name}`;
        const old = self.pods.get(key);
        if (!old) throw notFound('pods', '', name);
        const st = (patch as { status?: { conditions?: PodCondition[]; nominatedNodeName?: string | null } }).status ?? {};
        const conditions = [...(old.status?.conditions ?? [])];
        for (const c of st.conditions ?? []) {
          const i = conditions.findIndex((x) => x.type === c.type);
          if (i >= 0) conditions[i] = { ...conditions[i]!, ...c };
          else conditions.push(c);
        }
        const status = { ...old.status, conditions };
        if ('nominatedNodeName' in st) {
          if (st.nominatedNodeName) status.nominatedNodeName = st.nominatedNodeName;
          else delete status.nominatedNodeName;
        }
        const pod: Pod = { ...old, status };
        self.pods.set(key, pod);
        self.scheduler?.onPodUpdate(old, pod);
        return pod as unknown as T;
      },
      async delete<T extends KubeObject>(type: ResourceType<T>, name: string, opts?: { namespace?: string }): Promise<T | ApiStatus> {
        if (type.resource !== 'pods') return unsupported(`delete ${type.resource}`);
        const pod = self.deletePod(opts?.namespace ?? 'default', name);
        if (!pod) throw notFound('pods', '', name);
        return pod as unknown as T;
      },
      async deleteCollection() {
        return unsupported('deleteCollection');
      },
      async getSubresource() {
        return unsupported('getSubresource');
      },
      async createSubresource<R>(type: ResourceType, name: string, sub: string, body: unknown, opts?: { namespace?: string }): Promise<R> {
        if (type.resource !== 'pods' || sub !== 'binding') return unsupported(`create ${type.resource}/${sub}`);
        self.bindCalls++;
        const key = `${opts?.namespace ?? 'default'}/${name}`;
        const old = self.pods.get(key);
        if (!old) throw notFound('pods', '', name);
        if (self.failBindings > 0) {
          self.failBindings--;
          throw new Error('binding rejected by test');
        }
        if (old.spec?.nodeName) throw new Error(`pod ${key} is already assigned to node "${old.spec.nodeName}"`);
        const target = (body as Binding).target.name;
        const pod: Pod = { ...old, spec: { ...old.spec!, nodeName: target } };
        self.pods.set(key, pod);
        self.scheduler?.onPodUpdate(old, pod);
        return { kind: 'Status', status: 'Success' } as R;
      },
      async updateSubresource() {
        return unsupported('updateSubresource');
      },
      async logs() {
        return unsupported('logs');
      },
      logStream() {
        return unsupported('logStream');
      },
    };
  }

  attach(s: Scheduler): this {
    this.scheduler = s;
    for (const n of this.nodes.values()) s.onNodeAdd(n);
    for (const p of this.pods.values()) s.onPodAdd(p);
    return this;
  }

  addNode(node: Node): void {
    const old = this.nodes.get(node.metadata.name ?? '');
    this.nodes.set(node.metadata.name ?? '', node);
    if (old) this.scheduler?.onNodeUpdate(old, node);
    else this.scheduler?.onNodeAdd(node);
  }

  removeNode(name: string): void {
    const old = this.nodes.get(name);
    if (!old) return;
    this.nodes.delete(name);
    this.scheduler?.onNodeDelete(old);
  }

  addPod(pod: Pod): void {
    const key = `${pod.metadata.namespace ?? 'default'}/${pod.metadata.name}`;
    const old = this.pods.get(key);
    this.pods.set(key, pod);
    if (old) this.scheduler?.onPodUpdate(old, pod);
    else this.scheduler?.onPodAdd(pod);
  }

  deletePod(namespace: string, name: string): Pod | undefined {
    const key = `${namespace}/${name}`;
    const pod = this.pods.get(key);
    if (!pod) return undefined;
    this.pods.delete(key);
    this.scheduler?.onPodDelete(pod);
    return pod;
  }

  pod(namespace: string, name: string): Pod | undefined {
    return this.pods.get(`${namespace}/${name}`);
  }

  /** node name of every bound pod, by `namespace/name` */
  assignments(): Map<string, string> {
    const m = new Map<string, string>();
    for (const [k, p] of this.pods) if (p.spec?.nodeName) m.set(k, p.spec.nodeName);
    return m;
  }
}
