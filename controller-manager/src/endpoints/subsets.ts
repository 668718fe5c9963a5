// The subsets of a legacy Endpoints object (Kubernetes: the endpoints controller's
// syncService, then endpoints.RepackSubsets and SortSubsets). Each chosen pod gives one
// address — ready, or in notReadyAddresses — for every service port it offers; addresses that
// offer the same set of ports are packed into one subset. Terminating pods are left out
// unless the service publishes not-ready addresses (then every address counts as ready).
// Order is canonical (subsets by ports, addresses by IP then UID), so equal inputs give equal
// objects and an unchanged service makes no write.
// kubesim simplifies: no 1000-address truncation (endpoints.kubernetes.io/over-capacity).

import type { Endpoints, Pod, Service } from '@kubesim/shared';
import { isPodReady } from '../pods.ts';
import { findPort, isServiceIPSet, podIPv4, selects, shouldPodBeInEndpoints, shouldSetHostname } from '../endpointslice/pod-endpoints.ts';

export type EndpointSubset = NonNullable<Endpoints['subsets']>[number];
type EndpointAddress = NonNullable<EndpointSubset['addresses']>[number];
type EndpointPort = NonNullable<EndpointSubset['ports']>[number];

interface AddressEntry {
  address: EndpointAddress;
  ready: boolean;
  ports: Map<string, EndpointPort>;
}

const portKey = (p: EndpointPort): string => `${p.name ?? ''}/${p.protocol ?? 'TCP'}/${p.port}`;
const addressKey = (a: EndpointAddress): string => `${a.ip}/${a.targetRef?.uid ?? ''}`;

function podAddress(pod: Pod, svc: Service, ip: string): EndpointAddress {
  const a: EndpointAddress = { ip };
  if (shouldSetHostname(pod, svc)) a.hostname = pod.spec!.hostname!;
  if (pod.spec?.nodeName) a.nodeName = pod.spec.nodeName;
  a.targetRef = { kind: 'Pod', namespace: pod.metadata.namespace ?? 'default', name: pod.metadata.name ?? '', uid: pod.metadata.uid ?? '' };
  return a;
}

function compareAddresses(a: EndpointAddress, b: EndpointAddress): number {
  return a.ip === b.ip ? (a.targetRef?.uid ?? '').localeCompare(b.targetRef?.uid ?? '') : a.ip.localeCompare(b.ip, 'en', { numeric: true });
}

export function endpointSubsets(svc: Service, pods: readonly Pod[]): EndpointSubset[] {
  const tolerateUnready = svc.spec?.publishNotReadyAddresses === true;
  const headlessWithoutPorts = !isServiceIPSet(svc) && (svc.spec?.ports ?? []).length === 0;
  const entries = new Map<string, AddressEntry>();
  for (const pod of pods) {
    if (!selects(svc, pod) || !shouldPodBeInEndpoints(pod, tolerateUnready)) continue;
    const ip = podIPv4(pod);
    if (!ip) continue;
    const address = podAddress(pod, svc, ip);
    const entry: AddressEntry = { address, ready: tolerateUnready || isPodReady(pod), ports: new Map() };
    for (const sp of svc.spec?.ports ?? []) {
      const port = findPort(pod, sp);
      if (port === undefined) continue;
      const epp: EndpointPort = { name: sp.name ?? '', port, protocol: sp.protocol ?? 'TCP' };
      if (!sp.name) delete epp.name;
      if (sp.appProtocol) epp.appProtocol = sp.appProtocol;
      entry.ports.set(portKey(epp), epp);
    }
    if (entry.ports.size === 0 && !headlessWithoutPorts) continue;
    entries.set(addressKey(address), entry);
  }

  // pack: one subset per distinct set of ports
  const bySet = new Map<string, { ports: EndpointPort[]; ready: EndpointAddress[]; notReady: EndpointAddress[] }>();
  for (const e of entries.values()) {
    const ports = [...e.ports.values()].sort((a, b) => portKey(a).localeCompare(portKey(b)));
    const key = ports.map(portKey).join(',');
    let subset = bySet.get(key);
    if (!subset) bySet.set(key, (subset = { ports, ready: [], notReady: [] }));
    (e.ready ? subset.ready : subset.notReady).push(e.address);
  }
  return [...bySet.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([, s]) => {
      const out: EndpointSubset = {};
      if (s.ready.length > 0) out.addresses = s.ready.sort(compareAddresses);
      if (s.notReady.length > 0) out.notReadyAddresses = s.notReady.sort(compareAddresses);
      if (s.ports.length > 0) out.ports = s.ports;
      return out;
    });
}
