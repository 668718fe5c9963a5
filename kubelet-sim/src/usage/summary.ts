// The kubelet's resource-usage endpoints for one virtual node, from the usage model:
// `/stats/summary` (the Summary API JSON: node, then pods with their containers' cpu and
// memory) and `/metrics/resource` (the Prometheus text metrics-server scrapes). Only running
// containers are counted. The node adds a fixed system overhead (kubelet, runtime) to its
// pods. kubesim leaves out network, filesystem, volume and swap figures.

import { formatTime } from '@kubesim/shared';
import type { PodWorker } from '../pod/pod-worker.ts';
import type { NodeTemplate } from '../node/pool.ts';
import { amount } from '../pod/admission.ts';
import { cpuAt, cpuCoreNanos } from './model.ts';

const SYSTEM_CPU_MILLI = 100;
const SYSTEM_MEMORY = 512 * 1024 * 1024;

interface CpuStats {
  time: string;
  usageNanoCores: number;
  usageCoreNanoSeconds: number;
}
interface MemoryStats {
  time: string;
  availableBytes?: number;
  usageBytes: number;
  workingSetBytes: number;
  rssBytes: number;
  pageFaults: number;
  majorPageFaults: number;
}

export interface ContainerSample {
  pod: PodWorker;
  name: string;
  startedAt: number;
  cpuMilli: number;
  cpuCoreNanos: number;
  memoryBytes: number;
}

/** the usage of every running container of these pods at `now` */
export function sampleContainers(pods: Iterable<PodWorker>, now: number): ContainerSample[] {
  const out: ContainerSample[] = [];
  for (const w of pods) {
    if (w.closed) continue;
    for (const c of w.containers) {
      if (c.state.kind !== 'running') continue;
      const startedAt = c.state.startedAt;
      out.push({
        pod: w,
        name: c.name,
        startedAt,
        cpuMilli: cpuAt(c.usage, now),
        cpuCoreNanos: cpuCoreNanos(c.usage, startedAt, now),
        memoryBytes: c.usage.memoryBytes,
      });
    }
  }
  return out;
}

function cpu(time: string, milli: number, coreNanos: number): CpuStats {
  return { time, usageNanoCores: Math.round(milli * 1e6), usageCoreNanoSeconds: Math.round(coreNanos) };
}

function memory(time: string, bytes: number, available?: number): MemoryStats {
  const m: MemoryStats = { time, usageBytes: bytes, workingSetBytes: bytes, rssBytes: bytes, pageFaults: 0, majorPageFaults: 0 };
  if (available !== undefined) m.availableBytes = Math.max(0, available);
  return m;
}

export function summary(node: NodeTemplate, bootedAt: number, pods: Iterable<PodWorker>, now: number): unknown {
  const time = formatTime(now);
  const samples = sampleContainers(pods, now);
  const byPod = new Map<PodWorker, ContainerSample[]>();
  for (const s of samples) byPod.set(s.pod, [...(byPod.get(s.pod) ?? []), s]);
  let nodeCpu = SYSTEM_CPU_MILLI;
  let nodeCpuNanos = SYSTEM_CPU_MILLI * (now - bootedAt) * 1000;
  let nodeMem = SYSTEM_MEMORY;
  const podStats = [...byPod.entries()].map(([w, cs]) => {
    const pCpu = cs.reduce((a, s) => a + s.cpuMilli, 0);
    const pNanos = cs.reduce((a, s) => a + s.cpuCoreNanos, 0);
    const pMem = cs.reduce((a, s) => a + s.memoryBytes, 0);
    nodeCpu += pCpu;
    nodeCpuNanos += pNanos;
    nodeMem += pMem;
    return {
      podRef: { name: w.name, namespace: w.namespace, uid: w.uid },
      startTime: formatTime(w.startTime),
      containers: cs.map((s) => ({
        name: s.name,
        startTime: formatTime(s.startedAt),
        cpu: cpu(time, s.cpuMilli, s.cpuCoreNanos),
        memory: memory(time, s.memoryBytes),
      })),
      cpu: cpu(time, pCpu, pNanos),
      memory: memory(time, pMem),
    };
  });
  const capacity = amount('memory', node.capacity.memory);
  return {
    node: {
      nodeName: node.name,
      systemContainers: [
        { name: 'kubelet', startTime: formatTime(bootedAt), cpu: cpu(time, SYSTEM_CPU_MILLI / 2, (SYSTEM_CPU_MILLI / 2) * (now - bootedAt) * 1000), memory: memory(time, SYSTEM_MEMORY / 2) },
        { name: 'runtime', startTime: formatTime(bootedAt), cpu: cpu(time, SYSTEM_CPU_MILLI / 2, (SYSTEM_CPU_MILLI / 2) * (now - bootedAt) * 1000), memory: memory(time, SYSTEM_MEMORY / 2) },
      ],
      startTime: formatTime(bootedAt),
      cpu: cpu(time, nodeCpu, nodeCpuNanos),
      memory: memory(time, nodeMem, capacity - nodeMem),
    },
    pods: podStats,
  };
}

