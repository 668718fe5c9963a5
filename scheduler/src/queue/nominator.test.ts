import { describe, expect, it } from 'vitest';
import { newPodInfo } from '../framework/pod-info.ts';
import { makePod } from '../testing/builders.ts';
import { Nominator } from './nominator.ts';

describe('Nominator', () => {
  it('counts the nominated pods, so a cycle with none can skip looking node by node', () => {
    const n = new Nominator();
    expect(n.size).toBe(0);
    const web = newPodInfo(makePod('web', { priority: 1000 }));
    n.add(web, 'n1');
    n.add(web, 'n2'); // re-nominated elsewhere: still one pod
    n.add(newPodInfo(makePod('db', { priority: 10 })), 'n2');
    expect(n.size).toBe(2);
    expect(n.podsForNode('n2').map((p) => p.key)).toEqual(['default/web', 'default/db']);
    expect(n.podsForNode('n1')).toHaveLength(0);
    n.delete('default/web', true);
    n.delete('default/db', true);
    expect(n.size).toBe(0);
  });
});
