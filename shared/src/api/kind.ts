// What the API machinery knows about one kind, apart from storage: its schema,
// Kubernetes' defaulting (pkg/apis/<group>/<version>/defaults.go), its validation
// (pkg/apis/<group>/validation) and its selectable fields (for field selectors).
// The apiserver's registry runs these on every write, over HTTP or in process.
// Each kind defines one of these in its own file beside this one.

import type { z } from 'zod';
import type { StatusCause } from '../errors.ts';
import type { KubeObject } from './meta.ts';
import type { ResourceType } from './resources.ts';

export interface KindDefinition<T extends KubeObject = KubeObject> {
  type: ResourceType<T>;
  /** the object's shape; unknown fields pass through (the apiserver prunes or rejects per fieldValidation) */
  schema: z.ZodType<T>;
  /** fill in Kubernetes' defaults, in place (idempotent); true when the object is
   *  well-typed (it passed the schema, so the defaults were applied). `checked`: where to
   *  look for nulls and check types, when the caller vouches for the rest of `obj` (members
   *  of a stored state the registry wrote itself, well-typed and without nulls): `obj`
   *  without them. When that part fails the type check, the whole object is checked. */
  setDefaults(obj: T, checked?: unknown): boolean;
  /** causes for an invalid new object (field paths like `spec.replicas`); [] when valid.
   *  `wellTyped`: setDefaults returned true for this object and only well-typed values were
   *  set on it since (the registry's own fields), so the schema pass is not repeated */
  validate(obj: T, wellTyped?: boolean): StatusCause[];
  /** causes for an invalid update, incl. changes to immutable fields (`wellTyped` as for
   *  validate). `oldWellTyped`: the caller vouches that `old` passed the schema and has no
   *  nulls (the registry's stored states it wrote itself), so it is not checked again */
  validateUpdate(obj: T, old: T, wellTyped?: boolean, oldWellTyped?: boolean): StatusCause[];
  /** causes for an invalid write to the status subresource (arguments as for validateUpdate):
   *  for a kind with status rules (Kubernetes' `Validate<Kind>StatusUpdate`) the types, the
   *  ObjectMeta update rules and those rules, not the spec (a status write keeps the stored
   *  spec); for any other kind exactly validateUpdate */
  validateStatusUpdate(obj: T, old: T, wellTyped?: boolean, oldWellTyped?: boolean): StatusCause[];
  /** the values field selectors may test, e.g. `{ 'spec.nodeName': 'node-1', 'status.phase': 'Running' }`
   *  (metadata.name and metadata.namespace are added by the caller) */
  selectableFields(obj: T): Record<string, string>;
}
