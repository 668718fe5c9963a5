import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connect } from 'node:net';
import { isInvalid, resources } from '@kubesim/shared';
import type { Service } from '@kubesim/shared';
import { connectOutcome, eventually, get, makeService, ns, setEndpoints, startProxyCluster, tally } from './support.ts';
import type { FakePod, ProxyCluster } from './support.ts';

describe('proxy-sim against a real apiserver', () => {
  let c: ProxyCluster;
  let pods: FakePod[];
  beforeEach(async () => {
    c = await startProxyCluster();
    pods = [await c.pod('web-a', '10.244.1.1'), await c.pod('web-b', '10.244.1.2'), await c.pod('web-c', '10.244.1.3')];
  });
  afterEach(async () => {
    await c.stop();
  });

  const nodePortOf = async (name: string): Promise<number> => (await c.client.get(resources.services, name, ns)).spec!.ports![0]!.nodePort!;
  const inRotation = (name: string): string[] =>
    c.proxy
      .services()
      .filter((s) => s.name === name)
      .flatMap((s) => s.endpoints.filter((e) => e.inRotation).map((e) => e.pod ?? ''))
      .sort();

  it('spreads requests to a NodePort and to the local ClusterIP port exactly evenly over three endpoints', async () => {
    await c.client.create(resources.services, makeService('web', { type: 'NodePort' }), ns);
    await setEndpoints(c.client, 'web', pods.map((pod) => ({ pod })));
    await eventually(() => inRotation('web').length === 3);
    const nodePort = `127.0.0.1:${await nodePortOf('web')}`;
    const local = c.proxy.localEndpoint('default', 'web', 80)!;
    for (const address of [nodePort, local]) {
      const answers: string[] = [];
      for (let i = 0; i < 30; i++) answers.push(await get(address));
      expect(tally(answers)).toEqual({ 'web-a': 10, 'web-b': 10, 'web-c': 10 });
      // round-robin: each window of three consecutive answers names all three pods
      for (let i = 0; i + 3 <= answers.length; i++) expect(new Set(answers.slice(i, i + 3)).size).toBe(3);
    }
  });

  it('a proxy started after the service and its pod endpoints exist has their backends from its first sync', async () => {
    await c.client.create(resources.services, makeService('web'), ns);
    await setEndpoints(c.client, 'web', pods.map((pod) => ({ pod })));
    await eventually(() => inRotation('web').length === 3);
    const { startProxySim } = await import('../src/index.ts');
    const { realClock } = await import('@kubesim/shared');
    const second = await startProxySim({ client: c.client, clock: realClock, statusPort: 0, publishLocalEndpoints: false });
    try {
      // no waiting: the pods were listed before the first sync
      const endpoints = second.services().filter((s) => s.name === 'web').flatMap((s) => s.endpoints);
      expect(endpoints.map((e) => [e.pod, e.inRotation])).toEqual([['default/web-a', true], ['default/web-b', true], ['default/web-c', true]]);
    } finally {
      await second.stop();
    }
  });

  it('publishes the local port on the service as kubesim.io/local-endpoint-<port> and in /services', async () => {
    await c.client.create(resources.services, makeService('web'), ns);
    const local = await eventually(() => c.proxy.localEndpoint('default', 'web', 'http'));
    const svc = await eventually(async () => {
      const s = await c.client.get(resources.services, 'web', ns);
      return s.metadata.annotations?.['kubesim.io/local-endpoint-80'] ? s : undefined;
    });
    expect(svc.metadata.annotations?.['kubesim.io/local-endpoint-80']).toBe(local);
    const listed = (await (await fetch(`${c.proxy.statusUrl}/services`)).json()) as { name: string; local: string; clusterIP: string }[];
    expect(listed.find((s) => s.name === 'web')).toMatchObject({ local, clusterIP: svc.spec?.clusterIP });
  });

  it('takes a removed endpoint out of rotation, and lets new ones in, without a restart', async () => {
    await c.client.create(resources.services, makeService('web'), ns);
    await setEndpoints(c.client, 'web', pods.map((pod) => ({ pod })));
    await eventually(() => inRotation('web').length === 3);
    await setEndpoints(c.client, 'web', [{ pod: pods[0]! }, { pod: pods[2]! }]);
    await eventually(() => inRotation('web').join() === 'default/web-a,default/web-c');
    const local = c.proxy.localEndpoint('default', 'web', 80)!;
    const answers: string[] = [];
    for (let i = 0; i < 10; i++) answers.push(await get(local));
    expect(tally(answers)).toEqual({ 'web-a': 5, 'web-c': 5 });
    const extra = await c.pod('web-d', '10.244.1.4');
    await setEndpoints(c.client, 'web', [...pods, extra].map((pod) => ({ pod })));
    await eventually(() => inRotation('web').length === 4);
  });

  it('leaves an unready endpoint out, and uses serving-but-terminating ones only when no ready one remains', async () => {
    await c.client.create(resources.services, makeService('web'), ns);
    await setEndpoints(c.client, 'web', [{ pod: pods[0]! }, { pod: pods[1]!, ready: false }, { pod: pods[2]!, ready: false, serving: true, terminating: true }]);
    await eventually(() => inRotation('web').join() === 'default/web-a');
    const local = c.proxy.localEndpoint('default', 'web', 80)!;
    for (let i = 0; i < 4; i++) expect(await get(local)).toBe('web-a');
    await setEndpoints(c.client, 'web', [{ pod: pods[0]!, ready: false }, { pod: pods[1]!, ready: false }, { pod: pods[2]!, ready: false, serving: true, terminating: true }]);
    await eventually(() => inRotation('web').join() === 'default/web-c');
    expect(await get(local)).toBe('web-c');
  });

  it('keeps a client on one endpoint with ClientIP affinity', async () => {
    await c.client.create(resources.services, makeService('sticky', { sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } } }), ns);
    await setEndpoints(c.client, 'sticky', pods.map((pod) => ({ pod })));
    await eventually(() => inRotation('sticky').length === 3);
    const local = c.proxy.localEndpoint('default', 'sticky', 80)!;
    const answers: string[] = [];
    for (let i = 0; i < 12; i++) answers.push(await get(local));
    expect(new Set(answers).size).toBe(1);
  });

  it('resets a connection at once when the service has no endpoint, instead of leaving it hanging', async () => {
    await c.client.create(resources.services, makeService('empty', { type: 'NodePort' }), ns);
    const local = await eventually(() => c.proxy.localEndpoint('default', 'empty', 80));
    expect(['reset', 'refused', 'closed']).toContain(await connectOutcome(local));
    expect(['reset', 'refused', 'closed']).toContain(await connectOutcome(`127.0.0.1:${await nodePortOf('empty')}`));
    const text = await (await fetch(`${c.proxy.statusUrl}/metrics`)).text();
    expect(text).toMatch(/kubesim_proxy_connections_rejected_total\{namespace="default",service="empty",port="http",frontend="cluster"\} 1/);
  });

  it('skips a dead backend and counts the failed attempt', async () => {
    await c.client.create(resources.services, makeService('web'), ns);
    await setEndpoints(c.client, 'web', pods.map((pod) => ({ pod })));
    await eventually(() => inRotation('web').length === 3);
    await pods[1]!.close();
    const local = c.proxy.localEndpoint('default', 'web', 80)!;
    const answers: string[] = [];
    for (let i = 0; i < 12; i++) answers.push(await get(local));
    expect(answers).not.toContain('web-b');
    expect(answers.length).toBe(12);
    const text = await (await fetch(`${c.proxy.statusUrl}/metrics`)).text();
    expect(text).toMatch(/kubesim_proxy_endpoint_connect_errors_total\{[^}]*endpoint="10\.244\.1\.2:8080"[^}]*\} [1-9]/);
    expect(text).toMatch(/kubesim_proxy_endpoint_connections_total\{[^}]*endpoint="10\.244\.1\.1:8080",pod="default\/web-a"\} [1-9]/);
  });

  it('lets a connection in flight finish after its endpoint leaves the service', async () => {
    await c.client.create(resources.services, makeService('web'), ns);
    await setEndpoints(c.client, 'web', [{ pod: pods[0]! }]);
    await eventually(() => inRotation('web').length === 1);
    const [host, port] = c.proxy.localEndpoint('default', 'web', 80)!.split(':');
    const sock = connect({ host: host!, port: Number(port) });
    await new Promise<void>((r) => sock.once('connect', () => r()));
    sock.write('GET / HTTP/1.1\r\nHost: x\r\n');
    await setEndpoints(c.client, 'web', [{ pod: pods[1]! }]);
    await eventually(() => inRotation('web').join() === 'default/web-b');
    const answer = await new Promise<string>((resolve) => {
      let buf = '';
      sock.on('data', (d) => (buf += d.toString()));
      sock.on('end', () => resolve(buf));
      sock.write('Connection: close\r\n\r\n');
    });
    expect(answer).toMatch(/^HTTP\/1\.1 200/);
    expect(answer.endsWith('web-a')).toBe(true);
  });

  it('gives a LoadBalancer service a node port and 127.0.0.1 as ingress, and headless or ExternalName services nothing', async () => {
    await c.client.create(resources.services, makeService('lb', { type: 'LoadBalancer' }), ns);
    await c.client.create(resources.services, makeService('headless', { clusterIP: 'None' }), ns);
    await c.client.create(resources.services, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'ext', namespace: 'default' }, spec: { type: 'ExternalName', externalName: 'example.com' } }, ns);
    await setEndpoints(c.client, 'lb', [{ pod: pods[0]! }]);
    const lb = await eventually(async () => {
      const s = await c.client.get(resources.services, 'lb', ns);
      return s.status?.loadBalancer?.ingress?.length ? s : undefined;
    });
    expect(lb.status?.loadBalancer?.ingress).toEqual([{ ip: '127.0.0.1', ipMode: 'VIP' }]);
    await eventually(() => inRotation('lb').length === 1);
    expect(await get(`127.0.0.1:${lb.spec!.ports![0]!.nodePort}`)).toBe('web-a');
    const names = c.proxy.services().map((s) => s.name);
    expect(names).not.toContain('headless');
    expect(names).not.toContain('ext');
    // the apiserver's own `kubernetes` service is proxied to the apiserver
    expect(names).toContain('kubernetes');
  });

  it('leaves NodePort conflicts to the apiserver, which rejects the second service', async () => {
    const first = await c.client.create(resources.services, makeService('one', { type: 'NodePort' }), ns);
    const taken = first.spec!.ports![0]!.nodePort!;
    const clash: Service = makeService('two', { type: 'NodePort', ports: [{ name: 'http', port: 80, targetPort: 8080, nodePort: taken }] });
    const err = await c.client.create(resources.services, clash, ns).catch((e: unknown) => e);
    expect(isInvalid(err)).toBe(true);
    expect(String((err as Error).message)).toContain('provided port is already allocated');
  });
});
