// A kubesim apiserver on a free loopback port (plain HTTP, no authentication: kubectl sends
// no token over http) with a kubeconfig and kubectl cache dir of its own, for tests that run
// the stock `/usr/bin/kubectl`. `startKubectlHarness()` → { kubectl(args), ok(args), registry, close() }.
// Tests skip when kubectl is not installed (`hasKubectl`).

import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import { createMemoryStore } from '@kubesim/store';
import { allResources, realClock, seededRandom } from '@kubesim/shared';
import { Registry } from '../src/registry/registry.ts';
import { buildApp } from '../src/http/app.ts';

export const KUBECTL = '/usr/bin/kubectl';
export const hasKubectl = existsSync(KUBECTL);

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface KubectlHarness {
  registry: Registry;
  dir: string;
  kubectl(args: string[], stdin?: string): Promise<KubectlResult>;
  /** kubectl that must succeed quietly (exit 0, nothing on stderr); its stdout */
  ok(args: string[]): Promise<string>;
  /** write a file into the harness dir; returns its path */
  file(name: string, text: string): string;
  close(): Promise<void>;
}

export async function startKubectlHarness(): Promise<KubectlHarness> {
  const dir = mkdtempSync(join(tmpdir(), 'kubesim-kubectl-'));
  const registry = new Registry({ store: createMemoryStore(), clock: realClock, random: seededRandom(42), resources: allResources });
  await registry.start();
  const app: FastifyInstance = await buildApp({ registry });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.server.address() as { port: number }).port;
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(
    kubeconfig,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      `- cluster: {server: "http://127.0.0.1:${port}"}`,
      '  name: kubesim',
      'contexts:',
      '- context: {cluster: kubesim, user: admin, namespace: default}',
      '  name: kubesim',
      'current-context: kubesim',
      'users:',
      '- name: admin',
      '  user: {}',
      '',
    ].join('\n'),
  );
  const env = { ...process.env, KUBECONFIG: kubeconfig, KUBECACHEDIR: join(dir, 'cache'), HOME: dir };
  const harness: KubectlHarness = {
    registry,
    dir,
    async ok(args) {
      const r = await harness.kubectl(args);
      expect(r.stderr, args.join(' ')).toBe('');
      expect(r.code, args.join(' ')).toBe(0);
      return r.stdout;
    },
    kubectl(args, stdin) {
      return new Promise((resolve) => {
        const child = execFile(KUBECTL, args, { env, timeout: 30_000 }, (err, stdout, stderr) => {
          const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 1) : 0;
          resolve({ code, stdout, stderr });
        });
        if (stdin !== undefined) child.stdin?.end(stdin);
      });
    },
    file(name, text) {
      const path = join(dir, name);
      writeFileSync(path, text);
      return path;
    },
    async close() {
      await app.close();
      await registry.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return harness;
}
