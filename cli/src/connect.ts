// How a component or a CLI command reaches the apiserver: a kubeconfig (--kubeconfig F,
// else $KUBECONFIG, else the data dir's admin kubeconfig) or --server URL [--token T]
// [--insecure-skip-tls-verify]. Everything then goes through the shared HTTP Client.
// A kubeconfig naming the apiserver's local socket (kubesim.io/local-socket) is used through
// that socket when it exists, else through its server URL (a component kubeconfig copied to
// another machine still works, over HTTPS).

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createHttpClient, loadKubeconfig } from '@kubesim/shared';
import type { HttpClient, HttpClientOptions } from '@kubesim/shared';
import { UsageError } from './flags.ts';

export interface ConnectFlags {
  kubeconfig?: string | undefined;
  server?: string | undefined;
  token?: string | undefined;
  'insecure-skip-tls-verify'?: boolean | undefined;
  'data-dir'?: string | undefined;
}

export const connectOptions = {
  kubeconfig: { type: 'string', help: 'kubeconfig file to reach the apiserver' },
  server: { type: 'string', help: 'apiserver URL (instead of a kubeconfig)' },
  token: { type: 'string', help: 'bearer token (with --server)' },
  'insecure-skip-tls-verify': { type: 'boolean', help: 'do not verify the server certificate (with --server)' },
} as const;

export function connectionFrom(flags: ConnectFlags, userAgent: string): HttpClientOptions {
  if (flags.server) {
    const opts: HttpClientOptions = { server: flags.server, userAgent };
    if (flags.token) opts.token = flags.token;
    if (flags['insecure-skip-tls-verify']) opts.insecureSkipTLSVerify = true;
    return opts;
  }
  const path = flags.kubeconfig ?? process.env['KUBECONFIG'] ?? join(flags['data-dir'] ?? '.kubesim', 'kubeconfig');
  if (!existsSync(path)) throw new UsageError(`no kubeconfig at ${path}: start a cluster with \`kubesim up\`, or pass --kubeconfig or --server`);
  const conn = loadKubeconfig(path);
  if (conn.socketPath !== undefined && !existsSync(conn.socketPath)) delete conn.socketPath;
  return { ...conn, userAgent };
}

export function connect(flags: ConnectFlags, userAgent: string): HttpClient {
  return createHttpClient(connectionFrom(flags, userAgent));
}
