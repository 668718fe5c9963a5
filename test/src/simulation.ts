// The simulation kit: the whole control plane in one process, in virtual time.
//
//   const sim = await createSimulation({ seed: 42, nodes: 5 });
//   await sim.apply(deploymentYaml);
//   await sim.runUntil(async () => (await sim.get(resources.deployments, 'web')).status?.availableReplicas === 3, { timeout: '5m' });
//   await sim.close();
//
// It wires the memory store, the apiserver's registry (served through the in-process
// Client: the same defaulting, validation and watch code as over HTTP), the scheduler,
// the controller-manager and kubelet-sim's nodes onto one VirtualClock and one seeded
// random source. No sockets, no real timers: an hour of cluster time takes milliseconds,
// and the same seed and inputs give a byte-identical trace.

import { Registry, createInProcessClient, registerSubresourceHandlers } from '@kubesim/apiserver';
import { createMemoryStore } from '@kubesim/store';
import type { KV } from '@kubesim/store';
import { VirtualClock, allResources, findResourceByKind, isAlreadyExists, isConflict, resources, seededRandom } from '@kubesim/shared';
import type { Client, KubeObject, Random, ResourceType } from '@kubesim/shared';
import { startControllerManager, type ControllerManager, type ControllerStarter } from '@kubesim/controller-manager';
import { startKubeletSim, type KubeletSim, type NodesOption } from '@kubesim/kubelet-sim';
import { inTreeRegistry, startScheduler, type KubeSchedulerConfiguration, type PluginFactory, type SchedulerHandle } from '@kubesim/scheduler';
import { toMs, type Duration } from './duration.ts';
import { noFaults, type FaultState } from './faults.ts';
import { parseManifests } from './manifests.ts';
import { Trace } from './trace.ts';
import { ClusterView, type ClusterState } from './view.ts';
import { traceClient, type TracedClient } from './traced-client.ts';

export type ComponentName = 'scheduler' | 'controller-manager' | 'kubelet-sim';

export interface SimulationOptions {
  seed: number;
  /** a node count or kubelet-sim node pools (default 3 nodes of 4 CPU / 16Gi) */
  nodes?: NodesOption;
  /** which components run (default all three) */
  components?: Partial<Record<ComponentName, boolean>>;
  /** KubeSchedulerConfiguration YAML (or object) for the scheduler */
  schedulerConfig?: KubeSchedulerConfiguration | string;
  /** out-of-tree scheduler plugins by name, added to the in-tree registry (enable them in schedulerConfig) */
  schedulerPlugins?: Record<string, PluginFactory>;
  /** controller names to run (default all), and extra controllers of your own */
  controllers?: readonly string[];
  extraControllers?: Record<string, ControllerStarter>;
  /** what the trace keeps (default 'writes'; 'all' adds every watch delivery) */
  trace?: 'all' | 'writes' | 'none';
  /** false: Events are not written (kubelet-sim is told so; other components' event writes
   *  are answered in the client without reaching the apiserver) — about a third fewer
   *  writes, for fast property runs. Default true. */
  events?: boolean;
  /** virtual wall-clock time at the start (default 2026-01-01T00:00:00Z) */
  startTime?: number;
}

export interface RunOptions {
  timeout?: Duration;
}

export { parseManifests };

export class SimulationTimeout extends Error {}

/** 2026-01-01T00:00:00Z, where every simulation's clock starts unless told otherwise */
export const DEFAULT_START_TIME = Date.UTC(2026, 0, 1);

type Listener = (sim: Simulation) => void | Promise<void>;

interface Running {
  stop(): Promise<void>;
}

export class Simulation {
  readonly clock: VirtualClock;
  readonly random: Random;
  readonly trace: Trace;
  /** the user's client: writes show up in the trace as component `user` */
  readonly client: Client;
  readonly registry: Registry;
  readonly store: KV;
  private readonly faultsByComponent = new Map<string, FaultState>();
  private readonly clients = new Map<string, TracedClient>();
  private readonly running = new Map<ComponentName, Running>();
  private kubelet: KubeletSim | undefined;
  private schedulerHandle: SchedulerHandle | undefined;
  private readonly listeners: Listener[] = [];
  private clusterView: ClusterView | undefined;

