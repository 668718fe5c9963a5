// How a generated pod behaves on kubelet-sim, through its `kubesim.io/` annotations:
// start-up delay, time until ready, a readiness probe that never passes, a crash after
// some seconds with an exit code, slow image pulls, slow shutdown (terminating pods that
// linger). `podBehaviourArb()` gives the annotations plus whether the pod needs a readiness
// probe (probe-fail only bites through a probe); `withBehaviour(template, b)` applies one.
// Times are whole seconds; each option caps one knob, `false` turns it off.

import fc from 'fast-check';
import type { Container, KubeObject } from '@kubesim/shared';

export interface PodBehaviour {
  annotations: Record<string, string>;
  /** the containers need a readiness probe (for kubesim.io/probe-fail: readiness) */
  readinessProbe: boolean;
}

export interface PodBehaviourOptions {
  /** max seconds from creation to running (default 10) */
  startDelay?: number | false;
  /** max seconds from running to ready (default 15) */
  readyAfter?: number | false;
  /** sometimes the readiness probe never passes (default false) */
  readinessFailure?: boolean;
  /** sometimes the container exits after a while (default false) */
  crash?: boolean;
  /** max seconds a container takes to stop after SIGTERM (default 5) */
  stopDelay?: number | false;
  /** max seconds an image pull takes (default 3) */
  imagePull?: number | false;
}

const seconds = (max: number | false | undefined, dflt: number): fc.Arbitrary<string | undefined> =>
  max === false ? fc.constant(undefined) : fc.option(fc.integer({ min: 0, max: max ?? dflt }).map((s) => `${s}s`), { nil: undefined, freq: 2 });

export function podBehaviourArb(o: PodBehaviourOptions = {}): fc.Arbitrary<PodBehaviour> {
  return fc
    .record({
      start: seconds(o.startDelay, 10),
      ready: seconds(o.readyAfter, 15),
      stop: seconds(o.stopDelay, 5),
      pull: seconds(o.imagePull, 3),
      failReadiness: o.readinessFailure ? fc.boolean() : fc.constant(false),
      crash: o.crash ? fc.option(fc.record({ after: fc.integer({ min: 1, max: 60 }), code: fc.constantFrom(0, 1, 2, 137) }), { nil: undefined }) : fc.constant(undefined),
    })
    .map((r) => {
      const a: Record<string, string> = {};
      if (r.start) a['kubesim.io/start-delay'] = r.start;
      if (r.ready) a['kubesim.io/ready-after'] = r.ready;
      if (r.stop) a['kubesim.io/stop-delay'] = r.stop;
      if (r.pull) a['kubesim.io/image-pull-seconds'] = r.pull;
      if (r.failReadiness) a['kubesim.io/probe-fail'] = 'readiness';
      if (r.crash) {
        a['kubesim.io/crash-after'] = `${r.crash.after}s`;
        a['kubesim.io/exit-code'] = String(r.crash.code);
      }
      return { annotations: a, readinessProbe: r.failReadiness };
    });
}

/** an exec readiness probe that passes unless kubesim.io/probe-fail says otherwise */
export const READINESS_PROBE: NonNullable<Container['readinessProbe']> = { exec: { command: ['true'] }, periodSeconds: 2, failureThreshold: 1 };

type Template = { metadata?: KubeObject['metadata']; spec?: { containers: Container[] } };

/** a copy of a pod template (or pod) with the behaviour's annotations and probe */
export function withBehaviour<T extends Template>(template: T, b: PodBehaviour): T {
  const metadata = { ...(template.metadata ?? {}), annotations: { ...(template.metadata?.annotations ?? {}), ...b.annotations } };
  const spec = template.spec && b.readinessProbe ? { ...template.spec, containers: template.spec.containers.map((c) => ({ ...c, readinessProbe: READINESS_PROBE })) } : template.spec;
  return { ...template, metadata, ...(spec ? { spec } : {}) } as T;
}
