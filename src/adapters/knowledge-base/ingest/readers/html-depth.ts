/** Elements nested deeper than this are a generated or hostile page, not a document. */
export const MAX_HTML_DEPTH = 512;

// Void elements and those whose end tag HTML lets authors leave out do not deepen the tree.
const FLAT = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'param', 'source', 'track', 'wbr', 'p', 'li', 'td', 'th', 'tr', 'dt', 'dd', 'option']);

/**
 * True when tags nest deeper than `MAX_HTML_DEPTH`, found by one linear
 * scan of the tags before parsing: htmlparser2 keeps its open elements with
 * `unshift`, which makes a file of 100,000 nested `<div>`s take seconds.
 */
export function nestsTooDeep(html: string): boolean {
  const tag = /<(\/?)([a-zA-Z][a-zA-Z0-9-]{0,30})[^<>]*?(\/?)>/g;
  let depth = 0;
  for (let m = tag.exec(html); m; m = tag.exec(html)) {
    const name = (m[2] as string).toLowerCase();
    if (FLAT.has(name) || m[3]) continue;
    depth += m[1] ? -1 : 1;
    if (depth < 0) depth = 0;
    if (depth > MAX_HTML_DEPTH) return true;
  }
  return false;
}
