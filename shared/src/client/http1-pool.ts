// A pool of keep-alive HTTP/1.1 connections for requests read whole (every request of the
// HTTP client but watches and followed logs): at most `maxConnections` open, one request
// at a time on each, the others waiting their turn in order. A request is written as one
// string; its answer is read by http1-response.ts. Compared with node:http's client it
// builds no ClientRequest and IncomingMessage streams: about a quarter of the CPU per
// request, which counts when a kubelet-sim or a scheduler sends 10,000 writes.
// Idle connections do not keep the process alive (as node:http's agent), and one that the
// server closed is dropped. A connection that fails fails the request on it (the caller
// reports it, as with node:http); an aborted request destroys its connection.
//   const pool = createHttp1Pool({ connect: () => net.connect('/run/api.sock'), host: 'localhost', maxConnections: 64 });
//   const res = await pool.request('GET', '/api/v1/pods', { Accept: 'application/json' }, undefined, undefined);

import type { Socket } from 'node:net';
import { Http1ResponseParser, type Http1Response } from './http1-response.ts';

export interface Http1PoolOptions {
  /** opens a new connection (net.connect or tls.connect) */
  connect: () => Socket;
  /** the Host header: `127.0.0.1:6443`, or `localhost` over a Unix socket */
  host: string;
  maxConnections: number;
}

export interface Http1Pool {
  /** one exchange; rejects with the connection's error, or an AbortError-named error when
   *  `signal` aborts it; a bad method, path or header value throws before anything is sent */
  request(method: string, path: string, headers: Readonly<Record<string, string>>, body: string | undefined, signal: AbortSignal | undefined): Promise<Http1Response>;
  /** closes the idle connections; those in use close when their request ends */
  close(): void;
}

interface Pending {
  head: string;
  body: string | undefined;
  signal: AbortSignal | undefined;
  resolve: (res: Http1Response) => void;
  reject: (err: Error) => void;
  onAbort?: () => void;
}

interface Connection {
  socket: Socket;
  parser: Http1ResponseParser;
  current: Pending | undefined;
  /** false once the server said Connection: close or ended the connection */
  reusable: boolean;
  /** destroyed and no longer counted as open */
  dead: boolean;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// a request target as node:http accepts it: no whitespace or control characters
const TARGET = /^[^\u0000-\u0020\u007f]+$/;
const BAD_VALUE = /[\r\n\u0000]/;

export function abortedError(): Error {
  const err = new Error('The operation was aborted');
  err.name = 'AbortError';
  return err;
}

export function createHttp1Pool(opts: Http1PoolOptions): Http1Pool {
  const idle: Connection[] = [];
  const waiting: Pending[] = [];
  let open = 0;
  let closed = false;

  function serialize(method: string, path: string, headers: Readonly<Record<string, string>>, body: string | undefined): string {
    if (!TOKEN.test(method)) throw new TypeError(`invalid HTTP method ${JSON.stringify(method)}`);
    if (!TARGET.test(path)) throw new TypeError(`request path contains unescaped characters: ${JSON.stringify(path)}`);
    let head = `${method} ${path} HTTP/1.1\r\nHost: ${opts.host}\r\n`;
    for (const name in headers) {
      const value = headers[name]!;
      if (!TOKEN.test(name) || BAD_VALUE.test(value)) throw new TypeError(`invalid header ${JSON.stringify(name)}`);
      head += `${name}: ${value}\r\n`;
    }
    if (body !== undefined) head += `Content-Length: ${Buffer.byteLength(body)}\r\n`;
    else if (method !== 'GET' && method !== 'HEAD') head += 'Content-Length: 0\r\n';
    return `${head}\r\n`;
  }

  function openConnection(): Connection {
    open++;
    const socket = opts.connect();
    socket.setNoDelay(true);
    const conn: Connection = { socket, parser: undefined as unknown as Http1ResponseParser, current: undefined, reusable: true, dead: false };
    conn.parser = new Http1ResponseParser((res) => answered(conn, res));
    socket.on('data', (chunk: Buffer) => {
      try {
        conn.parser.push(chunk);
      } catch (err) {
        fail(conn, err as Error);
      }
    });
    socket.on('end', () => {
      // a body that runs until the close ends here; anything else in flight was cut off
      conn.reusable = false;
      try {
        conn.parser.end();
      } catch (err) {
        return fail(conn, err as Error);
      }
      fail(conn, new Error('socket hang up'));
    });
    socket.on('error', (err) => fail(conn, err));
    socket.on('close', () => fail(conn, new Error('socket hang up')));
    return conn;
  }

  /** stop listening for the abort of `p` (as a waiter, or on its connection) */
  function unlisten(p: Pending): void {
    if (p.onAbort) p.signal!.removeEventListener('abort', p.onAbort);
    delete p.onAbort;
  }

  function send(conn: Connection, p: Pending): void {
    unlisten(p);
    conn.current = p;
    conn.socket.ref();
    if (p.signal) {
      p.onAbort = () => fail(conn, abortedError());
      p.signal.addEventListener('abort', p.onAbort, { once: true });
    }
    conn.socket.write(p.body === undefined ? p.head : p.head + p.body);
  }

  function answered(conn: Connection, res: Http1Response): void {
    const p = conn.current;
    if (!p) return fail(conn, new Error('an answer to no request'));
    conn.current = undefined;
    unlisten(p);
    const connection = res.headers.get('connection');
    if (connection !== undefined && connection.toLowerCase().split(',').some((t) => t.trim() === 'close')) conn.reusable = false;
    if (conn.reusable && !closed) release(conn);
    else drop(conn);
    p.resolve(res);
  }

  /** the connection broke (or was aborted): fail its request and drop it */
  function fail(conn: Connection, err: Error): void {
    const p = conn.current;
    conn.current = undefined;
    drop(conn);
    if (p) {
      unlisten(p);
      p.reject(err);
    }
  }

  /** destroy the connection and let the first waiter open another */
  function drop(conn: Connection): void {
    if (conn.dead) return;
    conn.dead = true;
    conn.reusable = false;
    const i = idle.indexOf(conn);
    if (i >= 0) idle.splice(i, 1);
    conn.socket.destroy();
    open--;
    const next = waiting.shift();
    if (next) start(next);
  }

  function release(conn: Connection): void {
    const next = waiting.shift();
    if (next) return send(conn, next);
    conn.socket.unref();
    idle.push(conn);
  }

  function start(p: Pending): void {
    const conn = idle.pop();
    if (conn) return send(conn, p);
    if (open < opts.maxConnections) return send(openConnection(), p);
    waiting.push(p);
    if (p.signal && !p.onAbort) {
      p.onAbort = () => {
        delete p.onAbort;
        const i = waiting.indexOf(p);
        if (i >= 0) waiting.splice(i, 1);
        p.reject(abortedError());
      };
      p.signal.addEventListener('abort', p.onAbort, { once: true });
    }
  }

  return {
    request(method, path, headers, body, signal) {
      const head = serialize(method, path, headers, body);
      return new Promise<Http1Response>((resolve, reject) => {
        if (signal?.aborted) return reject(abortedError());
        if (closed) return reject(new Error('the HTTP client is closed'));
        start({ head, body, signal, resolve, reject });
      });
    },
    close() {
      closed = true;
      for (const conn of [...idle]) drop(conn);
    },
  };
}
