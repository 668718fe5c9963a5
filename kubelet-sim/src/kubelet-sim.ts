// kubelet-sim: many virtual nodes in one process, each acting as a kubelet towards the
// apiserver and nothing else. `startKubeletSim({ client, clock, random, nodes })` registers
// the nodes (NodeAgent: Node, Lease, status), opens ONE pod watch for the whole process
// (field selector spec.nodeName!=, filtered to its own nodes), admits each bound pod and
// runs it in a PodWorker, and writes pod status through one batching StatusWriter. One
// TimerQueue carries every timer, so the same code runs on the real clock or a
// VirtualClock. An HTTP endpoint (logs, stats, failure injection) and loopback backends for
// serving pods are opened unless `serve: false` (the in-process simulation).

import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client, Clock, EventRecorder, KubeObject, LoggerLike, Random } from '@kubesim/shared';
import { backendAnnotation, createEventRecorder, errorMessage, isNotFound, noopLogger, podBackendAddress, seededRandom, SharedInformer, stripManagedFields } from '@kubesim/shared';
import { Backends } from './http/backends.ts';
import { createKubeletServer } from './http/server.ts';
import type { KubeletApi } from './http/server.ts';
import { LogStore } from './logs/log-store.ts';
import type { ConditionOverride, ImagePullFaults, NodeActions, NodeInfo } from './node/actions.ts';
import { NodeAgent } from './node/node-agent.ts';
import { NODE_LEASE_NAMESPACE } from './node/node-object.ts';
import { podCIDRFor, resolveNodes } from './node/pool.ts';
import type { NodePoolConfig, NodePoolSpec, NodeTemplate } from './node/pool.ts';
import { admitPod } from './pod/admission.ts';
import { Backoff } from './pod/backoff.ts';
import { PodWorker } from './pod/pod-worker.ts';
import type { PodHost } from './pod/pod-worker.ts';
import { StatusWriter } from './pod/status-writer.ts';
import { TimerQueue } from './timer-queue.ts';
import { configMapType, leaseType, nodeType, podType, secretType } from './types.ts';
import type { ConfigMapLike, Lease, Node, Pod } from './types.ts';
import { resourceMetrics, summary } from './usage/summary.ts';
import { Limiter } from './util/limiter.ts';
import { Interner, internShared, internStrings } from './util/interner.ts';
import { TokenBucket } from './util/token-bucket.ts';

const NODE_INDEX = 'nodeName';

export type NodesOption = number | string | NodePoolConfig | NodePoolSpec | { poolYaml: string };

export interface KubeletSimOptions {
  client: Client;
  clock: Clock;
  random: Random;
  /** a node count (default pool), node-pool YAML, or pools */
  nodes: NodesOption;
  /** the HTTP endpoint's port (0: any free port; default 0) */
  httpPort?: number;
  /** address to listen on and to report as each node's InternalIP (default 127.0.0.1) */
  host?: string;
  /** false: no HTTP endpoint and no loopback backends (the in-process simulation) */
  serve?: boolean;
  logger?: LoggerLike;
  /** number of the first node (names, zones, podCIDRs); give each kubelet-sim its own range */
  firstNodeIndex?: number;
  /** write Events (default true); limited to `eventQPS` per second per process (default 50, burst 100, as one kubelet) */
  events?: boolean;
  eventQPS?: number;
  /** pod API calls in flight at once (default 64; node heartbeats get half as many more) */
  maxInFlight?: number;
}

export interface KubeletSim {
  /** the HTTP port (0 with serve: false) */
  readonly port: number;
  readonly address: string;
  readonly nodeNames: readonly string[];
  readonly nodes: NodeActions;
  /** resolves once every running node is registered (Node, status, Lease) */
  whenRegistered(): Promise<void>;
  /** podIP:port → 127.0.0.1:<local> for serving pods */
  backends(): Record<string, string>;
  /** counters for benchmarks and tests */
  stats(): { pods: number; statusPatches: number; statusBacklog: number; timers: number; backends: number };
  stop(): Promise<void>;
}

