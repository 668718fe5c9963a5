import { spawn } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttp1Pool, type Http1Pool } from './http1-pool.ts';

const servers: http.Server[] = [];
const pools: Http1Pool[] = [];
afterEach(async () => {
  for (const p of pools.splice(0)) p.close();
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => { s.closeAllConnections(); s.close(r); })));
});

async function serve(handler: http.RequestListener, setup?: (s: http.Server) => void): Promise<{ port: number; connections: () => number }> {
  const server = http.createServer(handler);
  setup?.(server);
  let connections = 0;
  server.on('connection', () => connections++);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as AddressInfo).port, connections: () => connections };
}

function pool(port: number, maxConnections = 4): Http1Pool {
  const p = createHttp1Pool({ connect: () => net.connect(port, '127.0.0.1'), host: `127.0.0.1:${port}`, maxConnections });
  pools.push(p);
  return p;
}

const echo: http.RequestListener = (req, res) => {
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (c: string) => (body += c));
  req.on('end', () => {
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify({ method: req.method, url: req.url, host: req.headers.host, type: req.headers['content-type'] ?? null, length: req.headers['content-length'] ?? null, body }));
  });
};

describe('createHttp1Pool', () => {
  it('sends method, path, Host, headers and body, and reads the answer', async () => {
    const s = await serve(echo);
    const p = pool(s.port);
    const res = await p.request('PATCH', '/api/v1/pods/a%20b?x=1', { 'Content-Type': 'application/merge-patch+json' }, '{"ä":"→"}', undefined);
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body.toString('utf8'))).toEqual({ method: 'PATCH', url: '/api/v1/pods/a%20b?x=1', host: `127.0.0.1:${s.port}`, type: 'application/merge-patch+json', length: String(Buffer.byteLength('{"ä":"→"}')), body: '{"ä":"→"}' });
    const get = JSON.parse((await p.request('GET', '/x', {}, undefined, undefined)).body.toString());
    expect(get).toMatchObject({ method: 'GET', length: null, body: '' });
    const del = JSON.parse((await p.request('DELETE', '/x', {}, undefined, undefined)).body.toString());
    expect(del).toMatchObject({ method: 'DELETE', length: '0' });
  });

  it('keeps a burst on at most maxConnections connections, reused, every answer to its request', async () => {
    const s = await serve(echo);
    const p = pool(s.port, 3);
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => p.request('POST', `/n/${i}`, {}, `body-${i}-${'x'.repeat(i * 100)}`, undefined)));
    answers.forEach((a, i) => expect(JSON.parse(a.body.toString())).toMatchObject({ url: `/n/${i}`, body: `body-${i}-${'x'.repeat(i * 100)}` }));
    expect(s.connections()).toBeLessThanOrEqual(3);
    await p.request('GET', '/again', {}, undefined, undefined);
    expect(s.connections()).toBeLessThanOrEqual(3);
  });

  it('reads answers the server streams in chunks', async () => {
    const text = 'é'.repeat(5000);
    const s = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
      const b = Buffer.from(text);
      // split inside a two-byte character
      res.write(b.subarray(0, 1001));
      setTimeout(() => res.end(b.subarray(1001)), 5);
    });
    const res = await pool(s.port).request('GET', '/', {}, undefined, undefined);
    expect(res.headers.get('transfer-encoding')).toBe('chunked');
    expect(res.body.toString('utf8')).toBe(text);
  });

  it('opens a new connection after the server closed an idle one, or answered Connection: close', async () => {
    const s = await serve((req, res) => {
      if (req.url === '/close') res.setHeader('Connection', 'close');
      // as a server whose keep-alive timeout passed: it ends the idle connection
      if (req.url === '/then-idle-close') res.on('finish', () => setTimeout(() => req.socket.end(), 10));
      res.end('ok');
    });
    const p = pool(s.port, 1);
    expect((await p.request('GET', '/then-idle-close', {}, undefined, undefined)).body.toString()).toBe('ok');
    await new Promise((r) => setTimeout(r, 100));
    expect((await p.request('GET', '/', {}, undefined, undefined)).body.toString()).toBe('ok');
    expect(s.connections()).toBe(2);
    await p.request('GET', '/close', {}, undefined, undefined);
    await p.request('GET', '/', {}, undefined, undefined);
    expect(s.connections()).toBe(3);
  });

  it('aborts a request in flight or waiting for a connection, and goes on serving others', async () => {
    const s = await serve((req, res) => {
      if (req.url === '/hang') return;
      res.end('ok');
    });
    const p = pool(s.port, 1);
    const hang = new AbortController();
    const inFlight = p.request('GET', '/hang', {}, undefined, hang.signal);
    const queued = new AbortController();
    const waiting = p.request('GET', '/', {}, undefined, queued.signal);
    const after = p.request('GET', '/', {}, undefined, undefined);
    queued.abort();
    await expect(waiting).rejects.toMatchObject({ name: 'AbortError' });
    hang.abort();
    await expect(inFlight).rejects.toMatchObject({ name: 'AbortError' });
    expect((await after).body.toString()).toBe('ok');
    const already = new AbortController();
    already.abort();
    await expect(p.request('GET', '/', {}, undefined, already.signal)).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('fails a request whose connection is refused or cut off, and refuses to send bad input', async () => {
    const free = await serve(() => {});
    servers.pop()!.close();
    await expect(pool(free.port).request('GET', '/', {}, undefined, undefined)).rejects.toThrow(/ECONNREFUSED/);
    const s = await serve((req) => req.socket.destroy());
    await expect(pool(s.port).request('GET', '/', {}, undefined, undefined)).rejects.toThrow(/socket hang up|ECONNRESET/);
    const p = pool(s.port);
    expect(() => p.request('GET', '/a b', {}, undefined, undefined)).toThrow(TypeError);
    expect(() => p.request('GET', '/', { 'X-Bad': 'a\r\nInjected: 1' }, undefined, undefined)).toThrow(TypeError);
    expect(() => p.request('GE T', '/', {}, undefined, undefined)).toThrow(TypeError);
  });

  it('lets the process exit while connections are idle', async () => {
    // the server would keep the idle connection open for a minute
    const s = await serve(echo, (srv) => { srv.keepAliveTimeout = 60_000; });
    const script = `import net from 'node:net'; import { createHttp1Pool } from ${JSON.stringify(new URL('./http1-pool.ts', import.meta.url).pathname)};
const p = createHttp1Pool({ connect: () => net.connect(${s.port}, '127.0.0.1'), host: 'h', maxConnections: 2 });
const r = await p.request('GET', '/', {}, undefined, undefined); console.log(r.statusCode);`;
    // the server lives in this process: the child must run while this one serves
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    const timer = setTimeout(() => child.kill(), 20_000);
    const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    clearTimeout(timer);
    expect(out.trim()).toBe('200');
    expect(code).toBe(0);
  });
});
