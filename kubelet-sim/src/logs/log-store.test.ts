import { describe, expect, it } from 'vitest';
import { LogStore } from './log-store.ts';

describe('LogStore', () => {
  it('keeps the current and previous instance of a container', () => {
    const s = new LogStore();
    s.open('ns/p/uid/c');
    s.append('ns/p/uid/c', 1000, 'first run');
    s.open('ns/p/uid/c');
    s.append('ns/p/uid/c', 2000, 'second run');
    expect(s.read('ns/p/uid/c').map((l) => l.text)).toEqual(['second run']);
    expect(s.read('ns/p/uid/c', { previous: true }).map((l) => l.text)).toEqual(['first run']);
  });

  it('tails and filters by time, splitting multi-line text', () => {
    const s = new LogStore();
    s.open('k');
    s.append('k', 1, 'a\nb');
    s.append('k', 5, 'c');
    expect(s.read('k', { tailLines: 2 }).map((l) => l.text)).toEqual(['b', 'c']);
    expect(s.read('k', { since: 2 }).map((l) => l.text)).toEqual(['c']);
  });

  it('streams new lines to followers and ends them when the instance closes', () => {
    const s = new LogStore();
    s.open('k');
    const got: string[] = [];
    let ended = false;
    s.follow('k', (l) => got.push(l.text), () => (ended = true));
    s.append('k', 1, 'x');
    s.close('k');
    s.append('k', 2, 'after close');
    expect(got).toEqual(['x']);
    expect(ended).toBe(true);
  });
});
