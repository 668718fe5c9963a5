// Failure injection on the virtual nodes, as the component, its HTTP endpoint and the
// `kubesim` CLI offer it: stop a node (the machine dies: no heartbeats, no status, its pods
// keep their last status), start it again, force a node condition (Ready=False, or
// MemoryPressure/DiskPressure/PIDPressure=True, with the kubelet's words unless given),
// clear it, and slow down or fail image pulls on one node or all (`'*'`).

import type { PullFaults } from './image-service.ts';

export interface ConditionOverride {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
}

export interface ImagePullFaults {
  /** added to every pull, in seconds; null clears */
  delaySeconds?: number | null;
  /** pulls fail with this reason; null clears */
  fail?: string | null;
}

export interface NodeInfo {
  name: string;
  /** the machine is up */
  running: boolean;
  registered: boolean;
  podCIDR: string;
  pods: number;
  conditions: Array<{ type: string; status: string; reason: string; message: string }>;
  imagePulls: PullFaults;
}

export interface NodeActions {
  list(): NodeInfo[];
  get(name: string): NodeInfo | undefined;
  /** the node's machine dies */
  stop(name: string): void;
  /** boots it again; resolves once registered */
  start(name: string): Promise<void>;
  setCondition(name: string, condition: ConditionOverride): void;
  clearCondition(name: string, type: string): void;
  /** `name` '*' applies to every node */
  setImagePulls(name: string, faults: ImagePullFaults): void;
  /** node churn: register a new node shaped like the first pool's (named `name` if given) */
  add(name?: string): Promise<string>;
  /** node churn: stop the node and delete its Node and Lease */
  remove(name: string): Promise<void>;
}
