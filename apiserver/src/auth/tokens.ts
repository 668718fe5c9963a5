// Bearer-token authentication from a static token file, <dataDir>/tokens.csv, in
// Kubernetes' --token-auth-file format: `token,user,uid,"group1,group2"` per line.
// First start writes an admin token (kubesim-admin, group system:masters) and one per
// component identity: system:kube-scheduler, system:kube-controller-manager,
// system:kube-proxy; node tokens (system:node:<name>, group system:nodes) are issued on
// demand with `issueNodeToken`. The authenticator re-reads the file when it changes, so
// tokens issued later by another process work without a restart. Tokens are never logged.
import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { UserInfo } from '../registry/core.ts';

export const ADMIN_USER = 'kubesim-admin';
export const COMPONENT_USERS = ['system:kube-scheduler', 'system:kube-controller-manager', 'system:kube-proxy'] as const;

export interface TokenEntry {
  token: string;
  user: UserInfo;
}

export function tokensPath(dataDir: string): string {
  return join(dataDir, 'tokens.csv');
}

function newToken(): string {
  return randomBytes(24).toString('base64url');
}

function csvLine(token: string, user: string, groups: readonly string[]): string {
  return `${token},${user},${user},"${groups.join(',')}"\n`;
}

export function parseTokenFile(text: string): TokenEntry[] {
  const out: TokenEntry[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^([^,]+),([^,]+),([^,]*)(?:,"?([^"]*)"?)?$/.exec(line);
    if (!m) continue;
    const groups = (m[4] ?? '').split(',').map((g) => g.trim()).filter(Boolean);
    const user: UserInfo = { username: m[2]!, groups };
    if (m[3]) user.uid = m[3];
    out.push({ token: m[1]!, user });
  }
  return out;
}

/** create the token file with the admin and component tokens if it does not exist */
export function ensureTokenFile(dataDir: string): string {
  const path = tokensPath(dataDir);
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true });
    let text = '# token,user,uid,"groups" (Kubernetes static token file)\n';
    text += csvLine(newToken(), ADMIN_USER, ['system:masters']);
    for (const u of COMPONENT_USERS) text += csvLine(newToken(), u, []);
    writeFileSync(path, text, { mode: 0o600 });
  }
  return path;
}

/** the token of a user in the file, if any */
export function tokenFor(dataDir: string, username: string): string | undefined {
  const path = tokensPath(dataDir);
  if (!existsSync(path)) return undefined;
  return parseTokenFile(readFileSync(path, 'utf8')).find((e) => e.user.username === username)?.token;
}

/** the token of `username`, appending a new one to the file when there is none */
export function issueToken(dataDir: string, username: string, groups: readonly string[]): string {
  ensureTokenFile(dataDir);
  const have = tokenFor(dataDir, username);
  if (have) return have;
  const token = newToken();
  appendFileSync(tokensPath(dataDir), csvLine(token, username, groups));
  return token;
}

export function issueNodeToken(dataDir: string, nodeName: string): string {
  return issueToken(dataDir, `system:node:${nodeName}`, ['system:nodes']);
}

export class TokenAuthenticator {
  private byToken = new Map<string, UserInfo>();
  private mtime = -1;
  private lastCheck = 0;

  constructor(private readonly path: string) {
    this.reload();
  }

  reload(): void {
    try {
      const st = statSync(this.path);
      if (st.mtimeMs === this.mtime) return;
      this.mtime = st.mtimeMs;
      const map = new Map<string, UserInfo>();
      for (const e of parseTokenFile(readFileSync(this.path, 'utf8'))) {
        map.set(e.token, { ...e.user, groups: [...e.user.groups, 'system:authenticated'] });
      }
      this.byToken = map;
    } catch {
      // keep the previous table
    }
  }

  /** the user of a bearer token, or undefined (401) */
  authenticate(token: string, nowMs: number): UserInfo | undefined {
    const u = this.byToken.get(token);
    if (u) return u;
    if (nowMs - this.lastCheck > 1000) {
      this.lastCheck = nowMs;
      this.reload();
      return this.byToken.get(token);
    }
    return undefined;
  }
}
