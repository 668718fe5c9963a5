// The scheduling framework's extension points, one small interface each, in the order a
// pod meets them:  PreEnqueue → QueueSort → PreFilter → Filter → (PostFilter if no node
// fits) → PreScore → Score (+ NormalizeScore) → Reserve → Permit → PreBind → Bind → PostBind.
// The first half (up to Permit) is the synchronous "scheduling cycle", one pod at a time,
// against the node snapshot; the rest is the asynchronous "binding cycle".
// A plugin implements only the points it needs, e.g.
//   export const taintToleration = ... satisfies FilterPlugin & ScorePlugin
// and a factory `(args, handle) => plugin` is registered under its name (registry.ts).
// kubesim adds one optional method, ScorePlugin.scoreNodes: all nodes' scores in one call.

import type { Client, Clock, Random } from '@kubesim/shared';
import type {
  Node,
  PersistentVolume,
  PersistentVolumeClaim,
  Pod,
  PodDisruptionBudget,
  PriorityClass,
  StorageClass,
} from '../types.ts';
import type { Labels } from '../util/selectors.ts';
import type { CycleState } from './cycle-state.ts';
import type { Diagnosis } from './fit-error.ts';
import type { NodeInfo } from './node-info.ts';
import type { PodInfo } from './pod-info.ts';
import type { Status } from './status.ts';

/** one score per node, in the order of the nodes being scored (a typed array: cheap to keep) */
export type Scores = Float64Array;

export const MAX_NODE_SCORE = 100;
export const MIN_NODE_SCORE = 0;

export interface Plugin {
  readonly name: string;
}

/** A pending pod in the queue, with its bookkeeping. */
export interface QueuedPodInfo {
  podInfo: PodInfo;
  /** when it (re-)entered the queue; ties in priority go to the earlier one */
  timestamp: number;
  /** scheduling attempts so far */
  attempts: number;
  /** when it was first added (for latency figures) */
  initialAttemptTimestamp: number;
  /** plugins that rejected it in its last attempt (which cluster events can help) */
  unschedulablePlugins: Set<string>;
  /** set when the last attempt failed with Error (any event may help) */
  lastFailureWasError?: boolean;
}

export interface PreEnqueuePlugin extends Plugin {
  /** Success lets the pod into the queue; anything else parks it (e.g. scheduling gates) */
  preEnqueue(pod: Pod): Status;
}

export interface QueueSortPlugin extends Plugin {
  less(a: QueuedPodInfo, b: QueuedPodInfo): boolean;
}

export interface PreFilterResult {
  /** only these nodes can possibly fit; undefined = all nodes */
  nodeNames?: ReadonlySet<string>;
}

export interface PreFilterPlugin extends Plugin {
  /** Skip = the plugin's Filter is not needed for this pod */
  preFilter(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): { status: Status; result?: PreFilterResult };
  /** keep PreFilter state right when a pod is hypothetically added to a node (nominated pods) */
  addPod?(state: CycleState, podToSchedule: PodInfo, podToAdd: PodInfo, node: NodeInfo): void;
  /** ... or removed from it (preemption victims) */
  removePod?(state: CycleState, podToSchedule: PodInfo, podToRemove: PodInfo, node: NodeInfo): void;
}

export interface FilterPlugin extends Plugin {
  filter(state: CycleState, pod: PodInfo, node: NodeInfo): Status;
}

export interface PostFilterResult {
  /** nominate the pod to this node ('' clears a previous nomination) */
  nominatedNodeName?: string;
  /** work to do after the cycle (API calls: delete victims, clear nominations) */
  apply?: () => Promise<void>;
  /** for explanations */
  victims?: readonly Pod[];
}

export interface PostFilterPlugin extends Plugin {
  /** called when no node fits; the diagnosis has every node's rejection */
  postFilter(state: CycleState, pod: PodInfo, diagnosis: Readonly<Diagnosis>): { result?: PostFilterResult; status: Status };
}

export interface PreScorePlugin extends Plugin {
  /** Skip = the plugin's Score is not needed for this pod */
  preScore(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[]): Status;
}

export interface ScorePlugin extends Plugin {
  /** a raw score for one feasible node; after NormalizeScore it must lie in [0, 100] */
  score(state: CycleState, pod: PodInfo, node: NodeInfo): number;
  /** optional (kubesim's, for speed): every node's score() at once, `out[i]` for `nodes[i]`
   *  — the same numbers, without a call and a CycleState lookup per node */
  scoreNodes?(state: CycleState, pod: PodInfo, nodes: readonly NodeInfo[], out: Scores): void;
  /** rescale all raw scores in place (same order as `nodes`) */
  normalizeScore?(state: CycleState, pod: PodInfo, scores: Scores, nodes: readonly NodeInfo[]): void;
}

export interface ReservePlugin extends Plugin {
  reserve(state: CycleState, pod: PodInfo, nodeName: string): Status;
  unreserve(state: CycleState, pod: PodInfo, nodeName: string): void;
}

