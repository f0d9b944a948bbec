/** Secrets shorter than this are never replaced inside a text: the replacement would point at them. */
export const MIN_REDACTED_LENGTH = 8;

/** What stands for a redacted secret. */
export const REDACTED = '[redacted]';

/** What stands for a text that held a secret too short to redact. */
export const WITHHELD = '(withheld: it held a secret)';

const ALPHANUMERIC = /[A-Za-z0-9]/;

/** Every place `secret` occurs in `text`, and whether each is a whole value (not glued to a letter or digit). */
function occurrences(text: string, secret: string): { at: number; whole: boolean }[] {
  const found: { at: number; whole: boolean }[] = [];
  for (let at = text.indexOf(secret); at !== -1; at = text.indexOf(secret, at + secret.length)) {
    const before = at === 0 ? '' : text.charAt(at - 1);
    const after = text.charAt(at + secret.length);
    found.push({ at, whole: !ALPHANUMERIC.test(before) && !ALPHANUMERIC.test(after) });
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
   * replaced by `[redacted]`. The whole text is withheld instead when redacting in place would show the
   * secret or where it stood: a secret shorter than {@link MIN_REDACTED_LENGTH} characters as a whole
   * value, or a longer one glued to other letters or digits (`xs3cr3t-value`). A short secret inside a
   * word (`c` in `client`) is a coincidence, not the secret, and is left alone.
   */
  scrub(text: string): string {
    let out = text;
    for (const secret of this.#secrets) {
      const found = occurrences(out, secret);
      const short = secret.length < MIN_REDACTED_LENGTH;
      const whole = found.filter((o) => o.whole);
      if (short ? whole.length > 0 : whole.length < found.length) return WITHHELD;
      for (const { at } of whole.reverse()) {
        out = out.slice(0, at) + REDACTED + out.slice(at + secret.length);
      }
    }
    return out;
  }
}
