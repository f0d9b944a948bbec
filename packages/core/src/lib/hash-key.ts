/** `prefix` + the hex SHA-256 of the JSON of `parts`: a cache key that reveals none of its inputs. */
export async function hashKey(prefix: string, parts: unknown): Promise<string> {
  const bytes = new TextEncoder().encode(JSON.stringify(parts));
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  let hex = '';
  for (const byte of digest) hex += byte.toString(16).padStart(2, '0');
  return `${prefix}${hex}`;
}
