// ObjectReference (core/v1): a pointer to another object, as events, bindings, endpoint
// addresses and PV claimRefs use it. Every field is optional, as in Kubernetes.

import { z } from 'zod';
import { obj, opt, str } from './schema.ts';

export const ObjectReferenceSchema = obj({
  kind: opt(str(), 'Kind of the referent.'),
  namespace: opt(str(), 'Namespace of the referent.'),
  name: opt(str(), 'Name of the referent.'),
  uid: opt(str(), 'UID of the referent.'),
  apiVersion: opt(str(), 'API version of the referent.'),
  resourceVersion: opt(str(), 'The referent\'s resourceVersion this reference was made for.'),
  fieldPath: opt(str(), 'A part of the referent, e.g. spec.containers{name}.'),
});
export type ObjectReference = z.infer<typeof ObjectReferenceSchema>;
