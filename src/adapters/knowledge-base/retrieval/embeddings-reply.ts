import { RemoteCallError } from './remote-call.js';

/**
 * Reads `{"data":[{"index","embedding":[…]}]}` strictly: one embedding per
 * input, each index exactly once, the same dimension throughout (and equal to
 * `expectedDims` when known), finite numbers only, no zero vector. Returns the
 * vectors in input order, L2-normalised.
 */
export function readEmbeddingsReply(reply: unknown, inputs: number, expectedDims: number | undefined): Float32Array[] {
  const data = (reply as { data?: unknown } | null)?.data;
  if (!Array.isArray(data)) throw malformed('reply has no "data" array');
  if (data.length !== inputs) throw malformed(`reply has ${data.length} embeddings for ${inputs} inputs`);
  const out: (Float32Array | undefined)[] = new Array(inputs);
  let dims = expectedDims;
  data.forEach((item: unknown, position) => {
    const { index, embedding } = (item ?? {}) as { index?: unknown; embedding?: unknown };
    // Some servers omit `index`; their order is then the input order.
    const at = index === undefined ? position : index;
    if (!Number.isInteger(at) || (at as number) < 0 || (at as number) >= inputs) throw malformed(`data[${position}].index is ${JSON.stringify(index)}, not 0..${inputs - 1}`);
    if (out[at as number]) throw malformed(`index ${at as number} appears twice`);
    if (!Array.isArray(embedding)) {
      throw malformed(typeof embedding === 'string' ? `data[${position}].embedding is a string (base64?); expected floats` : `data[${position}].embedding is not an array`);
    }
    if (embedding.length === 0) throw malformed(`data[${position}].embedding is empty`);
    if (dims === undefined) dims = embedding.length;
    else if (embedding.length !== dims) throw new RemoteCallError('malformed', `embeddings server: data[${position}].embedding has ${embedding.length} dimensions, expected ${dims}`);
    out[at as number] = normalised(embedding, position);
  });
  return out as Float32Array[];
}

function normalised(values: unknown[], position: number): Float32Array {
  const vector = new Float32Array(values.length);
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    if (typeof x !== 'number' || !Number.isFinite(x)) throw malformed(`data[${position}].embedding[${i}] is ${JSON.stringify(x) ?? String(x)}, not a finite number`);
    vector[i] = x;
    sum += x * x;
  }
  const norm = Math.sqrt(sum);
  if (!(norm > 0) || !Number.isFinite(norm)) throw malformed(`data[${position}].embedding is a zero vector`);
  for (let i = 0; i < vector.length; i++) vector[i] = (values[i] as number) / norm;
  return vector;
}

function malformed(what: string): RemoteCallError {
  return new RemoteCallError('malformed', `embeddings server: ${what}`);
}
