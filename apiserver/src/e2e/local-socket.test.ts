// The apiserver's local Unix socket: kubesim's HTTP client reaches the same API through it
// (named by a kubeconfig's kubesim.io/local-socket extension), a token is still required,
// a socket file left by a killed apiserver is taken over, and a live one is not.
import { describe, it, expect } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHttpClient, loadKubeconfig, noopLogger, resources } from '@kubesim/shared';
import type { ConfigMap } from '@kubesim/shared';
import { writeKubeconfig } from '../auth/kubeconfig.ts';
import { startApiserver } from '../server.ts';

function rawGet(socketPath: string, path: string, token?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath, path, headers: token ? { authorization: `Bearer ${token}` } : {} }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the local socket', () => {
  it('serves the same API as the port, with the same authentication', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubesim-sock-'));
    const socketPath = join(dir, 'apiserver.sock');
    const api = await startApiserver({ dataDir: dir, port: 0, store: 'memory', logger: noopLogger, socketPath });
    try {
      expect(api.socketPath).toBe(socketPath);
      expect(statSync(socketPath).mode & 0o777).toBe(0o600);
      const kubeconfig = join(dir, 'component.kubeconfig');
      writeKubeconfig(kubeconfig, { server: api.url, caCert: api.caCert!, token: api.adminToken!, socketPath });
      const conn = loadKubeconfig(kubeconfig);
      expect(conn.socketPath).toBe(socketPath);
      const client = createHttpClient(conn);
      const cm: ConfigMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'via-socket', namespace: 'default' }, data: { a: '1' } };
      await client.create(resources.configmaps, cm, { namespace: 'default' });
      // written through the socket, read through the HTTPS port
      const overTls = createHttpClient({ server: api.url, ca: api.caCert!, token: api.adminToken! });
      expect((await overTls.get(resources.configmaps, 'via-socket', { namespace: 'default' })).data).toEqual({ a: '1' });
      // a watch over the socket sees a write made over the port
      const watch = await client.watch(resources.configmaps, { namespace: 'default', resourceVersion: '0' });
      const names: string[] = [];
      for await (const ev of watch) {
        names.push((ev.object as ConfigMap).metadata.name!);
        // the watch is established (it listed what is there): now write over the port
        if (names.length === 1) await overTls.create(resources.configmaps, { ...cm, metadata: { name: 'via-port', namespace: 'default' } }, { namespace: 'default' });
        if (names.includes('via-port')) break;
      }
      watch.close();
      expect(names).toEqual(['via-socket', 'via-port']);
      client.close();
      overTls.close();
      expect(await rawGet(socketPath, '/api/v1/namespaces/default/configmaps')).toBe(401);
      expect(await rawGet(socketPath, '/api/v1/namespaces/default/configmaps', api.adminToken)).toBe(200);
    } finally {
      await api.close();
      rmSync(dir, { recursive: true, force: true });
    }
    expect(existsSync(socketPath)).toBe(false);
  });

  it('takes over a socket file nobody serves, and refuses one that is served', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubesim-sock-'));
    const socketPath = join(dir, 'apiserver.sock');
    // what a SIGKILLed apiserver leaves: a socket file nobody listens on
    const holder = spawn(process.execPath, ['-e', `require('node:net').createServer().listen(${JSON.stringify(socketPath)}, () => console.log('listening'))`], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => holder.stdout!.once('data', () => resolve()));
    holder.kill('SIGKILL');
    await new Promise((resolve) => holder.once('exit', resolve));
    expect(existsSync(socketPath)).toBe(true);
    const api = await startApiserver({ dataDir: dir, port: 0, store: 'memory', logger: noopLogger, socketPath });
    try {
      expect(await rawGet(socketPath, '/readyz', api.adminToken)).toBe(200);
      await expect(startApiserver({ dataDir: dir, port: 0, store: 'memory', logger: noopLogger, socketPath })).rejects.toThrow(/another apiserver is serving/);
      // the first one still serves
      expect(await rawGet(socketPath, '/readyz', api.adminToken)).toBe(200);
    } finally {
      await api.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
