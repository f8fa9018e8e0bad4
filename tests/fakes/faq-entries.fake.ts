import type { RecalledDoc } from '../../src/domain/recall-result.js';

/** An FAQ entry as the knowledge base recalls it: id, standard question as title, the stored answer. */
export const FAQ_VPN: RecalledDoc = {
  kind: 'faq',
  docId: 'faq-vpn-1',
  spaceId: 'space-1',
  title: 'VPN 连不上怎么办？',
  url: 'https://example.invalid/faq/vpn',
  score: 0.92,
  matchedQuestion: 'vpn 登不上去',
  answer: '请先确认网络正常。然后重启 VPN 客户端！\n如果仍然失败，请在自助门户提交工单；我们会尽快处理？  谢谢。',
  content: '请先确认网络正常。然后重启 VPN 客户端！\n如果仍然失败，请在自助门户提交工单；我们会尽快处理？  谢谢。',
};

/** A passage with its section and page, as an ingested PDF yields it. */
export const PASSAGE_VPN: RecalledDoc = {
  kind: 'passage',
  docId: 'vpn-guide#3',
  spaceId: 'space-1',
  title: 'VPN 使用手册',
  url: '',
  score: 0.6,
  content: '客户端安装后，用域账号登录。',
  headingPath: ['VPN 使用手册', '安装', 'Windows'],
  page: 4,
};

/** `doc` with another score. */
export const scored = (doc: RecalledDoc, score: number): RecalledDoc => ({ ...doc, score });
