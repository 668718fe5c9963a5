export * from './clock.ts';
export * from './random.ts';
export * from './errors.ts';
export * from './api/meta.ts';
export * from './api/resources.ts';
export * from './client/types.ts';
export * from './api/kind.ts';
