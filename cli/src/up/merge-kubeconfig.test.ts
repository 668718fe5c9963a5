import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { mergeKubeconfig } from './merge-kubeconfig.ts';

const kubesim = `apiVersion: v1
kind: Config
clusters: [{ name: kubesim, cluster: { server: https://127.0.0.1:6443 } }]
users: [{ name: kubesim, user: { token: t2 } }]
contexts: [{ name: kubesim, context: { cluster: kubesim, user: kubesim } }]
current-context: kubesim
`;

describe('mergeKubeconfig', () => {
  it('replaces the kubesim entries and keeps the others and the current context', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kc-'));
    const into = join(dir, 'config');
    writeFileSync(
      into,
      `apiVersion: v1
kind: Config
clusters: [{ name: prod, cluster: { server: https://prod } }, { name: kubesim, cluster: { server: https://old } }]
users: [{ name: me, user: { token: t1 } }]
contexts: [{ name: prod, context: { cluster: prod, user: me } }]
current-context: prod
`,
    );
    writeFileSync(join(dir, 'kubesim'), kubesim);
    mergeKubeconfig(join(dir, 'kubesim'), into);
    const merged = parse(readFileSync(into, 'utf8')) as { clusters: { name: string; cluster: { server: string } }[]; 'current-context': string; contexts: { name: string }[] };
    expect(merged['current-context']).toBe('prod');
    expect(merged.clusters.map((c) => `${c.name}=${c.cluster.server}`).sort()).toEqual(['kubesim=https://127.0.0.1:6443', 'prod=https://prod']);
    expect(merged.contexts.map((c) => c.name).sort()).toEqual(['kubesim', 'prod']);
  });

  it('creates the file when there is none, with kubesim current', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kc-'));
    writeFileSync(join(dir, 'kubesim'), kubesim);
    const into = join(dir, 'sub', 'config');
    mergeKubeconfig(join(dir, 'kubesim'), into);
    expect((parse(readFileSync(into, 'utf8')) as { 'current-context': string })['current-context']).toBe('kubesim');
  });
});
