// The `scale` subresource of deployments, replicasets and statefulsets: an autoscaling/v1
// Scale {spec.replicas, status.replicas, status.selector as a string} over the object's
// spec.replicas. GET reads it; PUT (kubectl scale --current-replicas, which sends no
// Content-Type) and PATCH (kubectl scale, a merge patch) change only spec.replicas. A Scale
// carrying metadata.resourceVersion must match the object's (409 otherwise).

import { conflict, failure, type KubeObject, type PatchType, type ResourceType } from '@kubesim/shared';
import type { Registry, SubresourceHandler, SubresourceRequest } from '../registry/registry.ts';
import { applyJsonPatch, parseJsonPatch } from '../registry/json-patch.ts';
import { mergePatch } from '../registry/merge-patch.ts';
import { isPlainObject } from '../registry/objects.ts';
import { formatSelector } from '../table/columns.ts';

type Scalable = KubeObject & { spec?: { replicas?: number; selector?: unknown }; status?: { replicas?: number } };

/** The Scale view of a scalable object. */
export function scaleOf(obj: KubeObject): Record<string, unknown> {
  const o = obj as Scalable;
  const metadata: Record<string, unknown> = { name: o.metadata.name };
  for (const k of ['namespace', 'uid', 'resourceVersion', 'creationTimestamp'] as const) if (o.metadata[k] !== undefined) metadata[k] = o.metadata[k];
  const selector = formatSelector(o.spec?.selector);
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata,
    spec: { replicas: o.spec?.replicas ?? 0 },
    status: { replicas: o.status?.replicas ?? 0, selector: selector === '<none>' ? '' : selector },
  };
}

function desiredReplicas(type: ResourceType, name: string, scale: unknown): number {
  const replicas = isPlainObject(scale) && isPlainObject(scale['spec']) ? scale['spec']['replicas'] : undefined;
  const value = replicas ?? 0;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    const detail = typeof value === 'number' && value < 0 ? 'must be greater than or equal to 0' : 'must be an integer';
    throw failure(422, 'Invalid', `Scale.autoscaling "${name}" is invalid: spec.replicas: Invalid value: ${JSON.stringify(value)}: ${detail}`, {
      name,
      group: 'autoscaling',
      kind: 'Scale',
      causes: [{ reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(value)}: ${detail}`, field: 'spec.replicas' }],
    });
  }
  void type;
  return value;
}

function patchScale(current: Record<string, unknown>, patch: unknown, patchType: PatchType | undefined): unknown {
  switch (patchType) {
    case 'json':
      return applyJsonPatch(current, parseJsonPatch(patch));
    case 'merge':
    case 'strategic':
    case 'apply':
    case undefined:
      return mergePatch(current, patch);
  }
}

/** Write `scale` (a Scale body) to the object: only spec.replicas changes. */
async function writeScale(registry: Registry, req: SubresourceRequest, toScale: (current: KubeObject) => unknown): Promise<unknown> {
  const updated = await registry.guaranteedUpdate(
    req.type,
    req.namespace,
    req.name,
    (current) => {
      const scale = toScale(current);
      const rv = isPlainObject(scale) && isPlainObject(scale['metadata']) ? scale['metadata']['resourceVersion'] : undefined;
      if (typeof rv === 'string' && rv !== '' && rv !== current.metadata.resourceVersion) {
        throw conflict(req.type.resource, req.type.group, req.name, 'the object has been modified; please apply your changes to the latest version and try again');
      }
      const next = current as Scalable;
      next.spec = { ...(next.spec ?? {}), replicas: desiredReplicas(req.type, req.name, scale) };
      return next;
    },
    { subresource: 'scale', ...(req.dryRun ? { dryRun: true } : {}), ...(req.fieldManager ? { fieldManager: req.fieldManager } : {}), ...(req.userAgent ? { userAgent: req.userAgent } : {}), ...(req.user ? { user: req.user } : {}) },
  );
  return scaleOf(updated);
}

export function scaleHandler(registry: Registry): SubresourceHandler {
  return {
    async get(req) {
      return scaleOf(await registry.get(req.type, req.name, req.namespace ? { namespace: req.namespace } : {}));
    },
    async update(req) {
      return writeScale(registry, req, () => req.body);
    },
    async patch(req) {
      return writeScale(registry, req, (current) => patchScale(scaleOf(current), req.body, req.patchType));
    },
  };
}
