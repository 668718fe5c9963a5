import { describe, expect, it } from 'vitest';
import type { EndpointSlice, Pod, Service } from '@kubesim/shared';
import { makeBackendResolver } from './backends.ts';
import { servicePorts, usableEndpoints } from './service-ports.ts';
import type { ProxyEndpoint } from './service-ports.ts';

const svc = (spec: NonNullable<Service['spec']>): Service => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec: { clusterIP: '10.96.0.5', ...spec } });
const slice = (endpoints: EndpointSlice['endpoints'], ports: EndpointSlice['ports'] = [{ name: 'http', port: 8080, protocol: 'TCP' }]): EndpointSlice => ({
  apiVersion: 'discovery.k8s.io/v1',
  kind: 'EndpointSlice',
  metadata: { name: 'web-x', namespace: 'default', labels: { 'kubernetes.io/service-name': 'web' } },
  addressType: 'IPv4',
  endpoints,
  ports,
});
const pod = (name: string, uid: string, backend?: string): Pod => ({ metadata: { name, namespace: 'default', uid, ...(backend ? { annotations: { 'kubesim.io/backend-8080': backend } } : {}) } }) as Pod;
const ep = (id: string, o: Partial<ProxyEndpoint> = {}): ProxyEndpoint => ({ id, ip: id.split(':')[0]!, port: 8080, backend: `127.0.0.1:1${id.slice(-1)}`, ready: true, serving: true, terminating: false, ...o });

describe('servicePorts', () => {
  const pods = new Map([
    ['default/a', pod('a', 'uid-a', '127.0.0.1:4001')],
    ['default/b', pod('b', 'uid-b')],
    ['default/c', pod('c', 'other-uid', '127.0.0.1:4003')],
  ]);
  const resolve = makeBackendResolver((ns, name) => pods.get(`${ns}/${name}`));

  it('maps each TCP service port to its endpoints, reachable through the pod\'s backend annotation', () => {
    const infos = servicePorts(
      svc({ type: 'NodePort', ports: [{ name: 'http', port: 80, targetPort: 8080, nodePort: 30080 }, { name: 'dns', port: 53, protocol: 'UDP' }] }),
      [
        slice([
          { addresses: ['10.244.0.1'], conditions: { ready: true }, targetRef: { kind: 'Pod', name: 'a', namespace: 'default', uid: 'uid-a' } },
          { addresses: ['10.244.0.2'], conditions: { ready: false }, targetRef: { kind: 'Pod', name: 'b', namespace: 'default', uid: 'uid-b' } },
          { addresses: ['10.244.0.3'], targetRef: { kind: 'Pod', name: 'c', namespace: 'default', uid: 'uid-c' } },
          { addresses: ['127.0.0.1'] },
        ]),
      ],
      resolve,
    );
    expect(infos).toHaveLength(1);
    expect(infos[0]).toMatchObject({ key: 'default/web:http', port: 80, nodePort: 30080, clusterIP: '10.96.0.5', affinityTimeoutMs: 0 });
    expect(infos[0]!.endpoints.map((e) => [e.id, e.backend, e.ready, e.serving])).toEqual([
      ['10.244.0.1:8080', '127.0.0.1:4001', true, true],
      ['10.244.0.2:8080', undefined, false, false],
      // a pod recreated under the same name (other UID) is not the endpoint's pod
      ['10.244.0.3:8080', undefined, true, true],
      ['127.0.0.1:8080', '127.0.0.1:8080', true, true],
    ]);
  });

  it('merges slices, keeping the ready copy of an endpoint listed twice', () => {
    const s1 = slice([{ addresses: ['10.244.0.1'], conditions: { ready: false } }]);
    const s2 = slice([{ addresses: ['10.244.0.1'], conditions: { ready: true } }]);
    const [info] = servicePorts(svc({ ports: [{ name: 'http', port: 80 }] }), [s1, s2], resolve);
    expect(info!.endpoints.map((e) => e.ready)).toEqual([true]);
  });

  it('serves nothing for headless and ExternalName services, and defaults the ClientIP timeout to 10800 s', () => {
    expect(servicePorts(svc({ clusterIP: 'None', ports: [{ port: 80 }] }), [], resolve)).toEqual([]);
    expect(servicePorts({ ...svc({ type: 'ExternalName', externalName: 'x.example' }), spec: { type: 'ExternalName', externalName: 'x.example' } }, [], resolve)).toEqual([]);
    expect(servicePorts(svc({ sessionAffinity: 'ClientIP', ports: [{ port: 80 }] }), [], resolve)[0]!.affinityTimeoutMs).toBe(10_800_000);
  });
});

describe('usableEndpoints', () => {
  it('uses ready endpoints, falling back to serving-and-terminating ones only when none is ready', () => {
    const eps = [ep('10.0.0.1:8080'), ep('10.0.0.2:8080', { ready: false, serving: true, terminating: true }), ep('10.0.0.3:8080', { ready: false, serving: false })];
    expect(usableEndpoints(eps, false, undefined).map((e) => e.id)).toEqual(['10.0.0.1:8080']);
    expect(usableEndpoints(eps.slice(1), false, undefined).map((e) => e.id)).toEqual(['10.0.0.2:8080']);
  });

  it('keeps only this node\'s endpoints under a Local policy when the proxy knows its node', () => {
    const eps = [ep('10.0.0.1:8080', { nodeName: 'n1' }), ep('10.0.0.2:8080', { nodeName: 'n2' })];
    expect(usableEndpoints(eps, true, 'n2').map((e) => e.id)).toEqual(['10.0.0.2:8080']);
    expect(usableEndpoints(eps, true, 'n3')).toEqual([]);
    expect(usableEndpoints(eps, true, undefined)).toHaveLength(2);
  });

  it('drops endpoints that are not reachable from this machine', () => {
    expect(usableEndpoints([ep('10.0.0.1:8080', { backend: undefined })], false, undefined)).toEqual([]);
  });
});
