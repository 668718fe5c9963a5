// Diagnosis and the FailedScheduling message. For every node that was rejected we keep the
// Status; the message is a histogram of reasons, sorted as strings, Kubernetes-style:
//   "0/3 nodes are available: 1 node(s) had untolerated taint {dedicated: infra},
//    2 Insufficient cpu. preemption: 0/3 nodes are available: 3 Preemption is not
//    helpful for scheduling."
// When a PreFilter plugin rejected the pod, its message replaces the histogram (all nodes
// share it). Nodes without an explicit status count under `absentNodesStatus`, if any.

import { Status } from './status.ts';

export interface Diagnosis {
  nodeToStatus: Map<string, Status>;
  /** the status of every node not in nodeToStatus (undefined: no reasons) */
  absentNodesStatus?: Status;
  /** plugins that rejected the pod on some node (which cluster events may help) */
  unschedulablePlugins: Set<string>;
  preFilterMsg?: string;
  postFilterMsg?: string;
}

export function newDiagnosis(): Diagnosis {
  return { nodeToStatus: new Map(), unschedulablePlugins: new Set() };
}

export const NO_NODE_AVAILABLE_MSG = (n: number): string => `0/${n} nodes are available`;
export const ERR_NO_NODES_AVAILABLE = 'no nodes available to schedule pods';

export function fitErrorMessage(numAllNodes: number, d: Diagnosis): string {
  let msg = `${NO_NODE_AVAILABLE_MSG(numAllNodes)}:`;
  if (d.preFilterMsg) {
    msg += ` ${d.preFilterMsg}.`;
  } else {
    const histogram = new Map<string, number>();
    for (const st of d.nodeToStatus.values()) for (const r of st.reasons) histogram.set(r, (histogram.get(r) ?? 0) + 1);
    const absent = numAllNodes - d.nodeToStatus.size;
    if (absent > 0 && d.absentNodesStatus) {
      for (const r of d.absentNodesStatus.reasons) histogram.set(r, (histogram.get(r) ?? 0) + absent);
    }
    const parts = [...histogram].map(([r, n]) => `${n} ${r}`);
    parts.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    if (parts.length > 0) msg += ` ${parts.join(', ')}.`;
  }
  if (d.postFilterMsg) msg += ` ${d.postFilterMsg}`;
  return msg;
}

/** the status of a node in a diagnosis, explicit or absent */
export function statusOf(d: Diagnosis, node: string): Status {
  return d.nodeToStatus.get(node) ?? d.absentNodesStatus ?? new Status('UnschedulableAndUnresolvable');
}
