// Response negotiation from the Accept header. Answers are always JSON; a Table
// (`as=Table;g=meta.k8s.io`, kubectl get) or PartialObjectMetadata (`as=PartialObjectMetadata`,
// metadata-only clients) is produced when asked for, and an Accept that allows no JSON at
// all (protobuf only) is a 406, as Kubernetes answers when it cannot produce the type.
import { failure } from '@kubesim/shared';

export interface Negotiated {
  as: 'object' | 'Table' | 'PartialObjectMetadata';
}

export function negotiate(accept: string | undefined): Negotiated {
  if (!accept || !accept.trim()) return { as: 'object' };
  let jsonOk = false;
  for (const range of accept.split(',')) {
    const [mtRaw, ...paramParts] = range.split(';');
    const mt = (mtRaw ?? '').trim().toLowerCase();
    const params = new Map(paramParts.map((p) => p.trim().split('=').map((s) => s.trim()) as [string, string]));
    const jsonish = mt === 'application/json' || mt === '*/*' || mt === 'application/*' || mt === 'application/yaml';
    if (!jsonish) continue;
    const as = params.get('as');
    if (as === 'Table' && params.get('g') === 'meta.k8s.io') return { as: 'Table' };
    if ((as === 'PartialObjectMetadata' || as === 'PartialObjectMetadataList') && params.get('g') === 'meta.k8s.io') return { as: 'PartialObjectMetadata' };
    if (!as) jsonOk = true;
  }
  if (jsonOk) return { as: 'object' };
  throw failure(406, 'NotAcceptable', 'the server was unable to respond with a content type that the client supports');
}
