// Pod IPs from a node's podCIDR, as a host-local IPAM plugin hands them out: .1 is the
// node's bridge, pods get .2–.254, the next free address after the last one handed out (so
// an IP is not reused straight away). `allocate(owner)` → an IP or undefined when full;
// `release(ip)`; `reserve(ip, owner)` re-claims an IP seen in a pod's status after a restart.
// Invariant: an IP has at most one owner at a time.

export class IpAllocator {
  readonly prefix: string;
  #owners = new Map<number, string>();
  #cursor = 1;

  /** `cidr` is a /24 such as 10.244.3.0/24 */
  constructor(cidr: string) {
    const m = /^(\d+\.\d+\.\d+)\.0\/24$/.exec(cidr);
    if (!m) throw new Error(`IpAllocator: expected a /24, got ${cidr}`);
    this.prefix = m[1]!;
  }

  get used(): number {
    return this.#owners.size;
  }

  allocate(owner: string): string | undefined {
    for (let step = 0; step < 253; step++) {
      const host = ((this.#cursor - 1 + step) % 253) + 2; // 2..254, starting after the cursor
      if (!this.#owners.has(host)) {
        this.#owners.set(host, owner);
        this.#cursor = host;
        return `${this.prefix}.${host}`;
      }
    }
    return undefined;
  }

  /** claim `ip` for `owner`; false if it is outside the range or held by someone else */
  reserve(ip: string, owner: string): boolean {
    const host = this.#hostOf(ip);
    if (host === undefined) return false;
    const cur = this.#owners.get(host);
    if (cur !== undefined && cur !== owner) return false;
    this.#owners.set(host, owner);
    return true;
  }

  release(ip: string | undefined): void {
    if (ip === undefined) return;
    const host = this.#hostOf(ip);
    if (host !== undefined) this.#owners.delete(host);
  }

  ownerOf(ip: string): string | undefined {
    const host = this.#hostOf(ip);
    return host === undefined ? undefined : this.#owners.get(host);
  }

  #hostOf(ip: string): number | undefined {
    if (!ip.startsWith(`${this.prefix}.`)) return undefined;
    const host = Number(ip.slice(this.prefix.length + 1));
    return Number.isInteger(host) && host >= 2 && host <= 254 ? host : undefined;
  }
}
