// ServiceAccount (core/v1): an identity for processes in pods. No defaults of its own;
// the ServiceAccount admission plugin (apiserver) sets pods' serviceAccountName to "default".

import { z } from 'zod';
import { defineKind } from '../common/define.ts';
import { ObjectMetaSchema } from '../common/object-meta.ts';
import { ObjectReferenceSchema } from '../common/object-reference.ts';
import { bool, obj, opt, str, typeMetaShape } from '../common/schema.ts';
import { resources } from '../resources.ts';

export const ServiceAccountSchema = obj({
  ...typeMetaShape,
  metadata: ObjectMetaSchema,
  secrets: opt(z.array(ObjectReferenceSchema), 'Secrets pods using this account may use (legacy token secrets).'),
  imagePullSecrets: opt(z.array(obj({ name: opt(str()) })), 'Secrets added to pods using this account, for pulling images.'),
  automountServiceAccountToken: opt(bool(), 'Whether pods using this account get an API token mounted.'),
});
export type ServiceAccount = z.infer<typeof ServiceAccountSchema>;

export const serviceAccountKind = defineKind<ServiceAccount>({
  type: resources.serviceaccounts,
  schema: ServiceAccountSchema,
});