export interface PermitPlugin extends Plugin {
  /** Wait holds the pod for at most `timeoutMs` until `allow`/`reject` on the waiting pod */
  permit(state: CycleState, pod: PodInfo, nodeName: string): { status: Status; timeoutMs?: number };
}

export interface PreBindPlugin extends Plugin {
  preBind(state: CycleState, pod: PodInfo, nodeName: string): Promise<Status>;
}

export interface BindPlugin extends Plugin {
  /** Skip passes to the next Bind plugin */
  bind(state: CycleState, pod: PodInfo, nodeName: string): Promise<Status>;
}

export interface PostBindPlugin extends Plugin {
  postBind(state: CycleState, pod: PodInfo, nodeName: string): void;
}

// ---- cluster events: which changes can make a rejected pod schedulable -------------

export type EventResource =
  | 'Node'
  | 'AssignedPod'
  | 'UnscheduledPod'
  | 'PersistentVolume'
  | 'PersistentVolumeClaim'
  | 'StorageClass'
  | 'PodDisruptionBudget'
  | '*';

export const ActionType = {
  Add: 1,
  Delete: 2,
  UpdateNodeAllocatable: 4,
  UpdateNodeLabel: 8,
  UpdateNodeTaint: 16,
  UpdateNodeCondition: 32,
  UpdateNodeAnnotation: 64,
  UpdatePodLabel: 128,
  UpdatePodScaleDown: 256,
  UpdatePodToleration: 512,
  UpdatePodSchedulingGatesEliminated: 1024,
  UpdatePodOther: 2048,
  Update: 4 | 8 | 16 | 32 | 64 | 128 | 256 | 512 | 1024 | 2048,
  All: 4095,
} as const;

export interface ClusterEvent {
  resource: EventResource;
  /** a bitwise OR of ActionType values */
  actions: number;
  /** for logs and explanations, e.g. "NodeAdd" */
  label?: string;
}

export interface EnqueueExtensions {
  /** events that may make a pod this plugin rejected schedulable */
  eventsToRegister(): readonly ClusterEvent[];
}

// ---- what plugins can reach ------------------------------------------------------

export interface SnapshotLister {
  /** nodes in scheduling order (zones interleaved) */
  list(): readonly NodeInfo[];
  get(name: string): NodeInfo | undefined;
  havePodsWithAffinityList(): readonly NodeInfo[];
  havePodsWithRequiredAntiAffinityList(): readonly NodeInfo[];
  /** For plugins that keep sums over the nodes: the nodes changed (a pod placed or removed,
   *  the Node updated) since `mark` (0 the first time), possibly repeated, or undefined when
   *  that is no longer known (look at every node); and the mark to ask from next time. */
  nodeChangesSince?(mark: number): { nodes: readonly NodeInfo[] | undefined; mark: number };
}

/** Read access to other objects, from informer caches (or fixtures in tests). */
export interface Listers {
  podDisruptionBudgets(): readonly PodDisruptionBudget[];
  priorityClasses(): readonly PriorityClass[];
  /** label selectors of Services / ReplicaSets / StatefulSets / ReplicationControllers that select the pod */
  workloadSelectorsFor(pod: Pod): readonly Readonly<Record<string, string>>[] | undefined;
  persistentVolumeClaim(namespace: string, name: string): PersistentVolumeClaim | undefined;
  persistentVolume(name: string): PersistentVolume | undefined;
  persistentVolumes(): readonly PersistentVolume[];
  storageClass(name: string): StorageClass | undefined;
  namespaceLabels(name: string): Labels;
  /** the latest version of a pod, or undefined when gone */
  pod(namespace: string, name: string): Pod | undefined;
  /** pods using a PVC (namespace/claim) */
  podsUsingClaim?(namespace: string, claim: string): readonly Pod[];
}

/** How plugins emit Kubernetes Events (Preempted on victims). */
export interface EventSink {
  event(regarding: Pod | Node, type: 'Normal' | 'Warning', reason: string, action: string, note: string, related?: Pod): void;
}

export interface Handle {
  readonly profileName: string;
  readonly snapshot: SnapshotLister;
  readonly listers: Listers;
  readonly client: Client | undefined;
  readonly clock: Clock;
  readonly random: Random;
  readonly events: EventSink;
  /** pods nominated to a node (after preemption), highest priority first */
  nominatedPodsForNode(nodeName: string): readonly PodInfo[];
  /** PodInfo for any pod, cached by object identity */
  podInfo(pod: Pod): PodInfo;
  runFilterPluginsWithNominatedPods(state: CycleState, pod: PodInfo, node: NodeInfo): Status;
  runPreFilterExtensionAddPod(state: CycleState, podToSchedule: PodInfo, podToAdd: PodInfo, node: NodeInfo): void;
  runPreFilterExtensionRemovePod(state: CycleState, podToSchedule: PodInfo, podToRemove: PodInfo, node: NodeInfo): void;
}

export type PluginFactory = (args: Record<string, unknown>, handle: Handle) => Plugin;

export function nodeName(node: Node | undefined): string {
  return node?.metadata.name ?? '';
}
