// Discovery documents, built from the resource table (@kubesim/shared resources.ts):
//   /api, /apis      aggregated (apidiscovery.k8s.io/v2 or v2beta1 APIGroupDiscoveryList, with
//                    that exact Content-Type) when the Accept asks for it, else the legacy
//                    APIVersions / APIGroupList
//   /api/v1, /apis/<g>/<v>   APIResourceList, subresources as `pods/status` entries
// kubectl resolves short names, `all`, scope and verbs from these; drain checks
// `pods/eviction` (policy/v1) in /api/v1.
import type { ResourceType } from '@kubesim/shared';

export interface DiscoveryResource {
  type: ResourceType;
  verbs: string[];
}

interface SubresourceSpec {
  group: string;
  version: string;
  kind: string;
  verbs: string[];
}

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

function subresourceSpec(type: ResourceType, sub: string): SubresourceSpec {
  switch (sub) {
    case 'status':
      return { group: type.group, version: type.version, kind: type.kind, verbs: ['get', 'patch', 'update'] };
    case 'scale':
      return { group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update'] };
    case 'binding':
      return { group: '', version: 'v1', kind: 'Binding', verbs: ['create'] };
    case 'eviction':
      return { group: 'policy', version: 'v1', kind: 'Eviction', verbs: ['create'] };
    case 'token':
      return { group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest', verbs: ['create'] };
    case 'log':
      return { group: '', version: 'v1', kind: 'Pod', verbs: ['get'] };
    case 'finalize':
      return { group: '', version: 'v1', kind: 'Namespace', verbs: ['update'] };
    case 'proxy':
      return { group: '', version: 'v1', kind: type.kind === 'Node' ? 'NodeProxyOptions' : `${type.kind}ProxyOptions`, verbs: ['create', 'delete', 'get', 'patch', 'update'] };
    default:
      return { group: type.group, version: type.version, kind: type.kind, verbs: ['get'] };
  }
}

export const AGGREGATED_V2 = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';
export const AGGREGATED_V2BETA1 = 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList';

/** which aggregated version the Accept header prefers, if any (first listed wins) */
export function wantsAggregated(accept: string | undefined): 'v2' | 'v2beta1' | undefined {
  if (!accept) return undefined;
  for (const part of accept.split(',')) {
    const params = new Map(
      part
        .split(';')
        .slice(1)
        .map((p) => p.trim().split('=') as [string, string]),
    );
    if (params.get('as') === 'APIGroupDiscoveryList' && params.get('g') === 'apidiscovery.k8s.io') {
      const v = params.get('v');
      if (v === 'v2' || v === 'v2beta1') return v;
    }
  }
  return undefined;
}

export class Discovery {
  /** group → version → resources, in table order */
  private readonly groups = new Map<string, Map<string, DiscoveryResource[]>>();

  constructor(resources: readonly DiscoveryResource[]) {
    for (const r of resources) {
      let g = this.groups.get(r.type.group);
      if (!g) this.groups.set(r.type.group, (g = new Map()));
      let v = g.get(r.type.version);
      if (!v) g.set(r.type.version, (v = []));
      v.push(r);
    }
  }

  static allVerbs(type: ResourceType): DiscoveryResource {
    return { type, verbs: ALL_VERBS };
  }

  hasGroupVersion(group: string, version: string): boolean {
    return this.groups.get(group)?.has(version) ?? false;
  }

  apiVersions(serverAddress: string): Record<string, unknown> {
    return { kind: 'APIVersions', versions: [...(this.groups.get('')?.keys() ?? [])], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
  }

  apiGroupList(): Record<string, unknown> {
    const groups = [...this.groups.entries()]
      .filter(([g]) => g !== '')
      .map(([name, versions]) => {
        const vs = [...versions.keys()].map((v) => ({ groupVersion: `${name}/${v}`, version: v }));
        return { name, versions: vs, preferredVersion: vs[0] };
      });
    return { kind: 'APIGroupList', apiVersion: 'v1', groups };
  }

  apiGroup(group: string): Record<string, unknown> | undefined {
    const versions = this.groups.get(group);
    if (!versions || group === '') return undefined;
    const vs = [...versions.keys()].map((v) => ({ groupVersion: `${group}/${v}`, version: v }));
    return { kind: 'APIGroup', apiVersion: 'v1', name: group, versions: vs, preferredVersion: vs[0] };
  }

  resourceList(group: string, version: string): Record<string, unknown> | undefined {
    const rs = this.groups.get(group)?.get(version);
    if (!rs) return undefined;
    const out: Record<string, unknown>[] = [];
    for (const { type, verbs } of rs) {
      const entry: Record<string, unknown> = { name: type.resource, singularName: type.singular, namespaced: type.namespaced, kind: type.kind, verbs };
      if (type.shortNames.length) entry['shortNames'] = [...type.shortNames];
      if (type.categories.length) entry['categories'] = [...type.categories];
      out.push(entry);
      for (const sub of type.subresources) {
        const s = subresourceSpec(type, sub);
        const e: Record<string, unknown> = { name: `${type.resource}/${sub}`, singularName: '', namespaced: type.namespaced, kind: s.kind, verbs: s.verbs };
        if (s.group !== type.group || s.version !== type.version) {
          e['group'] = s.group;
          e['version'] = s.version;
        }
        out.push(e);
      }
    }
    return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group ? `${group}/${version}` : version, resources: out };
  }

  /** the aggregated document for /api (core only) or /apis (every other group) */
  aggregated(core: boolean, version: 'v2' | 'v2beta1'): Record<string, unknown> {
    const items = [...this.groups.entries()]
      .filter(([g]) => (core ? g === '' : g !== ''))
      .map(([name, versions]) => ({
        metadata: core ? {} : { name },
        versions: [...versions.entries()].map(([v, rs]) => ({
          version: v,
          freshness: 'Current',
          resources: rs.map(({ type, verbs }) => {
            const r: Record<string, unknown> = {
              resource: type.resource,
              responseKind: { group: type.group, version: type.version, kind: type.kind },
              scope: type.namespaced ? 'Namespaced' : 'Cluster',
              singularResource: type.singular,
              verbs,
            };
            if (type.shortNames.length) r['shortNames'] = [...type.shortNames];
            if (type.categories.length) r['categories'] = [...type.categories];
            if (type.subresources.length) {
              r['subresources'] = type.subresources.map((sub) => {
                const s = subresourceSpec(type, sub);
                return { subresource: sub, responseKind: { group: s.group, version: s.version, kind: s.kind }, verbs: s.verbs };
              });
            }
            return r;
          }),
        })),
      }));
    return { kind: 'APIGroupDiscoveryList', apiVersion: `apidiscovery.k8s.io/${version}`, metadata: {}, items };
  }
}
