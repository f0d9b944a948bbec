/**
 * The `Authorization` header of a Node.js request, read from its `rawHeaders` (name, value, name,
 * value, …): Node keeps only the first of repeated `Authorization` headers in `headers`, and two
 * credentials must be refused (`400 multiple_tokens`), not half read. Takes the array only, so that
 * core stays free of Node's types.
 *
 * @returns the one value, every value when there are several, or `undefined` when there is none.
 * @example
 * ```ts
 * const request: AuthRequest = { headers: { authorization: authorizationHeader(req.rawHeaders) } };
 * ```
 */
export function authorizationHeader(rawHeaders: readonly string[]): string | string[] | undefined {
  const found: string[] = [];
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    if (name.length === 13 && name.toLowerCase() === 'authorization') found.push(rawHeaders[i + 1] ?? '');
  }
  return found.length === 0 ? undefined : found.length === 1 ? found[0] : found;
}
