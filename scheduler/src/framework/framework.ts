// Framework: one profile's plugins, instantiated and arranged per extension point, plus
// the rules for running them. `new Framework({ profile, registry, ... })`, then the
// scheduler calls runPreFilterPlugins → runFilterPlugins per node → runScorePlugins ...
// Rules (as kube-scheduler): Filter stops at the first plugin that rejects a node (that
// plugin's reasons are what the user sees); a PreFilter/PreScore Skip drops the plugin's
// Filter/Score for this pod; scores are normalized per plugin, must end in [0, 100], and
// are summed × weight. The framework is also the Handle plugins get (what-if helpers).

import type { Client, Clock, Random } from '@kubesim/shared';
import type { Pod } from '../types.ts';
import type { Registry } from '../plugins/registry.ts';
import { ConfigError } from './config.ts';
import type { ExtensionPoint, ResolvedProfile } from './config.ts';
import { expandPlugins } from './expand.ts';
import { CycleState } from './cycle-state.ts';
import type { Diagnosis } from './fit-error.ts';
import { MAX_NODE_SCORE, MIN_NODE_SCORE } from './interfaces.ts';
import type {
  BindPlugin,
  ClusterEvent,
  EventSink,
  FilterPlugin,
  Handle,
  Listers,
  Plugin,
  PostBindPlugin,
  PostFilterPlugin,
  PostFilterResult,
  PreBindPlugin,
  PreEnqueuePlugin,
  PreFilterPlugin,
  PreScorePlugin,
  QueueSortPlugin,
  ReservePlugin,
  PermitPlugin,
  ScorePlugin,
  Scores,
  SnapshotLister,
} from './interfaces.ts';
import type { NodeInfo } from './node-info.ts';
import type { PodInfo } from './pod-info.ts';
import { errorStatus, Status, SUCCESS, unresolvable } from './status.ts';
import { ScoreBuffers } from './score-buffers.ts';
import { WaitingPods } from './waiting-pods.ts';

export interface FrameworkOptions {
  profile: ResolvedProfile;
  registry: Registry;
  snapshot: SnapshotLister;
  listers: Listers;
  client: Client | undefined;
  clock: Clock;
  random: Random;
  events: EventSink;
  nominatedPodsForNode: (nodeName: string) => readonly PodInfo[];
  /** is any pod nominated to any node? (absent: assume so and look node by node) */
  anyNominatedPods?: () => boolean;
  podInfo: (pod: Pod) => PodInfo;
  /** where runScorePlugins takes its numbers from (shared by a scheduler's profiles) */
  scoreBuffers?: ScoreBuffers;
}

/** One score plugin's numbers for one cycle, in the order of the scored nodes. */
export interface PluginScores {
  name: string;
  weight: number;
  raw: Scores;
  normalized: Scores;
}

/** every event: for plugins that do not say which events help them */
export const WILDCARD_EVENT: ClusterEvent = { resource: '*', actions: 4095 };

export class Framework implements Handle {
  readonly profileName: string;
  readonly percentageOfNodesToScore: number | undefined;
  readonly snapshot: SnapshotLister;
  readonly listers: Listers;
  readonly client: Client | undefined;
  readonly clock: Clock;
  readonly random: Random;
  readonly events: EventSink;
  readonly waitingPods: WaitingPods;
  readonly plugins = new Map<string, Plugin>();
  readonly pluginEvents = new Map<string, readonly ClusterEvent[]>();

  readonly preEnqueuePlugins: PreEnqueuePlugin[];
  readonly queueSortPlugin: QueueSortPlugin;
  readonly preFilterPlugins: PreFilterPlugin[];
  readonly filterPlugins: FilterPlugin[];
  readonly postFilterPlugins: PostFilterPlugin[];
  readonly preScorePlugins: PreScorePlugin[];
  readonly scorePlugins: Array<{ plugin: ScorePlugin; weight: number }>;
  readonly reservePlugins: ReservePlugin[];
  readonly permitPlugins: PermitPlugin[];
  readonly preBindPlugins: PreBindPlugin[];
  readonly bindPlugins: BindPlugin[];
  readonly postBindPlugins: PostBindPlugin[];
  /** false when no pod is nominated anywhere: Filter then needs no nominated-pods pass */
  readonly hasNominatedPods: () => boolean;

  private readonly nominated: (nodeName: string) => readonly PodInfo[];
  private readonly podInfoOf: (pod: Pod) => PodInfo;
  private readonly scoreBuffers: ScoreBuffers;

