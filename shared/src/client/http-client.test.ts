import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { resources } from '../api/resources.ts';
import type { ResourceType } from '../api/resources.ts';
import type { KubeObject, WatchEvent } from '../api/meta.ts';
import { realClock } from '../clock.ts';
import type { Clock } from '../clock.ts';
import { ApiError, isAlreadyExists, isGone, isNotFound, notFound } from '../errors.ts';
import { createHttpClient, PARTIAL_METADATA_ACCEPT } from './http-client.ts';
import type { HttpClient } from './http-client.ts';
import { KubeconfigError, loadKubeconfig, parseKubeconfig } from './kubeconfig.ts';

interface Seen {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: http.IncomingHttpHeaders;
  body: string;
}
type Handler = (req: http.IncomingMessage, res: http.ServerResponse, seen: Seen) => void;

let server: http.Server;
let handler: Handler;
let seen: Seen[];
let client: HttpClient;
let sleeps: number[];

beforeEach(async () => {
  seen = [];
  sleeps = [];
  handler = (_req, res) => json(res, 200, {});
  server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const s: Seen = { method: req.method ?? '', path: url.pathname, query: Object.fromEntries(url.searchParams), headers: req.headers, body };
      seen.push(s);
      handler(req, res, s);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const clock: Clock = { ...realClock, sleep: async (ms) => void sleeps.push(ms) };
  client = createHttpClient({ server: `http://127.0.0.1:${port}`, token: 'sekret', clock, userAgent: 'test-agent' });
});

