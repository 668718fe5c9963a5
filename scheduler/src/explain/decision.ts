// Decisions: the last scheduling attempt of each pod, kept so a learner can ask "why
// there?" or "why pending?". The scheduler records the raw attempt (cheap: references to
// arrays it built anyway); `toExplanation()` turns it into the JSON served at
// GET /explain/{namespace}/{name}: per node, the filter that rejected it and why; per
// plugin, raw → normalized → weighted scores; the chosen node. The store is bounded: the
// last `fullRecords` attempts are kept whole, older ones as explanations with only the
// `maxScoreRows` best-scored nodes (and the chosen one); the oldest pods are dropped.

import { formatTime } from '@kubesim/shared';
import type { PostFilterResult } from '../framework/interfaces.ts';
import type { ScheduleAttempt } from '../schedule-pod.ts';
import type { QueuedPod } from '../queue/scheduling-queue.ts';

export type Outcome = 'Scheduled' | 'Binding' | 'Unschedulable' | 'Gated' | 'Error';

export interface DecisionRecord {
  namespace: string;
  name: string;
  uid: string;
  profile: string;
  attempt: number;
  time: number;
  outcome: Outcome;
  node?: string;
  message?: string;
  attemptData?: ScheduleAttempt;
  postFilter?: { message: string; result?: PostFilterResult };
}

/** a node a filter rejected: which plugin, its status code and reasons */
export interface NodeRejection {
  node: string;
  plugin?: string;
  code: string;
  reasons: string[];
}

export interface NodeScoreRow {
  node: string;
  total: number;
  chosen: boolean;
  plugins: Record<string, { raw: number; normalized: number; weighted: number }>;
}

export interface Explanation {
  pod: string;
  uid: string;
  profile: string;
  attempt: number;
  time: string;
  outcome: Outcome;
  node?: string;
  message?: string;
  nodes: { total: number; evaluated: number; feasible: number; toFind: number; startIndex: number };
  nominatedNode?: { node: string; passed: boolean; reasons: string[] };
  preFilter?: { plugin?: string; message: string };
  skippedFilterPlugins: string[];
  /** nodes that passed every filter */
  feasibleNodes: string[];
  /** nodes a filter rejected, sorted by name */
  rejectedNodes: NodeRejection[];
  score?: {
    plugins: Array<{ name: string; weight: number }>;
    skippedPlugins: string[];
    /** best total first (ties in the order checked); in older decisions only the best few and the chosen node */
    nodes: NodeScoreRow[];
    /** scored nodes left out of `nodes` */
    omitted: number;
    ties: number;
  };
  preemption?: { message: string; nominatedNodeName?: string; victims: string[] };
}

const byNode = (x: { node: string }, y: { node: string }): number => (x.node < y.node ? -1 : x.node > y.node ? 1 : 0);

/** the indices 0..n-1 of the k best by `better`, best first (insertion into a short list) */
function topIndices(n: number, k: number, better: (x: number, y: number) => boolean): number[] {
  if (k >= n) {
    const all = Array.from({ length: n }, (_, i) => i);
    return all.sort((x, y) => (better(x, y) ? -1 : better(y, x) ? 1 : 0));
  }
  const top: number[] = [];
  for (let i = 0; i < n; i++) {
    if (top.length === k && !better(i, top[k - 1]!)) continue;
    let j = top.length < k ? top.push(i) - 1 : k - 1;
    while (j > 0 && better(i, top[j - 1]!)) {
      top[j] = top[j - 1]!;
      j--;
    }
    top[j] = i;
  }
  return top;
}

