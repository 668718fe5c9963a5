// Input checks for every store call: bad input becomes a typed StoreError, never a crash.
// Keys are non-empty strings; values are strings of at most MAX_VALUE_BYTES UTF-8 bytes
// (etcd's default request limit is 1.5 MiB; kubesim allows 3 MiB); revisions, limits and
// lease ids are non-negative safe integers. Call these at the edge (kv-store.ts) only.

import { MAX_VALUE_BYTES, StoreError } from './errors.ts';

export function checkKey(key: unknown): asserts key is string {
  if (typeof key !== 'string') throw new StoreError('InvalidKey', `key must be a string, got ${typeof key}`);
  if (key.length === 0) throw new StoreError('InvalidKey', 'key must not be empty');
}

export function checkPrefix(prefix: unknown): asserts prefix is string {
  if (typeof prefix !== 'string') throw new StoreError('InvalidKey', `prefix must be a string, got ${typeof prefix}`);
}

export function checkValue(value: unknown): asserts value is string {
  if (typeof value !== 'string') throw new StoreError('InvalidValue', `value must be a string, got ${typeof value}`);
  // A UTF-16 code unit is at most 3 UTF-8 bytes: only long strings need counting.
  if (value.length * 3 > MAX_VALUE_BYTES && Buffer.byteLength(value, 'utf8') > MAX_VALUE_BYTES) {
    throw new StoreError('ValueTooLarge', `value is larger than ${MAX_VALUE_BYTES} bytes`);
  }
}

/** A non-negative safe integer, or undefined. `what` names the argument in the message. */
export function checkCount(n: unknown, what: string): asserts n is number | undefined {
  if (n === undefined) return;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
    throw new StoreError('InvalidArgument', `${what} must be a non-negative integer, got ${String(n)}`);
  }
}

export function checkTtl(ttlSeconds: unknown): asserts ttlSeconds is number {
  if (typeof ttlSeconds !== 'number' || !Number.isFinite(ttlSeconds) || ttlSeconds <= 0) {
    throw new StoreError('InvalidArgument', `lease TTL must be a positive number of seconds, got ${String(ttlSeconds)}`);
  }
}