  constructor(
    readonly options: SimulationOptions,
    parts: { clock: VirtualClock; random: Random; store: KV; registry: Registry; trace: Trace },
  ) {
    this.clock = parts.clock;
    this.random = parts.random;
    this.store = parts.store;
    this.registry = parts.registry;
    this.trace = parts.trace;
    this.client = this.clientFor('user');
  }

  /** the seed, for messages: a failing run replays with it */
  get seed(): number {
    return this.options.seed;
  }

  /** the traced, fault-injectable client a component (or the user) talks through */
  clientFor(component: string): TracedClient {
    let c = this.clients.get(component);
    if (!c) {
      const inner = createInProcessClient(this.registry, { identity: identityOf(component) });
      c = traceClient(inner, component, this.clock, this.trace, () => this.faults(component), { events: this.options.events !== false });
      this.clients.set(component, c);
    }
    return c;
  }

  /** the fault state of one component's client */
  faults(component: string): FaultState {
    let f = this.faultsByComponent.get(component);
    if (!f) {
      f = noFaults();
      this.faultsByComponent.set(component, f);
    }
    return f;
  }

  /** set faults for one component, e.g. sim.inject('scheduler', { droppedBindings: 1 });
   *  '*' sets them for every component (each then consumes its own count) */
  inject(component: string, faults: Partial<FaultState>): void {
    if (component !== '*') {
      Object.assign(this.faults(component), faults);
      return;
    }
    for (const name of new Set<string>(['user', 'scheduler', 'controller-manager', 'kubelet-sim', ...this.clients.keys()])) Object.assign(this.faults(name), faults);
  }

  /** end every open watch of a component (or of all): its reflectors must re-watch */
  disconnectWatches(component?: string): void {
    for (const [name, c] of this.clients) if (!component || name === component) c.dropWatches();
  }

  /** call `fn` after every step of virtual time (every timer that fired, once all components reacted) */
  on(event: 'change', fn: Listener): void {
    if (event === 'change') this.listeners.push(fn);
  }

  off(event: 'change', fn: Listener): void {
    const i = this.listeners.indexOf(fn);
    if (event === 'change' && i >= 0) this.listeners.splice(i, 1);
  }

  /** the read-only mirror invariants look at (started on first use; never perturbs the run) */
  view(): ClusterView {
    this.clusterView ??= new ClusterView(this.registry, this.clock, this.startTime, this.seed);
    return this.clusterView;
  }

  /** the cluster as invariants see it, now */
  async state(): Promise<ClusterState> {
    if (!this.clusterView) {
      this.view();
      await this.settle();
    }
    return this.view().state();
  }

  /** the scheduler's handle while it runs (explanations: `sim.scheduler?.explainText(ns, name)`) */
  get scheduler(): SchedulerHandle | undefined {
    return this.schedulerHandle;
  }

  /** virtual time at the start of the run (ms since the Unix epoch) */
  get startTime(): number {
    return this.options.startTime ?? DEFAULT_START_TIME;
  }

  /** virtual ms since the start of the run */
  elapsed(): number {
    return this.clock.now() - this.startTime;
  }

  // ---- components ------------------------------------------------------------------

  async start(name: ComponentName): Promise<void> {
    if (this.running.has(name)) return;
    const o = this.options;
    const client = this.clientFor(name);
    const clock = this.clock;
    const random = seededRandom(this.random.int(2 ** 31));
    // A component's start may wait on the clock (the scheduler waits for its first lists,
    // which take virtual time when its API calls are slowed down): run the clock meanwhile.
    if (name === 'controller-manager') {
      const cm: ControllerManager = await this.whileClockRuns(startControllerManager({
        client,
        clock,
        random,
        ...(o.controllers ? { controllers: [...o.controllers, ...Object.keys(o.extraControllers ?? {})] } : {}),
        ...(o.extraControllers ? { extra: o.extraControllers } : {}),
      }));
      this.running.set(name, cm);
    } else if (name === 'scheduler') {
      const s = await this.whileClockRuns(startScheduler({
        client,
        clock,
        random,
        ...(o.schedulerConfig !== undefined ? { config: o.schedulerConfig } : {}),
        ...(o.schedulerPlugins ? { registry: { ...inTreeRegistry, ...o.schedulerPlugins } } : {}),
      }));
      this.schedulerHandle = s;
      this.running.set(name, s);
    } else {
      const k = await this.whileClockRuns(startKubeletSim({ client, clock, random, nodes: o.nodes ?? 3, serve: false, ...(o.events === false ? { events: false } : {}) }));
      this.kubelet = k;
      this.running.set(name, k);
    }
    await this.settle();
  }

