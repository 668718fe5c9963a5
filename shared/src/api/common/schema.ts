// Small zod helpers used by every kind's schema. Objects are loose (unknown fields pass
// through; the apiserver decides about them); optional fields are exact-optional, so the
// inferred types suit `exactOptionalPropertyTypes` and are assignable to KubeObject.
// `opt(z.string(), 'what it is')` is an optional, described field; `.describe` text feeds
// the OpenAPI document and `kubectl explain`.

import { z } from 'zod';

export { z };

/** an optional field (absent allowed; `undefined` is not a value), with an explain text */
export function opt<T extends z.ZodType>(schema: T, description?: string): z.ZodExactOptional<T> {
  const o = schema.exactOptional();
  return description === undefined ? o : o.describe(description);
}

/** a required field with an explain text */
export function req<T extends z.ZodType>(schema: T, description: string): T {
  return schema.describe(description);
}

export const str = (): z.ZodString => z.string();
export const int = (): z.ZodNumber => z.number().int();
export const num = (): z.ZodNumber => z.number();
export const bool = (): z.ZodBoolean => z.boolean();
export const strMap = (): z.ZodRecord<z.ZodString, z.ZodString> => z.record(z.string(), z.string());
export const strList = (): z.ZodArray<z.ZodString> => z.array(z.string());
/** an RFC 3339 timestamp as Kubernetes writes it (`2024-01-02T03:04:05Z`); not parsed here */
export const time = (): z.ZodString => z.string();
/** arbitrary JSON kept as is (e.g. ControllerRevision.data) */
export const anyJson = (): z.ZodUnknown => z.unknown();

/** a loose object schema: known fields checked, others preserved */
export const obj = z.looseObject;

/** the apiVersion/kind pair every top-level object carries */
export const typeMetaShape = {
  apiVersion: opt(z.string(), 'The versioned schema of this representation, e.g. `apps/v1`.'),
  kind: opt(z.string(), 'The REST resource type this object represents, in CamelCase, e.g. `Deployment`.'),
};
