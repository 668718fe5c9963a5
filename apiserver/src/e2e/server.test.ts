// startApiserver with the level store: TLS material and tokens reused across restarts,
// objects survive, WebSocket watches, /metrics.
import { describe, it, expect } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { noopLogger, resources } from '@kubesim/shared';
import { startApiserver } from '../server.ts';

describe('startApiserver', () => {
  it('keeps its data, certificates and tokens across a restart on the level store', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubesim-level-'));
    try {
      const a = await startApiserver({ dataDir: dir, port: 0, store: 'level', logger: noopLogger });
      await a.registry.create(resources.configmaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'kept', namespace: 'default' } });
      const ca = a.caCert;
      const token = a.adminToken;
      await a.close();
      const b = await startApiserver({ dataDir: dir, port: 0, store: 'level', logger: noopLogger });
      expect(b.caCert).toBe(ca);
      expect(b.adminToken).toBe(token);
      expect(readFileSync(b.kubeconfigPath!, 'utf8')).toContain('certificate-authority-data');
      expect((await b.registry.get(resources.configmaps, 'kept', { namespace: 'default' })).metadata.name).toBe('kept');
      await b.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('serves watches over WebSocket and Prometheus metrics', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubesim-ws-'));
    const api = await startApiserver({ dataDir: dir, port: 0, store: 'memory', logger: noopLogger });
    try {
      const url = api.url.replace('https', 'wss') + '/api/v1/namespaces/default/configmaps?watch=true';
      const ws = new WebSocket(url, { ca: api.caCert!, headers: { authorization: `Bearer ${api.adminToken}` } });
      const got: Array<{ type: string; object: { metadata: { name: string } } }> = [];
      await new Promise<void>((resolve, reject) => {
        ws.on('open', () => {
          void api.registry.create(resources.configmaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ws1', namespace: 'default' } });
        });
        ws.on('message', (m) => {
          got.push(JSON.parse(m.toString()));
          resolve();
        });
        ws.on('error', reject);
      });
      ws.close();
      expect(got[0]).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'ws1' } } });
      const noToken = new WebSocket(url, { ca: api.caCert! });
      const code = await new Promise<number>((resolve) => noToken.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)).on('error', () => resolve(-1)));
      expect(code).toBe(401);
      const metrics = await api.app.inject({ url: '/metrics', headers: { authorization: `Bearer ${api.adminToken}` } });
      expect(metrics.body).toContain('apiserver_request_total');
      expect(metrics.body).toContain('kubesim_store_revision');
    } finally {
      await api.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