afterEach(async () => {
  client.close();
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

function json(res: http.ServerResponse, code: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(code, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

const pod = (name: string, rv = '1'): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { namespace: 'default', name, resourceVersion: rv } });

describe('createHttpClient', () => {
  it('builds Kubernetes paths and encodes list and write options', async () => {
    handler = (_req, res) => json(res, 200, { apiVersion: 'v1', kind: 'PodList', metadata: { resourceVersion: '7' }, items: [] });
    const list = await client.list(resources.pods, { namespace: 'a b', labelSelector: 'app=web,tier in (x,y)', fieldSelector: 'spec.nodeName=n1', limit: 10, continue: 'tok&=', resourceVersion: '5', resourceVersionMatch: 'NotOlderThan' });
    expect(list.metadata.resourceVersion).toBe('7');
    expect(seen[0]!.path).toBe('/api/v1/namespaces/a%20b/pods');
    expect(seen[0]!.query).toEqual({ labelSelector: 'app=web,tier in (x,y)', fieldSelector: 'spec.nodeName=n1', limit: '10', continue: 'tok&=', resourceVersion: '5', resourceVersionMatch: 'NotOlderThan' });
    expect(seen[0]!.headers['authorization']).toBe('Bearer sekret');
    expect(seen[0]!.headers['user-agent']).toBe('test-agent');

    await client.list(resources.deployments);
    expect(seen[1]!.path).toBe('/apis/apps/v1/deployments');
    await client.get(resources.nodes, 'n1');
    expect(seen[2]!.path).toBe('/api/v1/nodes/n1');

    await client.create(resources.deployments as ResourceType, { metadata: { namespace: 'ns', name: 'd' } }, { dryRun: true, fieldManager: 'kubectl', fieldValidation: 'Strict' });
    expect(seen[3]).toMatchObject({ method: 'POST', path: '/apis/apps/v1/namespaces/ns/deployments', query: { dryRun: 'All', fieldManager: 'kubectl', fieldValidation: 'Strict' } });
    expect(JSON.parse(seen[3]!.body)).toEqual({ metadata: { namespace: 'ns', name: 'd' } });

    await client.update(resources.pods, pod('p'), { subresource: 'status' });
    expect(seen[4]).toMatchObject({ method: 'PUT', path: '/api/v1/namespaces/default/pods/p/status' });

    await client.patch(resources.deployments, 'd', { spec: { replicas: 2 } }, { namespace: 'ns', type: 'apply', fieldManager: 'me', force: true, subresource: 'scale' });
    expect(seen[5]).toMatchObject({ method: 'PATCH', path: '/apis/apps/v1/namespaces/ns/deployments/d/scale', query: { fieldManager: 'me', force: 'true' } });
    expect(seen[5]!.headers['content-type']).toBe('application/apply-patch+yaml');
    await client.patch(resources.pods, 'p', [{ op: 'remove', path: '/x' }], { namespace: 'default', type: 'json' });
    expect(seen[6]!.headers['content-type']).toBe('application/json-patch+json');

    await client.delete(resources.pods, 'p', { namespace: 'default', gracePeriodSeconds: 0, propagationPolicy: 'Foreground', dryRun: true });
    expect(seen[7]).toMatchObject({ method: 'DELETE', path: '/api/v1/namespaces/default/pods/p' });
    expect(JSON.parse(seen[7]!.body)).toEqual({ kind: 'DeleteOptions', apiVersion: 'v1', gracePeriodSeconds: 0, propagationPolicy: 'Foreground', dryRun: ['All'] });

    await client.deleteCollection(resources.pods, { namespace: 'default', labelSelector: 'a=b' });
    expect(seen[8]).toMatchObject({ method: 'DELETE', path: '/api/v1/namespaces/default/pods', query: { labelSelector: 'a=b' } });

    await client.createSubresource(resources.pods, 'p', 'binding', { target: { name: 'n1' } }, { namespace: 'default' });
    expect(seen[9]).toMatchObject({ method: 'POST', path: '/api/v1/namespaces/default/pods/p/binding' });
    await client.getSubresource(resources.deployments, 'd', 'scale', { namespace: 'ns' });
    expect(seen[10]).toMatchObject({ method: 'GET', path: '/apis/apps/v1/namespaces/ns/deployments/d/scale' });
  });

  it("asks for a PartialObjectMetadata answer for writes with answer: 'metadata', and only for those", async () => {
    const partial = { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: { namespace: 'default', name: 'p', resourceVersion: '9' } };
    handler = (req, res) => json(res, 200, String(req.headers['accept']).includes('PartialObjectMetadata') ? partial : pod('p', '9'));
    expect(await client.patch(resources.pods, 'p', { status: {} }, { namespace: 'default', type: 'merge', subresource: 'status', answer: 'metadata' })).toEqual(partial);
    expect(seen[0]!.headers['accept']).toBe(PARTIAL_METADATA_ACCEPT);
    expect(await client.update(resources.pods, pod('p'), { answer: 'metadata' })).toEqual(partial);
    expect(await client.create(resources.pods, pod('p'), { answer: 'metadata' })).toEqual(partial);
    expect(seen.map((x) => x.headers['accept'])).toEqual([PARTIAL_METADATA_ACCEPT, PARTIAL_METADATA_ACCEPT, PARTIAL_METADATA_ACCEPT]);
    // (no query parameter for it: the Accept header is the whole request)
    expect(seen.map((x) => x.query)).toEqual([{}, {}, {}]);
    expect(await client.patch(resources.pods, 'p', {}, { namespace: 'default', type: 'merge' })).toEqual(pod('p', '9'));
    await client.get(resources.pods, 'p', { namespace: 'default' });
    expect(seen.slice(3).map((x) => x.headers['accept'])).toEqual(['application/json', 'application/json']);
  });

  it('reduces a whole object to its PartialObjectMetadata when the server answers one anyway', async () => {
    handler = (_req, res) => json(res, 201, { ...pod('p', '4'), spec: { containers: [] } });
    const answer = await client.create(resources.pods, pod('p'), { answer: 'metadata' });
    expect(answer).toEqual({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: pod('p', '4').metadata });
  });

  it('turns a Status body into the same ApiError', async () => {
    handler = (_req, res) => json(res, 404, notFound('pods', '', 'nope').status);
    const err = await client.get(resources.pods, 'nope', { namespace: 'default' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(isNotFound(err)).toBe(true);
    expect((err as ApiError).message).toBe('pods "nope" not found');
  });

  it('synthesizes an ApiError from the HTTP code when the body is not a Status', async () => {
    handler = (_req, res) => {
      res.writeHead(409, { 'Content-Type': 'text/html' });
      res.end('<html>conflict</html>');
    };
    const err = (await client.create(resources.pods, pod('p')).catch((e: unknown) => e)) as ApiError;
    expect(isAlreadyExists(err)).toBe(true);
    expect(err.status).toMatchObject({ code: 409, reason: 'AlreadyExists', message: 'the server reported a conflict' });
    handler = (_req, res) => {
      res.writeHead(502);
      res.end('bad gateway');
    };
    const e2 = (await client.get(resources.pods, 'p', { namespace: 'default' }).catch((e: unknown) => e)) as ApiError;
    expect(e2.status).toMatchObject({ code: 502, reason: 'InternalError', message: 'an error on the server ("bad gateway") has prevented the request from succeeding' });
  });

  it('reports a refused connection as a 503 ApiError', async () => {
    const dead = createHttpClient({ server: 'http://127.0.0.1:1' });
    const err = (await dead.get(resources.nodes, 'n').catch((e: unknown) => e)) as ApiError;
    expect(err).toBeInstanceOf(ApiError);
    expect(err.code).toBe(503);
    dead.close();
  });

  it('retries 429 answers after their Retry-After', async () => {
    let n = 0;
    handler = (_req, res) => {
      if (++n <= 2) json(res, 429, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'TooManyRequests', code: 429 }, { 'Retry-After': String(n) });
      else json(res, 200, pod('p'));
    };
    const got = await client.get(resources.pods, 'p', { namespace: 'default' });
    expect(got.metadata.name).toBe('p');
    expect(sleeps).toEqual([1_000, 2_000]);
    expect(seen).toHaveLength(3);
  });

  it('gives up on 429 after maxRetries', async () => {
    handler = (_req, res) => json(res, 429, {}, { 'Retry-After': '0' });
    const err = (await client.get(resources.pods, 'p', { namespace: 'default' }).catch((e: unknown) => e)) as ApiError;
    expect(err.status.reason).toBe('TooManyRequests');
    expect(seen).toHaveLength(6);
  });

  it('streams watch events split across chunk boundaries, and close() aborts the request', async () => {
    const events: WatchEvent[] = [
      { type: 'ADDED', object: pod('ünïcødé-a', '2') },
      { type: 'MODIFIED', object: pod('b', '3') },
      { type: 'BOOKMARK', object: { metadata: { resourceVersion: '4' } } },
    ];
    let closed!: Promise<void>;
    handler = (_req, res) => {
      closed = new Promise((r) => res.on('close', () => r()));
      res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
      const bytes = Buffer.from(events.map((e) => JSON.stringify(e) + '\n').join(''), 'utf8');
      // cut every 7 bytes: through JSON tokens and through multi-byte characters
      let i = 0;
      const writeNext = (): void => {
        if (i >= bytes.length || res.destroyed) return;
        res.write(bytes.subarray(i, i + 7));
        i += 7;
        setImmediate(writeNext);
      };
      writeNext();
    };
    const stream = client.watch(resources.pods, { namespace: 'default', resourceVersion: '1', allowWatchBookmarks: true, timeoutSeconds: 30, labelSelector: 'a=b' });
    const got: WatchEvent[] = [];
    for await (const ev of stream) {
      got.push(ev);
      if (got.length === events.length) stream.close();
    }
    expect(got).toEqual(events);
    expect(seen[0]!.query).toEqual({ watch: 'true', labelSelector: 'a=b', resourceVersion: '1', allowWatchBookmarks: 'true', timeoutSeconds: '30' });
    await closed;
  });

  it('ends the watch when the server ends the response', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ type: 'ADDED', object: pod('a') }) + '\n' + JSON.stringify({ type: 'DELETED', object: pod('a', '2') }));
    };
    const got: string[] = [];
    for await (const ev of client.watch(resources.pods)) got.push(ev.type);
    expect(got).toEqual(['ADDED', 'DELETED']);
    expect(seen[0]!.path).toBe('/api/v1/pods');
  });

  it('yields an ERROR event for a 410 answer to a watch', async () => {
    handler = (_req, res) => json(res, 410, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'Expired', message: 'too old resource version: 1 (9)', code: 410 });
    const got: WatchEvent[] = [];
    for await (const ev of client.watch(resources.pods, { resourceVersion: '1' })) got.push(ev);
    expect(got).toHaveLength(1);
    expect(got[0]!.type).toBe('ERROR');
    expect(isGone(new ApiError(got[0]!.object as never))).toBe(true);
  });

  it('fails the watch iteration for other error answers', async () => {
    handler = (_req, res) => json(res, 403, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'Forbidden', message: 'no', code: 403 });
    const iterate = async (): Promise<void> => {
      for await (const _ of client.watch(resources.pods)) void _;
    };
    await expect(iterate()).rejects.toMatchObject({ status: { code: 403 } });
  });

  it('reads logs as text and as a stream of chunks', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.write('line 1\n');
      setImmediate(() => res.end('line 2\n'));
    };
    expect(await client.logs('p', { namespace: 'ns', container: 'c', tailLines: 5, timestamps: true })).toBe('line 1\nline 2\n');
    expect(seen[0]).toMatchObject({ path: '/api/v1/namespaces/ns/pods/p/log', query: { container: 'c', tailLines: '5', timestamps: 'true' } });
    let text = '';
    for await (const chunk of client.logStream('p', { namespace: 'ns', follow: true })) text += chunk;
    expect(text).toBe('line 1\nline 2\n');
    expect(seen[1]!.query).toEqual({ follow: 'true' });
  });
});

