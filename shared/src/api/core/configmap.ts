// ConfigMap and Secret (core/v1): key/value data for pods. Keys must be valid config keys
// (alphanumerics, '-', '_', '.'); a key may not appear in both data and binaryData; the total
// size is capped at 1 MiB; `immutable: true` freezes the data. Secrets default to type
// Opaque, carry base64 values, and are selectable by `type`.

import { z } from 'zod';
import type { StatusCause } from '../../errors.ts';
import { defineKind } from '../common/define.ts';
import { ObjectMetaSchema } from '../common/object-meta.ts';
import { bool, obj, opt, str, strMap, typeMetaShape } from '../common/schema.ts';
import { resources } from '../resources.ts';
import { at, fieldDuplicate, fieldForbidden, fieldInvalid, fieldRequired, fieldTooLong, key } from '../validation/field.ts';

export const ConfigMapSchema = obj({
  ...typeMetaShape,
  metadata: ObjectMetaSchema,
  data: opt(strMap(), 'UTF-8 configuration data.'),
  binaryData: opt(strMap(), 'Binary data, base64-encoded.'),
  immutable: opt(bool(), 'If true, the data cannot be changed (only the object deleted).'),
});
export type ConfigMap = z.infer<typeof ConfigMapSchema>;

export const SecretSchema = obj({
  ...typeMetaShape,
  metadata: ObjectMetaSchema,
  data: opt(strMap(), 'Secret data, base64-encoded.'),
  stringData: opt(strMap(), 'Write-only convenience: plain values merged into data on write.'),
  type: opt(str(), 'Opaque (default), kubernetes.io/service-account-token, kubernetes.io/tls, kubernetes.io/dockerconfigjson, ...'),
  immutable: opt(bool(), 'If true, the data cannot be changed (only the object deleted).'),
});
export type Secret = z.infer<typeof SecretSchema>;

const MAX_SIZE = 1024 * 1024;
const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;

export function isConfigMapKey(k: string): string[] {
  const errs: string[] = [];
  if (k.length > 253) errs.push('must be no more than 253 characters');
  if (!CONFIG_KEY.test(k)) errs.push("a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')");
  if (k === '.') errs.push("must not be '.'");
  else if (k === '..') errs.push("must not be '..'");
  else if (k.startsWith('..')) errs.push("must not start with '..'");
  return errs;
}

function validateData(maps: [string, Record<string, string> | undefined][], sizeField: string): StatusCause[] {
  const causes: StatusCause[] = [];
  const seen = new Set<string>();
  let size = 0;
  for (const [field, data] of maps) {
    for (const [k, v] of Object.entries(data ?? {})) {
      for (const m of isConfigMapKey(k)) causes.push(fieldInvalid(at(field), k, m));
      if (seen.has(k)) causes.push(fieldDuplicate(at(field), k));
      seen.add(k);
      size += v.length;
    }
  }
  if (size > MAX_SIZE) causes.push(fieldTooLong(sizeField, MAX_SIZE));
  return causes;
}

function validateImmutableData<T extends { immutable?: boolean; data?: Record<string, string> }>(
  obj: T, old: T, other: (o: T) => unknown,
): StatusCause[] {
  const causes: StatusCause[] = [];
  if (old.immutable === true) {
    if (obj.immutable !== true) causes.push(fieldForbidden('immutable', 'field is immutable when `immutable` is set'));
    if (JSON.stringify(obj.data ?? {}) !== JSON.stringify(old.data ?? {}) || JSON.stringify(other(obj)) !== JSON.stringify(other(old))) {
      causes.push(fieldForbidden('data', 'field is immutable when `immutable` is set'));
    }
  }
  return causes;
}

export const configMapKind = defineKind<ConfigMap>({
  type: resources.configmaps,
  schema: ConfigMapSchema,
  validate: (cm) => validateData([['data', cm.data], ['binaryData', cm.binaryData]], ''),
  validateUpdate: (cm, old) => validateImmutableData(cm, old, (o) => o.binaryData ?? {}),
});

const SA_TOKEN = 'kubernetes.io/service-account-token';

/** stringData is write-only: merge it into data (base64) as the apiserver does */
export function mergeSecretStringData(secret: Secret): void {
  if (!secret.stringData) return;
  const data = (secret.data ??= {});
  for (const [k, v] of Object.entries(secret.stringData)) data[k] = Buffer.from(v, 'utf8').toString('base64');
  delete secret.stringData;
}

function validateSecret(s: Secret): StatusCause[] {
  const causes = validateData([['data', s.data]], 'data');
  for (const [k, v] of Object.entries(s.data ?? {})) {
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(v) || v.length % 4 !== 0) causes.push(fieldInvalid(key('data', k), '<secret contents redacted>', 'illegal base64 data'));
  }
  switch (s.type) {
    case SA_TOKEN:
      if (!s.metadata.annotations?.['kubernetes.io/service-account.name']) {
        causes.push(fieldRequired('metadata.annotations[kubernetes.io/service-account.name]'));
      }
      break;
    case 'kubernetes.io/tls':
      for (const k of ['tls.crt', 'tls.key']) if (s.data?.[k] === undefined) causes.push(fieldRequired(key('data', k)));
      break;
    case 'kubernetes.io/dockerconfigjson':
      if (s.data?.['.dockerconfigjson'] === undefined) causes.push(fieldRequired(key('data', '.dockerconfigjson')));
      break;
    default:
  }
  return causes;
}

export const secretKind = defineKind<Secret>({
  type: resources.secrets,
  schema: SecretSchema,
  defaults(s) {
    s.type ??= 'Opaque';
    mergeSecretStringData(s);
  },
  validate: validateSecret,
  validateUpdate: (s, old) => [
    ...(old.type !== undefined && s.type !== old.type ? [fieldInvalid('type', s.type ?? '', 'field is immutable')] : []),
    ...validateImmutableData(s, old, () => null),
  ],
  fields: (s) => ({ type: s.type ?? '' }),
});