/** Prometheus text as the kubelet's /metrics/resource serves it (timestamps in ms) */
export function resourceMetrics(bootedAt: number, pods: Iterable<PodWorker>, now: number): string {
  const samples = sampleContainers(pods, now);
  const lines: string[] = [];
  const esc = (v: string): string => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
  const labels = (s: ContainerSample): string => `container="${esc(s.name)}",namespace="${esc(s.pod.namespace)}",pod="${esc(s.pod.name)}"`;
  const podLabels = (w: PodWorker): string => `namespace="${esc(w.namespace)}",pod="${esc(w.name)}"`;
  const metric = (name: string, help: string, type: string, rows: string[]): void => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, ...rows);
  };
  metric('container_cpu_usage_seconds_total', '[STABLE] Cumulative cpu time consumed by the container in core-seconds', 'counter',
    samples.map((s) => `container_cpu_usage_seconds_total{${labels(s)}} ${(s.cpuCoreNanos / 1e9).toFixed(6)} ${now}`));
  metric('container_memory_working_set_bytes', '[STABLE] Current working set of the container in bytes', 'gauge',
    samples.map((s) => `container_memory_working_set_bytes{${labels(s)}} ${s.memoryBytes} ${now}`));
  metric('container_start_time_seconds', '[STABLE] Start time of the container since unix epoch in seconds', 'gauge',
    samples.map((s) => `container_start_time_seconds{${labels(s)}} ${(s.startedAt / 1000).toFixed(3)} ${now}`));
  const byPod = new Map<PodWorker, { cpu: number; mem: number }>();
  for (const s of samples) {
    const p = byPod.get(s.pod) ?? { cpu: 0, mem: 0 };
    p.cpu += s.cpuCoreNanos;
    p.mem += s.memoryBytes;
    byPod.set(s.pod, p);
  }
  metric('pod_cpu_usage_seconds_total', '[STABLE] Cumulative cpu time consumed by the pod in core-seconds', 'counter',
    [...byPod].map(([w, p]) => `pod_cpu_usage_seconds_total{${podLabels(w)}} ${(p.cpu / 1e9).toFixed(6)} ${now}`));
  metric('pod_memory_working_set_bytes', '[STABLE] Current working set of the pod in bytes', 'gauge',
    [...byPod].map(([w, p]) => `pod_memory_working_set_bytes{${podLabels(w)}} ${p.mem} ${now}`));
  const nodeCpu = samples.reduce((a, s) => a + s.cpuCoreNanos, SYSTEM_CPU_MILLI * (now - bootedAt) * 1000);
  const nodeMem = samples.reduce((a, s) => a + s.memoryBytes, SYSTEM_MEMORY);
  metric('node_cpu_usage_seconds_total', '[STABLE] Cumulative cpu time consumed by the node in core-seconds', 'counter', [`node_cpu_usage_seconds_total ${(nodeCpu / 1e9).toFixed(6)} ${now}`]);
  metric('node_memory_working_set_bytes', '[STABLE] Current working set of the node in bytes', 'gauge', [`node_memory_working_set_bytes ${nodeMem} ${now}`]);
  metric('scrape_error', '[ALPHA] 1 if there was an error while getting container metrics, 0 otherwise', 'gauge', ['scrape_error 0']);
  return `${lines.join('\n')}\n`;
}