  constructor(o: FrameworkOptions) {
    this.profileName = o.profile.schedulerName;
    this.percentageOfNodesToScore = o.profile.percentageOfNodesToScore;
    this.snapshot = o.snapshot;
    this.listers = o.listers;
    this.client = o.client;
    this.clock = o.clock;
    this.random = o.random;
    this.events = o.events;
    this.nominated = o.nominatedPodsForNode;
    this.hasNominatedPods = o.anyNominatedPods ?? (() => true);
    this.podInfoOf = o.podInfo;
    this.scoreBuffers = o.scoreBuffers ?? new ScoreBuffers();
    this.waitingPods = new WaitingPods(o.clock);

    const points = expandPlugins(o.profile, (name) => this.instantiate(name, o.profile, o.registry));
    const get = <T>(e: ExtensionPoint): T[] => points[e].map((r) => this.plugins.get(r.name) as T);
    this.preEnqueuePlugins = get('preEnqueue');
    const sorts = get<QueueSortPlugin>('queueSort');
    if (sorts.length !== 1) throw new ConfigError(`profile ${this.profileName}: exactly one queueSort plugin is required, got ${sorts.length}`);
    this.queueSortPlugin = sorts[0]!;
    this.preFilterPlugins = get('preFilter');
    this.filterPlugins = get('filter');
    this.postFilterPlugins = get('postFilter');
    this.preScorePlugins = get('preScore');
    this.scorePlugins = points.score.map((r) => ({ plugin: this.plugins.get(r.name) as ScorePlugin, weight: r.weight || 1 }));
    this.reservePlugins = get('reserve');
    this.permitPlugins = get('permit');
    this.preBindPlugins = get('preBind');
    this.bindPlugins = get('bind');
    if (this.bindPlugins.length === 0) throw new ConfigError(`profile ${this.profileName}: at least one bind plugin is required`);
    this.postBindPlugins = get('postBind');
  }

  private instantiate(name: string, profile: ResolvedProfile, registry: Registry): Plugin {
    let p = this.plugins.get(name);
    if (p) return p;
    const factory = registry[name];
    if (!factory) throw new ConfigError(`profile ${profile.schedulerName}: plugin ${JSON.stringify(name)} does not exist`);
    p = factory(profile.pluginArgs.get(name) ?? {}, this);
    this.plugins.set(name, p);
    const ext = p as Partial<{ eventsToRegister(): readonly ClusterEvent[] }>;
    this.pluginEvents.set(name, typeof ext.eventsToRegister === 'function' ? ext.eventsToRegister() : [WILDCARD_EVENT]);
    return p;
  }

  // ---- Handle --------------------------------------------------------------------

  nominatedPodsForNode(nodeName: string): readonly PodInfo[] {
    return this.nominated(nodeName);
  }

  podInfo(pod: Pod): PodInfo {
    return this.podInfoOf(pod);
  }

  // ---- queue ---------------------------------------------------------------------

  runPreEnqueuePlugins(pod: Pod): Status {
    for (const pl of this.preEnqueuePlugins) {
      const st = pl.preEnqueue(pod);
      if (!st.isSuccess()) return st.withPlugin(pl.name);
    }
    return SUCCESS;
  }

  // ---- scheduling cycle ----------------------------------------------------------

  /** Skips are recorded in `state`; `nodeNames` narrows the nodes to check. */
  runPreFilterPlugins(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): { status: Status; nodeNames?: Set<string>; narrowedBy?: string[] } {
    let names: Set<string> | undefined;
    const narrowing: string[] = [];
    for (const pl of this.preFilterPlugins) {
      let r;
      try {
        r = pl.preFilter(state, pod, nodes);
      } catch (err) {
        return { status: errorStatus(err).withPlugin(pl.name) };
      }
      if (r.status.isSkip()) {
        state.skipFilterPlugins.add(pl.name);
        continue;
      }
      if (!r.status.isSuccess()) return { status: r.status.withPlugin(pl.name) };
      const n = r.result?.nodeNames;
      if (n) {
        narrowing.push(pl.name);
        names = names ? new Set([...names].filter((x) => n.has(x))) : new Set(n);
        if (names.size === 0) {
          const msg = narrowing.length > 1 ? `node(s) didn't satisfy plugin(s) [${narrowing.join(' ')}] simultaneously` : `node(s) didn't satisfy plugin(s) [${narrowing[0]}]`;
          return { status: unresolvable(msg).withPlugin(pl.name) };
        }
      }
    }
    return names ? { status: SUCCESS, nodeNames: names, narrowedBy: narrowing } : { status: SUCCESS };
  }

