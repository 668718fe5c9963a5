import { describe, expect, it } from 'vitest';
import { defaulted, defaultingTable, updateTable, validationTable } from '../testing/cases.ts';
import { patchAllocatedServiceValues, serviceKind, type Service } from './service.ts';

describe('service defaulting', () => {
  defaultingTable('services', [
    ['type defaults to ClusterIP', {}, (s) => s.spec.type, 'ClusterIP'],
    ['sessionAffinity defaults to None', {}, (s) => s.spec.sessionAffinity, 'None'],
    ['ports default to TCP', {}, (s) => s.spec.ports[0].protocol, 'TCP'],
    ['targetPort defaults to port', { spec: { ports: [{ port: 80 }] } }, (s) => s.spec.ports[0].targetPort, 80],
    ['a named targetPort is kept', { spec: { ports: [{ port: 80, targetPort: 'http' }] } }, (s) => s.spec.ports[0].targetPort, 'http'],
    ['internalTrafficPolicy defaults to Cluster', {}, (s) => s.spec.internalTrafficPolicy, 'Cluster'],
    ['externalTrafficPolicy is left unset for ClusterIP', {}, (s) => s.spec.externalTrafficPolicy, undefined],
    ['externalTrafficPolicy defaults to Cluster for NodePort', { spec: { type: 'NodePort' } }, (s) => s.spec.externalTrafficPolicy, 'Cluster'],
    ['externalTrafficPolicy defaults to Cluster for LoadBalancer', { spec: { type: 'LoadBalancer' } }, (s) => s.spec.externalTrafficPolicy, 'Cluster'],
    ['LoadBalancers allocate node ports by default', { spec: { type: 'LoadBalancer' } }, (s) => s.spec.allocateLoadBalancerNodePorts, true],
    ['ipFamilyPolicy defaults to SingleStack', {}, (s) => s.spec.ipFamilyPolicy, 'SingleStack'],
    ['ipFamilies default to IPv4', {}, (s) => s.spec.ipFamilies, ['IPv4']],
    ['an IPv6 clusterIP means IPv6', { spec: { clusterIP: 'fd00::10' } }, (s) => s.spec.ipFamilies, ['IPv6']],
    ['clusterIPs follow clusterIP', { spec: { clusterIP: '10.96.0.10' } }, (s) => s.spec.clusterIPs, ['10.96.0.10']],
    ['ClientIP affinity gets a 10800 s timeout', { spec: { sessionAffinity: 'ClientIP' } }, (s) => s.spec.sessionAffinityConfig, { clientIP: { timeoutSeconds: 10800 } }],
    ['ExternalName services get no traffic policy or families', { spec: { type: 'ExternalName', externalName: 'db.example.com', ports: [] } },
      (s) => [s.spec.internalTrafficPolicy, s.spec.ipFamilies], [undefined, undefined]],
  ]);
});

