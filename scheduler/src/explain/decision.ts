// Decisions: the last scheduling attempt of each pod, kept so a learner can ask "why
// there?" or "why pending?". The scheduler records the raw attempt (cheap: references to
// arrays it built anyway); `toExplanation()` turns it into the JSON served at
// GET /explain/{namespace}/{name}: per node, the filter that rejected it and why; per
// plugin, raw → normalized → weighted scores; the chosen node. The store is bounded: the
// last `fullRecords` attempts are kept whole, older ones keep only the scores of the
// `maxScoreRows` best nodes (and the chosen one); the oldest pods are dropped. Nothing is
// built for a decision until someone asks for it.

import { formatTime } from '@kubesim/shared';
import type { PostFilterResult, Scores } from '../framework/interfaces.ts';
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
  postFilter?: { message: string; result?: PostFilterResult } | undefined;
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

/** the indices of the k highest totals, best first; equal totals in index order */
function topIndices(totals: ArrayLike<number>, n: number, k: number): number[] {
  if (k >= n) {
    const all = Array.from({ length: n }, (_, i) => i);
    return all.sort((x, y) => totals[y]! - totals[x]! || x - y);
  }
  // insertion into a short list: an index enters only if it beats the worst kept one
  const top: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = totals[i]!;
    if (top.length === k && !(t > totals[top[k - 1]!]!)) continue;
    let j = top.length < k ? top.push(i) - 1 : k - 1;
    while (j > 0 && t > totals[top[j - 1]!]!) {
      top[j] = top[j - 1]!;
      j--;
    }
    top[j] = i;
  }
  return top;
}

/** the score rows an explanation shows: row j is feasible node `nodes[j]`, its numbers
 *  `values[j * width ...]`: the total, then each plugin's raw and normalized score */
interface ScoreRows {
  nodes: number[];
  plugins: Array<{ name: string; weight: number }>;
  width: number;
  values: number[];
  skipped: string[];
  ties: number;
}

/** the best `maxRows` scored nodes of an attempt (and the chosen one), their numbers copied out */
function scoreRows(a: ScheduleAttempt, maxRows: number): ScoreRows | undefined {
  if (!a.scores) return undefined;
  const { plugins, totals, skipped } = a.scores;
  const nodes = topIndices(totals, a.feasible.length, maxRows);
  let chosen = 0;
  while (chosen < a.feasible.length && a.feasible[chosen]!.name !== a.selected) chosen++;
  if (chosen < a.feasible.length && !nodes.includes(chosen)) nodes.push(chosen);
  const width = 1 + 2 * plugins.length;
  // a JS array of the final size: a small Float64Array's memory outside the heap costs more
  const values = new Array<number>(nodes.length * width);
  let at = 0;
  for (const i of nodes) {
    values[at++] = totals[i]!;
    for (const p of plugins) {
      values[at++] = p.raw[i]!;
      values[at++] = p.normalized[i]!;
    }
  }
  return { nodes, plugins: plugins.map((p) => ({ name: p.name, weight: p.weight })), width, values, skipped, ties: a.ties ?? 1 };
}

function preemptionOf(pf: NonNullable<DecisionRecord['postFilter']>): NonNullable<Explanation['preemption']> {
  const res = pf.result;
  return {
    message: pf.message,
    ...(res?.nominatedNodeName ? { nominatedNodeName: res.nominatedNodeName } : {}),
    victims: (res?.victims ?? []).map((v) => `${v.metadata.namespace ?? 'default'}/${v.metadata.name ?? ''}`),
  };
}

export function toExplanation(r: DecisionRecord, maxScoreRows = Infinity): Explanation {
  const a = r.attemptData;
  return build(r, a && scoreRows(a, maxScoreRows), r.postFilter && preemptionOf(r.postFilter));
}

