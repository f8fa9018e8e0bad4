import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { DEFAULT_ANN_SETTINGS, loadAnnGraphFactory, type AnnGraphFactory } from '../../src/adapters/knowledge-base/retrieval/ann-graph.js';
import { GRAPH_ENTRIES_FILE, GRAPH_FILE, GRAPH_META_FILE } from '../../src/adapters/knowledge-base/retrieval/graph-file.js';
import { GraphStore } from '../../src/adapters/knowledge-base/retrieval/graph-store.js';
import { CapturingLogger } from '../fakes/capturing-logger.fake.js';

/** A unit vector of 16 dimensions, the same for the same seed. */
function vectorOf(seed: number): Float32Array {
  let s = seed * 7919 + 1;
  const v = Float32Array.from({ length: 16 }, () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s / 0x7fffffff - 0.5;
  });
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

describe('semantic retrieval: a vector graph cache folder that holds odd files', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'semantic-graph-hostile-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const graphs = (): AnnGraphFactory => {
    const factory = loadAnnGraphFactory({ ...DEFAULT_ANN_SETTINGS, addThreads: 1 });
    if ('error' in factory) throw new Error(`usearch did not load: ${factory.error}`);
    return factory;
  };
  /** 400 items; `changed` of them with a new vector. */
  const items = (changed = 0) => Array.from({ length: 400 }, (_, i) => ({ key: `p${i}`, vector: vectorOf(i < changed ? 10_000 + i : i) }));
  const open = async (list = items()) => {
    const log = new CapturingLogger();
    const { index, graph } = await new GraphStore(graphs(), 'bge-m3', '', log, { exactMaxWork: 0 }).indexOf(list, 16, dir, new AbortController().signal);
    return { index, graph, log };
  };
  const expectEveryItemFound = (index: Awaited<ReturnType<typeof open>>['index'], list: ReturnType<typeof items>) => {
    for (const { key, vector } of list) expect(index.search(vector, 1)[0]?.key).to.equal(key);
  };
  const replaceWith = (name: string, make: (file: string) => void) => {
    rmSync(join(dir, name), { force: true });
    make(join(dir, name));
  };
  const fifo = (file: string) => execFileSync('mkfifo', [file]);
  /** Fails the test instead of hanging it when the open never settles. */
  const within = async <T>(ms: number, work: Promise<T>): Promise<T> =>
    await Promise.race([work, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`still waiting after ${ms} ms`)), ms).unref())]);

  it('when the metadata or the entries file is a FIFO, or the metadata a device, then the graph is rebuilt at once, not read forever', async function () {
    this.timeout(15_000);
    const cases: [string, () => void, RegExp][] = [
      ['metadata a FIFO', () => replaceWith(GRAPH_META_FILE, fifo), /^the graph metadata is not a regular file/],
      ['metadata a link to /dev/zero', () => replaceWith(GRAPH_META_FILE, (f) => symlinkSync('/dev/zero', f)), /^the graph metadata is not a regular file/],
      [
        'entries a FIFO, metadata saying none',
        () => {
          const meta = JSON.parse(readFileSync(join(dir, GRAPH_META_FILE), 'utf8')) as Record<string, unknown>;
          writeFileSync(join(dir, GRAPH_META_FILE), JSON.stringify({ ...meta, count: 0 }));
          replaceWith(GRAPH_ENTRIES_FILE, fifo);
        },
        /^the graph entries file is not a regular file/,
      ],
    ];
    for (const [what, spoil, reason] of cases) {
      rmSync(dir, { recursive: true, force: true });
      dir = mkdtempSync(join(tmpdir(), 'semantic-graph-hostile-'));
      await open();
      spoil();
      const { index, graph } = await within(3000, open(items(8)));
      expect(graph.source, what).to.equal('built');
      expect(graph.reason, what).to.match(reason);
      expectEveryItemFound(index, items(8));
    }
  });

  it('when the metadata gives a nextId so large that ids would stop being exact integers, then the graph is rebuilt, and vectors are still searched', async () => {
    await open();
    const file = join(dir, GRAPH_META_FILE);
    const meta = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    writeFileSync(file, JSON.stringify({ ...meta, nextId: Number.MAX_SAFE_INTEGER - 1 }));
    const { index, graph } = await open(items(8));
    expect(graph.source).to.equal('built');
    expect(graph.reason).to.match(/^the graph metadata gives nextId 9007199254740990/);
    expectEveryItemFound(index, items(8));
    // Saved again with sane ids: the next change is an update in place.
    expect((await open(items(16))).graph.source).to.equal('updated');
  });

  it('when a process died mid-save or mid-read (its temp files and read links left behind), then the next start removes them, and keeps those of live processes', async () => {
    await open();
    const dead = spawnSync(process.execPath, ['-e', '']).pid as number;
    const live = process.ppid;
    const left = [
      `.${GRAPH_FILE}.${dead}.0a1b2c3d.tmp`,
      `.${GRAPH_ENTRIES_FILE}.${dead}.0a1b2c3d.tmp`,
      `.${GRAPH_META_FILE}.${dead}.0a1b2c3d.tmp`,
      `.${GRAPH_FILE}.${dead}.deadbeef.reading`,
    ];
    const kept = [`.${GRAPH_FILE}.${live}.12345678.tmp`, `.${GRAPH_FILE}.${live}.12345678.reading`, 'notes.txt'];
    for (const name of [...left, ...kept]) writeFileSync(join(dir, name), 'x'.repeat(1000));
    const { graph } = await open(items(8));
    expect(graph.source).to.equal('updated');
    expect(readdirSync(dir).sort()).to.deep.equal([...kept, GRAPH_FILE, GRAPH_ENTRIES_FILE, GRAPH_META_FILE].sort());
  });
});
