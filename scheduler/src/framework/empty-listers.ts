// Listers that find nothing: what the scheduler has before its informers are wired in (and
// what unit tests start from), with the given ones in place of the defaults.

import type { Listers } from './interfaces.ts';

/** listers with nothing in them, but for the ones given */
export function emptyListers(over: Partial<Listers> = {}): Listers {
  return {
    podDisruptionBudgets: () => [],
    priorityClasses: () => [],
    workloadSelectorsFor: () => undefined,
    persistentVolumeClaim: () => undefined,
    persistentVolume: () => undefined,
    persistentVolumes: () => [],
    storageClass: () => undefined,
    namespaceLabels: () => undefined,
    pod: () => undefined,
    ...over,
  };
}