export function toExplanation(r: DecisionRecord, maxScoreRows = Infinity): Explanation {
  const a = r.attemptData;
  const rejectedNodes: NodeRejection[] = [];
  const feasibleNodes = (a?.feasible ?? []).map((n) => n.name);
  if (a) {
    for (const [node, st] of a.diagnosis.nodeToStatus) {
      rejectedNodes.push({ node, ...(st.plugin ? { plugin: st.plugin } : {}), code: st.code, reasons: [...st.reasons] });
    }
    rejectedNodes.sort(byNode);
  }
  const e: Explanation = {
    pod: `${r.namespace}/${r.name}`,
    uid: r.uid,
    profile: r.profile,
    attempt: r.attempt,
    time: formatTime(r.time),
    outcome: r.outcome,
    ...(r.node ? { node: r.node } : {}),
    ...(r.message ? { message: r.message } : {}),
    nodes: {
      total: a?.numAllNodes ?? 0,
      evaluated: (a?.feasible.length ?? 0) + (a?.diagnosis.nodeToStatus.size ?? 0),
      feasible: feasibleNodes.length,
      toFind: a?.numNodesToFind ?? 0,
      startIndex: a?.startIndex ?? 0,
    },
    skippedFilterPlugins: a?.skippedFilters ?? [],
    feasibleNodes,
    rejectedNodes,
  };
  if (a?.nominated) e.nominatedNode = { node: a.nominated.node, passed: a.nominated.status.isSuccess(), reasons: [...a.nominated.status.reasons] };
  if (a?.diagnosis.preFilterMsg !== undefined) {
    const plugin = a.diagnosis.absentNodesStatus?.plugin;
    e.preFilter = { ...(plugin ? { plugin } : {}), message: a.diagnosis.preFilterMsg };
  }
  if (a?.scores) {
    const { plugins, totals, skipped } = a.scores;
    // best total first; equal totals in the order the nodes were checked
    const better = (x: number, y: number): boolean => totals[x]! > totals[y]! || (totals[x] === totals[y] && x < y);
    const keep = topIndices(a.feasible.length, maxScoreRows, better);
    const chosenIndex = a.feasible.findIndex((n) => n.name === a.selected);
    if (chosenIndex >= 0 && !keep.includes(chosenIndex)) keep.push(chosenIndex);
    const rows: NodeScoreRow[] = keep.map((i) => {
      const perPlugin: NodeScoreRow['plugins'] = {};
      for (const p of plugins) perPlugin[p.name] = { raw: p.raw[i]!, normalized: p.normalized[i]!, weighted: p.normalized[i]! * p.weight };
      const name = a.feasible[i]!.name;
      return { node: name, total: totals[i]!, chosen: name === a.selected, plugins: perPlugin };
    });
    e.score = { plugins: plugins.map((p) => ({ name: p.name, weight: p.weight })), skippedPlugins: skipped, nodes: rows, omitted: a.feasible.length - rows.length, ties: a.ties ?? 1 };
  }
  if (r.postFilter) {
    const res = r.postFilter.result;
    e.preemption = {
      message: r.postFilter.message,
      ...(res?.nominatedNodeName ? { nominatedNodeName: res.nominatedNodeName } : {}),
      victims: (res?.victims ?? []).map((v) => `${v.metadata.namespace ?? 'default'}/${v.metadata.name ?? ''}`),
    };
  }
  return e;
}

/** A pod held by scheduling gates has no decision yet; say what holds it. */
export function gatedExplanation(q: QueuedPod, nodeCount: number): Explanation {
  const pod = q.podInfo.pod;
  return {
    pod: q.podInfo.key,
    uid: q.podInfo.uid,
    profile: pod.spec?.schedulerName ?? 'default-scheduler',
    attempt: 0,
    time: formatTime(q.timestamp),
    outcome: 'Gated',
    message: q.gateStatus?.message() ?? 'waiting for scheduling gates',
    nodes: { total: nodeCount, evaluated: 0, feasible: 0, toFind: 0, startIndex: 0 },
    skippedFilterPlugins: [],
    feasibleNodes: [],
    rejectedNodes: [],
  };
}

interface Entry {
  record: DecisionRecord;
  /** set once the record is old: the explanation, trimmed; the raw attempt is dropped */
  compact?: Explanation;
}

/** Last decision per pod, at most `capacity` pods. */
export class DecisionStore {
  private readonly entries = new Map<string, Entry>();
  /** records still whole, oldest first */
  private readonly whole: Entry[] = [];

  /**
   * @param capacity pods remembered
   * @param fullRecords how many of the newest keep every scored node (the rest keep `maxScoreRows`)
   */
  constructor(
    readonly capacity = 500,
    private readonly fullRecords = 16,
    private readonly maxScoreRows = 25,
  ) {}

  record(r: DecisionRecord): void {
    const key = `${r.namespace}/${r.name}`;
    const entry: Entry = { record: r };
    this.entries.delete(key);
    this.entries.set(key, entry);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.whole.push(entry);
    while (this.whole.length > this.fullRecords) {
      const old = this.whole.shift()!;
      old.compact = toExplanation(old.record, this.maxScoreRows);
      delete old.record.attemptData;
      delete old.record.postFilter;
    }
  }

  get(namespace: string, name: string): DecisionRecord | undefined {
    return this.entries.get(`${namespace}/${name}`)?.record;
  }

  /** update the last record of a pod in place (e.g. Binding → Scheduled) */
  patch(namespace: string, name: string, uid: string, change: Pick<Partial<DecisionRecord>, 'outcome' | 'message'>): void {
    const e = this.entries.get(`${namespace}/${name}`);
    if (!e || e.record.uid !== uid) return;
    Object.assign(e.record, change);
    if (e.compact) Object.assign(e.compact, change);
  }

  explain(namespace: string, name: string): Explanation | undefined {
    const e = this.entries.get(`${namespace}/${name}`);
    if (!e) return undefined;
    return e.compact ? structuredClone(e.compact) : toExplanation(e.record);
  }

  get size(): number {
    return this.entries.size;
  }
}
