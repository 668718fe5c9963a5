export * from './kv.ts';
export * from './errors.ts';
