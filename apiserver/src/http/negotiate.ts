// Response negotiation from the Accept header. Answers are always JSON; a Table
// (`as=Table;g=meta.k8s.io`, kubectl get) or PartialObjectMetadata (`as=PartialObjectMetadata`,
// metadata-only clients; v=v1 or v1beta1, the version the answer then carries) is produced when
// asked for, and an Accept that allows no JSON at all (protobuf only) is a 406, as Kubernetes
// answers when it cannot produce the type. Writes negotiate with negotiateWrite, which never
// refuses: kubesim's writes have always answered JSON whatever was accepted.
import { failure } from '@kubesim/shared';

export interface Negotiated {
  as: 'object' | 'Table' | 'PartialObjectMetadata';
  /** with PartialObjectMetadata: the meta.k8s.io version asked for (v1 when the range names none) */
  version?: 'v1' | 'v1beta1';
}

const OBJECT: Negotiated = { as: 'object' };

/** the meta.k8s.io version a conversion range names, or undefined for one kubesim cannot make */
function metaVersion(v: string | undefined): 'v1' | 'v1beta1' | undefined {
  if (v === undefined || v === 'v1') return 'v1';
  return v === 'v1beta1' ? 'v1beta1' : undefined;
}

export function negotiate(accept: string | undefined): Negotiated {
  if (!accept || !accept.trim()) return OBJECT;
  let jsonOk = false;
  for (const range of accept.split(',')) {
    const [mtRaw, ...paramParts] = range.split(';');
    const mt = (mtRaw ?? '').trim().toLowerCase();
    const params = new Map(paramParts.map((p) => p.trim().split('=').map((s) => s.trim()) as [string, string]));
    const jsonish = mt === 'application/json' || mt === '*/*' || mt === 'application/*' || mt === 'application/yaml';
    if (!jsonish) continue;
    const as = params.get('as');
    if (as === 'Table' && params.get('g') === 'meta.k8s.io') return { as: 'Table' };
    if ((as === 'PartialObjectMetadata' || as === 'PartialObjectMetadataList') && params.get('g') === 'meta.k8s.io') {
      const version = metaVersion(params.get('v'));
      if (version) return { as: 'PartialObjectMetadata', version };
      continue; // a version there is no such kind in: not acceptable, try the next range
    }
    if (!as) jsonOk = true;
  }
  if (jsonOk) return OBJECT;
  throw failure(406, 'NotAcceptable', 'the server was unable to respond with a content type that the client supports');
}

/** the answer form of a create, update or patch: PartialObjectMetadata when asked for, else
 *  the object (a Table is not made for writes; an Accept without JSON is not refused). An
 *  Accept that does not mention PartialObjectMetadata is not parsed at all. */
export function negotiateWrite(accept: string | undefined): Negotiated {
  if (accept === undefined || !accept.includes('PartialObjectMetadata')) return OBJECT;
  try {
    const n = negotiate(accept);
    return n.as === 'PartialObjectMetadata' ? n : OBJECT;
  } catch {
    return OBJECT;
  }
}
