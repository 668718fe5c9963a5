// The apiserver's local socket: the same API (the same routes, authentication and
// authorization, a bearer token still required) served as plain HTTP on a Unix socket, for
// the components `kubesim up` starts on this machine. Kubernetes' components talk TLS to
// the apiserver's port; kubesim's would spend a fifth of the cluster's CPU encrypting and
// decrypting every request and watch event between processes of one machine, so they use
// this socket instead (mode 0600 in the data dir: only its owner can connect). kubectl and
// every other client keep using the HTTPS port.
//   const local = await serveLocalSocket(app, '/path/.kubesim/apiserver.sock'); ... await local.close();

import { chmodSync, unlinkSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import type { FastifyInstance } from 'fastify';

/** Linux's limit on a socket's path (sun_path is 108 bytes with its terminating zero) */
export const MAX_SOCKET_PATH_BYTES = 107;

export interface LocalSocket {
  path: string;
  close(): Promise<void>;
}

export async function serveLocalSocket(app: FastifyInstance, path: string): Promise<LocalSocket> {
  if (Buffer.byteLength(path) > MAX_SOCKET_PATH_BYTES) throw new Error(`the socket path ${path} is longer than ${MAX_SOCKET_PATH_BYTES} bytes`);
  // keep-alive as long as on the HTTPS port (fastify's default), so clients reuse connections
  const server = http.createServer({ keepAliveTimeout: 72_000 }, (req, res) => app.routing(req, res));
  try {
    await listen(server, path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    // a socket file left by an apiserver that died: take it over, unless one still answers
    if (await answers(path)) throw Object.assign(new Error(`another apiserver is serving on ${path}`), { code: 'EADDRINUSE' });
    unlinkSync(path);
    await listen(server, path);
  }
  chmodSync(path, 0o600);
  return {
    path,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // watches hold their connections open: end them, as the HTTPS port does on close
        server.closeAllConnections();
      }),
  };
}

function listen(server: http.Server, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once('error', onError);
    server.listen(path, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

function answers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(path);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
