// JSON merge patch (RFC 7386), `application/merge-patch+json`: a patch object is merged
// key by key into the target; `null` deletes a key; any non-object value (arrays too)
// replaces the target wholesale. `kubectl label/annotate/scale` and `patch --type merge`
// send these.
// Pure: the target is not changed, and the result holds copies of the patch's values (it
// shares with the target what the patch leaves alone).
import { clone, isPlainObject } from './objects.ts';

export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return patch !== null && typeof patch === 'object' ? clone(patch) : patch;
  const out: Record<string, unknown> = isPlainObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}
