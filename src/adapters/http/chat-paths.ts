/** Paths that start a turn (or serve a page that does), besides `/chat` and everything under it. */
const OTHER_CHAT_PATHS = ['/playground'];

/**
 * Whether a path is a chat call that the credentials guard: `/chat`,
 * `/chat/…` (sync, async, whatever comes next) and the playground. Matched
 * by prefix so a route added later is guarded without anyone remembering to.
 */
export function isChatPath(path: string): boolean {
  return [...OTHER_CHAT_PATHS, '/chat'].some((p) => path === p || path.startsWith(`${p}/`));
}
