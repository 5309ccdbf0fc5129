// numpy's legacy np.random.RandomState (MT19937), reproduced draw for draw: the seeding, the 53-bit doubles,
// the polar-method normals with their cached second value and the masked-rejection bounded integers, so that
// code ported from numpy/scikit-learn replays the same random stream from the same integer seed.
// Integer arithmetic and IEEE-754 double operations only, so every JavaScript engine gives the same numbers.

const N = 624;
const M = 397;
const MATRIX_A = 0x9908b0df;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;

/** numpy's legacy `RandomState(seed)`: the methods scikit-learn's `make_classification` and `shuffle` draw from. */
export class RandomState {
  readonly #key = new Uint32Array(N);
  #pos = N;
  #gauss = 0;
  #hasGauss = false;

  /** `seed` is an integer in [0, 2³² − 1], as `np.random.RandomState(seed)` requires. */
  constructor(seed: number) {
    if (!Number.isInteger(seed)) throw new TypeError(`seed must be an integer; got ${seed}`);
    if (seed < 0 || seed > 0xffffffff) throw new RangeError(`seed must be between 0 and 2^32 - 1; got ${seed}`);
    // An integer seed goes through MT19937's init_genrand (numpy's mt19937_seed), not init_by_array.
    const key = this.#key;
    key[0] = seed;
    for (let i = 1; i < N; i++) {
      const prev = key[i - 1];
      key[i] = Math.imul(1812433253, prev ^ (prev >>> 30)) + i;
    }
  }

