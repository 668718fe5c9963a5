// A write that changes nothing is not written: Kubernetes' update compares the object it
// would store with the stored one and, when they are equal, answers the stored object with
// its resourceVersion unchanged (no new revision, no watch event). `sameAsStored` is that
// comparison, made without copying the stored state (which carries its resourceVersion).
import type { KubeObject } from '@kubesim/shared';
import { deepEqual, isPlainObject } from './objects.ts';

/** deepEqual(next, old without metadata.resourceVersion), without copying old */
export function sameAsStored(next: KubeObject, old: KubeObject): boolean {
  const n = next as unknown as Record<string, unknown>;
  const o = old as unknown as Record<string, unknown>;
  let defined = 0;
  for (const k in n) {
    const v = n[k];
    if (v === undefined) continue;
    defined++;
    if (!(k === 'metadata' ? sameMetadata(v, o[k]) : deepEqual(v, o[k]))) return false;
  }
  // (old's metadata counts as there, as a copy of it would be)
  defined--;
  for (const k in o) if (k !== 'metadata' && o[k] !== undefined) defined--;
  return defined === 0;
}

/** deepEqual(meta, old metadata without its resourceVersion) */
function sameMetadata(meta: unknown, oldMeta: unknown): boolean {
  if (!isPlainObject(oldMeta)) {
    const copy: Record<string, unknown> = { ...(oldMeta as object) };
    delete copy['resourceVersion'];
    return deepEqual(meta, copy);
  }
  if (!isPlainObject(meta)) return false;
  let defined = 0;
  for (const k in meta) {
    const v = meta[k];
    if (v === undefined) continue;
    if (k === 'resourceVersion') return false;
    defined++;
    if (!deepEqual(v, oldMeta[k])) return false;
  }
  for (const k in oldMeta) if (k !== 'resourceVersion' && oldMeta[k] !== undefined) defined--;
  return defined === 0;
}
