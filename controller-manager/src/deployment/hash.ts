// pod-template-hash: the label that ties a ReplicaSet (and its pods) to one version of a
// Deployment's pod template. Kubernetes hashes the template (plus the Deployment's
// collisionCount, bumped when a name collides) with FNV-32a and encodes the number with
// the "safe" alphabet so it never spells words. kubesim hashes canonical JSON (sorted
// keys) instead of Go's object dump, so the values differ from a real cluster's but keep
// the same properties: stable for equal templates, different for different ones.

import { canonicalJSON as canonical } from '../canonical.ts';

const SAFE = 'bcdfghjklmnpqrstvwxz2456789';

function fnv32a(text: string): number {
  let h = 0x811c9dc5;
  const bytes = Buffer.from(text, 'utf8');
  for (const b of bytes) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

function safeEncode(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) out += SAFE[s.charCodeAt(i) % SAFE.length];
  return out;
}

export function computePodTemplateHash(template: unknown, collisionCount?: number): string {
  const salt = collisionCount === undefined ? '' : `#${collisionCount}`;
  return safeEncode(String(fnv32a(canonical(template) + salt)));
}

/** Deep equality of two pod templates, ignoring the pod-template-hash label. */
export function equalIgnoreHash(a: unknown, b: unknown): boolean {
  return canonical(stripHash(a)) === canonical(stripHash(b));
}

function stripHash(t: unknown): unknown {
  const copy = structuredClone(t) as { metadata?: { labels?: Record<string, string> } } | undefined;
  if (copy?.metadata?.labels) {
    delete copy.metadata.labels['pod-template-hash'];
    if (Object.keys(copy.metadata.labels).length === 0) delete copy.metadata.labels;
  }
  return copy;
}
