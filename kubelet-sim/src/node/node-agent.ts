// NodeAgent: one virtual node's kubelet half that talks about the node itself. It registers
// the Node (adopting an existing one of the same name and its podCIDR), then keeps two
// heartbeats as the kubelet does: the Lease in kube-node-lease renewed every 10 s
// (leaseDurationSeconds 40), and node status checked every 10 s but written only when it
// changed or 5 minutes passed since the last report. Pods may run as soon as the Node
// exists (`onRegistered`), as a kubelet admits pods without waiting for its first
// heartbeats; `start()` resolves once the first status and Lease are written too.
// `stop()` is the machine dying (no more heartbeats); `start()` boots it again. Conditions
// can be forced for failure injection. Timing is on the shared TimerQueue; API calls go
// through the process-wide Limiter.

import type { Client, LoggerLike } from '@kubesim/shared';
import { errorMessage, formatMicroTime, isAlreadyExists, isConflict, isNotFound } from '@kubesim/shared';
import type { TimerQueue, QueuedTimer } from '../timer-queue.ts';
import type { Limiter } from '../util/limiter.ts';
import { leaseType, nodeType } from '../types.ts';
import type { Lease, Node, Taint } from '../types.ts';
import { ImageService } from './image-service.ts';
import { IpAllocator } from './ip-allocator.ts';
import { buildLease, buildNode, NODE_LEASE_NAMESPACE, NodeConditions, nodeStatus, statusFingerprint } from './node-object.ts';
import type { NodeFacts } from './node-object.ts';
import type { NodeTemplate } from './pool.ts';

export const LEASE_RENEW_MS = 10_000;
export const STATUS_UPDATE_MS = 10_000;
export const STATUS_REPORT_MS = 5 * 60_000;
const RETRY_MS = 2_000;

export interface NodeAgentDeps {
  client: Client;
  timers: TimerQueue;
  limiter: Limiter;
  /** nodes registering at once: each takes a slot while it creates (or adopts) its Node, so
   *  a thousand booting nodes come up a few at a time, the first ones running their pods
   *  while the last still wait, instead of all at the end */
  registrations?: Limiter;
  /** the Node as the process's node informer has it, if it does: a restarted kubelet-sim
   *  then adopts it without a create that fails and a GET */
  cachedNode?: (name: string) => Node | undefined;
  /** the node's Lease from a list taken at boot, if it was there: renewed without a GET
   *  first (a Lease changed since is a conflict, and then it is fetched) */
  cachedLease?: (name: string) => Lease | undefined;
  logger: LoggerLike;
  address: string;
  port: number;
}

/** the Node's status could not be written because the Node is gone */
class NodeGone extends Error {}

export class NodeAgent {
  readonly template: NodeTemplate;
  readonly name: string;
  readonly conditions: NodeConditions;
  readonly images: ImageService;
  ips: IpAllocator;
  /** the machine is up: heartbeats flow and pods run */
  running = false;
  registered = false;
  uid: string | undefined;
  taints: Taint[];
  bootCount = 0;
  readonly #deps: NodeAgentDeps;
  #lease: Lease | undefined;
  #lastFingerprint = '';
  /** what the last fingerprint was computed from (conditions revision, boot; -1: nothing
   *  yet): while they hold, the fingerprint cannot have changed and the status need not be
   *  rebuilt. (Everything else it is built from is fixed — template, address, port — or
   *  marks the status dirty when it changes — the images.) */
  #lastFingerprintRevision = -1;
  #lastFingerprintBoot = -1;
  #lastReport = Number.NEGATIVE_INFINITY;
  /** the heartbeat timers waiting (a Set: each one that fires leaves it without a copy) */
  #timers = new Set<QueuedTimer>();
  #registering: Promise<void> | undefined;
  #statusDirty = false;
  /** the Node existed before this boot, so its Lease probably does too */
  #leaseMayExist = false;
  /** the Node came without conditions: this boot's first status is still to be written */
  #firstStatusDue = false;
  /** called once the node is registered after a (re)boot */
  onRegistered: () => void = () => {};
  /** called when the Node object turns out to be deleted (the host stops this node) */
  onDeleted: () => void = () => {};

