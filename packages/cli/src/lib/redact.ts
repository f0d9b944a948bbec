/** Secrets shorter than this are never replaced inside a text: the replacement would point at them. */
export const MIN_REDACTED_LENGTH = 8;

/** What stands for a redacted secret. */
export const REDACTED = '[redacted]';

/** What stands for a text that held a secret too short to redact. */
export const WITHHELD = '(withheld: it held a secret)';

const ALPHANUMERIC = /[A-Za-z0-9]/;

/** Where `secret` occurs in `text` as a whole value: not glued to a letter or digit on either side. */
function wholeOccurrences(text: string, secret: string): number[] {
  const found: number[] = [];
  for (let at = text.indexOf(secret); at !== -1; at = text.indexOf(secret, at + secret.length)) {
    const before = at === 0 ? '' : text.charAt(at - 1);
    const after = text.charAt(at + secret.length);
    if (!ALPHANUMERIC.test(before) && !ALPHANUMERIC.test(after)) found.push(at);
  }
  return found;
}

/**
 * The secrets of one command run, and `scrub` for text that comes from elsewhere (a server's
 * `error_description`, a library's error message) before it is written. The command's own messages are
 * never built from secrets and are not scrubbed, so that redaction cannot mangle them.
 */
export class Redactor {
  readonly #secrets = new Set<string>();

  /** Registers a secret (the empty string is ignored). */
  add(secret: string): void {
    if (secret !== '') this.#secrets.add(secret);
  }

  /**
   * `text` with every whole-value occurrence of a registered secret (one not glued to a letter or digit)
   * replaced by `[redacted]`. A secret shorter than {@link MIN_REDACTED_LENGTH} characters is not
   * replaced, which would show where it stood: a text holding one as a whole value is withheld entirely.
   */
  scrub(text: string): string {
    let out = text;
    for (const secret of this.#secrets) {
      const found = wholeOccurrences(out, secret);
      if (found.length === 0) continue;
      if (secret.length < MIN_REDACTED_LENGTH) return WITHHELD;
      for (const at of found.reverse()) {
        out = out.slice(0, at) + REDACTED + out.slice(at + secret.length);
      }
    }
    return out;
  }
}