  /** stop a component as if its process died (its in-memory state is lost) */
  async stop(name: ComponentName): Promise<void> {
    const r = this.running.get(name);
    if (!r) return;
    this.running.delete(name);
    if (name === 'kubelet-sim') this.kubelet = undefined;
    if (name === 'scheduler') this.schedulerHandle = undefined;
    await this.whileClockRuns(r.stop());
  }

  async restart(name: ComponentName): Promise<void> {
    await this.stop(name);
    await this.start(name);
  }

  isRunning(name: ComponentName): boolean {
    return this.running.has(name);
  }

  /** node failure injection and churn, through kubelet-sim */
  get nodes(): {
    stop(name: string): void;
    start(name: string): Promise<void>;
    add(name?: string): Promise<string>;
    remove(name: string): Promise<void>;
    names(): string[];
  } {
    const k = (): KubeletSim => {
      if (!this.kubelet) throw new Error('kubelet-sim is not running in this simulation');
      return this.kubelet;
    };
    return {
      stop: (name) => k().nodes.stop(name),
      start: async (name) => this.whileClockRuns(k().nodes.start(name)),
      add: async (name) => this.whileClockRuns(k().nodes.add(name)),
      remove: async (name) => this.whileClockRuns(k().nodes.remove(name)),
      names: () => k().nodes.list().map((n) => n.name),
    };
  }

  // ---- driving time ------------------------------------------------------------------

  /** run everything that is due now, until nothing more is (no virtual time passes) */
  async settle(): Promise<void> {
    for (let i = 0; i < 10_000; i++) {
      await this.clock.settle();
      const next = this.clock.nextTimerAt();
      if (next === undefined || next > this.clock.now()) return;
      await this.clock.advanceTo(this.clock.now());
    }
    throw new Error('simulation did not settle: something keeps scheduling zero-delay work');
  }

  /** move virtual time forward by `d`, one timer time at a time, checking listeners at each step */
  async advance(d: Duration): Promise<void> {
    const target = this.clock.now() + toMs(d);
    for (;;) {
      await this.settle();
      await this.notify();
      const next = this.clock.nextTimerAt();
      if (next === undefined || next > target) break;
      await this.clock.advanceTo(next);
    }
    await this.clock.advanceTo(target);
    await this.settle();
    await this.notify();
  }

  /** advance event by event until `predicate` holds; throws SimulationTimeout after `timeout` (default 10m) */
  async runUntil(predicate: (sim: Simulation) => boolean | Promise<boolean>, opts: RunOptions = {}): Promise<void> {
    const deadline = this.clock.now() + toMs(opts.timeout ?? '10m');
    for (;;) {
      await this.settle();
      await this.notify();
      if (await predicate(this)) return;
      const next = this.clock.nextTimerAt();
      if (next === undefined || next > deadline) {
        await this.clock.advanceTo(deadline);
        await this.settle();
        if (await predicate(this)) return;
        throw new SimulationTimeout(`condition not met within ${opts.timeout ?? '10m'} of virtual time (seed ${this.seed})`);
      }
      await this.clock.advanceTo(next);
    }
  }

  private async notify(): Promise<void> {
    for (const fn of this.listeners) await fn(this);
  }

  /** wait for a promise that itself may wait on the virtual clock */
  async whileClockRuns<T>(p: Promise<T>, maxMs = 10 * 60_000): Promise<T> {
    let done = false;
    let value: T | undefined;
    let error: unknown;
    let failed = false;
    p.then(
      (v) => {
        done = true;
        value = v;
      },
      (e: unknown) => {
        done = true;
        failed = true;
        error = e;
      },
    );
    const deadline = this.clock.now() + maxMs;
    for (;;) {
      await this.settle();
      if (done) break;
      const next = this.clock.nextTimerAt();
      if (next === undefined || next > deadline) throw new SimulationTimeout('an operation did not finish within the simulation deadline');
      await this.clock.advanceTo(next);
    }
    if (failed) throw error;
    return value as T;
  }

