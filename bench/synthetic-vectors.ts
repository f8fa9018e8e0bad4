/**
 * Deterministic synthetic "embeddings" for the vector benchmark's fake
 * embeddings server. Text embeddings are not isotropic noise — they lie near
 * a low-dimensional, clustered set — so an item is one of `clusters` topics
 * in a `latent`-dimensional space, projected to `dims`, plus small isotropic
 * noise; a query is a perturbed copy of an item (a paraphrase). `kind:
 * 'random'` gives isotropic random vectors instead, the worst case for any
 * approximate index (no structure to exploit).
 *
 * Every vector is a function of its number alone, so the server can answer
 * any batch in any order and a restart gets the same vectors.
 */
export interface SyntheticSpace {
  readonly dims: number;
  readonly kind: 'clustered' | 'random';
  /** Item `n`'s vector (a passage). */
  item(n: number): Float32Array;
  /** Query `j`, a paraphrase of item `n`. */
  query(j: number, n: number): Float32Array;
}

/** mulberry32: a proper 32-bit generator (an LCG in doubles loses bits past 2^53 and repeats). */
export function generator(seed: number): { uniform: () => number; gauss: () => number } {
  let s = seed >>> 0;
  const uniform = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  const gauss = () => Math.sqrt(-2 * Math.log(uniform() || 1e-12)) * Math.cos(2 * Math.PI * uniform());
  return { uniform, gauss };
}

function normalise(v: Float32Array): Float32Array {
  let sum = 0;
  for (const x of v) sum += x * x;
  const inv = 1 / Math.sqrt(sum);
  for (let i = 0; i < v.length; i++) v[i] = (v[i] as number) * inv;
  return v;
}

const QUERY_SEED = 0x51_7c_c1;

export function syntheticSpace(options: { dims: number; latent: number; kind: 'clustered' | 'random'; clusters?: number; seed?: number }): SyntheticSpace {
  const { dims, latent, kind } = options;
  const clusters = options.clusters ?? 200;
  const base = generator(options.seed ?? 1);
  const projection = Float32Array.from({ length: latent * dims }, () => base.gauss() / Math.sqrt(latent));
  const centres = Array.from({ length: clusters }, () => Float32Array.from({ length: latent }, base.gauss));

  const project = (z: Float32Array, noise: () => number): Float32Array => {
    const v = new Float32Array(dims);
    for (let l = 0; l < latent; l++) {
      const zl = z[l] as number;
      const row = l * dims;
      for (let j = 0; j < dims; j++) v[j] = (v[j] as number) + zl * (projection[row + j] as number);
    }
    for (let j = 0; j < dims; j++) v[j] = (v[j] as number) + noise() * 0.02;
    return normalise(v);
  };
  const latentOf = (n: number): Float32Array => {
    const { uniform, gauss } = generator(n * 2 + 1);
    const centre = centres[Math.floor(uniform() * clusters)] as Float32Array;
    return centre.map((x) => x + gauss() * 0.6);
  };

  if (kind === 'random') {
    const draw = (seed: number) => {
      const { gauss } = generator(seed);
      return normalise(Float32Array.from({ length: dims }, gauss));
    };
    return { dims, kind, item: (n) => draw(n * 2 + 1), query: (j) => draw(QUERY_SEED + j * 2) };
  }
  return {
    dims,
    kind,
    item: (n) => project(latentOf(n), generator(n * 2 + 2).gauss),
    query: (j, n) => {
      const { gauss } = generator(QUERY_SEED + j * 2);
      return project(latentOf(n).map((x) => x + gauss() * 0.3), gauss);
    },
  };
}
