// PATCH (Kubernetes' patch handler over GuaranteedUpdate): the patch is applied to the
// current object - JSON patch (RFC 6902), JSON merge patch (RFC 7386), strategic merge
// patch (merge keys and directives from the kind's schema) - and the result written as an
// update (update.ts: prepare, default, validate, managedFields, compare-and-swap). A server-
// side apply patch computes the applied object and its managedFields instead, and creates
// the object when it is missing. A lost race is retried with the patch applied to the new
// current object, unless the patch pinned a resourceVersion (then 409 Conflict).
import { badRequest, conflict, failure, notFound } from '@kubesim/shared';
import type { KubeObject, PatchType } from '@kubesim/shared';
import { serverSideApply } from '../patch/apply.ts';
import { strategicMergePatch } from '../patch/strategic.ts';
import { unborrowedPart, withOwnStatus } from './borrowing.ts';
import type { RegistryCore, ResourceInfo } from './core.ts';
import { createObject } from './create.ts';
import { applyJsonPatch, goJsonKind, parseJsonPatch } from './json-patch.ts';
import { mergePatch } from './merge-patch.ts';
import { isPlainObject } from './objects.ts';
import { applyUpdate, CONFLICT_MSG, isTrusted, MAX_RETRIES } from './update.ts';
import type { UpdateContext, UpdateResult } from './update.ts';
import { checkTypeMeta, pruneUnknownFields, rejectUnknownApplyFields } from './write-common.ts';

export interface PatchContext extends UpdateContext {
  type: PatchType;
  force?: boolean;
}

function applyPatch(info: ResourceInfo, current: KubeObject, patch: unknown, ctx: PatchContext): unknown {
  switch (ctx.type) {
    case 'json':
      return applyJsonPatch(current, parseJsonPatch(patch));
    case 'merge':
      if (!isPlainObject(patch)) throw badRequest(`json: cannot unmarshal ${goJsonKind(patch)} into Go value of type map[string]interface {}`);
      return mergePatch(current, patch);
    case 'strategic':
      if (!isPlainObject(patch)) throw badRequest(`json: cannot unmarshal ${goJsonKind(patch)} into Go value of type map[string]interface {}`);
      return strategicMergePatch(current, patch, info.type);
    case 'apply':
      return undefined;
    default:
      throw failure(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml`);
  }
}

/** PATCH: json, merge, strategic (part 2) or apply (part 2; creates when missing) */
export async function patchObject(core: RegistryCore, info: ResourceInfo, namespace: string | undefined, name: string, patch: unknown, ctx: PatchContext): Promise<UpdateResult> {
  const ns = core.namespaceFor(info, namespace);
  const now = core.nowTime();
  for (let attempt = 0; ; attempt++) {
    const current = await core.readCurrent(info, ns, name);
    if (ctx.type === 'apply') {
      if (!isPlainObject(patch)) throw badRequest('apply patch must be a JSON or YAML object');
      checkTypeMeta(info, patch);
      rejectUnknownApplyFields(info, ns, name, patch);
      const applied = serverSideApply({ current: current?.toObject(), applied: patch, manager: ctx.fieldManager ?? '', force: ctx.force ?? false, now, type: info.type });
      if (!current) {
        if (ctx.subresource) throw notFound(info.type.resource, info.type.group, name);
        applied.metadata.name = name;
        try {
          return { object: await createObject(core, info, ns, applied, { ...ctx, applied: true }), created: true };
        } catch (err) {
          if ((err as { reason?: string }).reason === 'AlreadyExists' && attempt < MAX_RETRIES) continue;
          throw err;
        }
      }
      const out = await applyUpdate(core, info, ns, name, current, applied, { ...ctx, applied: true });
      if (out !== 'conflict') return { object: out, created: false };
    } else {
      if (!current) throw notFound(info.type.resource, info.type.group, name);
      // json and strategic patches copy what they patch; a merge patch copies only the
      // path it patches, so its result shares the rest with `before`, which a status write
      // only reads (it takes status, made private below, and metadata's identity)
      const statusMerge = ctx.type === 'merge' && ctx.subresource === 'status';
      const shares = ctx.type === 'json' || ctx.type === 'strategic' || statusMerge;
      const before = shares ? current.obj : current.toObject();
      let patched = applyPatch(info, before, patch, ctx);
      if (statusMerge && isPlainObject(patched)) patched = withOwnStatus(patched);
      if (isPlainObject(patched) && !isTrusted(ctx.subresource)) {
        checkTypeMeta(info, patched);
        // warnings once, not once per retry; a status merge's parts that are the stored
        // state's own (a state this registry wrote, so pruned) are not looked through
        const scanned = statusMerge && current.wellTyped && Object.isFrozen(before) ? unborrowedPart(patched, before) : patched;
        patched = pruneUnknownFields(info, patched, attempt === 0 ? ctx : { ...ctx, warnings: [] }, statusMerge, scanned);
      }
      if (isPlainObject(patched) && isPlainObject(patched['metadata']) && patched['metadata']['resourceVersion'] === undefined) {
        (patched['metadata'] as Record<string, unknown>)['resourceVersion'] = String(current.modRevision);
      }
      // json and merge patches copy every value they take from the patch (strategic ones
      // are not vouched for)
      const out = await applyUpdate(core, info, ns, name, current, patched, ctx, ctx.type !== 'strategic');
      if (out !== 'conflict') return { object: out, created: false };
      if (hasResourceVersion(patch)) throw conflict(info.type.resource, info.type.group, name, CONFLICT_MSG);
    }
    if (attempt >= MAX_RETRIES) throw conflict(info.type.resource, info.type.group, name, CONFLICT_MSG);
  }
}

function hasResourceVersion(patch: unknown): boolean {
  if (Array.isArray(patch)) return patch.some((op) => isPlainObject(op) && typeof op['path'] === 'string' && op['path'].startsWith('/metadata/resourceVersion'));
  return isPlainObject(patch) && isPlainObject(patch['metadata']) && patch['metadata']['resourceVersion'] !== undefined;
}
