import type { Reader } from './blocks.js';
import { bridgeReaderFor } from './text-formats.bridge.js';

/** The readers the service uses, by file path. */
export function defaultReaderFor(path: string): Reader | undefined {
  return bridgeReaderFor(path);
}
