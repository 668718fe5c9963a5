// Randomness, injected and seedable. Components never call Math.random: a seed given to
// the simulation replays a run exactly. The generator is mulberry32 (32-bit state),
// small and fast; it is not cryptographic and need not be.

export interface Random {
  /** a float in [0, 1) */
  next(): number;
  /** an integer in [0, n) */
  int(n: number): number;
  /** `n` characters from Kubernetes' generateName alphabet (no vowels, no look-alikes) */
  alphanumeric(n: number): string;
}

// The alphabet Kubernetes uses for generated name suffixes.
const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n) => Math.floor(next() * n),
    alphanumeric: (n) => {
      let s = '';
      for (let i = 0; i < n; i++) s += ALPHABET[Math.floor(next() * ALPHABET.length)];
      return s;
    },
  };
}

/** A random source seeded from the OS, for production runs. */
export function systemRandom(): Random {
  return seededRandom((Math.random() * 2 ** 32) >>> 0);
}