  constructor(template: NodeTemplate, deps: NodeAgentDeps) {
    this.template = template;
    this.name = template.name;
    this.#deps = deps;
    this.conditions = new NodeConditions(deps.timers.now());
    this.images = new ImageService(deps.timers, template.images);
    this.images.onChange = () => (this.#statusDirty = true);
    this.ips = new IpAllocator(template.podCIDR);
    this.taints = template.taints;
  }

  facts(): NodeFacts {
    return {
      address: this.#deps.address,
      port: this.#deps.port,
      conditions: this.conditions,
      images: this.images.images,
      now: this.#deps.timers.now(),
      bootCount: this.bootCount,
    };
  }

  /** condition types under pressure (True), for admission */
  pressure(): string[] {
    return ['MemoryPressure', 'DiskPressure', 'PIDPressure'].filter((t) => this.conditions.get(t)?.status === 'True');
  }

  /** Boot the machine: register, then heartbeat. Resolves once registered. */
  start(): Promise<void> {
    if (this.running) return this.#registering ?? Promise.resolve();
    this.running = true;
    this.bootCount++;
    this.registered = false;
    this.#registering = this.#register();
    return this.#registering;
  }

  /** The machine dies: nothing more is written for it. */
  stop(): void {
    this.running = false;
    this.registered = false;
    for (const t of this.#timers) t.cancel();
    this.#timers.clear();
  }

  /** report status at the next check even if the 5-minute report is not due */
  markStatusChanged(): void {
    this.#statusDirty = true;
  }

  /** write node status now (failure injection wants it seen at once) */
  syncStatusNow(): void {
    if (this.registered) void this.#syncStatus(true);
  }

  #after(ms: number, fn: () => void): void {
    const t = this.#deps.timers.after(ms, () => {
      this.#timers.delete(t);
      if (this.running) fn();
    });
    this.#timers.add(t);
  }

  async #register(): Promise<void> {
    const { logger, registrations } = this.#deps;
    const boot = this.bootCount;
    for (;;) {
      if (!this.running || boot !== this.bootCount) return;
      try {
        // only the Node holds a registration slot: the first heartbeats queue with the rest
        if (!this.registered) {
          if (registrations) await registrations.run(() => this.#registerNode(boot));
          else await this.#registerNode(boot);
        }
        if (!this.registered || !this.running || boot !== this.bootCount) return;
        await this.#firstHeartbeats(boot);
        return;
      } catch (err) {
        if (err instanceof NodeGone) {
          // the Node was deleted under us (its status could not be written): as in #statusLoop
          this.onDeleted();
          return;
        }
        logger.warn({ node: this.name, err: errorMessage(err) }, 'node registration failed; retrying');
        await new Promise<void>((resolve) => this.#after(RETRY_MS, resolve));
      }
    }
  }

  /** the Node, created or adopted; then its pods may run (a kubelet admits pods without
   *  waiting for its first heartbeats) */
  async #registerNode(boot: number): Promise<void> {
    const { client, limiter } = this.#deps;
    if (!this.running || boot !== this.bootCount) return;
    let saved: Node | undefined = this.#deps.cachedNode?.(this.name);
    if (!saved) {
      try {
        saved = await limiter.run(() => client.create(nodeType, buildNode(this.template, this.facts())));
      } catch (err) {
        if (!isAlreadyExists(err)) throw err;
        saved = await limiter.run(() => client.get(nodeType, this.name));
        saved = this.#adopt(saved);
      }
    } else saved = this.#adopt(saved);
    if (!this.running || boot !== this.bootCount) return;
    this.uid = saved.metadata.uid;
    this.#lease ??= this.#leaseMayExist ? this.#deps.cachedLease?.(this.name) : undefined;
    this.#firstStatusDue = !saved.status?.conditions?.length;
    if (!this.#firstStatusDue) {
      this.#lastFingerprintRevision = this.conditions.revision;
      this.#lastFingerprintBoot = this.bootCount;
      this.#lastFingerprint = statusFingerprint(nodeStatus(this.template, this.facts()));
      this.#lastReport = this.#deps.timers.now();
    }
    this.registered = true;
    this.onRegistered();
  }

  /** this boot's first status (unless the Node came with one) and Lease, side by side as
   *  a kubelet writes them from two loops; then the heartbeat timers */
  async #firstHeartbeats(boot: number): Promise<void> {
    const results = await Promise.allSettled([
      this.#firstStatusDue
        ? this.#syncStatus(true).then(
            () => void (this.#firstStatusDue = false),
            (err: unknown) => {
              throw isNotFound(err) ? new NodeGone(errorMessage(err)) : err;
            },
          )
        : undefined,
      this.#renewLease(),
    ]);
    for (const r of results) if (r.status === 'rejected') throw r.reason;
    if (!this.running || boot !== this.bootCount) return;
    this.#after(LEASE_RENEW_MS, this.#nextRenewal);
    this.#after(STATUS_UPDATE_MS, this.#nextStatusCheck);
  }

  /** take over a Node that already exists (a reboot): its podCIDR, so pod IPs stay stable
   *  across restarts, and its taints; its status is reported afresh */
  #adopt(existing: Node): Node {
    this.#leaseMayExist = true;
    const cidr = existing.spec?.podCIDR;
    if (cidr && cidr !== this.template.podCIDR && /\.0\/24$/.test(cidr)) this.ips = new IpAllocator(cidr);
    this.taints = existing.spec?.taints ?? [];
    return { ...existing, status: {} };
  }

  // One renewal every LEASE_RENEW_MS for as long as the node runs: tens of thousands an hour
  // across the nodes of a process, so a renewal is one async call and the next one is armed
  // with the same callback (no promise chain and closures per renewal).
  readonly #nextRenewal = (): void => void this.#leaseLoop();

  async #leaseLoop(): Promise<void> {
    try {
      await this.#renewLease();
    } catch (err) {
      this.#deps.logger.warn({ node: this.name, err: errorMessage(err) }, 'lease renewal failed');
    }
    this.#after(LEASE_RENEW_MS, this.#nextRenewal);
  }

  // The status check, every STATUS_UPDATE_MS: as often as the renewals, and most checks find
  // nothing to report, so the same: one async call and one callback.
  readonly #nextStatusCheck = (): void => void this.#statusLoop();

  async #statusLoop(): Promise<void> {
    try {
      await this.#syncStatus(false);
    } catch (err) {
      if (isNotFound(err)) {
        this.onDeleted();
        return;
      }
      this.#deps.logger.warn({ node: this.name, err: errorMessage(err) }, 'node status update failed');
    }
    this.#after(STATUS_UPDATE_MS, this.#nextStatusCheck);
  }


  async #renewLease(): Promise<void> {
    const { client, limiter, timers } = this.#deps;
    const now = timers.now();
    if (this.#lease) {
      const next: Lease = { ...this.#lease, spec: { ...this.#lease.spec, holderIdentity: this.name, renewTime: formatMicroTime(now) } };
      try {
        this.#lease = await limiter.run(() => client.update(leaseType, next, { namespace: NODE_LEASE_NAMESPACE, answer: 'shared' }));
        return;
      } catch (err) {
        if (!isConflict(err) && !isNotFound(err)) throw err;
        this.#lease = undefined; // fall through: fetch or recreate
        this.#leaseMayExist = isConflict(err);
      }
    }
    // as the kubelet's lease controller: reuse the Lease if there is one, else create it
    const fetch = () => limiter.run(() => client.get(leaseType, this.name, { namespace: NODE_LEASE_NAMESPACE }));
    let current: Lease | undefined;
    if (this.#leaseMayExist) {
      current = await fetch().catch((err: unknown) => {
        if (isNotFound(err)) return undefined;
        throw err;
      });
    }
    if (!current) {
      try {
        this.#lease = await limiter.run(() => client.create(leaseType, buildLease(this.name, this.uid, now), { namespace: NODE_LEASE_NAMESPACE }));
        return;
      } catch (err) {
        if (!isAlreadyExists(err)) throw err;
        current = await fetch();
      }
    }
    const next: Lease = { ...current, spec: { ...current.spec, holderIdentity: this.name, leaseDurationSeconds: 40, renewTime: formatMicroTime(now) } };
    this.#lease = await limiter.run(() => client.update(leaseType, next, { namespace: NODE_LEASE_NAMESPACE, answer: 'shared' }));
  }

  async #syncStatus(force: boolean): Promise<void> {
    const { client, limiter, timers } = this.#deps;
    const now = timers.now();
    const due = now - this.#lastReport >= STATUS_REPORT_MS;
    // checked every 10 s for every node: numbers compared, nothing built
    const revision = this.conditions.revision;
    const boot = this.bootCount;
    if (!force && !due && !this.#statusDirty && revision === this.#lastFingerprintRevision && boot === this.#lastFingerprintBoot) return;
    const status = nodeStatus(this.template, this.facts());
    const fp = statusFingerprint(status);
    if (!force && !due && !this.#statusDirty && fp === this.#lastFingerprint) {
      this.#lastFingerprintRevision = revision;
      this.#lastFingerprintBoot = boot;
      return;
    }
    this.#statusDirty = false;
    // (the answer is not read: its metadata alone is asked for, a Node being large)
    await limiter.run(() => client.patch(nodeType, this.name, { status }, { type: 'merge', subresource: 'status', answer: 'metadata' }));
    this.#lastFingerprint = fp;
    this.#lastFingerprintRevision = revision;
    this.#lastFingerprintBoot = boot;
    this.#lastReport = now;
  }
}