describe('loadKubeconfig', () => {
  const yaml = (ca: string) => `apiVersion: v1
kind: Config
current-context: kubesim
clusters:
- name: kubesim
  cluster:
    server: https://127.0.0.1:6443
    ${ca}
- name: other
  cluster:
    server: https://10.0.0.1:6443
    insecure-skip-tls-verify: true
users:
- name: admin
  user:
    token: abc
- name: filer
  user:
    tokenFile: token.txt
contexts:
- name: kubesim
  context: { cluster: kubesim, user: admin, namespace: dev }
- name: other
  context: { cluster: other, user: filer }
`;

  it('reads the current context from YAML text', () => {
    const caData = Buffer.from('-----BEGIN CERTIFICATE-----\nX\n-----END CERTIFICATE-----\n').toString('base64');
    const c = loadKubeconfig(yaml(`certificate-authority-data: ${caData}`));
    expect(c).toMatchObject({ server: 'https://127.0.0.1:6443', token: 'abc', namespace: 'dev', context: 'kubesim', cluster: 'kubesim', user: 'admin' });
    expect(c.ca).toContain('BEGIN CERTIFICATE');
  });

  it('reads files relative to the kubeconfig and honours a named context', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kubesim-kc-'));
    try {
      writeFileSync(path.join(dir, 'token.txt'), 'from-file\n');
      writeFileSync(path.join(dir, 'ca.crt'), 'PEM');
      writeFileSync(path.join(dir, 'config'), yaml('certificate-authority: ca.crt'));
      const c = loadKubeconfig(path.join(dir, 'config'));
      expect(c.ca).toBe('PEM');
      const o = loadKubeconfig(path.join(dir, 'config'), { context: 'other' });
      expect(o).toMatchObject({ server: 'https://10.0.0.1:6443', token: 'from-file', insecureSkipTLSVerify: true });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names a missing context', () => {
    expect(() => loadKubeconfig(yaml(''), { context: 'nope' })).toThrow(new KubeconfigError('context "nope" does not exist'));
  });

  it("takes the apiserver's local socket from kubesim's cluster extension, relative to the kubeconfig", () => {
    const ext = (extension: string) => yaml(`extensions: [{ name: other.io/x, extension: { a: 1 } }, { name: kubesim.io/local-socket, extension: ${extension} }]`);
    expect(loadKubeconfig(ext('{ path: /run/k/apiserver.sock }')).socketPath).toBe('/run/k/apiserver.sock');
    expect(parseKubeconfig(ext('{ path: run/apiserver.sock }'), { baseDir: '/data' }).socketPath).toBe('/data/run/apiserver.sock');
    expect(loadKubeconfig(yaml('')).socketPath).toBeUndefined();
    expect(() => loadKubeconfig(ext('{ file: x }'))).toThrow(new KubeconfigError('extension kubesim.io/local-socket needs a path'));
  });
});

