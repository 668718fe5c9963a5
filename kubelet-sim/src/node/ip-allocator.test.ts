import { describe, expect, it } from 'vitest';
import { IpAllocator } from './ip-allocator.ts';

describe('IpAllocator', () => {
  it('hands out .2 onwards and does not reuse a released IP straight away', () => {
    const a = new IpAllocator('10.244.7.0/24');
    expect(a.allocate('p1')).toBe('10.244.7.2');
    expect(a.allocate('p2')).toBe('10.244.7.3');
    a.release('10.244.7.2');
    expect(a.allocate('p3')).toBe('10.244.7.4');
  });

  it('never gives one IP to two owners and reports when full', () => {
    const a = new IpAllocator('10.244.0.0/24');
    const ips = new Set<string>();
    for (let i = 0; i < 253; i++) ips.add(a.allocate(`p${i}`)!);
    expect(ips.size).toBe(253);
    expect(a.allocate('one-too-many')).toBeUndefined();
    a.release('10.244.0.100');
    expect(a.allocate('again')).toBe('10.244.0.100');
  });

  it('re-claims an IP for its owner and refuses it to another', () => {
    const a = new IpAllocator('10.244.1.0/24');
    expect(a.reserve('10.244.1.9', 'p1')).toBe(true);
    expect(a.reserve('10.244.1.9', 'p2')).toBe(false);
    expect(a.reserve('10.244.2.9', 'p2')).toBe(false);
    expect(a.ownerOf('10.244.1.9')).toBe('p1');
  });
});
