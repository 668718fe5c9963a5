// HTTP watches over a real socket: events go out as pre-framed chunks shared by every
// watcher, the events of one event-loop turn in one write, and the stream ends with a
// proper last chunk, so a keep-alive connection serves the next request.
import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { resources } from '@kubesim/shared';
import { makeConfigMap, makeRegistry } from '../test-helpers.ts';
import type { Registry } from '../registry/registry.ts';
import { eventChunk, frameChunk } from '../registry/watch.ts';
import { CachedObject } from '../registry/cached-object.ts';
import type { CacheEvent } from '../registry/watch-cache.ts';
import { buildApp } from './app.ts';
import { writeCoalesced } from './watch-stream.ts';

let registry: Registry;
let app: FastifyInstance;
let port: number;
beforeAll(async () => {
  registry = await makeRegistry();
  app = await buildApp({ registry });
  await app.listen({ port: 0, host: '127.0.0.1' });
  port = (app.server.address() as { port: number }).port;
});
afterAll(async () => {
  await app.close();
  await registry.stop();
});

function get(path: string, agent: http.Agent, onLine?: (line: string) => void): Promise<{ body: string; socket: unknown }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, agent }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          body += c;
          for (const line of c.split('\n').filter(Boolean)) onLine?.(line);
        });
        res.on('end', () => resolve({ body, socket: res.socket }));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

describe('frameChunk', () => {
  it('frames bytes as one HTTP/1.1 chunk, the length in hex', () => {
    expect(frameChunk(Buffer.from('{"a":"é"}\n')).toString()).toBe('b\r\n{"a":"é"}\n\r\n');
  });
});

describe('eventChunk', () => {
  it('is the event line framed as one chunk, multi-byte characters counted in bytes', () => {
    const json = '{"kind":"ConfigMap","data":{"greeting":"grüß dich ✓"}}';
    const line = `{"type":"MODIFIED","object":${json}}\n`;
    expect(eventChunk('MODIFIED', json).equals(frameChunk(Buffer.from(line)))).toBe(true);
  });
});

describe('writeCoalesced', () => {
  it('sends the writes of one event-loop turn together, in order, and uncorks after the turn', async () => {
    const received: Buffer[] = [];
    const server = net.createServer((s) => s.on('data', (d: Buffer) => received.push(d)));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const socket = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    // what the socket hands the kernel: one entry per write, the number of buffers in it
    const writes: number[] = [];
    const writev = socket._writev!.bind(socket);
    const write = socket._write.bind(socket);
    socket._writev = (chunks, cb) => {
      writes.push(chunks.length);
      writev(chunks, cb);
    };
    socket._write = (chunk, encoding, cb) => {
      writes.push(1);
      write(chunk, encoding, cb);
    };
    for (const part of ['a', 'b', 'c']) writeCoalesced(socket, Buffer.from(part));
    expect(socket.writableCorked).toBe(1);
    await new Promise((r) => setImmediate(r));
    expect(socket.writableCorked).toBe(0);
    expect(writes).toEqual([3]);
    while (Buffer.concat(received).length < 3) await new Promise((r) => setTimeout(r, 5));
    expect(Buffer.concat(received).toString()).toBe('abc');
    socket.destroy();
    await new Promise((r) => server.close(r));
  });
});

describe('the watch cache fan-out', () => {
  it('shares one encoding among the watchers of an event and keeps none in its history', async () => {
    const reg = await makeRegistry();
    try {
      await reg.create(resources.configmaps, makeConfigMap('h0'));
      const cache = reg.cache;
      const chunks: Buffer[] = [];
      const seen: CacheEvent[] = [];
      const deliver = (ev: CacheEvent): void => {
        seen.push(ev);
        chunks.push(encodingOf(ev));
      };
      // what watch.ts does: memoize the encoding on the event for the watchers that follow
      const encodingOf = (ev: CacheEvent): Buffer => {
        ev.memo ??= new Map();
        let enc = ev.memo.get('MODIFIED');
        if (!enc) {
          const c = eventChunk('MODIFIED', ev.object.json);
          enc = { chunk: () => c, line: () => c };
          ev.memo.set('MODIFIED', enc);
        }
        return enc.chunk();
      };
      const terminate = (): void => undefined;
      const stops = [1, 2].map(() => cache.subscribe({ resourcePrefix: '/registry/core/configmaps/', deliver, terminate }, cache.revision));
      await reg.patch(resources.configmaps, 'h0', { data: { a: '1' } }, { type: 'merge', namespace: 'default' });
      while (seen.length < 2) await new Promise((r) => setTimeout(r, 5));
      expect(seen[0]).toBe(seen[1]);
      expect(chunks[0]).toBe(chunks[1]);
      expect(seen[0]!.memo).toBeUndefined();
      expect(seen[0]!.object).toBeInstanceOf(CachedObject);
      for (const stop of stops) stop();
    } finally {
      await reg.stop();
    }
  });
});

describe('HTTP watch streams', () => {
  it('delivers every event to every watcher and ends cleanly, keeping the connection usable', async () => {
    await registry.create(resources.configmaps, makeConfigMap('w0'));
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const other = new http.Agent({ keepAlive: true });
    let seen = 0;
    const watchers = [agent, other].map((a) => get('/api/v1/namespaces/default/configmaps?watch=true&timeoutSeconds=1', a, () => seen++));
    while (seen < 2) await new Promise((r) => setTimeout(r, 10));
    await registry.create(resources.configmaps, makeConfigMap('w1'));
    await registry.patch(resources.configmaps, 'w1', { data: { b: '2' } }, { type: 'merge', namespace: 'default' });
    const [first, second] = await Promise.all(watchers);
    for (const w of [first!, second!]) {
      const events = w.body.trim().split('\n').map((l) => JSON.parse(l) as { type: string; object: { metadata: { name: string } } });
      expect(events.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(['ADDED w0', 'ADDED w1', 'MODIFIED w1']);
    }
    const next = await get('/api/v1/namespaces/default/configmaps/w1', agent);
    expect(JSON.parse(next.body).data).toEqual({ b: '2' });
    expect(next.socket).toBe(first!.socket);
    agent.destroy();
    other.destroy();
  });
});
