/**
 * Keeps secrets out of text that leaves the process (start-up errors, log
 * lines): credentials in URLs, bearer tokens, and the values of configured
 * secrets wherever they turn up — an upstream that echoes the request's
 * `Authorization` header in its error body included.
 */

/** `scheme://user:password@host` → `scheme://***@host` (any scheme). */
export function redactUrlCredentials(text: string): string {
  return text.replace(URL_USERINFO, '$1***@');
}

/** Masks every configured secret value (and its JSON-escaped spelling), URL credentials and bearer tokens. */
export class SecretMasker {
  private readonly values: readonly string[];

  constructor(secrets: readonly (string | undefined)[]) {
    const spellings = new Set<string>();
    for (const secret of secrets) {
      // Very short values would mask ordinary words; nobody configures a 3-character key.
      if (!secret || secret.length < 4) continue;
      spellings.add(secret);
      spellings.add(JSON.stringify(secret).slice(1, -1));
      spellings.add(encodeURIComponent(secret));
    }
    // Longest first, so a secret containing another is masked whole.
    this.values = [...spellings].sort((a, b) => b.length - a.length);
  }

  mask(text: string): string {
    let out = text;
    for (const value of this.values) if (out.includes(value)) out = out.split(value).join('***');
    if (out.includes('://')) out = redactUrlCredentials(out);
    if (/bearer/i.test(out)) out = out.replace(BEARER, '$1***');
    return out;
  }
}

/** The configured values that are secrets: what no log line may carry. */
export function configuredSecrets(config: {
  llm: { apiKey?: string | undefined };
  kb: { apiKey?: string | undefined };
  hardening: { authToken?: string | undefined; hmacSecret?: string | undefined; metricsToken?: string | undefined };
  conversation: { redisUrl?: string | undefined; asyncPushUrl?: string | undefined };
  semantic?: { embeddings?: { apiKey?: string | undefined } | undefined; rerank?: { apiKey?: string | undefined } | undefined };
}): string[] {
  const passwords = [config.conversation.redisUrl, config.conversation.asyncPushUrl].flatMap((u) => urlPassword(u) ?? []);
  return [config.llm.apiKey, config.kb.apiKey, config.hardening.authToken, config.hardening.hmacSecret, config.hardening.metricsToken, config.semantic?.embeddings?.apiKey, config.semantic?.rerank?.apiKey, ...passwords].filter(
    (s): s is string => typeof s === 'string',
  );
}

function urlPassword(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url);
    return decodeURIComponent(parsed.password || parsed.username) || undefined;
  } catch {
    return undefined;
  }
}

const URL_USERINFO = /(\b[a-z][a-z0-9+.-]*:\/\/)[^\s/@"'<>]+@/gi;
const BEARER = /(\bbearer\s+)[A-Za-z0-9._~+/=-]{4,}/gi;
