// The API types of kubesim: one zod schema, inferred type and KindDefinition per kind
// (grouped by API group), the `kindDefinitions` table, and the field-error helpers the
// apiserver uses for its own causes. Re-exported from @kubesim/shared.

export * from './kinds.ts';
export * from './validation/field.ts';
export * from './common/schema-exports.ts';
export * from './core/pod.ts';
export * from './core/pod-spec.ts';
export * from './core/pod-status.ts';
export * from './core/pod-template.ts';
export * from './core/container.ts';
export * from './core/probe.ts';
export * from './core/volume.ts';
export * from './core/affinity.ts';
export * from './core/node.ts';
export * from './core/service.ts';
export * from './core/namespace.ts';
export * from './core/event.ts';
export * from './core/persistentvolumeclaim.ts';
export * from './apps/deployment.ts';
export * from './apps/replicaset.ts';
export * from './core/configmap.ts';
export * from './core/endpoints.ts';
export * from './core/persistentvolume.ts';
export * from './core/serviceaccount.ts';
export * from './core/resourcequota.ts';
export * from './core/limitrange.ts';
export * from './rbac/role.ts';
export * from './rbac/rolebinding.ts';
export * from './core/binding.ts';
export * from './apps/statefulset.ts';
export * from './apps/daemonset.ts';
export * from './apps/controllerrevision.ts';
export * from './apps/workload.ts';
export * from './batch/job.ts';
export * from './batch/cronjob.ts';
export * from './coordination/lease.ts';
export * from './discovery/endpointslice.ts';
export * from './policy/poddisruptionbudget.ts';
export * from './policy/eviction.ts';
export * from './scheduling/priorityclass.ts';
export * from './storage/storageclass.ts';
export * from './events/event.ts';
export * from './meta/v1.ts';
export * from './autoscaling/scale.ts';
export * from './fixtures.ts';
