// A plain GET for the few non-API endpoints the CLI reads (/readyz, the scheduler's and
// kubelet-sim's debug endpoints), with the CA and token of a connection.

import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface RawTarget {
  ca?: string | undefined;
  token?: string | undefined;
  insecureSkipTLSVerify?: boolean | undefined;
}

export function httpText(url: string, target: RawTarget = {}, method = 'GET', body?: string): Promise<{ status: number; text: string }> {
  const u = new URL(url);
  const request = u.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(
      u,
      {
        method,
        headers: { ...(target.token ? { authorization: `Bearer ${target.token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(target.ca ? { ca: target.ca } : {}),
        ...(target.insecureSkipTLSVerify ? { rejectUnauthorized: false } : {}),
        timeout: 5000,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timed out asking ${u.origin}`)));
    req.on('error', reject);
    req.end(body);
  });
}