  /** The filters still active for this cycle (PreFilter Skips removed). */
  activeFilterPlugins(state: CycleState): FilterPlugin[] {
    if (state.skipFilterPlugins.size === 0) return this.filterPlugins;
    return this.filterPlugins.filter((p) => !state.skipFilterPlugins.has(p.name));
  }

  /** The first rejection, or Success. */
  runFilterPlugins(state: CycleState, pod: PodInfo, node: NodeInfo, filters: readonly FilterPlugin[] = this.activeFilterPlugins(state)): Status {
    let i = 0;
    try {
      for (; i < filters.length; i++) {
        const st = filters[i]!.filter(state, pod, node);
        if (st !== SUCCESS && !st.isSuccess()) return st.withPlugin(filters[i]!.name);
      }
    } catch (err) {
      return errorStatus(err).withPlugin(filters[i]?.name ?? '');
    }
    return SUCCESS;
  }

  /** Filters with the pods nominated to this node (of priority ≥ the pod's) counted as
   *  present, then again without them (kube-scheduler's two passes). */
  runFilterPluginsWithNominatedPods(state: CycleState, pod: PodInfo, node: NodeInfo, filters?: readonly FilterPlugin[]): Status {
    const nominated = this.nominated(node.name);
    if (nominated.length > 0) {
      let nodeCopy: NodeInfo | undefined;
      let stateCopy: CycleState | undefined;
      for (const p of nominated) {
        if (p.priority < pod.priority || p.key === pod.key) continue;
        nodeCopy ??= node.clone();
        stateCopy ??= state.clone();
        nodeCopy.addPod(p);
        this.runPreFilterExtensionAddPod(stateCopy, pod, p, nodeCopy);
      }
      if (nodeCopy && stateCopy) {
        const st = this.runFilterPlugins(stateCopy, pod, nodeCopy, filters);
        if (!st.isSuccess()) return st;
      }
    }
    return this.runFilterPlugins(state, pod, node, filters);
  }

  runPreFilterExtensionAddPod(state: CycleState, podToSchedule: PodInfo, podToAdd: PodInfo, node: NodeInfo): void {
    for (const pl of this.preFilterPlugins) if (pl.addPod && !state.skipFilterPlugins.has(pl.name)) pl.addPod(state, podToSchedule, podToAdd, node);
  }

  runPreFilterExtensionRemovePod(state: CycleState, podToSchedule: PodInfo, podToRemove: PodInfo, node: NodeInfo): void {
    for (const pl of this.preFilterPlugins) if (pl.removePod && !state.skipFilterPlugins.has(pl.name)) pl.removePod(state, podToSchedule, podToRemove, node);
  }

  runPostFilterPlugins(state: CycleState, pod: PodInfo, diagnosis: Readonly<Diagnosis>): { result?: PostFilterResult; status: Status } {
    const reasons: string[] = [];
    let result: PostFilterResult | undefined;
    let rejector: string | undefined;
    for (const pl of this.postFilterPlugins) {
      let r;
      try {
        r = pl.postFilter(state, pod, diagnosis);
      } catch (err) {
        return { status: errorStatus(err).withPlugin(pl.name) };
      }
      if (r.status.isSuccess()) return r;
      if (r.status.code === 'UnschedulableAndUnresolvable') return { ...r, status: r.status.withPlugin(pl.name) };
      if (!r.status.isRejected()) return { status: new Status('Error', r.status.reasons, pl.name) };
      if (r.result) result = r.result;
      reasons.push(...r.status.reasons);
      rejector ??= pl.name;
    }
    const status = new Status('Unschedulable', reasons, rejector);
    return result ? { result, status } : { status };
  }

  runPreScorePlugins(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): Status {
    for (const pl of this.preScorePlugins) {
      let st: Status;
      try {
        st = pl.preScore(state, pod, nodes);
      } catch (err) {
        return errorStatus(err).withPlugin(pl.name);
      }
      if (st.isSkip()) state.skipScorePlugins.add(pl.name);
      else if (!st.isSuccess()) return st.withPlugin(pl.name);
    }
    return SUCCESS;
  }

