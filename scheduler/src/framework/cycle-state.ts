// CycleState: per-pod, per-attempt scratch space that carries data between extension
// points, e.g. NodeResourcesFit computes the pod's request in PreFilter and reads it in
// every Filter call. Keys are plugin-chosen strings ("PreFilterNodeResourcesFit").
// `clone()` is used for what-if evaluations (nominated pods, preemption): entries that
// the PreFilter extensions (addPod/removePod) mutate must implement `clone()`; others
// are shared. `skipFilterPlugins` / `skipScorePlugins` record PreFilter/PreScore Skips.

/** any object; one with a `clone()` method is deep-copied by CycleState.clone() */
export type StateData = object;

interface Cloneable {
  clone(): StateData;
}
const isCloneable = (v: StateData): v is Cloneable => typeof (v as Partial<Cloneable>).clone === 'function';

export class CycleState {
  private readonly data = new Map<string, StateData>();
  readonly skipFilterPlugins = new Set<string>();
  readonly skipScorePlugins = new Set<string>();

  read<T extends StateData>(key: string): T | undefined {
    return this.data.get(key) as T | undefined;
  }

  write(key: string, value: StateData): void {
    this.data.set(key, value);
  }

  delete(key: string): void {
    this.data.delete(key);
  }

  clone(): CycleState {
    const c = new CycleState();
    for (const [k, v] of this.data) c.data.set(k, isCloneable(v) ? v.clone() : v);
    for (const p of this.skipFilterPlugins) c.skipFilterPlugins.add(p);
    for (const p of this.skipScorePlugins) c.skipScorePlugins.add(p);
    return c;
  }
}