describe('service validation', () => {
  validationTable('services', [
    ['type must be known', { spec: { type: 'Ingress' } }, { field: 'spec.type', reason: 'FieldValueNotSupported' }],
    ['service names are DNS-1035 labels', { metadata: { name: '1web' } }, { field: 'metadata.name', reason: 'FieldValueInvalid' }],
    ['ports are required', { spec: { ports: [] } }, { field: 'spec.ports', reason: 'FieldValueRequired' }],
    ['ports are 1-65535', { spec: { ports: [{ port: 0 }] } }, { field: 'spec.ports[0].port', message: 'Invalid value: 0: must be between 1 and 65535, inclusive' }],
    ['several ports need names', { spec: { ports: [{ name: 'a', port: 80 }, { port: 81 }] } }, { field: 'spec.ports[1].name', reason: 'FieldValueRequired' }],
    ['port names are unique', { spec: { ports: [{ name: 'a', port: 80 }, { name: 'a', port: 81 }] } }, { field: 'spec.ports[1].name', reason: 'FieldValueDuplicate' }],
    ['port protocols must be known', { spec: { ports: [{ port: 80, protocol: 'ICMP' }] } }, { field: 'spec.ports[0].protocol', reason: 'FieldValueNotSupported' }],
    ['a numeric targetPort is in range', { spec: { ports: [{ port: 80, targetPort: 70000 }] } }, { field: 'spec.ports[0].targetPort', reason: 'FieldValueInvalid' }],
    ['a named targetPort is an IANA name', { spec: { ports: [{ port: 80, targetPort: 'HTTP_1' }] } }, { field: 'spec.ports[0].targetPort', reason: 'FieldValueInvalid' }],
    ['nodePort is forbidden for ClusterIP', { spec: { ports: [{ port: 80, nodePort: 30080 }] } },
      { field: 'spec.ports[0].nodePort', reason: 'FieldValueForbidden', message: "Forbidden: may not be used when `type` is 'ClusterIP'" }],
    ['nodePort is in 30000-32767', { spec: { type: 'NodePort', ports: [{ port: 80, nodePort: 80 }] } },
      { field: 'spec.ports[0].nodePort', message: 'Invalid value: 80: provided port is not in the valid range. The range of valid ports is 30000-32767' }],
    ['nodePorts are unique', { spec: { type: 'NodePort', ports: [{ name: 'a', port: 80, nodePort: 30001 }, { name: 'b', port: 81, nodePort: 30001 }] } },
      { field: 'spec.ports[1].nodePort', reason: 'FieldValueDuplicate' }],
    ['clusterIP must be an IP or None', { spec: { clusterIP: 'ten' } }, { field: 'spec.clusterIPs[0]', reason: 'FieldValueInvalid' }],
    ['headless NodePort services are invalid', { spec: { type: 'NodePort', clusterIP: 'None' } }, { field: 'spec.clusterIPs[0]', reason: 'FieldValueInvalid' }],
    ['ExternalName services need externalName', { spec: { type: 'ExternalName', ports: [] } }, { field: 'spec.externalName', reason: 'FieldValueRequired' }],
    ['sessionAffinity must be known', { spec: { sessionAffinity: 'Cookie' } }, { field: 'spec.sessionAffinity', reason: 'FieldValueNotSupported' }],
    ['ClientIP timeout is at most a day', { spec: { sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 90000 } } } },
      { field: 'spec.sessionAffinityConfig.clientIP.timeoutSeconds', reason: 'FieldValueInvalid' }],
    ['externalTrafficPolicy is only for NodePort and LoadBalancer', { spec: { externalTrafficPolicy: 'Local' } }, { field: 'spec.externalTrafficPolicy', reason: 'FieldValueInvalid' }],
    ['internalTrafficPolicy must be known', { spec: { internalTrafficPolicy: 'Nearby' } }, { field: 'spec.internalTrafficPolicy', reason: 'FieldValueNotSupported' }],
    ['ipFamilyPolicy must be known', { spec: { ipFamilyPolicy: 'Both' } }, { field: 'spec.ipFamilyPolicy', reason: 'FieldValueNotSupported' }],
    ['selector values must be label values', { spec: { selector: { app: 'a b' } } }, { field: 'spec.selector', reason: 'FieldValueInvalid' }],
  ]);

  it('accepts a headless service without ports', () => {
    const s = defaulted<Service>('services', { spec: { clusterIP: 'None', ports: [] } });
    expect(serviceKind.validate(s)).toEqual([]);
  });
});

describe('service update validation', () => {
  updateTable('services', [
    ['changing ports is allowed', { spec: { clusterIP: '10.96.0.10' } }, (s) => { s.spec.ports[0].port = 81; }, null],
    ['clusterIPs may not change once set', { spec: { clusterIP: '10.96.0.10' } }, (s) => { s.spec.clusterIP = '10.96.0.11'; s.spec.clusterIPs = ['10.96.0.11']; },
      { field: 'spec.clusterIPs[0]', message: 'Invalid value: []string{"10.96.0.11"}: may not change once set' }],
    ['switching to ExternalName may drop the clusterIP', { spec: { clusterIP: '10.96.0.10' } },
      (s) => { s.spec = { type: 'ExternalName', externalName: 'db.example.com', sessionAffinity: 'None' }; }, null],
  ]);
});

describe('patchAllocatedServiceValues', () => {
  it('carries the allocated clusterIP and nodePorts into an update that omits them', () => {
    const old = defaulted<Service>('services', { spec: { type: 'NodePort', clusterIP: '10.96.0.10', ports: [{ port: 80, nodePort: 30080 }] } });
    const next = defaulted<Service>('services', { spec: { type: 'NodePort', ports: [{ port: 80 }] } });
    delete next.spec!.clusterIP;
    delete next.spec!.clusterIPs;
    patchAllocatedServiceValues(next, old);
    expect(next.spec?.clusterIPs).toEqual(['10.96.0.10']);
    expect(next.spec?.ports?.[0]?.nodePort).toBe(30080);
    expect(serviceKind.validateUpdate(next, old)).toEqual([]);
  });
});

describe('service selectable fields', () => {
  it('exposes spec.clusterIP and spec.type', () => {
    expect(serviceKind.selectableFields(defaulted<Service>('services', { spec: { clusterIP: '10.96.0.1' } }))).toEqual({ 'spec.clusterIP': '10.96.0.1', 'spec.type': 'ClusterIP' });
  });
});
