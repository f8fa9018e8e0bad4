import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/**
 * Compares a presented secret with the expected one in constant time.
 * Hashing both sides first gives equal lengths (which `timingSafeEqual`
 * requires) without leaking the expected secret's length.
 */
export function sameSecret(presented: string, expected: string): boolean {
  return timingSafeEqual(digest(presented), digest(expected));
}

/** The credential of a call: `Authorization: Bearer <t>`, else `?token=<t>`, else undefined. */
export function presentedToken(authorization: string, query: Record<string, string | string[] | undefined>): string | undefined {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization)?.[1];
  if (bearer) return bearer;
  const token = query.token;
  return typeof token === 'string' && token !== '' ? token : undefined;
}
