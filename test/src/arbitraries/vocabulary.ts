// The small shared vocabulary generated clusters draw from, so that generated pods and
// generated nodes actually meet: node label keys and values, taint keys, zones, and the
// PriorityClasses a scenario installs. Kept tiny on purpose: collisions (a toleration
// matching a taint, a selector matching a label) are what make the cases interesting.

import type { KubeObject } from '@kubesim/shared';

export const ZONES = ['zone-a', 'zone-b', 'zone-c'] as const;

/** node labels pods can select on: key → possible values */
export const NODE_LABELS: Readonly<Record<string, readonly string[]>> = {
  'kubesim.io/disk': ['ssd', 'hdd'],
  'kubesim.io/tier': ['web', 'batch'],
};

export const TAINT_KEYS = ['dedicated', 'gpu'] as const;
export const TAINT_VALUES = ['infra', 'batch'] as const;
export const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] as const;

export const HOSTNAME_LABEL = 'kubernetes.io/hostname';
export const ZONE_LABEL = 'topology.kubernetes.io/zone';

/** PriorityClasses generated pods may name (install them with the scenario) */
export const PRIORITY_CLASSES: Readonly<Record<string, number>> = {
  low: 0,
  medium: 1000,
  high: 100_000,
};

export function priorityClassManifests(): KubeObject[] {
  return Object.entries(PRIORITY_CLASSES).map(([name, value]) => ({
    apiVersion: 'scheduling.k8s.io/v1',
    kind: 'PriorityClass',
    metadata: { name },
    value,
    description: `kubesim generated priority ${name}`,
  })) as KubeObject[];
}
