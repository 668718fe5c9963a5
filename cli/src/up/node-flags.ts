// The V8 options `kubesim up` runs each component with. For all: --heap-growing-percent=50,
// so that after a full garbage collection the heap may grow by half of what is live before
// the next one, where V8's default lets a process that allocates fast (a scheduler taking in
// 10,000 pods) grow its heap to several times what is live. Measured on the 1,000-node,
// 10,000-replica bench: scheduler 320 → 220 MiB RSS, the control plane ~10% smaller in all,
// CPU within noise. The scheduler and proxy-sim also get a young generation of 4 MiB
// semi-spaces instead of 16 (their objects live long, in informer caches, so a smaller
// nursery costs few extra promotions): scheduler bench, 1,000 nodes, 210 → 180 MiB, CPU
// within noise. Not the controller-manager (its CPU looked worse with it on the cluster
// bench, unconfirmed), nor the apiserver and kubelet-sim (allocation-heavy, not measured).
// A `--single-process` cluster sets the common flag on its one process instead.

import v8 from 'node:v8';

export const COMPONENT_V8_FLAGS: readonly string[] = ['--heap-growing-percent=50'];

const SMALL_NURSERY = ['--max-semi-space-size=4'];
const PER_COMPONENT: Readonly<Record<string, readonly string[]>> = {
  scheduler: SMALL_NURSERY,
  'proxy-sim': SMALL_NURSERY,
};

/** the V8 options for one component's process */
export function componentV8Flags(name: string): string[] {
  return [...COMPONENT_V8_FLAGS, ...(PER_COMPONENT[name] ?? [])];
}

/** the common options for the running process (V8 reads this one at every collection) */
export function applyComponentV8Flags(): void {
  for (const flag of COMPONENT_V8_FLAGS) v8.setFlagsFromString(flag);
}
