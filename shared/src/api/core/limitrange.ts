// LimitRange (core/v1): per-namespace bounds (min, max, max limit/request ratio) and
// defaults for the resources of each Container, Pod or PersistentVolumeClaim. Defaulting
// (Container items only): a missing default limit is the max, a missing default request is
// the default limit, else the min. The apiserver's LimitRanger admission
// (apiserver/src/registry/kinds/limitranges.ts) defaults and bounds pods by them.

import { z } from 'zod';
import type { StatusCause } from '../../errors.ts';
import { tryParseQuantity, type Quantity } from '../../meta/quantity.ts';
import { defineKind } from '../common/define.ts';
import { ObjectMetaSchema } from '../common/object-meta.ts';
import { ResourceListSchema, validateResourceList, type ResourceList } from '../common/quantity.ts';
import { obj, opt, str, typeMetaShape } from '../common/schema.ts';
import { resources } from '../resources.ts';
import { at, fieldDuplicate, fieldForbidden, fieldInvalid, fieldRequired, key } from '../validation/field.ts';
import { isQualifiedName } from '../validation/names.ts';

export const LimitRangeItemSchema = obj({
  type: str().describe('What the limits apply to: Container, Pod or PersistentVolumeClaim.'),
  max: opt(ResourceListSchema, 'The most of each resource one object may use.'),
  min: opt(ResourceListSchema, 'The least of each resource one object must request.'),
  default: opt(ResourceListSchema, 'The limits a container gets when it sets none.'),
  defaultRequest: opt(ResourceListSchema, 'The requests a container gets when it sets none.'),
  maxLimitRequestRatio: opt(ResourceListSchema, 'The largest allowed limit divided by request, per resource.'),
});
export type LimitRangeItem = z.infer<typeof LimitRangeItemSchema>;

export const LimitRangeSchema = obj({
  ...typeMetaShape,
  metadata: ObjectMetaSchema,
  spec: opt(obj({ limits: z.array(LimitRangeItemSchema).describe('The limits, at most one item per type.') }), 'The limits enforced.'),
}).describe('Bounds and defaults for the resources of containers, pods and claims in one namespace.');
export type LimitRange = z.infer<typeof LimitRangeSchema>;

const LIMIT_TYPES = ['Pod', 'Container', 'PersistentVolumeClaim'];

function setLimitRangeDefaults(lr: LimitRange): void {
  for (const item of lr.spec?.limits ?? []) {
    if (item.type !== 'Container') continue;
    const def: ResourceList = { ...(item.default ?? {}) };
    for (const [k, v] of Object.entries(item.max ?? {})) if (!(k in def)) def[k] = v;
    const req: ResourceList = { ...(item.defaultRequest ?? {}) };
    for (const [k, v] of Object.entries(def)) if (!(k in req)) req[k] = v;
    for (const [k, v] of Object.entries(item.min ?? {})) if (!(k in req)) req[k] = v;
    if (Object.keys(def).length) item.default = def;
    if (Object.keys(req).length) item.defaultRequest = req;
  }
}

function quantities(list: ResourceList | undefined): Map<string, Quantity> {
  const out = new Map<string, Quantity>();
  for (const [k, v] of Object.entries(list ?? {})) {
    const q = tryParseQuantity(v);
    if (q) out.set(k, q);
  }
  return out;
}

function validateItem(item: LimitRangeItem, i: number, types: Set<string>): StatusCause[] {
  const path = at('spec.limits', i);
  const causes: StatusCause[] = [];
  const typeErrs = isQualifiedName(item.type);
  for (const m of typeErrs) causes.push(fieldInvalid(at(path, 'type'), item.type, m));
  if (!typeErrs.length && !item.type.includes('/') && !LIMIT_TYPES.includes(item.type)) {
    causes.push(fieldInvalid(at(path, 'type'), item.type, 'must be a standard limit type or fully qualified'));
  }
  if (types.has(item.type)) causes.push(fieldDuplicate(at(path, 'type'), item.type));
  types.add(item.type);
  for (const f of ['max', 'min', 'default', 'defaultRequest', 'maxLimitRequestRatio'] as const) causes.push(...validateResourceList(item[f], at(path, f)));

  if (item.type === 'Pod') {
    if (Object.keys(item.default ?? {}).length) causes.push(fieldForbidden(at(path, 'default'), "may not be specified when `type` is 'Pod'"));
    if (Object.keys(item.defaultRequest ?? {}).length) causes.push(fieldForbidden(at(path, 'defaultRequest'), "may not be specified when `type` is 'Pod'"));
  }
  if (item.type === 'PersistentVolumeClaim' && !item.min?.['storage'] && !item.max?.['storage']) {
    causes.push(fieldRequired(at(path, 'limits'), 'either minimum or maximum storage value is required, but neither was provided'));
  }

  const min = quantities(item.min);
  const max = quantities(item.max);
  const def = quantities(item.default);
  const req = quantities(item.defaultRequest);
  const ratio = quantities(item.maxLimitRequestRatio);
  const names = new Set([...min.keys(), ...max.keys(), ...def.keys(), ...req.keys(), ...ratio.keys()]);
  const above = (a: Quantity | undefined, b: Quantity | undefined): boolean => !!a && !!b && a.cmp(b) > 0;
  for (const k of [...names].sort()) {
    const [lo, hi, d, r, ra] = [min.get(k), max.get(k), def.get(k), req.get(k), ratio.get(k)];
    if (above(lo, hi)) causes.push(fieldInvalid(key(at(path, 'min'), k), lo!.toString(), `min value ${lo!.toString()} is greater than max value ${hi!.toString()}`));
    if (above(lo, r)) causes.push(fieldInvalid(key(at(path, 'defaultRequest'), k), r!.toString(), `min value ${lo!.toString()} is greater than default request value ${r!.toString()}`));
    if (above(r, hi)) causes.push(fieldInvalid(key(at(path, 'defaultRequest'), k), r!.toString(), `default request value ${r!.toString()} is greater than max value ${hi!.toString()}`));
    if (above(r, d)) causes.push(fieldInvalid(key(at(path, 'defaultRequest'), k), r!.toString(), `default request value ${r!.toString()} is greater than default limit value ${d!.toString()}`));
    if (above(lo, d)) causes.push(fieldInvalid(key(at(path, 'default'), k), lo!.toString(), `min value ${lo!.toString()} is greater than default value ${d!.toString()}`));
    if (above(d, hi)) causes.push(fieldInvalid(key(at(path, 'default'), k), hi!.toString(), `default value ${d!.toString()} is greater than max value ${hi!.toString()}`));
    if (ra && ra.milliValue() < 1000) causes.push(fieldInvalid(key(at(path, 'maxLimitRequestRatio'), k), ra.toString(), `ratio ${ra.toString()} is less than 1`));
  }
  return causes;
}

export const limitRangeKind = defineKind<LimitRange>({
  type: resources.limitranges,
  schema: LimitRangeSchema,
  defaults: setLimitRangeDefaults,
  validate: (lr) => {
    const types = new Set<string>();
    return (lr.spec?.limits ?? []).flatMap((item, i) => validateItem(item, i, types));
  },
});
