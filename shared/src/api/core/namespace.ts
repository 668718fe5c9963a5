// Namespace (core/v1): a scope for names. Defaults: the `kubernetes.io/metadata.name`
// label, spec.finalizers ['kubernetes'] (Kubernetes sets this in the registry on create;
// kubesim does it here) and status.phase Active. Names are DNS labels. Field selector:
// status.phase.

import { z } from 'zod';
import type { StatusCause } from '../../errors.ts';
import { ConditionSchema } from '../common/conditions.ts';
import { defineKind } from '../common/define.ts';
import { nameIsDNSLabel } from '../../meta/names.ts';
import { ObjectMetaSchema } from '../common/object-meta.ts';
import { obj, opt, str, strList, typeMetaShape } from '../common/schema.ts';
import { resources } from '../resources.ts';
import { at, fieldInvalid, validateEnum } from '../validation/field.ts';
import { isQualifiedName } from '../validation/names.ts';

export const NamespaceSchema = obj({
  ...typeMetaShape,
  metadata: ObjectMetaSchema,
  spec: opt(obj({ finalizers: opt(strList(), 'Finalizers that must be cleared before the namespace is removed.') }), 'The behavior of the namespace.'),
  status: opt(
    obj({ phase: opt(str(), 'Active or Terminating.'), conditions: opt(z.array(ConditionSchema), 'Deletion progress conditions.') }),
    'The current status of the namespace.',
  ),
});
export type Namespace = z.infer<typeof NamespaceSchema>;

export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

export function setNamespaceDefaults(ns: Namespace): void {
  if (ns.metadata.name) (ns.metadata.labels ??= {})[NAMESPACE_NAME_LABEL] = ns.metadata.name;
  const spec = (ns.spec ??= {});
  if (!ns.metadata.resourceVersion) spec.finalizers ??= ['kubernetes'];
  const status = (ns.status ??= {});
  status.phase ??= 'Active';
}

function validateNamespace(ns: Namespace): StatusCause[] {
  const causes: StatusCause[] = [];
  (ns.spec?.finalizers ?? []).forEach((f, i) => {
    for (const m of isQualifiedName(f)) causes.push(fieldInvalid(at('spec.finalizers', i), f, m));
  });
  causes.push(...validateEnum(ns.status?.phase, ['Active', 'Terminating'], 'status.phase'));
  return causes;
}

export const namespaceKind = defineKind<Namespace>({
  type: resources.namespaces,
  schema: NamespaceSchema,
  nameRule: nameIsDNSLabel,
  defaults: setNamespaceDefaults,
  validate: validateNamespace,
  fields: (ns) => ({ 'status.phase': ns.status?.phase ?? '' }),
});
