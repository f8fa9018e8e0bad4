/**
 * A stand-in for an OpenAI-compatible embeddings server, in its own process
 * so the vector benchmark drives the service's real client over HTTP:
 * `POST …/embeddings` `{"model","input":[…]}` → `{"data":[{"index","embedding"}]}`
 * with float arrays in JSON, as real servers send them.
 *
 * The vectors come from `synthetic-vectors.ts`: an input ending in `p<n>` is
 * item n, one ending in `q<j>:<n>` is query j (a paraphrase of item n), any
 * other text a random vector seeded by its hash. `GET /stats` tells how many
 * calls and inputs it has answered (a restart must re-embed nothing).
 *
 * Reads PORT, HOST, FAKE_DIMS (1024), FAKE_LATENT (64), FAKE_DATA (clustered|random).
 */
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { generator, syntheticSpace } from './synthetic-vectors.js';

const dims = Number(process.env.FAKE_DIMS ?? 1024);
const space = syntheticSpace({ dims, latent: Number(process.env.FAKE_LATENT ?? 64), kind: process.env.FAKE_DATA === 'random' ? 'random' : 'clustered' });
const MAX_BODY = 64 * 2 ** 20;
const stats = { calls: 0, inputs: 0 };

function vectorOf(text: string): Float32Array {
  const item = /p(\d+)$/.exec(text);
  if (item) return space.item(Number(item[1]));
  const query = /q(\d+):(\d+)$/.exec(text);
  if (query) return space.query(Number(query[1]), Number(query[2]));
  const { gauss } = generator(createHash('sha256').update(text).digest().readUInt32LE(0));
  const v = Float32Array.from({ length: dims }, gauss);
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

const server = createServer((req, res) => {
  if (req.method === 'GET') {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(req.url === '/stats' ? stats : { status: 'ok' }));
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > MAX_BODY) req.destroy();
    else chunks.push(chunk);
  });
  req.on('end', () => {
    let input: string[];
    try {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { input?: unknown };
      input = Array.isArray(body.input) ? body.input.map(String) : [String(body.input)];
    } catch {
      res.writeHead(400, { 'Content-Type': 'application/json' });
      res.end('{"error":{"message":"body is not JSON"}}');
      return;
    }
    stats.calls += 1;
    stats.inputs += input.length;
    const data = input.map((text, index) => ({ object: 'embedding', index, embedding: Array.from(vectorOf(text)) }));
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ object: 'list', data, model: 'bench-embeddings' }));
  });
});
server.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? '127.0.0.1');
process.once('SIGTERM', () => server.close(() => process.exit(0)));
