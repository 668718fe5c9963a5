// A StatefulSet pod's stable identity (Kubernetes: stateful_set_utils.go). Pod `<set>-<n>`
// for ordinal n (from spec.ordinals.start), hostname = its name, subdomain = spec.serviceName
// (so it resolves as <pod>.<service>), the labels `statefulset.kubernetes.io/pod-name` and
// `apps.kubernetes.io/pod-index`, and for each volumeClaimTemplate a volume backed by the
// claim `<template>-<set>-<n>`, which outlives the pod. The `controller-revision-hash`
// label holds the name of the ControllerRevision the pod was made from.
import { newControllerRef } from '@kubesim/shared';
import type { PersistentVolumeClaim, Pod, PodTemplateSpec, StatefulSet } from '@kubesim/shared';
import { CONTROLLER_REVISION_HASH_LABEL } from '../history/revisions.ts';

export const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';
export const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';
export const STS_GVK = { apiVersion: 'apps/v1', kind: 'StatefulSet' };

export function podName(set: StatefulSet, ordinal: number): string {
  return `${set.metadata.name}-${ordinal}`;
}

/** the ordinal in a pod's name, or undefined when the pod is not named like the set's pods */
export function ordinalOf(set: StatefulSet, pod: Pod): number | undefined {
  const name = pod.metadata.name ?? '';
  const prefix = `${set.metadata.name}-`;
  if (!name.startsWith(prefix)) return undefined;
  const rest = name.slice(prefix.length);
  return /^(0|[1-9][0-9]*)$/.test(rest) ? Number(rest) : undefined;
}

export function claimName(set: StatefulSet, template: string, ordinal: number): string {
  return `${template}-${podName(set, ordinal)}`;
}

/** the pod for `ordinal`, made from `template` (a revision's) and labelled with `revision` */
export function newStatefulSetPod(set: StatefulSet, template: PodTemplateSpec, revision: string, ordinal: number): Pod {
  const name = podName(set, ordinal);
  const spec = structuredClone(template.spec ?? { containers: [] }) as NonNullable<Pod['spec']>;
  spec.hostname = name;
  if (set.spec.serviceName) spec.subdomain = set.spec.serviceName;
  const volumes = (spec.volumes ?? []).filter((v) => !(set.spec.volumeClaimTemplates ?? []).some((t) => t.metadata.name === v.name));
  for (const t of set.spec.volumeClaimTemplates ?? []) {
    volumes.push({ name: t.metadata.name ?? '', persistentVolumeClaim: { claimName: claimName(set, t.metadata.name ?? '', ordinal) } } as (typeof volumes)[number]);
  }
  if (volumes.length) spec.volumes = volumes;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: set.metadata.namespace ?? 'default',
      labels: {
        ...(template.metadata?.labels ?? {}),
        [POD_NAME_LABEL]: name,
        [POD_INDEX_LABEL]: String(ordinal),
        [CONTROLLER_REVISION_HASH_LABEL]: revision,
      },
      ...(template.metadata?.annotations ? { annotations: { ...template.metadata.annotations } } : {}),
      ownerReferences: [newControllerRef(set, STS_GVK)],
    },
    spec,
  } as Pod;
}

/** the claims the pod for `ordinal` needs (owned by the set when whenDeleted is Delete) */
export function claimsFor(set: StatefulSet, ordinal: number): PersistentVolumeClaim[] {
  const deleteWithSet = set.spec.persistentVolumeClaimRetentionPolicy?.whenDeleted === 'Delete';
  return (set.spec.volumeClaimTemplates ?? []).map((t) => ({
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: {
      name: claimName(set, t.metadata.name ?? '', ordinal),
      namespace: set.metadata.namespace ?? 'default',
      labels: { ...(t.metadata.labels ?? {}), ...(set.spec.selector.matchLabels ?? {}) },
      ...(t.metadata.annotations ? { annotations: { ...t.metadata.annotations } } : {}),
      ...(deleteWithSet ? { ownerReferences: [{ ...STS_GVK, name: set.metadata.name ?? '', uid: set.metadata.uid ?? '', blockOwnerDeletion: true }] } : {}),
    },
    spec: structuredClone(t.spec ?? {}),
  }));
}
