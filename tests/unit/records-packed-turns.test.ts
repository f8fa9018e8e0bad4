import { expect } from 'chai';
import { packTurns, unpackTurns } from '../../src/adapters/records/packed-turns.js';
import { turnRow } from '../../src/adapters/records/record-store.js';
import type { StoredTurn } from '../../src/application/ports/turn-records.port.js';

/** Every field set, optional ones included. */
const FULL: StoredTurn = {
  at: 1_796_290_575_798,
  traceId: 'fcce19c6-d3dd-401a-8b0c-7282eea5d2f0',
  msgId: 'm-1',
  sessionId: 's-1',
  userKey: '103c551771baf546f663526bad16b81b',
  businessKeys: ['it-helpdesk', 'hr'],
  question: '那这个怎么弄？',
  standaloneQuestion: '回调地址怎么配置？',
  answer: '在 “设置 → 回调” 里填写地址 😀\n第二行',
  answerTruncated: true,
  answered: true,
  outcome: 'answered',
  reason: 'faq_direct',
  docs: [
    { docId: 'faq-1', title: '回调', url: '', score: 0.9, kind: 'faq', matchedQuestion: '怎么配置回调？', foundBy: 'both+reranked' },
    { docId: 'p-2', title: 'Guide', url: 'https://example.invalid/p/2', score: 0, kind: 'passage', foundBy: 'lexical' },
    { docId: 'p-3', title: '', url: 'https://example.invalid/p/3', score: -1.5, kind: 'passage' },
  ],
  citedDocId: 'faq-1',
  firstFrameMs: 0,
  durationMs: 12,
  provider: 'openai',
};

/** Every optional field absent, lists empty, falsy values where they can be. */
const BARE: StoredTurn = {
  at: 0,
  traceId: 't-2',
  userKey: '',
  businessKeys: [],
  question: 'q',
  standaloneQuestion: 'q',
  answer: '',
  answerTruncated: false,
  answered: false,
  outcome: 'caller_hung_up',
  reason: 'caller_hung_up',
  docs: [],
  durationMs: 0,
  provider: 'mock',
};

/** What `postMessage` does to a message (the HTML structured clone). */
const posted = <T>(value: T): T => structuredClone(value);

const withoutUndefined = (t: StoredTurn) => JSON.parse(JSON.stringify(t)) as StoredTurn;

describe('turn records packed for the writer thread', () => {
  it('when a batch is packed, posted and unpacked, then every field of every turn comes back, absent ones absent', () => {
    const rows = [FULL, BARE, { ...FULL, traceId: 't-3', businessKeys: ['only'], docs: [FULL.docs[2]!] }];
    const back = unpackTurns(posted(packTurns(rows)));
    expect(back).to.have.length(3);
    back.forEach((turn, i) => {
      expect(withoutUndefined(turn)).to.deep.equal(withoutUndefined(rows[i]!));
      // The optional fields not given are not made up either.
      for (const key of ['msgId', 'sessionId', 'citedDocId', 'firstFrameMs'] as const) {
        expect(turn[key], key).to.equal(rows[i]![key]);
      }
    });
    expect(back[1]!.docs).to.deep.equal([]);
    expect(Object.keys(back[0]!.docs[2]!)).to.deep.equal(['docId', 'title', 'url', 'score', 'kind']);
  });

  it('when a batch goes through the pack, then the rows written are exactly those of the turns themselves', () => {
    const rows = [FULL, BARE];
    expect(unpackTurns(posted(packTurns(rows))).map(turnRow)).to.deep.equal(rows.map(turnRow));
  });

  it('when the batch is empty, then nothing comes back', () => {
    expect(unpackTurns(posted(packTurns([])))).to.deep.equal([]);
  });
});
