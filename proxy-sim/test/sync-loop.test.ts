// The proxy's sync loop on a virtual clock, so the order of its steps is exact. Regression:
// a flush that found nothing dirty (its timer fired after a running flush had already
// taken the key) left the loop marked busy for good, and no Service was synced again —
// `kubectl expose` then never got its NodePort.

import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApiserver } from '@kubesim/apiserver';
import type { ApiserverHandle } from '@kubesim/apiserver';
import { VirtualClock, createHttpClient, noopLogger, resources } from '@kubesim/shared';
import type { HttpClient } from '@kubesim/shared';
import { startProxySim } from '../src/index.ts';
import type { ProxySim } from '../src/index.ts';
import { eventually, makeService, ns } from './support.ts';

describe('proxy-sim sync loop', () => {
  let api: ApiserverHandle | undefined;
  let client: HttpClient | undefined;
  let proxy: ProxySim | undefined;
  afterEach(async () => {
    await proxy?.stop();
    client?.close();
    await api?.close();
  });

  it('keeps syncing after a flush that found nothing dirty', async () => {
    api = await startApiserver({ dataDir: mkdtempSync(join(tmpdir(), 'kubesim-proxy-')), port: 0, store: 'memory', logger: noopLogger });
    client = createHttpClient({ server: api.url, token: api.adminToken, ca: api.caCert });
    const clock = new VirtualClock(Date.now());
    proxy = await startProxySim({ client, clock, statusPort: 0 });
    // The informer's ADDED for `kubernetes` queued a flush on the clock; the start-up flush
    // already synced that key. Let the queued flush run now, with nothing left to do.
    await clock.advance(1);
    await client.create(resources.services, makeService('web', { type: 'NodePort' }), ns);
    const synced = await eventually(async () => {
      await clock.advance(1);
      return proxy!.services().find((s) => s.name === 'web');
    }, 10_000);
    expect(synced.nodePort).toBeGreaterThan(0);
  });
});
