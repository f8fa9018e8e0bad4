import { expect } from 'chai';
import { answerPieces, directFaqEntry, relevantOnly } from '../../src/application/direct-answer.js';
import { DOC_A } from '../fakes/fake-knowledge-base.fake.js';
import { FAQ_VPN, PASSAGE_VPN, scored } from '../fakes/faq-entries.fake.js';

const THRESHOLDS = { score: 0.75, margin: 0.1 };

describe('direct FAQ answers: when an entry is clearly right, and how its answer is streamed', () => {
  it('when the best doc is an FAQ entry above the threshold and clear of the runner-up, then it is the one', () => {
    expect(directFaqEntry([FAQ_VPN, scored(PASSAGE_VPN, 0.81)], THRESHOLDS)).to.equal(FAQ_VPN);
    expect(directFaqEntry([FAQ_VPN], THRESHOLDS)).to.equal(FAQ_VPN);
  });

  it('when the entry is below the score or too close to the next entry, then there is none', () => {
    expect(directFaqEntry([scored(FAQ_VPN, 0.74)], THRESHOLDS)).to.equal(undefined);
    const other = { ...FAQ_VPN, docId: 'faq-other', title: '另一个问题' };
    expect(directFaqEntry([FAQ_VPN, scored(other, FAQ_VPN.score - 0.05)], THRESHOLDS)).to.equal(undefined);
    // Best first is the port's contract, but a misordered list is not trusted: the higher score is the best.
    expect(directFaqEntry([scored(other, FAQ_VPN.score - 0.05), FAQ_VPN], THRESHOLDS)).to.equal(undefined);
    expect(directFaqEntry([scored(other, FAQ_VPN.score - 0.3), FAQ_VPN], THRESHOLDS)).to.equal(FAQ_VPN);
  });

  it('when a passage scores as high as the entry or higher, then the entry is still answered directly (passages measure coverage, not the same thing)', () => {
    expect(directFaqEntry([FAQ_VPN, scored(PASSAGE_VPN, 0.83)], THRESHOLDS)).to.equal(FAQ_VPN);
    expect(directFaqEntry([scored(DOC_A, 1), FAQ_VPN], THRESHOLDS)).to.equal(FAQ_VPN);
  });

  it('when the best doc is a passage or an entry without an answer, or no thresholds are set, then there is none', () => {
    expect(directFaqEntry([scored(DOC_A, 0.99)], THRESHOLDS)).to.equal(undefined);
    expect(directFaqEntry([{ ...FAQ_VPN, answer: '', content: '' }], THRESHOLDS)).to.equal(undefined);
    expect(directFaqEntry([FAQ_VPN], undefined)).to.equal(undefined);
    expect(directFaqEntry([], THRESHOLDS)).to.equal(undefined);
  });

  it('when the matched wording swaps a topic word of the user\'s for another, then it is not answered directly, however high it scores', () => {
    expect(directFaqEntry([{ ...scored(FAQ_VPN, 0.99), swapsWord: true }], THRESHOLDS)).to.equal(undefined);
    expect(directFaqEntry([{ ...scored(FAQ_VPN, 0.99), swapsWord: false }], THRESHOLDS)?.docId).to.equal(FAQ_VPN.docId);
  });

  it('when KB_MIN_SCORE is above the direct score, then an entry below it is not answered directly either', () => {
    expect(directFaqEntry([FAQ_VPN], { score: 0.5, margin: 0 }, 0.95)).to.equal(undefined);
    expect(directFaqEntry([FAQ_VPN], { score: 0.5, margin: 0 }, 0.9)).to.equal(FAQ_VPN);
  });

  it('when the best recalled doc reaches KB_MIN_SCORE, then every candidate stays as context; when it does not, then nothing does', () => {
    const docs = [scored(PASSAGE_VPN, 0.31), scored(DOC_A, 0.12), scored(FAQ_VPN, 0.05)];
    expect(relevantOnly({ docs, ok: true }, 0.3).docs).to.deep.equal(docs);
    expect(relevantOnly({ docs: [...docs].reverse(), ok: true }, 0.3).docs).to.have.length(3);
    expect(relevantOnly({ docs, ok: true }, 0.32)).to.deep.equal({ docs: [], ok: true });
    expect(relevantOnly({ docs: [], ok: false }, 0.3)).to.deep.equal({ docs: [], ok: false });
  });

  it('when candidates were reranked, then each is judged by its own score: one below the minimum is left out', () => {
    const docs = [{ ...scored(PASSAGE_VPN, 0.91), reranked: true }, { ...scored(DOC_A, 0.12), reranked: true }];
    expect(relevantOnly({ docs, ok: true }, 0.5).docs).to.deep.equal([docs[0]]);
    expect(relevantOnly({ docs, ok: true }, 0.95).docs).to.deep.equal([]);
  });

  it('when a stored answer is cut into pieces, then they end at sentences or lines and join to exactly the text', () => {
    const texts = [
      FAQ_VPN.answer!,
      '一句话',
      '',
      '第一步：打开设置。第二步：点击 VPN。\n\n\n完成后重启。😀 Then restart! Really? Yes; done.\r\n末尾没有标点',
      '   前后有空格。   ',
      '😀'.repeat(100),
    ];
    for (const text of texts) {
      const pieces = answerPieces(text);
      expect(pieces.join(''), JSON.stringify(text)).to.equal(text);
      for (const piece of pieces) expect(piece.isWellFormed()).to.equal(true);
      for (const piece of pieces.slice(0, -1)) expect(piece).to.match(/[。！？!?；;\n]\s*$/u);
    }
    expect(answerPieces(FAQ_VPN.answer!).length).to.be.within(2, 4);
    expect(answerPieces('')).to.deep.equal([]);
  });
});
