// Seeded randomness for initialisation and shuffling: xoshiro128** (Blackman & Vigna) seeded by splitmix32,
// integer arithmetic only, so a seed gives the same numbers in every JavaScript engine.

function splitmix32(state: number): [number, number] {
  state = (state + 0x9e3779b9) | 0;
  let z = state;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return [state, (z ^ (z >>> 16)) >>> 0];
}

/** A seeded generator (PyTorch's torch.Generator): pass one to initialisers and shufflers to keep streams apart. */
export class Generator {
  readonly #s = new Uint32Array(4);

  constructor(seed: number) {
    this.manualSeed(seed);
  }

  /** Restarts the stream from `seed` (an integer; its low 32 bits and sign bit are used). */
  manualSeed(seed: number): this {
    if (!Number.isInteger(seed)) throw new TypeError(`seed must be an integer; got ${seed}`);
    let state = (seed | 0) ^ Math.floor(seed / 2 ** 32);
    for (let i = 0; i < 4; i++) [state, this.#s[i]] = splitmix32(state);
    return this;
  }

  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const s = this.#s;
    const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  random(): number {
    return ((this.nextUint32() >>> 5) * 67108864 + (this.nextUint32() >>> 6)) / 9007199254740992;
  }

  /** A float drawn uniformly from [low, high). */
  uniform(low: number, high: number): number {
    return low + (high - low) * this.random();
  }

  /** A uniform integer in [0, n), without modulo bias. */
  int(n: number): number {
    if (!Number.isSafeInteger(n) || n <= 0 || n > 2 ** 32)
      throw new RangeError(`int(n): n must be an integer in 1..2^32; got ${n}`);
    const limit = 2 ** 32 - (2 ** 32 % n);
    let x: number;
    do x = this.nextUint32();
    while (x >= limit);
    return x % n;
  }

  /** 0..n−1 in a uniformly random order (Fisher–Yates). */
  permutation(n: number): Int32Array {
    const p = Int32Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [p[i], p[j]] = [p[j], p[i]];
    }
    return p;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

let defaultGenerator = new Generator(Math.floor(Math.random() * 2 ** 32));

/** The generator used when none is passed. Unseeded it starts from Math.random(); seed it with manualSeed. */
export function globalGenerator(): Generator {
  return defaultGenerator;
}

/** Seeds the default generator (PyTorch's torch.manual_seed) and returns it. */
export function manualSeed(seed: number): Generator {
  defaultGenerator = new Generator(seed);
  return defaultGenerator;
}