function nodesOf(opt: NodesOption, first: number): NodeTemplate[] {
  if (typeof opt === 'object' && opt !== null && 'poolYaml' in opt) return resolveNodes(opt.poolYaml, first);
  return resolveNodes(opt, first);
}

export async function startKubeletSim(opts: KubeletSimOptions): Promise<KubeletSim> {
  const { client, clock, random } = opts;
  const logger = opts.logger ?? noopLogger;
  const address = opts.host ?? '127.0.0.1';
  const serve = opts.serve !== false;
  const timers = new TimerQueue(clock);
  timers.onError = (err) => logger.error({ err: errorMessage(err) }, 'timer callback failed');
  // two lanes, so a burst of pod writes never delays a node's lease renewal
  const podLimiter = new Limiter(opts.maxInFlight ?? 64);
  const nodeLimiter = new Limiter(Math.max(8, Math.floor((opts.maxInFlight ?? 64) / 2)));
  // as many nodes create their Node at once as node calls may be in flight: depth first, so
  // the first nodes run their pods while the last ones still wait
  const registrations = new Limiter(nodeLimiter.max);
  const logs = new LogStore();
  const backoff = new Backoff();
  const backends = serve ? new Backends(address) : undefined;
  const eventBucket = new TokenBucket(clock, opts.eventQPS ?? 50, Math.max(100, (opts.eventQPS ?? 50) * 2));
  const recorders = new Map<string, EventRecorder>();
  const templates = nodesOf(opts.nodes, opts.firstNodeIndex ?? 0);
  const agents = new Map<string, NodeAgent>();
  const hosts = new Map<string, PodHost>();
  const workers = new Map<string, PodWorker>();
  const byNode = new Map<string, Set<PodWorker>>();
  const bootedAt = new Map<string, number>();
  let stopped = false;
  let server: Server | undefined;
  let port = 0;

  const interner = new Interner();
  const writer = new StatusWriter({ client, limiter: podLimiter, timers, logger, gone: (w) => dropWorker(w) });

  // ---- pods ------------------------------------------------------------------------

  // One watch of every bound pod, filtered to this process's nodes in code: nodes can be
  // added later (`kubesim node add`), so the selector must not name today's nodes.
  const informer = new SharedInformer<Pod>({
    client,
    type: podType,
    clock,
    logger,
    fieldSelector: 'spec.nodeName!=',
    // pods and nodes are read and patched, never updated whole: their managedFields are dead
    // weight; and 10,000 cached pods share one copy of each repeated string. A newer version
    // of a cached pod keeps the parts of the old one it did not change (a status write leaves
    // spec and metadata as they were), so only what changed is interned.
    transform: <T extends KubeObject>(pod: T): T => {
      const slim = stripManagedFields(pod);
      const { namespace, name } = slim.metadata;
      const prev = name !== undefined ? informer.store.get(namespace ? `${namespace}/${name}` : name) : undefined;
      if (prev) internShared(slim, prev, interner);
      else internStrings(slim, interner);
      return slim;
    },
    indexers: { [NODE_INDEX]: (p) => (p.spec.nodeName ? [p.spec.nodeName] : []) },
  });

  function recorderFor(node: string): EventRecorder {
    let r = recorders.get(node);
    if (!r) {
      r = createEventRecorder({ client, clock, component: 'kubelet', host: node, logger, random: seededRandom(random.int(2 ** 31)) });
      recorders.set(node, r);
    }
    return r;
  }

  async function getConfig(kind: 'ConfigMap' | 'Secret', namespace: string, name: string): Promise<ConfigMapLike | undefined> {
    try {
      return await podLimiter.run(() => client.get(kind === 'ConfigMap' ? configMapType : secretType, name, { namespace }));
    } catch (err) {
      if (!isNotFound(err)) logger.warn({ kind, namespace, name, err: errorMessage(err) }, 'reading a pod reference failed');
      return undefined;
    }
  }

  function hostFor(agent: NodeAgent): PodHost {
    const existing = hosts.get(agent.name);
    if (existing && existing.ips === agent.ips) return existing;
    const host: PodHost = {
      timers,
      random,
      nodeName: agent.name,
      hostIP: address,
      images: agent.images,
      ips: agent.ips,
      backoff,
      logs,
      getConfig,
      event(w, type, reason, message, fieldPath) {
        if (opts.events === false || !eventBucket.take()) return;
        recorderFor(agent.name).event(w.pod, type, reason, message, { resourceType: podType, ...(fieldPath ? { fieldPath } : {}) });
      },
      statusChanged(w) {
        if (agent.running && !w.closed) writer.mark(w);
      },
      sandboxReady(w) {
        if (backends && Backends.portsOf(w).length > 0) void exposeBackends(w);
      },
      terminated(w) {
        if (w.terminating?.deleting) writer.markFinal(w);
      },
    };
    hosts.set(agent.name, host);
    return host;
  }

  async function exposeBackends(w: PodWorker): Promise<void> {
    if (!backends) return;
    try {
      const table = await backends.open(w);
      if (w.closed) return backends.close(w);
      const annotations: Record<string, string> = {};
      for (const [p, local] of Object.entries(table)) {
        if (podBackendAddress(w.pod, p) !== local) annotations[backendAnnotation(p)] = local;
      }
      if (Object.keys(annotations).length === 0) return;
      await podLimiter.run(() => client.patch(podType, w.name, { metadata: { uid: w.uid, annotations } }, { type: 'merge', namespace: w.namespace, answer: 'metadata' }));
    } catch (err) {
      logger.warn({ pod: w.key, err: errorMessage(err) }, 'exposing serving ports failed');
    }
  }

  function dropWorker(w: PodWorker): void {
    w.close();
    backends?.close(w);
    if (workers.get(w.key) === w) workers.delete(w.key);
    byNode.get(w.host.nodeName)?.delete(w);
  }

  function handlePod(pod: Pod): void {
    if (stopped) return;
    const nodeName = pod.spec.nodeName;
    const agent = nodeName ? agents.get(nodeName) : undefined;
    const key = `${pod.metadata.namespace ?? 'default'}/${pod.metadata.name ?? ''}`;
    let w = workers.get(key);
    if (w && (w.uid !== (pod.metadata.uid ?? '') || w.host.nodeName !== nodeName)) {
      dropWorker(w);
      w = undefined;
    }
    if (!agent || !agent.running || !agent.registered) return;
    if (w) {
      w.update(pod);
      writer.observed(w, pod);
      return;
    }
    const worker = new PodWorker(pod, hostFor(agent));
    workers.set(key, worker);
    let set = byNode.get(agent.name);
    if (!set) byNode.set(agent.name, (set = new Set()));
    const others: Pod[] = [];
    const otherRequests: Array<ReadonlyMap<string, number>> = [];
    const admitting = !pod.status?.startTime;
    if (admitting) {
      for (const x of set) {
        if (x.terminal || x.closed) continue;
        others.push(x.pod);
        otherRequests.push(x.requests());
      }
    }
    set.add(worker);
    if (!admitting) worker.adopt();
    else {
      const verdict = admitPod(pod, { name: agent.name, labels: agent.template.labels, taints: agent.taints, allocatable: agent.template.allocatable, pressure: agent.pressure() }, others, otherRequests);
      if (verdict.admit) worker.start();
      else worker.reject(verdict.reason, verdict.message);
    }
    if (pod.metadata.deletionTimestamp) worker.update(pod);
  }

  /** a node (re)booted: pick up the pods already bound to it, oldest first */
  function syncNodePods(agent: NodeAgent): void {
    const pods = [...informer.store.byIndex(NODE_INDEX, agent.name)];
    pods.sort((a, b) => (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? ''));
    for (const p of pods) handlePod(p);
  }

  // The nodes' own objects: taints changed by others count at admission, and a Node deleted
  // by someone stops its virtual machine (as a kubelet whose Node vanished can no longer
  // report; PodGC then cleans up). `kubesim node start` registers it again.
  const nodeInformer = new SharedInformer<Node>({
    client,
    type: nodeType,
    clock,
    logger,
    transform: stripManagedFields,
  });
  const nodeSeen = (n: Node): void => {
    const agent = agents.get(n.metadata.name ?? '');
    if (agent && agent.registered) agent.taints = n.spec?.taints ?? [];
  };
  nodeInformer.addEventHandler({
    onAdd: nodeSeen,
    onUpdate: (_o, n) => nodeSeen(n),
    onDelete: (obj) => {
      const n = 'obj' in obj ? obj.obj : obj;
      const agent = agents.get(n.metadata.name ?? '');
      if (agent?.registered && (!agent.uid || agent.uid === n.metadata.uid)) nodeDeleted(agent);
    },
  });

  function nodeDeleted(agent: NodeAgent): void {
    logger.warn({ node: agent.name }, 'the Node object was deleted; stopping this node');
    stopAgent(agent);
  }

  informer.addEventHandler({
    onAdd: (pod) => handlePod(pod),
    onUpdate: (_old, pod) => handlePod(pod),
    onDelete: (obj) => {
      const pod = 'obj' in obj ? obj.obj : obj;
      const w = workers.get(`${pod.metadata.namespace ?? 'default'}/${pod.metadata.name ?? ''}`);
      if (w && w.uid === (pod.metadata.uid ?? '')) dropWorker(w);
    },
  });

  // ---- nodes -----------------------------------------------------------------------

  /** the Leases in kube-node-lease at boot, each handed out once (a later boot GETs its own) */
  let bootLeases: Map<string, Lease> | undefined;

  async function listLeases(): Promise<Map<string, Lease> | undefined> {
    try {
      const list = await nodeLimiter.run(() => client.list(leaseType, { namespace: NODE_LEASE_NAMESPACE }));
      // list items may come without apiVersion and kind; the PUT that renews one needs them
      const own = list.items.filter((l) => agents.has(l.metadata.name ?? ''));
      return new Map(own.map((l) => [l.metadata.name ?? '', { ...l, apiVersion: 'coordination.k8s.io/v1', kind: 'Lease' }]));
    } catch (err) {
      logger.warn({ err: errorMessage(err) }, 'listing node leases failed; each node reads its own');
      return undefined;
    }
  }

  function takeBootLease(name: string): Lease | undefined {
    const lease = bootLeases?.get(name);
    bootLeases?.delete(name);
    return lease;
  }

  function addAgent(t: NodeTemplate): NodeAgent {
    const agent = new NodeAgent(t, {
      client,
      timers,
      limiter: nodeLimiter,
      registrations,
      cachedNode: (name) => (nodeInformer.hasSynced() ? nodeInformer.store.get(name) : undefined),
      cachedLease: takeBootLease,
      logger,
      address,
      port,
    });
    agent.onDeleted = () => nodeDeleted(agent);
    agent.onRegistered = () => {
      bootedAt.set(agent.name, clock.now());
      if (informer.hasSynced()) syncNodePods(agent);
    };
    agents.set(t.name, agent);
    return agent;
  }

  function stopAgent(agent: NodeAgent): void {
    agent.stop();
    for (const w of [...(byNode.get(agent.name) ?? [])]) dropWorker(w);
  }

  function info(agent: NodeAgent): NodeInfo {
    return {
      name: agent.name,
      running: agent.running,
      registered: agent.registered,
      podCIDR: `${agent.ips.prefix}.0/24`,
      pods: [...(byNode.get(agent.name) ?? [])].filter((w) => !w.closed).length,
      conditions: agent.conditions.toStatus(clock.now()).map((c) => ({ type: c.type, status: c.status, reason: c.reason ?? '', message: c.message ?? '' })),
      imagePulls: { ...agent.images.faults },
    };
  }

  const must = (name: string): NodeAgent => {
    const a = agents.get(name);
    if (!a) throw new Error(`node "${name}" is not hosted by this kubelet-sim`);
    return a;
  };

  const actions: NodeActions = {
    list: () => [...agents.values()].map(info),
    get: (name) => (agents.has(name) ? info(agents.get(name)!) : undefined),
    stop: (name) => stopAgent(must(name)),
    start: (name) => must(name).start(),
    setCondition(name: string, c: ConditionOverride) {
      const a = must(name);
      if (a.conditions.set(c.type, c.status, clock.now(), c.reason, c.message)) a.syncStatusNow();
    },
    clearCondition(name: string, type: string) {
      const a = must(name);
      if (a.conditions.reset(type, clock.now())) a.syncStatusNow();
    },
    setImagePulls(name: string, f: ImagePullFaults) {
      const targets = name === '*' ? [...agents.values()] : [must(name)];
      for (const a of targets) {
        const next = { ...a.images.faults };
        if (f.delaySeconds !== undefined) {
          if (f.delaySeconds === null) delete next.extraMs;
          else next.extraMs = Math.max(0, f.delaySeconds * 1000);
        }
        if (f.fail !== undefined) {
          if (f.fail === null) delete next.fail;
          else next.fail = f.fail;
        }
        a.images.faults = next;
      }
    },
    async add(name?: string) {
      const index = Math.max(-1, ...[...agents.values()].map((a) => a.template.index)) + 1;
      const base = templates[0] ?? resolveNodes(1, index)[0]!;
      const nodeName = name ?? `${base.name.replace(/-\d+$/, '')}-${index}`;
      if (agents.has(nodeName)) throw new Error(`node "${nodeName}" already exists`);
      const t: NodeTemplate = {
        ...base,
        name: nodeName,
        index,
        podCIDR: podCIDRFor(index),
        labels: { ...base.labels, 'kubernetes.io/hostname': nodeName },
      };
      await addAgent(t).start();
      return nodeName;
    },
    async remove(name: string) {
      const a = must(name);
      stopAgent(a);
      agents.delete(name);
      for (const del of [() => client.delete(nodeType, name), () => client.delete(leaseType, name, { namespace: NODE_LEASE_NAMESPACE })]) {
        try {
          await del();
        } catch (err) {
          if (!isNotFound(err)) throw err;
        }
      }
    },
  };

  function api(): KubeletApi {
    return {
      now: () => clock.now(),
      logs,
      findPod: (ns, name) => {
        const w = workers.get(`${ns}/${name}`);
        return w && !w.closed ? w : undefined;
      },
      nodeNames: () => [...agents.keys()],
      summary: (node) => summary(must(node).template, bootedAt.get(node) ?? clock.now(), byNode.get(node) ?? [], clock.now()),
      resourceMetrics: (node) => resourceMetrics(bootedAt.get(node) ?? clock.now(), byNode.get(node) ?? [], clock.now()),
      pods: (node) => [...(byNode.get(node) ?? [])].filter((w) => !w.closed).map((w) => ({ ...w.pod, status: w.status() })),
      actions,
      backends,
    };
  }

  if (serve) {
    server = createKubeletServer(api());
    await new Promise<void>((resolve, reject) => {
      server!.once('error', reject);
      server!.listen(opts.httpPort ?? 0, address, () => resolve());
    });
    port = (server.address() as AddressInfo).port;
  }
  for (const t of templates) addAgent(t);
  informer.run();
  nodeInformer.run();
  // the nodes boot once the Node list is in: a restart then adopts its Nodes without creates,
  // and renews their Leases from one list of them instead of a GET each
  const registered = nodeInformer.waitForSync().then(async (ok) => {
    if (!ok || stopped) return;
    if ([...agents.keys()].some((name) => nodeInformer.store.has(name))) bootLeases = await listLeases();
    if (stopped) return;
    await Promise.all([...agents.values()].map((a) => a.start()));
    bootLeases = undefined;
  });
  void informer.waitForSync().then((ok) => {
    if (!ok || stopped) return;
    for (const a of agents.values()) if (a.registered) syncNodePods(a);
  });

  return {
    port,
    address,
    get nodeNames() {
      return [...agents.keys()];
    },
    nodes: actions,
    whenRegistered: () => registered,
    backends: () => backends?.table() ?? {},
    stats: () => ({
      pods: workers.size,
      statusPatches: writer.counts.patches,
      statusReconciled: writer.counts.reconciled,
      statusBacklog: writer.backlog,
      timers: timers.size,
      backends: backends?.size ?? 0,
    }),
    async stop() {
      if (stopped) return;
      stopped = true;
      await informer.stop();
      await nodeInformer.stop();
      for (const a of agents.values()) stopAgent(a);
      timers.stop();
      backends?.closeAll();
      if (server) {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server!.close(() => resolve()));
      }
    },
  };
}
