// Table printers for the cluster and configuration kinds: nodes, namespaces, services,
// endpoints, endpointslices, core and events.k8s.io events, configmaps, secrets,
// serviceaccounts, persistent volumes and claims, leases, PDBs, priority and storage classes.
// Cell formats follow Kubernetes' printers (`Ready,SchedulingDisabled`, `80:30080/TCP`,
// `pod/mypod`, `<none>`, `<pending>`, `N/A`).

import type { KubeObject } from '@kubesim/shared';
import { ageColumn, col, formatLabels, get, list, nameColumn, num, orNone, record, str, type Printer } from './columns.ts';
import { since } from './duration.ts';

const name = (o: KubeObject): string => o.metadata.name ?? '';
const age = (o: KubeObject, now: number): string => since(o.metadata.creationTimestamp, now);

export const nodePrinter: Printer = {
  columns: [
    nameColumn,
    col('Status', 'string', 'The status of the node: Ready, NotReady or Unknown, and SchedulingDisabled when cordoned.'),
    col('Roles', 'string', 'The roles of the node, from node-role.kubernetes.io/<role> labels.'),
    ageColumn,
    col('Version', 'string', 'Kubelet version reported by the node.'),
    col('Internal-IP', 'string', 'The node\'s internal IP address.', 1),
    col('External-IP', 'string', 'The node\'s external IP address.', 1),
    col('OS-Image', 'string', 'OS image reported by the node.', 1),
    col('Kernel-Version', 'string', 'Kernel version reported by the node.', 1),
    col('Container-Runtime', 'string', 'Container runtime version reported by the node.', 1),
  ],
  cells(o, now) {
    const ready = list(get(o, 'status', 'conditions')).find((c) => get(c, 'type') === 'Ready');
    const states = [ready === undefined ? 'Unknown' : get(ready, 'status') === 'True' ? 'Ready' : 'NotReady'];
    if (get(o, 'spec', 'unschedulable') === true) states.push('SchedulingDisabled');
    const roles = new Set<string>();
    for (const [k, v] of Object.entries(o.metadata.labels ?? {})) {
      if (k.startsWith('node-role.kubernetes.io/') && k.length > 'node-role.kubernetes.io/'.length) roles.add(k.slice('node-role.kubernetes.io/'.length));
      else if (k === 'kubernetes.io/role' && v) roles.add(v);
    }
    const address = (type: string): string => orNone(str(get(list(get(o, 'status', 'addresses')).find((a) => get(a, 'type') === type), 'address')));
    const info = (field: string): string => str(get(o, 'status', 'nodeInfo', field)) || '<unknown>';
    return [
      name(o),
      states.join(','),
      orNone([...roles].sort().join(',')),
      age(o, now),
      str(get(o, 'status', 'nodeInfo', 'kubeletVersion')),
      address('InternalIP'),
      address('ExternalIP'),
      info('osImage'),
      info('kernelVersion'),
      info('containerRuntimeVersion'),
    ];
  },
};

export const namespacePrinter: Printer = {
  columns: [nameColumn, col('Status', 'string', 'The phase of the namespace: Active or Terminating.'), ageColumn],
  cells: (o, now) => [name(o), str(get(o, 'status', 'phase')), age(o, now)],
};

function serviceExternalIP(o: KubeObject): string {
  const externalIPs = list(get(o, 'spec', 'externalIPs')).map(String);
  switch (get(o, 'spec', 'type')) {
    case 'ClusterIP':
    case 'NodePort':
    case undefined:
      return externalIPs.length ? externalIPs.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = list(get(o, 'status', 'loadBalancer', 'ingress')).map((i) => str(get(i, 'ip')) || str(get(i, 'hostname')));
      const all = [...lb, ...externalIPs];
      return all.length ? all.join(',') : '<pending>';
    }
    case 'ExternalName':
      return str(get(o, 'spec', 'externalName'));
    default:
      return '<unknown>';
  }
}

