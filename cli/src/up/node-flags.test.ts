import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { COMPONENT_V8_FLAGS, componentV8Flags } from './node-flags.ts';

describe('componentV8Flags', () => {
  it('gives every component the common flags', () => {
    for (const name of ['apiserver', 'scheduler', 'controller-manager', 'kubelet-sim', 'proxy-sim']) {
      expect(componentV8Flags(name).slice(0, COMPONENT_V8_FLAGS.length)).toEqual([...COMPONENT_V8_FLAGS]);
    }
  });

  it('gives the cache-heavy clients a small young generation and leaves the apiserver alone', () => {
    expect(componentV8Flags('scheduler')).toContain('--max-semi-space-size=4');
    expect(componentV8Flags('proxy-sim')).toContain('--max-semi-space-size=4');
    expect(componentV8Flags('apiserver')).toEqual([...COMPONENT_V8_FLAGS]);
    expect(componentV8Flags('controller-manager')).toEqual([...COMPONENT_V8_FLAGS]);
  });

  it('names only options this node accepts', () => {
    const r = spawnSync(process.execPath, [...componentV8Flags('scheduler'), '-e', 'process.exit(0)'], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});
