// Status: what a plugin answers. Plugins never throw for "this node doesn't fit"; they
// return one of these codes, and the scheduler acts on it:
//   Success                      — go on.
//   Unschedulable                — this node can't take the pod now; preemption may help
//                                  (e.g. "Insufficient cpu" while lower-priority pods run there).
//   UnschedulableAndUnresolvable — no point preempting for this node (taint, affinity).
//   Error                        — internal failure; the pod is retried after backoff.
//   Skip                         — (PreFilter/PreScore) this plugin has nothing to do for the pod.
//   Wait                         — (Permit) hold the pod until allowed or timed out.
// `reasons` are the user-facing sentences that end up in FailedScheduling events.

export type StatusCode = 'Success' | 'Error' | 'Unschedulable' | 'UnschedulableAndUnresolvable' | 'Wait' | 'Skip';

export class Status {
  readonly code: StatusCode;
  readonly reasons: readonly string[];
  /** the plugin that returned it; set by the framework */
  plugin: string | undefined;

  constructor(code: StatusCode, reasons: readonly string[] = [], plugin?: string) {
    this.code = code;
    this.reasons = reasons;
    this.plugin = plugin;
  }

  isSuccess(): boolean {
    return this.code === 'Success';
  }

  /** Unschedulable or UnschedulableAndUnresolvable */
  isRejected(): boolean {
    return this.code === 'Unschedulable' || this.code === 'UnschedulableAndUnresolvable';
  }

  isSkip(): boolean {
    return this.code === 'Skip';
  }

  message(): string {
    return this.reasons.join(', ');
  }

  withPlugin(name: string): Status {
    if (this.plugin === name) return this;
    if (this.plugin === undefined && this !== SUCCESS && this !== SKIP) {
      this.plugin = name;
      return this;
    }
    return new Status(this.code, this.reasons, name);
  }
}

/** the one shared Success; cheap to return from hot paths */
export const SUCCESS = new Status('Success');
export const SKIP = new Status('Skip');

export function unschedulable(...reasons: string[]): Status {
  return new Status('Unschedulable', reasons);
}

export function unresolvable(...reasons: string[]): Status {
  return new Status('UnschedulableAndUnresolvable', reasons);
}

export function errorStatus(err: unknown): Status {
  return new Status('Error', [err instanceof Error ? err.message : String(err)]);
}