  /** Scores every node with every active plugin; totals = Σ normalized × weight. All the
   *  cycle's numbers (totals, then each plugin's raw and normalized scores) are views of one
   *  buffer from `scoreBuffers`, to be given back there once nothing reads them. */
  runScorePlugins(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): { status: Status; plugins: PluginScores[]; totals: Scores } {
    const n = nodes.length;
    let arrays = 1;
    for (const { plugin } of this.scorePlugins) if (!state.skipScorePlugins.has(plugin.name)) arrays += plugin.normalizeScore ? 2 : 1;
    const buffer = this.scoreBuffers.take(n * arrays);
    let used = n;
    const totals = buffer.subarray(0, n);
    const out: PluginScores[] = [];
    for (const { plugin, weight } of this.scorePlugins) {
      if (state.skipScorePlugins.has(plugin.name)) continue;
      const raw = buffer.subarray(used, (used += n));
      try {
        if (plugin.scoreNodes) plugin.scoreNodes(state, pod, nodes, raw);
        else for (let i = 0; i < n; i++) raw[i] = plugin.score(state, pod, nodes[i]!);
        let normalized = raw;
        if (plugin.normalizeScore) {
          normalized = buffer.subarray(used, (used += n));
          normalized.set(raw);
          plugin.normalizeScore(state, pod, normalized, nodes);
        }
        for (let i = 0; i < n; i++) {
          const s = normalized[i]!;
          if (!(s >= MIN_NODE_SCORE && s <= MAX_NODE_SCORE)) {
            const msg = `plugin "${plugin.name}" returns an invalid score ${s}, it should in the range of [${MIN_NODE_SCORE}, ${MAX_NODE_SCORE}] after normalizing`;
            return { status: new Status('Error', [msg], plugin.name), plugins: out, totals };
          }
          totals[i]! += s * weight;
        }
        out.push({ name: plugin.name, weight, raw, normalized });
      } catch (err) {
        return { status: errorStatus(err).withPlugin(plugin.name), plugins: out, totals };
      }
    }
    return { status: SUCCESS, plugins: out, totals };
  }

  runReservePluginsReserve(state: CycleState, pod: PodInfo, nodeName: string): Status {
    for (const pl of this.reservePlugins) {
      let st: Status;
      try {
        st = pl.reserve(state, pod, nodeName);
      } catch (err) {
        st = errorStatus(err);
      }
      if (!st.isSuccess()) return st.withPlugin(pl.name);
    }
    return SUCCESS;
  }

  runReservePluginsUnreserve(state: CycleState, pod: PodInfo, nodeName: string): void {
    for (let i = this.reservePlugins.length - 1; i >= 0; i--) {
      try {
        this.reservePlugins[i]!.unreserve(state, pod, nodeName);
      } catch {
        // unreserve must not fail; nothing more to do
      }
    }
  }

  /** Success, Wait (the pod is registered as waiting), or a rejection. */
  runPermitPlugins(state: CycleState, pod: PodInfo, nodeName: string): Status {
    const waits = new Map<string, number>();
    for (const pl of this.permitPlugins) {
      let r;
      try {
        r = pl.permit(state, pod, nodeName);
      } catch (err) {
        return errorStatus(err).withPlugin(pl.name);
      }
      if (r.status.code === 'Wait') waits.set(pl.name, Math.min(r.timeoutMs ?? 15 * 60_000, 15 * 60_000));
      else if (!r.status.isSuccess()) return r.status.withPlugin(pl.name);
    }
    if (waits.size === 0) return SUCCESS;
    this.waitingPods.add(pod, nodeName, waits);
    return new Status('Wait');
  }

  waitOnPermit(pod: PodInfo): Promise<Status> {
    return this.waitingPods.wait(pod.uid);
  }

  async runPreBindPlugins(state: CycleState, pod: PodInfo, nodeName: string): Promise<Status> {
    for (const pl of this.preBindPlugins) {
      let st: Status;
      try {
        st = await pl.preBind(state, pod, nodeName);
      } catch (err) {
        st = errorStatus(err);
      }
      if (st.code === 'Error') return new Status('Error', [`running PreBind plugin "${pl.name}": ${st.message()}`], pl.name);
      if (!st.isSuccess()) return st.withPlugin(pl.name);
    }
    return SUCCESS;
  }

  async runBindPlugins(state: CycleState, pod: PodInfo, nodeName: string): Promise<Status> {
    for (const pl of this.bindPlugins) {
      let st: Status;
      try {
        st = await pl.bind(state, pod, nodeName);
      } catch (err) {
        st = errorStatus(err);
      }
      if (st.isSkip()) continue;
      if (st.code === 'Error') return new Status('Error', [`running Bind plugin "${pl.name}": ${st.message()}`], pl.name);
      return st.isSuccess() ? st : st.withPlugin(pl.name);
    }
    return new Status('Error', ['all bind plugins skipped']);
  }

  runPostBindPlugins(state: CycleState, pod: PodInfo, nodeName: string): void {
    for (const pl of this.postBindPlugins) {
      try {
        pl.postBind(state, pod, nodeName);
      } catch {
        // informational only
      }
    }
  }
}

export { CycleState };