  /** The next raw 32-bit output, an unsigned integer. */
  nextUint32(): number {
    if (this.#pos === N) this.#twist();
    let y = this.#key[this.#pos++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  #twist(): void {
    const key = this.#key;
    for (let i = 0; i < N; i++) {
      const y = (key[i] & UPPER_MASK) | (key[(i + 1) % N] & LOWER_MASK);
      key[i] = key[(i + M) % N] ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    this.#pos = 0;
  }

  /** `random_sample()`: a double in [0, 1) on the 2⁻⁵³ grid, built from two draws. */
  randomSample(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** `uniform(low, high)`: `low + (high − low)·random_sample()`, evaluated as numpy does. */
  uniform(low = 0, high = 1): number {
    return low + (high - low) * this.randomSample();
  }

  /** `standard_normal()` / `randn()`: the legacy polar (Marsaglia) method, which yields normals in pairs. */
  standardNormal(): number {
    if (this.#hasGauss) {
      this.#hasGauss = false;
      return this.#gauss;
    }
    let x1: number, x2: number, r2: number;
    do {
      x1 = 2 * this.randomSample() - 1;
      x2 = 2 * this.randomSample() - 1;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1 || r2 === 0);
    const f = Math.sqrt((-2 * glibcLog(r2)) / r2);
    this.#gauss = f * x1;
    this.#hasGauss = true;
    return f * x2;
  }

  /**
   * `randint(low, high)`: an integer in [low, high), or [0, low) when `high` is omitted, drawn by numpy's legacy
   * masked rejection (mask the 32-bit draw to the smallest covering power of two, redraw while out of range).
   * Ranges wider than 2³² take 64-bit draws in numpy and are not supported here.
   */
  randint(low: number, high?: number): number {
    if (high === undefined) [low, high] = [0, low];
    if (!Number.isInteger(low) || !Number.isInteger(high))
      throw new TypeError(`randint bounds must be integers; got ${low}, ${high}`);
    const range = high - 1 - low;
    if (range < 0) throw new RangeError(`randint needs low < high; got low ${low}, high ${high}`);
    if (range > 0xffffffff) throw new RangeError(`randint supports ranges up to 2^32; got ${range + 1}`);
    if (range === 0) return low;
    if (range === 0xffffffff) return low + this.nextUint32();
    return low + this.#masked(range);
  }

  /** A uniform integer in [0, max] for 1 ≤ max < 2³², by masked rejection (numpy's random_interval). */
  #masked(max: number): number {
    let mask = max;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    let value: number;
    while ((value = (this.nextUint32() & mask) >>> 0) > max);
    return value;
  }

  /** `shuffle(x)` in place, for a 1-D array: numpy's backwards Fisher–Yates with masked-rejection indices. */
  shuffle<T extends { length: number; [i: number]: unknown }>(x: T): T {
    for (let i = x.length - 1; i > 0; i--) {
      const j = this.#masked(i);
      const t = x[i];
      x[i] = x[j];
      x[j] = t;
    }
    return x;
  }

  /** `permutation(n)`: `arange(n)` shuffled. */
  permutation(n: number): Int32Array {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`permutation needs a non-negative integer; got ${n}`);
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = i;
    return this.shuffle(out);
  }
}

// numpy's legacy_gauss calls the C library's log(). Math.log is implementation-defined (V8's fdlibm port
// differs from glibc in the last bit for about 7% of inputs), so glibc's log is reproduced instead: the
// table-driven algorithm glibc has used since 2.28 (from Arm's optimized-routines, MIT, also musl's log.c),
// as glibc's x86-64 build runs it on CPUs with FMA, where the compiler fuses each a·b + c. Each fused
// multiply-add is emulated below; this reproduced glibc bit for bit on 4 million draws of r2. glibc on CPUs
// without FMA rounds about 1 in 10⁴ of these logs the other way, and other C libraries may too, so numpy's
// normals are matched exactly where numpy runs on x86-64 Linux with FMA (nearly every such machine since 2013).

const LN2_HI = 0.6931471805598903;
const LN2_LO = 5.497923018708371e-14;
const A0 = -0.5000000000000001,
  A1 = 0.33333333331825593,
  A2 = -0.2499999999622955,
  A3 = 0.20000304511814496,
  A4 = -0.16667054827627667;
const B = [
  -0.5, 0.3333333333333352, -0.24999999999998432, 0.19999999999320328, -0.16666666669929706, 0.14285715076560868,
  -0.12499997863982555, 0.11110712032936046, -0.10000486757818193, 0.09181994006195467, -0.08328363062289341,
];
/** 128 pairs (1/c, log c) for c near the centres of 128 subintervals of [0x1.6p-1, 0x1.6p0]. */
const INVC_LOGC = new Float64Array([
  1.4504249240398293, -0.3718565645633589, 1.442253508327276, -0.36620682668944937, 1.4341736174350004,
  -0.3605888069791945, 1.426183816329995, -0.3550022171419869, 1.4182825527052965, -0.34944666968829097,
  1.4104682921759335, -0.3439217713603284, 1.4027396147468003, -0.3384271921261188, 1.3950954438932313,
  -0.332962831494342, 1.3875338232485754, -0.32752794345742586, 1.3800539211058593, -0.32212257167088865,
  1.3726542695419708, -0.3167462884799761, 1.3653332798446802, -0.3113985598928366, 1.358090204587874,
  -0.3060794515165526, 1.3509234892132138, -0.300788424667644, 1.3438320840699889, -0.2955252968476998,
  1.3368146974742003, -0.29028969275850613, 1.329870114677736, -0.2850812793277555, 1.322997339161106,
  -0.27989987391470095, 1.316195352741367, -0.27474526621870154, 1.3094628125672239, -0.2696169863701243,
  1.3027990455471041, -0.26451506180308115, 1.2962024229438942, -0.2594387762767383, 1.2896726275815547,
  -0.2543884090981692, 1.2832080305745537, -0.24936321635129843, 1.276807885983376, -0.24436312405975968,
  1.2704714060687552, -0.23938801747897287, 1.2641976054949482, -0.23443761696705678, 1.257985357514882,
  -0.22951151871518505, 1.2518337750655457, -0.2246094963439873, 1.2457421919097305, -0.21973149037705753,
  1.2397094966625508, -0.2148770752847895, 1.2337348463589233, -0.210046029103637, 1.2278176973028803,
  -0.20523836373934046, 1.2219570190618474, -0.20045368751368642, 1.2161519732977757, -0.1956917537758045,
  1.2104018095009725, -0.19095237845203883, 1.204705805718973, -0.18623539250290833, 1.1990631185441964,
  -0.18154051731551135, 1.1934733004462308, -0.1768677957431919, 1.1879350812847385, -0.17221657406412305,
  1.1824481322833125, -0.16758697765942543, 1.1770114976921955, -0.16297859687290384, 1.1716248121809465,
  -0.15839151377804228, 1.1662869231674715, -0.15382513241456763, 1.1609977486762766, -0.14927976358922024,
  1.1557563220795803, -0.14475495398119165, 1.1505619105480347, -0.14025044090817573, 1.1454138888505974,
  -0.1357660466685502, 1.140311877374656, -0.1313018016355727, 1.1352550225747513, -0.12685731518763532,
  1.1302429094831266, -0.1224325737671279, 1.1252747693068048, -0.11802724521862729, 1.1203501571039876,
  -0.11364127671663482, 1.1154683327680124, -0.10927434611278386, 1.1106291463292157, -0.10492665324943573,
  1.1058315813301596, -0.10059761422644442, 1.1010752177696026, -0.09628717309055901, 1.0963597137952512,
  -0.09199534069557558, 1.0916844827550398, -0.08772190036688698, 1.0870487291277784, -0.08346643613867855,
  1.082452357388312, -0.07922916827544668, 1.0778948225025884, -0.0750099004750382, 1.0733751731601076,
  -0.07080805133352897, 1.068893585073351, -0.06662408085151128, 1.0644491706655506, -0.06245745471915143,
  1.0600414846328305, -0.0583080438042316, 1.0556701316181605, -0.05417576112313327, 1.051334750556926,
  -0.050060547896805474, 1.0470347288442157, -0.045962101199052086, 1.0427699229652954, -0.04188056008865715,
  1.0385395013738175, -0.03781540056183985, 1.034343418940345, -0.03376684757915882, 1.0301811073173315,
  -0.029734619131772888, 1.026052043621297, -0.025718470239212365, 1.0219561082336197, -0.021718543925430822,
  1.0178926505784922, -0.01773446126981071, 1.0138614436244586, -0.013766252464051831, 1.0098620186501341,
  -0.009813706322574944, 1.0058938559734134, -0.005876555150052809, 1.00195696235014, -0.0019550499938532084,
  0.9961089923088509, 0.0038985973556009412, 0.9884170338185201, 0.011650571286395461, 0.9808429191005297,
  0.019342955478919066, 0.9733840169987446, 0.0269766014846482, 0.9660377568876556, 0.034552359728422744,
  0.9588014945307369, 0.04207121767183253, 0.9516728569073111, 0.049533940950141186, 0.9446494635965822,
  0.056941358295944156, 0.9377288993026223, 0.06429439168346107, 0.9309091073790681, 0.0715936354946507,
  0.924187681612722, 0.07884010933776153, 0.9175626765599192, 0.08603438905970506, 0.9110320403624034,
  0.09317721180013905, 0.9045935839762024, 0.10026951462748457, 0.8982456375922825, 0.10731170956330516,
  0.8919860966782501, 0.11430473320717738, 0.8858131121185129, 0.12124928503033061, 0.879725075760676,
  0.12814583422959913, 0.8737201372634685, 0.1349951636851756, 0.8677966405782273, 0.1417978768189414,
  0.8619528050060739, 0.14855476039031146, 0.8561872354420692, 0.1552661937658968, 0.8504983927816893,
  0.16193275688146969, 0.8448844572790304, 0.16855539792220497, 0.8393442741575965, 0.1751343179947753,
  0.8338762249349438, 0.1816702989864325, 0.8284789320557778, 0.18816387146023317, 0.8231510800065832,
  0.1946155228479256, 0.8178913903778707, 0.20102572579389744, 0.8126984007245374, 0.2073952090795501,
  0.8075710029460227, 0.21372429840596396, 0.8025078881160415, 0.2200135945981856, 0.7975077379364331,
  0.22626374162859975, 0.792569604966373, 0.23247494747693054, 0.7876923641254114, 0.23864766620658884,
  0.7828746724940998, 0.24478265647405806, 0.7781155388790811, 0.25088025827324145, 0.7734139557869777,
  0.2569408552510595, 0.7687687179914933, 0.26296511155101143, 0.7641790698041854, 0.2689531327189343,
  0.7596438763692399, 0.27490553924610595, 0.7551621951078668, 0.2808227248478943, 0.7507331780216866,
  0.286704979267256, 0.7463557196361751, 0.29255295645509705, 0.7420289364869653, 0.2983670386142876,
  0.7377521537065876, 0.30414734587282055, 0.7335242966002608, 0.30989455774829366, 0.729344777457841,
  0.31560871301871884,
]);

const bits = new Float64Array(1);
const words = new Uint32Array(bits.buffer);
const HIGH = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0; // the word holding sign and exponent

const SPLITTER = 134217729; // 2²⁷ + 1, Veltkamp's constant

/**
 * fma(a, b, c) = a·b + c rounded once: the exact product by Dekker's splitting and an error-free sum, then one
 * rounding of their tails (which double-rounds only when those tails sit on a tie, far rarer than needed here).
 */
function fma(a: number, b: number, c: number): number {
  const p = a * b;
  let t = SPLITTER * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLITTER * b;
  const bh = t - (t - b);
  const bl = b - bh;
  const e = ah * bh - p + ah * bl + al * bh + al * bl;
  const s = p + c;
  const v = s - p;
  return s + (p - (s - v) + (c - v) + e);
}

/** glibc's log(x) for the normal x in (0, 1) that the polar method produces. @internal */
export function glibcLog(x: number): number {
  if (x >= 0.9375) {
    // Near 1 a table step would cancel badly, so log1p(r) is a polynomial with r² split exactly in hi + lo.
    const r = x - 1;
    const r2 = r * r;
    const r3 = r * r2;
    let p = fma(r3, B[10], fma(r2, B[9], fma(r, B[8], B[7])));
    p = fma(r3, p, fma(r2, B[6], fma(r, B[5], B[4])));
    p = fma(r3, p, fma(r2, B[3], fma(r, B[2], B[1])));
    const w = r * 0x8000000;
    const rhi = r + w - w;
    const rlo = r - rhi;
    const rhi2 = rhi * rhi;
    const hi = fma(rhi2, B[0], r);
    let lo = fma(rhi2, B[0], r - hi);
    lo = fma(B[0] * rlo, rhi + r, lo);
    return fma(r3, p, lo) + hi;
  }
  // x = 2^k·z with z in [0x1.6p-1, 0x1.6p0); log x = k·ln2 + log c + log1p(z/c − 1), c from z's subinterval.
  bits[0] = x;
  const top = words[HIGH];
  const tmp = (top - 0x3fe60000) | 0;
  const i = (tmp >>> 13) & 127;
  const k = tmp >> 20;
  words[HIGH] = top - (tmp & 0xfff00000);
  const z = bits[0];
  const r = fma(z, INVC_LOGC[2 * i], -1);
  const w = k * LN2_HI + INVC_LOGC[2 * i + 1];
  const hi = w + r;
  const lo = fma(k, LN2_LO, w - hi + r);
  const r2 = r * r;
  const p = fma(r2, fma(r, A4, A3), fma(r, A2, A1));
  return fma(r * r2, p, fma(r2, A0, lo)) + hi;
}