describe('createHttpClient connections', () => {
  /** a server that counts the connections made to it; watch requests are held open */
  async function countingServer(): Promise<{ url: string; connections: () => number; close: () => Promise<void> }> {
    let connections = 0;
    const srv = http.createServer((req, res) => {
      if ((req.url ?? '').includes('watch=true')) {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.write('');
        return;
      }
      setTimeout(() => json(res, 200, pod('p')), 2);
    });
    srv.on('connection', () => connections++);
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    return {
      url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}`,
      connections: () => connections,
      close: async () => {
        srv.closeAllConnections();
        await new Promise<void>((r) => srv.close(() => r()));
      },
    };
  }

  it('keeps a burst of requests to a bounded pool of connections', async () => {
    const srv = await countingServer();
    const c = createHttpClient({ server: srv.url, maxConnections: 8 });
    try {
      const got = await Promise.all(Array.from({ length: 200 }, () => c.get(resources.pods, 'p', { namespace: 'default' })));
      expect(got).toHaveLength(200);
      expect(srv.connections()).toBeLessThanOrEqual(8);
      await Promise.all(Array.from({ length: 50 }, () => c.get(resources.pods, 'p', { namespace: 'default' })));
      expect(srv.connections()).toBeLessThanOrEqual(8);
    } finally {
      c.close();
      await srv.close();
    }
  });

  it('gives watches connections of their own, so they never starve requests', async () => {
    const srv = await countingServer();
    const c = createHttpClient({ server: srv.url, maxConnections: 2 });
    const watches = Array.from({ length: 5 }, () => c.watch(resources.pods, { namespace: 'default' }));
    try {
      await expect(c.get(resources.pods, 'p', { namespace: 'default' })).resolves.toMatchObject({ metadata: { name: 'p' } });
      await new Promise((r) => setTimeout(r, 20));
      expect(srv.connections()).toBe(6);
    } finally {
      for (const w of watches) w.close();
      c.close();
      await srv.close();
    }
  });
});
