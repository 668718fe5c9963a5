// HTTP watches over a real socket: events go out as pre-framed chunks shared by every
// watcher, and the stream ends with a proper last chunk, so a keep-alive connection
// serves the next request.
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { resources } from '@kubesim/shared';
import { makeConfigMap, makeRegistry } from '../test-helpers.ts';
import type { Registry } from '../registry/registry.ts';
import { frameChunk } from '../registry/watch.ts';
import { buildApp } from './app.ts';

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
