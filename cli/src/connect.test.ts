import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { connectionFrom } from './connect.ts';

const kubeconfig = (socket: string): string => `apiVersion: v1
kind: Config
current-context: kubesim
clusters:
- name: kubesim
  cluster:
    server: https://127.0.0.1:6443
    extensions: [{ name: kubesim.io/local-socket, extension: { path: ${socket} } }]
users:
- name: c
  user: { token: t }
contexts:
- name: kubesim
  context: { cluster: kubesim, user: c }
`;

describe('connectionFrom', () => {
  it("uses the kubeconfig's local socket when it exists, else the server URL", () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubesim-connect-'));
    try {
      const file = join(dir, 'component.kubeconfig');
      writeFileSync(file, kubeconfig(join(dir, 'apiserver.sock')));
      expect(connectionFrom({ kubeconfig: file }, 'test').socketPath).toBeUndefined();
      writeFileSync(join(dir, 'apiserver.sock'), '');
      const conn = connectionFrom({ kubeconfig: file }, 'test');
      expect(conn.socketPath).toBe(join(dir, 'apiserver.sock'));
      expect(conn).toMatchObject({ server: 'https://127.0.0.1:6443', token: 't', userAgent: 'test' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