function build(r: DecisionRecord, scores: ScoreRows | undefined, preemption: Explanation['preemption']): Explanation {
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
    skippedFilterPlugins: [...(a?.skippedFilters ?? [])],
    feasibleNodes,
    rejectedNodes,
  };
  if (a?.nominated) e.nominatedNode = { node: a.nominated.node, passed: a.nominated.status.isSuccess(), reasons: [...a.nominated.status.reasons] };
  if (a?.diagnosis.preFilterMsg !== undefined) {
    const plugin = a.diagnosis.absentNodesStatus?.plugin;
    e.preFilter = { ...(plugin ? { plugin } : {}), message: a.diagnosis.preFilterMsg };
  }
  if (a && scores) {
    const { values, width } = scores;
    const rows: NodeScoreRow[] = scores.nodes.map((i, j) => {
      const perPlugin: NodeScoreRow['plugins'] = {};
      let at = j * width + 1;
      for (const p of scores.plugins) {
        const raw = values[at++]!;
        const normalized = values[at++]!;
        perPlugin[p.name] = { raw, normalized, weighted: normalized * p.weight };
      }
      const name = a.feasible[i]!.name;
      return { node: name, total: values[j * width]!, chosen: name === a.selected, plugins: perPlugin };
    });
    e.score = {
      plugins: scores.plugins.map((p) => ({ name: p.name, weight: p.weight })),
      skippedPlugins: [...scores.skipped],
      nodes: rows,
      omitted: a.feasible.length - rows.length,
      ties: scores.ties,
    };
  }
  if (preemption) e.preemption = { ...preemption, victims: [...preemption.victims] };
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
  /** the score rows it will keep once old, picked while its numbers are still in the CPU's
   *  cache (nothing changes them until the record is trimmed) */
  rows: ScoreRows | undefined;
  /** set once the record is old: the score rows kept and the victims' names (the record
   *  has dropped its full score arrays and the victims' objects) */
  old?: { scores: ScoreRows | undefined; preemption: Explanation['preemption'] };
}

/** Last decision per pod, at most `capacity` pods. */
export class DecisionStore {
  private readonly entries = new Map<string, Entry>();
  /** records still whole, oldest first */
  private readonly whole: Entry[] = [];

  /**
   * @param capacity pods remembered
   * @param fullRecords how many of the newest keep every scored node (the rest keep `maxScoreRows`)
   * @param release told when a record's full scores are dropped (to recycle their buffer)
   */
  constructor(
    readonly capacity = 500,
    private readonly fullRecords = 16,
    private readonly maxScoreRows = 25,
    private readonly release: (totals: Scores) => void = () => {},
  ) {}

  record(r: DecisionRecord): void {
    const key = `${r.namespace}/${r.name}`;
    const entry: Entry = { record: r, rows: r.attemptData && scoreRows(r.attemptData, this.maxScoreRows) };
    this.entries.delete(key);
    this.entries.set(key, entry);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.whole.push(entry);
    while (this.whole.length > this.fullRecords) this.trim(this.whole.shift()!);
  }

  /** keep what an old record's explanation shows: the best score rows, the victims' names */
  private trim(e: Entry): void {
    const r = e.record;
    const a = r.attemptData;
    e.old = { scores: e.rows, preemption: r.postFilter && preemptionOf(r.postFilter) };
    e.rows = undefined;
    if (a?.scores) {
      this.release(a.scores.totals);
      a.scores = undefined;
    }
    if (r.postFilter) r.postFilter = undefined;
  }

  get(namespace: string, name: string): DecisionRecord | undefined {
    return this.entries.get(`${namespace}/${name}`)?.record;
  }

  /** update the last record of a pod in place (e.g. Binding → Scheduled) */
  patch(namespace: string, name: string, uid: string, change: Pick<Partial<DecisionRecord>, 'outcome' | 'message'>): void {
    const e = this.entries.get(`${namespace}/${name}`);
    if (!e || e.record.uid !== uid) return;
    Object.assign(e.record, change);
  }

  explain(namespace: string, name: string): Explanation | undefined {
    const e = this.entries.get(`${namespace}/${name}`);
    if (!e) return undefined;
    return e.old ? build(e.record, e.old.scores, e.old.preemption) : toExplanation(e.record);
  }

  get size(): number {
    return this.entries.size;
  }
}