  // ---- objects -----------------------------------------------------------------------

  /** create (or replace) objects from manifests: objects or YAML with `---` separators */
  async apply<T extends KubeObject>(manifests: string | T | readonly T[]): Promise<KubeObject[]> {
    const objects = typeof manifests === 'string' ? parseManifests(manifests) : Array.isArray(manifests) ? [...manifests] : [manifests as KubeObject];
    const out: KubeObject[] = [];
    for (const obj of objects) {
      const type = findResourceByKind(obj.apiVersion ?? '', obj.kind ?? '');
      if (!type) throw new Error(`unknown kind ${obj.apiVersion}/${obj.kind}`);
      const namespace = type.namespaced ? (obj.metadata.namespace ?? 'default') : undefined;
      const opts = namespace ? { namespace } : {};
      try {
        out.push(await this.client.create(type, obj, opts));
      } catch (err) {
        if (!isAlreadyExists(err)) throw err;
        const current = await this.client.get(type, obj.metadata.name ?? '', opts);
        out.push(await this.client.update(type, { ...obj, metadata: { ...obj.metadata, resourceVersion: current.metadata.resourceVersion } }, opts));
      }
    }
    await this.settle();
    return out;
  }

  /** read-modify-write one object, retrying on conflicts (as `kubectl edit` would) */
  async update<T extends KubeObject>(type: ResourceType<T>, name: string, change: (current: T) => T, namespace = 'default'): Promise<T> {
    const opts = type.namespaced ? { namespace } : {};
    for (let attempt = 0; ; attempt++) {
      const current = await this.client.get(type, name, opts);
      try {
        const out = await this.client.update(type, change(current), opts);
        await this.settle();
        return out;
      } catch (err) {
        if (!isConflict(err) || attempt >= 10) throw err;
      }
    }
  }

  get<T extends KubeObject>(type: ResourceType<T>, name: string, namespace = 'default'): Promise<T> {
    return this.client.get(type, name, type.namespaced ? { namespace } : {});
  }

  async list<T extends KubeObject>(type: ResourceType<T>, namespace?: string): Promise<T[]> {
    return (await this.client.list(type, namespace ? { namespace } : {})).items;
  }

  /** every object of every kind, keyed `resource/namespace/name` (events and leases left out) */
  async snapshot(): Promise<Record<string, KubeObject>> {
    const out: Record<string, KubeObject> = {};
    for (const type of allResources) {
      if (type === resources.events || type === resources.eventsV1 || type === resources.leases) continue;
      for (const obj of (await this.client.list(type)).items) out[`${type.group ? `${type.group}/` : ''}${type.resource}/${obj.metadata.namespace ?? ''}/${obj.metadata.name}`] = obj;
    }
    return out;
  }

  async close(): Promise<void> {
    this.clusterView?.close();
    for (const name of ['scheduler', 'controller-manager', 'kubelet-sim'] as const) await this.stop(name).catch(() => {});
    await this.whileClockRuns(this.registry.stop()).catch(() => {});
    await this.store.close();
  }
}

function identityOf(component: string): string {
  switch (component) {
    case 'scheduler':
      return 'system:kube-scheduler';
    case 'controller-manager':
      return 'system:kube-controller-manager';
    case 'kubelet-sim':
      return 'system:node:kubelet-sim';
    default:
      return 'kubesim-admin';
  }
}

export async function createSimulation(options: SimulationOptions): Promise<Simulation> {
  const startTime = options.startTime ?? DEFAULT_START_TIME;
  const clock = new VirtualClock(startTime);
  const random = seededRandom(options.seed);
  const store = createMemoryStore({ clock });
  const registry = new Registry({ store, clock, random: seededRandom(random.int(2 ** 31)), resources: allResources });
  registerSubresourceHandlers(registry, {});
  const trace = new Trace(options.trace ?? 'writes', startTime);
  const sim = new Simulation(options, { clock, random, store, registry, trace });
  await sim.whileClockRuns(registry.start());
  const want = options.components ?? {};
  if (want['kubelet-sim'] !== false) await sim.start('kubelet-sim');
  if (want['controller-manager'] !== false) await sim.start('controller-manager');
  if (want.scheduler !== false) await sim.start('scheduler');
  return sim;
}
