import { describe, it, expect, afterEach } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KubeObject } from '../api/meta.ts';
import { resources } from '../api/resources.ts';
import { realClock } from '../clock.ts';
import { SharedInformer } from '../informer/shared-informer.ts';
import { FakeClient } from '../testing/fake-client.ts';
import { createHttpClient } from './http-client.ts';

// A FakeClient served over HTTP (list and watch of configmaps only), so the informer runs
// through the real HTTP client: chunked watch, bookmarks, 410 → relist.
function serve(fake: FakeClient): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const m = /^\/api\/v1\/(?:namespaces\/([^/]+)\/)?configmaps$/.exec(url.pathname);
    if (!m) {
      res.writeHead(404).end();
      return;
    }
    const q = url.searchParams;
    const opts = {
      ...(m[1] ? { namespace: decodeURIComponent(m[1]) } : {}),
      ...(q.get('resourceVersion') !== null ? { resourceVersion: q.get('resourceVersion')! } : {}),
      ...(q.get('allowWatchBookmarks') ? { allowWatchBookmarks: true } : {}),
    };
    if (q.get('watch') === 'true') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      const stream = fake.watch(resources.configmaps, opts);
      res.on('close', () => stream.close());
      void (async () => {
        for await (const ev of stream) res.write(JSON.stringify(ev) + '\n');
        res.end();
      })();
      return;
    }
    fake.list(resources.configmaps, { ...opts, ...(q.get('limit') ? { limit: Number(q.get('limit')) } : {}), ...(q.get('continue') ? { continue: q.get('continue')! } : {}) }).then(
      (list) => res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(list)),
      () => res.writeHead(500).end('list failed'),
    );
  });
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r(server)));
}

async function eventually(check: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await realClock.sleep(10);
  expect(check()).toBe(true);
}

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c();
  cleanup = [];
});

describe('SharedInformer over the HTTP client', () => {
  it('follows list, watch, disconnects and 410s through a real socket', async () => {
    const fake = new FakeClient();
    const cm = (name: string): KubeObject => ({ metadata: { namespace: 'ns', name } });
    await fake.create(resources.configmaps, cm('a'));
    await fake.create(resources.configmaps, cm('b'));
    await fake.create(resources.configmaps, cm('c'));
    const server = await serve(fake);
    const client = createHttpClient({ server: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
    const informer = new SharedInformer({ client, clock: realClock, type: resources.configmaps, pageSize: 2 });
    cleanup.push(async () => {
      await informer.stop();
      client.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    });
    informer.run();
    expect(await informer.waitForSync()).toBe(true);
    expect(informer.store.listKeys().sort()).toEqual(['ns/a', 'ns/b', 'ns/c']);

    await fake.create(resources.configmaps, cm('d'));
    await eventually(() => informer.store.has('ns/d'));

    fake.disconnectWatches();
    await fake.delete(resources.configmaps, 'a', { namespace: 'ns' });
    await eventually(() => !informer.store.has('ns/a'));

    fake.expireWatches();
    await fake.delete(resources.configmaps, 'b', { namespace: 'ns' });
    await fake.create(resources.configmaps, cm('e'));
    const want = () => fake.snapshot(resources.configmaps).map((o) => `${o.metadata.name}@${o.metadata.resourceVersion}`).sort().join(',');
    const got = () => informer.store.list().map((o) => `${o.metadata.name}@${o.metadata.resourceVersion}`).sort().join(',');
    await eventually(() => got() === want());
    expect(fake.calls.list).toBeGreaterThanOrEqual(4); // two pages, then two again after the 410
  });
});
