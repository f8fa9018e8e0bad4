import { expect } from 'chai';
import { readAs } from './fixture-read.js';

describe('Markdown and JSON Lines readers: the less common shapes', () => {
  it('when Markdown has setext headings, a fenced code block, a quote and an indented list continuation, then each becomes the right block', async () => {
    const md = ['打印机手册', '=====', '', '安装', '---', '', '```', 'lpadmin -p office', '# not a heading', '```', '', '> 注意：先断电', '', '- 打开前盖，', '  取出硒鼓', '', '***', '正文'].join('\n');
    const { documents } = await readAs('m.md', md);
    expect(documents[0]?.title).to.equal('打印机手册');
    expect(documents[0]?.blocks).to.deep.equal([
      { kind: 'heading', level: 1, text: '打印机手册' },
      { kind: 'heading', level: 2, text: '安装' },
      { kind: 'paragraph', text: '```\nlpadmin -p office\n# not a heading\n```' },
      { kind: 'paragraph', text: '注意：先断电' },
      { kind: 'list_item', text: '打开前盖，取出硒鼓' },
      { kind: 'paragraph', text: '正文' },
    ]);
  });

  it('when a JSON Lines row has a field of the wrong type or too many similar questions, then that line is a problem with the reason', async () => {
    const lines = [
      '{"id":"a","text":"正文","title":7}',
      '{"id":"b","text":"正文","url":["x"]}',
      '{"question":"q","answer":"a","space_id":1}',
      `{"question":"q","answer":"a","similar":${JSON.stringify(Array.from({ length: 201 }, (_, i) => `问法${i}`))}}`,
      '{"id":"","question":"q","answer":"a"}',
    ].join('\n');
    const { documents, faqs, problems } = await readAs('x.jsonl', lines);
    expect(documents).to.deep.equal([]);
    expect(faqs).to.deep.equal([]);
    expect(problems).to.deep.equal([
      { source: 'x.jsonl:1', reason: '"title" must be a string' },
      { source: 'x.jsonl:2', reason: '"url" must be a string' },
      { source: 'x.jsonl:3', reason: '"space_id" must be a string' },
      { source: 'x.jsonl:4', reason: '"similar" has 201 entries; at most 200 are accepted' },
      { source: 'x.jsonl:5', reason: '"id" must be a non-empty string or a number' },
    ]);
  });
});
