/**
 * A term as two 32-bit hashes (FNV-1a and a second, differently seeded
 * multiply-xor hash over the same UTF-16 units). The index keeps terms as
 * these 64 bits, not as strings: a 50,000-passage folder has about a million
 * distinct words and bigrams, and a `Map` of them would cost ~100 MB and a
 * second to rebuild at every start, where two sorted `Uint32Array`s cost 8 MB
 * and load as they lie on disk. Two distinct terms collide with probability
 * ~n²/2⁶⁵ (about 3·10⁻⁸ for a million terms), and a collision only merges
 * two terms' postings.
 */
export function hashTerm(term: string): [hi: number, lo: number] {
  let a = 0x811c9dc5;
  let b = 0x9e3779b9;
  for (let i = 0; i < term.length; i++) {
    const unit = term.charCodeAt(i);
    a = Math.imul(a ^ unit, 0x01000193);
    b = Math.imul(b ^ unit, 0x85ebca6b);
    b ^= b >>> 13;
  }
  b = Math.imul(b ^ (b >>> 16), 0xc2b2ae35);
  return [a >>> 0, (b ^ (b >>> 16)) >>> 0];
}

/** Compares two hashed terms (for sorting and binary search). */
export function compareHash(hiA: number, loA: number, hiB: number, loB: number): number {
  return hiA !== hiB ? hiA - hiB : loA - loB;
}
