// fast-check arbitraries for generated clusters: node pools, pods, pod behaviour,
// workloads and fault schedules, over one small shared vocabulary.
export * from './vocabulary.ts';
export * from './nodes.ts';
export * from './behaviour.ts';
export * from './pods.ts';
export * from './workloads.ts';
export * from './faults.ts';
