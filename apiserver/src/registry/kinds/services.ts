// Services: ClusterIP and NodePort allocation around writes (pkg/registry/core/service).
// On create an empty clusterIP gets a free address of the service CIDR and NodePort /
// LoadBalancer ports without a nodePort get a free port; asked-for values must be free
// and in range (422 otherwise). An update keeps the allocated values when the client
// left them out, may not change the cluster IP, and frees node ports it drops. A delete
// frees everything. The result says what to undo if the write does not happen.
import type { KubeObject, StatusCause } from '@kubesim/shared';
import type { ServiceAllocators } from '../allocators.ts';

interface ServicePort {
  port?: number;
  protocol?: string;
  nodePort?: number;
  name?: string;
}
export interface ServiceLike extends KubeObject {
  spec?: {
    type?: string;
    clusterIP?: string;
    clusterIPs?: string[];
    ports?: ServicePort[];
    ipFamilies?: string[];
    ipFamilyPolicy?: string;
    allocateLoadBalancerNodePorts?: boolean;
  };
}

export interface Allocation {
  causes: StatusCause[];
  /** give back what this write took (the write failed or was a dry run) */
  rollback(): void;
  /** the write happened: free what the old object had and the new one no longer has */
  commit(): void;
}

const needsIP = (t: string | undefined): boolean => t !== 'ExternalName';
const needsNodePorts = (s: ServiceLike): boolean => s.spec?.type === 'NodePort' || (s.spec?.type === 'LoadBalancer' && s.spec.allocateLoadBalancerNodePorts !== false);

function ipOf(s: ServiceLike | undefined): string | undefined {
  const ip = s?.spec?.clusterIP || s?.spec?.clusterIPs?.[0];
  return ip && ip !== 'None' ? ip : undefined;
}

function nodePortsOf(s: ServiceLike | undefined): number[] {
  return (s?.spec?.ports ?? []).map((p) => p.nodePort).filter((p): p is number => typeof p === 'number' && p > 0);
}

export function allocateService(alloc: ServiceAllocators, svc: ServiceLike, old: ServiceLike | undefined): Allocation {
  const causes: StatusCause[] = [];
  const takenIPs: string[] = [];
  const takenPorts: number[] = [];
  const spec = (svc.spec ??= {});
  const type = spec.type ?? 'ClusterIP';

  // cluster IP
  if (needsIP(type)) {
    const oldIP = ipOf(old);
    if (!spec.clusterIP && !spec.clusterIPs?.length && old && needsIP(old.spec?.type) && old.spec?.clusterIP) {
      spec.clusterIP = old.spec.clusterIP;
      if (old.spec.clusterIPs) spec.clusterIPs = [...old.spec.clusterIPs];
    }
    const wanted = spec.clusterIP || spec.clusterIPs?.[0];
    if (wanted === 'None') {
      spec.clusterIP = 'None';
      spec.clusterIPs = ['None'];
    } else if (old && oldIP && wanted && wanted !== oldIP) {
      causes.push({ reason: 'FieldValueInvalid', field: 'spec.clusterIPs[0]', message: `Invalid value: []string{${JSON.stringify(wanted)}}: may not change once set` });
    } else if (wanted && wanted !== oldIP) {
      const r = alloc.takeIP(wanted);
      if (r === 'ok') takenIPs.push(wanted);
      else if (r === 'taken') causes.push({ reason: 'FieldValueInvalid', field: 'spec.clusterIPs', message: `Invalid value: []string{${JSON.stringify(wanted)}}: failed to allocate IP ${wanted}: provided IP is already allocated` });
      else if (r === 'range') causes.push({ reason: 'FieldValueInvalid', field: 'spec.clusterIPs', message: `Invalid value: []string{${JSON.stringify(wanted)}}: failed to allocate IP ${wanted}: the provided IP (${wanted}) is not in the valid range. The range of valid IPs is ${alloc.cidr}` });
      else causes.push({ reason: 'FieldValueInvalid', field: 'spec.clusterIPs[0]', message: `Invalid value: ${JSON.stringify(wanted)}: must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)` });
      spec.clusterIP = wanted;
      spec.clusterIPs = [wanted];
    } else if (!wanted) {
      const ip = alloc.nextIP();
      if (!ip) causes.push({ reason: 'FieldValueInvalid', field: 'spec.clusterIPs', message: 'Invalid value: []string(nil): failed to allocate IP: range is full' });
      else {
        takenIPs.push(ip);
        spec.clusterIP = ip;
        spec.clusterIPs = [ip];
      }
    } else {
      spec.clusterIPs = [wanted];
    }
    if (spec.clusterIP !== 'None' || !spec.ipFamilies) spec.ipFamilies ??= ['IPv4'];
    spec.ipFamilyPolicy ??= 'SingleStack';
  } else {
    delete spec.clusterIP;
    delete spec.clusterIPs;
  }

  // node ports
  const oldPorts = nodePortsOf(old);
  if (needsNodePorts(svc)) {
    (spec.ports ?? []).forEach((p, i) => {
      if (!p.nodePort && old) {
        const match = old.spec?.ports?.find((o) => o.port === p.port && (o.protocol ?? 'TCP') === (p.protocol ?? 'TCP') && o.nodePort);
        if (match?.nodePort) p.nodePort = match.nodePort;
      }
      if (p.nodePort) {
        if (oldPorts.includes(p.nodePort) || takenPorts.includes(p.nodePort)) return;
        const r = alloc.takePort(p.nodePort);
        if (r === 'ok') takenPorts.push(p.nodePort);
        else if (r === 'taken') causes.push({ reason: 'FieldValueInvalid', field: `spec.ports[${i}].nodePort`, message: `Invalid value: ${p.nodePort}: provided port is already allocated` });
        else causes.push({ reason: 'FieldValueInvalid', field: `spec.ports[${i}].nodePort`, message: `Invalid value: ${p.nodePort}: provided port is not in the valid range. The range of valid ports is ${alloc.portRange}` });
      } else {
        const port = alloc.nextPort();
        if (port === undefined) causes.push({ reason: 'FieldValueInvalid', field: `spec.ports[${i}].nodePort`, message: 'Invalid value: 0: failed to allocate port: range is full' });
        else {
          takenPorts.push(port);
          p.nodePort = port;
        }
      }
    });
  } else {
    for (const p of spec.ports ?? []) delete p.nodePort;
  }

  const rollback = (): void => {
    for (const ip of takenIPs) alloc.releaseIP(ip);
    for (const p of takenPorts) alloc.releasePort(p);
  };
  if (causes.length) {
    rollback();
    takenIPs.length = 0;
    takenPorts.length = 0;
  }
  return {
    causes,
    rollback,
    commit: () => {
      const keepIP = ipOf(svc);
      const oldIP = ipOf(old);
      if (oldIP && oldIP !== keepIP) alloc.releaseIP(oldIP);
      const keep = new Set(nodePortsOf(svc));
      for (const p of oldPorts) if (!keep.has(p)) alloc.releasePort(p);
    },
  };
}

export function releaseService(alloc: ServiceAllocators, svc: ServiceLike): void {
  const ip = ipOf(svc);
  if (ip) alloc.releaseIP(ip);
  for (const p of nodePortsOf(svc)) alloc.releasePort(p);
}

/** at start: mark what the stored services hold */
export function reserveService(alloc: ServiceAllocators, svc: ServiceLike): void {
  const ip = ipOf(svc);
  if (ip) alloc.takeIP(ip);
  for (const p of nodePortsOf(svc)) alloc.takePort(p);
}