export const servicePrinter: Printer = {
  columns: [
    nameColumn,
    col('Type', 'string', 'How the service is exposed: ClusterIP, NodePort, LoadBalancer or ExternalName.'),
    col('Cluster-IP', 'string', 'The virtual IP of the service inside the cluster.'),
    col('External-IP', 'string', 'IP addresses (or name) reaching the service from outside.'),
    col('Port(s)', 'string', 'The ports the service serves, with node ports.'),
    ageColumn,
    col('Selector', 'string', 'Pods with these labels back the service.', 1),
  ],
  cells(o, now) {
    const ports = list(get(o, 'spec', 'ports')).map((p) => {
      const proto = str(get(p, 'protocol')) || 'TCP';
      const nodePort = num(get(p, 'nodePort'));
      return nodePort ? `${num(get(p, 'port'))}:${nodePort}/${proto}` : `${num(get(p, 'port'))}/${proto}`;
    });
    const clusterIP = str(get(o, 'spec', 'clusterIPs', 0)) || str(get(o, 'spec', 'clusterIP'));
    return [
      name(o),
      str(get(o, 'spec', 'type')) || 'ClusterIP',
      orNone(clusterIP),
      serviceExternalIP(o),
      orNone(ports.join(',')),
      age(o, now),
      formatLabels(get(o, 'spec', 'selector')),
    ];
  },
};

/** `ip:port,...` with at most three shown, then ` + N more...`. */
function firstThree(items: string[], empty: string): string {
  if (items.length === 0) return empty;
  const shown = items.slice(0, 3).join(',');
  return items.length > 3 ? `${shown} + ${items.length - 3} more...` : shown;
}

export const endpointsPrinter: Printer = {
  columns: [nameColumn, col('Endpoints', 'string', 'Addresses and ports of the ready endpoints.'), ageColumn],
  cells(o, now) {
    const items: string[] = [];
    for (const subset of list(get(o, 'subsets'))) {
      const ports = list(get(subset, 'ports'));
      for (const addr of list(get(subset, 'addresses'))) {
        const ip = str(get(addr, 'ip'));
        if (ports.length === 0) items.push(ip);
        for (const p of ports) items.push(`${ip}:${num(get(p, 'port'))}`);
      }
    }
    return [name(o), firstThree(items, '<none>'), age(o, now)];
  },
};

export const endpointSlicePrinter: Printer = {
  columns: [
    nameColumn,
    col('AddressType', 'string', 'The type of the addresses: IPv4, IPv6 or FQDN.'),
    col('Ports', 'string', 'The ports of the endpoints.'),
    col('Endpoints', 'string', 'Addresses of the endpoints.'),
    ageColumn,
  ],
  cells(o, now) {
    const ports = list(get(o, 'ports')).map((p) => (typeof get(p, 'port') === 'number' ? String(get(p, 'port')) : '<unset>'));
    const addresses = list(get(o, 'endpoints')).flatMap((e) => list(get(e, 'addresses')).map(String));
    return [name(o), str(get(o, 'addressType')), ports.length ? ports.join(',') : '<unset>', firstThree(addresses, '<unset>'), age(o, now)];
  },
};

/** Core Event and events.k8s.io Event fields, unified. */
function eventView(o: KubeObject): Record<string, unknown> {
  const e = o as unknown as Record<string, unknown>;
  if (o.apiVersion === 'events.k8s.io/v1') {
    return {
      involvedObject: e['regarding'],
      message: e['note'],
      source: { component: get(e, 'deprecatedSource', 'component'), host: get(e, 'deprecatedSource', 'host') },
      firstTimestamp: e['deprecatedFirstTimestamp'],
      lastTimestamp: e['deprecatedLastTimestamp'],
      count: e['deprecatedCount'],
      type: e['type'],
      reason: e['reason'],
      eventTime: e['eventTime'],
      series: e['series'] ? { count: get(e, 'series', 'count'), lastObservedTime: get(e, 'series', 'lastObservedTime') } : undefined,
      reportingComponent: e['reportingController'],
      reportingInstance: e['reportingInstance'],
    };
  }
  return e;
}

