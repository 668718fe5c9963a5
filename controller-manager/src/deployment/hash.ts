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

/** Deep equality of two pod templates, ignoring the pod-template-hash label (the same
 *  answer as comparing their canonical JSON without it, without building the strings) */
export function equalIgnoreHash(a: unknown, b: unknown): boolean {
  if (!isRecord(a) || !isRecord(b)) return canonical(stripHash(a)) === canonical(stripHash(b));
  // informer objects are frozen: a sync asks the same of the same two templates again and again
  const remember = Object.isFrozen(a) && Object.isFrozen(b);
  let answers = remember ? answered.get(a) : undefined;
  const known = answers?.get(b);
  if (known !== undefined) return known;
  const answer = jsonEqual(withoutHashLabel(a), withoutHashLabel(b));
  if (remember) {
    if (!answers) answered.set(a, (answers = new WeakMap()));
    answers.set(b, answer);
  }
  return answer;
}

/** frozen template → frozen template → equalIgnoreHash of the two (frozen objects never change) */
const answered = new WeakMap<object, WeakMap<object, boolean>>();

type Rec = Record<string, unknown>;
const isRecord = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);

/** a shallow view of the template without the hash label (and without labels left empty) */
function withoutHashLabel(t: Rec): Rec {
  const meta = t['metadata'];
  if (!isRecord(meta) || !isRecord(meta['labels'])) return t;
  const { 'pod-template-hash': _hash, ...labels } = meta['labels'];
  void _hash;
  const { labels: _labels, ...rest } = meta;
  void _labels;
  return { ...t, metadata: Object.keys(labels).length > 0 ? { ...rest, labels } : rest };
}

/** equality as canonical JSON sees it: key order ignored, undefined members absent */
function jsonEqual(x: unknown, y: unknown): boolean {
  if (x === y) return true;
  if (Array.isArray(x) || Array.isArray(y)) {
    if (!Array.isArray(x) || !Array.isArray(y) || x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!jsonEqual(x[i], y[i])) return false;
    return true;
  }
  if (isRecord(x) && isRecord(y)) {
    let n = 0;
    for (const k in x) {
      if (x[k] === undefined) continue;
      n++;
      if (y[k] === undefined || !jsonEqual(x[k], y[k])) return false;
    }
    for (const k in y) if (y[k] !== undefined) n--;
    return n === 0;
  }
  return (JSON.stringify(x) ?? 'null') === (JSON.stringify(y) ?? 'null');
}

function stripHash(t: unknown): unknown {
  const copy = structuredClone(t) as { metadata?: { labels?: Record<string, string> } } | undefined;
  if (copy?.metadata?.labels) {
    delete copy.metadata.labels['pod-template-hash'];
    if (Object.keys(copy.metadata.labels).length === 0) delete copy.metadata.labels;
  }
  return copy;
}
