import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineSection, int, num, str, url } from '../section.js';

/** The `knowledge/` folder shipped with the project, wherever the service is started from. */
export const BUNDLED_KNOWLEDGE_DIR = fileURLToPath(new URL('../../../knowledge', import.meta.url));

export const DEFAULT_NO_RECALL_REPLY =
  '抱歉，知识库里没有找到与您的问题相关的内容。请换个说法再问，或联系 IT 服务台人工支持。';

/** Which knowledge base grounds the answers, and how the extractive model answers from it. */
export const kbSection = defineSection({
  env: {
    KB_PROVIDER: { enum: ['mock', 'local', 'http'], default: 'local' },
    KB_DIR: str(),
    KB_INDEX_DIR: str(),
    KB_TOP_K: int(1, 50, 3),
    KB_MIN_SCORE: num(0, 1, 0.3),
    KB_PASSAGE_CHARS: int(100, 100_000, 800),
    KB_WATCH_DEBOUNCE_MS: int(0, 600_000, 500),
    KB_MAX_FILE_BYTES: int(1024, 1024 * 1024 * 1024, 32 * 1024 * 1024),
    KB_MAX_FILES: int(1, 10_000_000, 100_000),
    KB_URL: url(),
    KB_API_KEY: str(),
    KB_KNOWLEDGE_ID: str('default'),
    KB_TIMEOUT_MS: int(50, 600_000, 5000),
    KB_NO_RECALL_REPLY: str(DEFAULT_NO_RECALL_REPLY),
    EXTRACTIVE_DELAY_MS: int(0, 1000, 8),
    EXTRACTIVE_MAX_CHARS: int(50, 10_000, 400),
  },
  check: (v) => {
    const problems: string[] = [];
    if (v.KB_PROVIDER === 'http' && !v.KB_URL) problems.push('KB_URL: required when KB_PROVIDER=http');
    if (v.KB_PROVIDER === 'local' && v.KB_DIR && !existsSync(resolve(v.KB_DIR as string))) {
      problems.push(`KB_DIR=${JSON.stringify(v.KB_DIR)}: no such file or folder`);
    }
    return problems;
  },
  build: (v) => ({
    provider: v.KB_PROVIDER as string,
    /** Folder (or single file) the local index reads; relative paths are from the working directory. */
    dir: v.KB_DIR ? resolve(v.KB_DIR as string) : BUNDLED_KNOWLEDGE_DIR,
    /** Where the embedded index is persisted; default `./data/kb-index/<hash of KB_DIR>`. */
    indexDir: v.KB_INDEX_DIR ? resolve(v.KB_INDEX_DIR as string) : undefined,
    /** Documents recalled per question at most. */
    topK: v.KB_TOP_K as number,
    /** Documents scoring below this (0..1) are not recalled. */
    minScore: v.KB_MIN_SCORE as number,
    /** Long documents are cut into passages of about this many characters. */
    passageChars: v.KB_PASSAGE_CHARS as number,
    /** The local index is rebuilt this long after the folder last changed; 0 turns watching off. */
    watchDebounceMs: v.KB_WATCH_DEBOUNCE_MS as number,
    /** Files in the folder larger than this are skipped, by name, with their size. */
    maxFileBytes: v.KB_MAX_FILE_BYTES as number,
    /** At most this many files of the folder are read. */
    maxFiles: v.KB_MAX_FILES as number,
    /** Dify-style retrieval API base URL (`POST {url}/retrieval`). */
    url: v.KB_URL as string | undefined,
    apiKey: v.KB_API_KEY as string | undefined,
    knowledgeId: v.KB_KNOWLEDGE_ID as string,
    timeoutMs: v.KB_TIMEOUT_MS as number,
    /** What the extractive model says when nothing relevant was recalled (`answer_success: 0`). */
    noRecallReply: v.KB_NO_RECALL_REPLY as string,
    /** Pause between the extractive model's pieces, so it reads like typing. */
    extractiveDelayMs: v.EXTRACTIVE_DELAY_MS as number,
    /** Longest extractive answer, in characters (before the citation). */
    extractiveMaxChars: v.EXTRACTIVE_MAX_CHARS as number,
  }),
});