export const eventPrinter: Printer = {
  columns: [
    col('Last Seen', 'string', 'Time since the event was last seen.'),
    col('Type', 'string', 'Normal or Warning.'),
    col('Reason', 'string', 'Short, machine-readable reason for the event.'),
    col('Object', 'string', 'The object the event is about.'),
    col('Subobject', 'string', 'The part of the object the event is about (fieldPath).', 1),
    col('Source', 'string', 'The component (and host) that reported the event.', 1),
    col('Message', 'string', 'Human-readable description of the event.'),
    col('First Seen', 'string', 'Time since the event was first seen.', 1),
    col('Count', 'integer', 'Number of times the event occurred.', 1),
    { ...nameColumn, priority: 1 },
  ],
  cells(o, now) {
    const e = eventView(o);
    let first = since(e['firstTimestamp'], now);
    if (!e['firstTimestamp']) first = since(e['eventTime'], now);
    let last = e['lastTimestamp'] ? since(e['lastTimestamp'], now) : first;
    let count = num(e['count']);
    if (e['series']) {
      last = since(get(e, 'series', 'lastObservedTime'), now);
      count = num(get(e, 'series', 'count'));
    } else if (count === 0) count = 1;
    const kind = str(get(e, 'involvedObject', 'kind')).toLowerCase();
    const objName = str(get(e, 'involvedObject', 'name'));
    const component = str(get(e, 'source', 'component'));
    const host = str(get(e, 'source', 'host'));
    const reporter = str(e['reportingComponent']);
    const instance = str(e['reportingInstance']);
    const source = component ? (host ? `${component}, ${host}` : component) : instance ? `${reporter}, ${instance}` : reporter;
    return [
      last,
      str(e['type']),
      str(e['reason']),
      objName ? `${kind}/${objName}` : kind,
      str(get(e, 'involvedObject', 'fieldPath')),
      source,
      str(e['message']).trim(),
      first,
      count,
      name(o),
    ];
  },
};

export const configMapPrinter: Printer = {
  columns: [nameColumn, col('Data', 'integer', 'Number of keys in data and binaryData.'), ageColumn],
  cells: (o, now) => [name(o), Object.keys(record(get(o, 'data'))).length + Object.keys(record(get(o, 'binaryData'))).length, age(o, now)],
};

export const secretPrinter: Printer = {
  columns: [nameColumn, col('Type', 'string', 'The type of the secret.'), col('Data', 'integer', 'Number of keys in the secret.'), ageColumn],
  cells: (o, now) => [name(o), str(get(o, 'type')) || 'Opaque', Object.keys(record(get(o, 'data'))).length, age(o, now)],
};

export const serviceAccountPrinter: Printer = {
  columns: [nameColumn, col('Secrets', 'integer', 'Number of secrets listed by the service account.'), ageColumn],
  cells: (o, now) => [name(o), list(get(o, 'secrets')).length, age(o, now)],
};

const ACCESS_MODES: Array<[string, string]> = [
  ['ReadWriteOnce', 'RWO'],
  ['ReadOnlyMany', 'ROX'],
  ['ReadWriteMany', 'RWX'],
  ['ReadWriteOncePod', 'RWOP'],
];
function accessModes(modes: unknown): string {
  const have = new Set(list(modes));
  return ACCESS_MODES.filter(([m]) => have.has(m)).map(([, short]) => short).join(',');
}

export const persistentVolumePrinter: Printer = {
  columns: [
    nameColumn,
    col('Capacity', 'string', 'The capacity of the volume.'),
    col('Access Modes', 'string', 'How the volume can be mounted: RWO, ROX, RWX, RWOP.'),
    col('Reclaim Policy', 'string', 'What happens to the volume when its claim is released.'),
    col('Status', 'string', 'The phase of the volume.'),
    col('Claim', 'string', 'The claim bound to the volume.'),
    col('StorageClass', 'string', 'The storage class of the volume.'),
    col('VolumeAttributesClass', 'string', 'The volume attributes class of the volume.'),
    col('Reason', 'string', 'Why the volume is in its phase.'),
    ageColumn,
    col('VolumeMode', 'string', 'Filesystem or Block.', 1),
  ],
  cells(o, now) {
    const claim = get(o, 'spec', 'claimRef');
    return [
      name(o),
      str(get(o, 'spec', 'capacity', 'storage')),
      accessModes(get(o, 'spec', 'accessModes')),
      str(get(o, 'spec', 'persistentVolumeReclaimPolicy')),
      o.metadata.deletionTimestamp ? 'Terminating' : str(get(o, 'status', 'phase')),
      claim ? `${str(get(claim, 'namespace'))}/${str(get(claim, 'name'))}` : '',
      str(get(o, 'spec', 'storageClassName')),
      str(get(o, 'spec', 'volumeAttributesClassName')) || '<unset>',
      str(get(o, 'status', 'reason')),
      age(o, now),
      str(get(o, 'spec', 'volumeMode')) || 'Filesystem',
    ];
  },
};

