// The resource metrics API (metrics.k8s.io/v1beta1, what `kubectl top` reads) made from the
// kubelet's Summary API (`/stats/summary`, served by kubelet-sim per node). In Kubernetes
// metrics-server scrapes every kubelet and serves PodMetrics/NodeMetrics through API
// aggregation; kubesim skips the middleman and asks the kubelets when a request comes.
// Usage is cpu in nanocores (`"250m"`, `"1234567n"`) and memory as the working set
// (`"64Mi"`), formatted as Kubernetes quantities.
import type { KubeObject } from '@kubesim/shared';

export const METRICS_GROUP = 'metrics.k8s.io';
export const METRICS_VERSION = 'v1beta1';
const API_VERSION = `${METRICS_GROUP}/${METRICS_VERSION}`;
/** the span a usage figure covers; the kubelet's own sampling interval */
const WINDOW = '10s';

interface CpuStats {
  time?: string;
  usageNanoCores?: number;
}
interface MemoryStats {
  time?: string;
  workingSetBytes?: number;
}
interface ContainerStats {
  name: string;
  cpu?: CpuStats;
  memory?: MemoryStats;
}
export interface PodStats {
  podRef: { name: string; namespace: string; uid?: string };
  containers?: ContainerStats[];
}
/** the part of a kubelet Summary the metrics API needs */
export interface Summary {
  node: { nodeName: string; cpu?: CpuStats; memory?: MemoryStats };
  pods?: PodStats[];
}

/** nanocores as a canonical decimal quantity: the largest unit that keeps it whole */
export function cpuQuantity(nanoCores: number): string {
  const n = Math.max(0, Math.round(nanoCores));
  if (n % 1e9 === 0) return String(n / 1e9);
  if (n % 1e6 === 0) return `${n / 1e6}m`;
  if (n % 1e3 === 0) return `${n / 1e3}u`;
  return `${n}n`;
}

/** bytes as a canonical binary quantity (`64Mi`, `4000Ki`), plain bytes when not whole */
export function memoryQuantity(bytes: number): string {
  let n = Math.max(0, Math.round(bytes));
  if (n === 0) return '0';
  const units = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];
  let u = 0;
  while (u < units.length - 1 && n % 1024 === 0) {
    n /= 1024;
    u++;
  }
  return `${n}${units[u]}`;
}

function usage(cpu: CpuStats | undefined, memory: MemoryStats | undefined): { cpu: string; memory: string } {
  return { cpu: cpuQuantity(cpu?.usageNanoCores ?? 0), memory: memoryQuantity(memory?.workingSetBytes ?? 0) };
}

/** NodeMetrics of a node from its summary */
export function nodeMetrics(node: KubeObject, summary: Summary, now: string): Record<string, unknown> {
  const metadata: Record<string, unknown> = { name: node.metadata.name, creationTimestamp: now };
  if (node.metadata.labels) metadata['labels'] = node.metadata.labels;
  return {
    kind: 'NodeMetrics',
    apiVersion: API_VERSION,
    metadata,
    timestamp: summary.node.cpu?.time ?? now,
    window: WINDOW,
    usage: usage(summary.node.cpu, summary.node.memory),
  };
}

/** PodMetrics of a pod from its stats (a pod with no running container has none) */
export function podMetrics(pod: KubeObject, stats: PodStats, now: string): Record<string, unknown> | undefined {
  const containers = stats.containers ?? [];
  if (containers.length === 0) return undefined;
  const metadata: Record<string, unknown> = { name: pod.metadata.name, namespace: pod.metadata.namespace, creationTimestamp: now };
  if (pod.metadata.labels) metadata['labels'] = pod.metadata.labels;
  return {
    kind: 'PodMetrics',
    apiVersion: API_VERSION,
    metadata,
    timestamp: containers[0]?.cpu?.time ?? now,
    window: WINDOW,
    containers: containers.map((c) => ({ name: c.name, usage: usage(c.cpu, c.memory) })),
  };
}

export function metricsList(kind: 'PodMetricsList' | 'NodeMetricsList', items: unknown[]): Record<string, unknown> {
  return { kind, apiVersion: API_VERSION, metadata: {}, items };
}
