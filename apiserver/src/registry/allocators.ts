// Service ClusterIP and NodePort allocation. Kubernetes keeps these as bitmaps in etcd;
// kubesim keeps them in memory, rebuilt from the stored Services at start (one
// apiserver owns the store). An address or port is taken when a Service is written and
// released when it is deleted; asking for one already in use is a 422 with Kubernetes'
// messages. Dynamic picks come from the injected Random, so simulations replay.
import type { Random } from '@kubesim/shared';

export function ipToInt(ip: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return undefined;
  return ((parts[0]! << 24) >>> 0) + (parts[1]! << 16) + (parts[2]! << 8) + parts[3]!;
}

export function intToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** a set of integers in [first, last] handed out at random */
class RangeAllocator {
  private readonly used = new Set<number>();
  constructor(
    readonly first: number,
    readonly last: number,
    private readonly random: Random,
    /** dynamic picks start here (Kubernetes leaves the low end of the service range for static IPs) */
    private readonly dynamicFirst = first,
  ) {}

  has(n: number): boolean {
    return this.used.has(n);
  }
  inRange(n: number): boolean {
    return n >= this.first && n <= this.last;
  }
  take(n: number): boolean {
    if (!this.inRange(n) || this.used.has(n)) return false;
    this.used.add(n);
    return true;
  }
  release(n: number): void {
    this.used.delete(n);
  }
  next(): number | undefined {
    const tryBand = (lo: number, hi: number): number | undefined => {
      const size = hi - lo + 1;
      if (size <= 0) return undefined;
      const start = this.random.int(size);
      for (let i = 0; i < size; i++) {
        const n = lo + ((start + i) % size);
        if (!this.used.has(n)) {
          this.used.add(n);
          return n;
        }
      }
      return undefined;
    };
    return tryBand(this.dynamicFirst, this.last) ?? tryBand(this.first, this.dynamicFirst - 1);
  }
}

export class ServiceAllocators {
  readonly cidr: string;
  private readonly ips: RangeAllocator;
  private readonly ports: RangeAllocator;

  constructor(random: Random, cidr = '10.96.0.0/12', portRange: [number, number] = [30000, 32767]) {
    this.cidr = cidr;
    const [base, bitsText] = cidr.split('/');
    const bits = Number(bitsText);
    const net = ipToInt(base ?? '');
    if (net === undefined || !(bits >= 8 && bits <= 30)) throw new Error(`bad service CIDR ${cidr}`);
    const size = 2 ** (32 - bits);
    const first = net + 1; // network address excluded
    const last = net + size - 2; // broadcast excluded
    const reserved = Math.min(Math.max(16, Math.floor(size / 16)), 256);
    this.ips = new RangeAllocator(first, last, random, first + reserved);
    this.ports = new RangeAllocator(portRange[0], portRange[1], random);
  }

  /** the first address of the range: the `kubernetes` Service's */
  get firstIP(): string {
    return intToIp(this.ips.first);
  }

  get portRange(): string {
    return `${this.ports.first}-${this.ports.last}`;
  }

  /** 'ok', or why `ip` cannot be taken ('range' | 'taken' | 'syntax') */
  takeIP(ip: string): 'ok' | 'range' | 'taken' | 'syntax' {
    const n = ipToInt(ip);
    if (n === undefined) return 'syntax';
    if (!this.ips.inRange(n)) return 'range';
    return this.ips.take(n) ? 'ok' : 'taken';
  }
  nextIP(): string | undefined {
    const n = this.ips.next();
    return n === undefined ? undefined : intToIp(n);
  }
  releaseIP(ip: string): void {
    const n = ipToInt(ip);
    if (n !== undefined) this.ips.release(n);
  }

  takePort(port: number): 'ok' | 'range' | 'taken' {
    if (!this.ports.inRange(port)) return 'range';
    return this.ports.take(port) ? 'ok' : 'taken';
  }
  nextPort(): number | undefined {
    return this.ports.next();
  }
  releasePort(port: number): void {
    this.ports.release(port);
  }
}
