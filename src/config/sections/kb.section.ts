import { defineSection, str } from '../section.js';

/** Which knowledge base grounds the answers. */
export const kbSection = defineSection({
  env: {
    KB_PROVIDER: { enum: ['mock', 'local', 'http'], default: 'mock' },
    KB_DIR: str(),
  },
  build: (v) => ({
    provider: v.KB_PROVIDER as string,
    dir: v.KB_DIR as string | undefined,
  }),
});