export const persistentVolumeClaimPrinter: Printer = {
  columns: [
    nameColumn,
    col('Status', 'string', 'The phase of the claim.'),
    col('Volume', 'string', 'The volume bound to the claim.'),
    col('Capacity', 'string', 'The capacity of the bound volume.'),
    col('Access Modes', 'string', 'How the volume can be mounted.'),
    col('StorageClass', 'string', 'The storage class of the claim.'),
    col('VolumeAttributesClass', 'string', 'The volume attributes class of the claim.'),
    ageColumn,
    col('VolumeMode', 'string', 'Filesystem or Block.', 1),
  ],
  cells(o, now) {
    const bound = str(get(o, 'spec', 'volumeName')) !== '';
    return [
      name(o),
      o.metadata.deletionTimestamp ? 'Terminating' : str(get(o, 'status', 'phase')),
      str(get(o, 'spec', 'volumeName')),
      bound ? str(get(o, 'status', 'capacity', 'storage')) : '',
      bound ? accessModes(get(o, 'status', 'accessModes')) : '',
      str(get(o, 'spec', 'storageClassName')) || str(o.metadata.annotations?.['volume.beta.kubernetes.io/storage-class']),
      str(get(o, 'spec', 'volumeAttributesClassName')) || '<unset>',
      age(o, now),
      str(get(o, 'spec', 'volumeMode')) || 'Filesystem',
    ];
  },
};

export const leasePrinter: Printer = {
  columns: [nameColumn, col('Holder', 'string', 'The holder of the lease.'), ageColumn],
  cells: (o, now) => [name(o), str(get(o, 'spec', 'holderIdentity')), age(o, now)],
};

export const podDisruptionBudgetPrinter: Printer = {
  columns: [
    nameColumn,
    col('Min Available', 'string', 'Pods that must stay available during a disruption.'),
    col('Max Unavailable', 'string', 'Pods that may be unavailable during a disruption.'),
    col('Allowed Disruptions', 'integer', 'How many pods may be evicted now.'),
    ageColumn,
  ],
  cells(o, now) {
    const v = (x: unknown): string => (x === undefined || x === null ? 'N/A' : String(x));
    return [name(o), v(get(o, 'spec', 'minAvailable')), v(get(o, 'spec', 'maxUnavailable')), num(get(o, 'status', 'disruptionsAllowed')), age(o, now)];
  },
};

export const priorityClassPrinter: Printer = {
  columns: [
    nameColumn,
    col('Value', 'integer', 'The priority of pods of this class.'),
    col('Global-Default', 'boolean', 'Whether pods without a class get this one.'),
    ageColumn,
    col('PreemptionPolicy', 'string', 'Whether pods of this class may preempt lower-priority pods.'),
  ],
  cells: (o, now) => [name(o), num(get(o, 'value')), get(o, 'globalDefault') === true, age(o, now), str(get(o, 'preemptionPolicy')) || 'PreemptLowerPriority'],
};

export const storageClassPrinter: Printer = {
  columns: [
    nameColumn,
    col('Provisioner', 'string', 'The volume plugin that provisions volumes of this class.'),
    col('ReclaimPolicy', 'string', 'Reclaim policy of volumes provisioned for this class.'),
    col('VolumeBindingMode', 'string', 'When volumes are bound and provisioned.'),
    col('AllowVolumeExpansion', 'boolean', 'Whether volumes of this class can grow.'),
    ageColumn,
  ],
  cells(o, now) {
    const annotations = o.metadata.annotations ?? {};
    const isDefault =
      annotations['storageclass.kubernetes.io/is-default-class'] === 'true' || annotations['storageclass.beta.kubernetes.io/is-default-class'] === 'true';
    return [
      isDefault ? `${name(o)} (default)` : name(o),
      str(get(o, 'provisioner')),
      str(get(o, 'reclaimPolicy')) || 'Delete',
      str(get(o, 'volumeBindingMode')) || 'Immediate',
      get(o, 'allowVolumeExpansion') === true,
      age(o, now),
    ];
  },
};
