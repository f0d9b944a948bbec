/**
 * A read-only view of a set of strings that cannot be changed through any path: it is not a `Set`, so
 * neither a cast to `Set` nor `Set.prototype.add.call` reaches the values, and the view itself is
 * frozen. Used for the principal's scopes and permissions, which the token cache shares between requests.
 */
export class FrozenSet<T> implements ReadonlySet<T> {
  readonly #values: Set<T>;

  constructor(values: Iterable<T>) {
    this.#values = new Set(values);
    Object.freeze(this);
  }

  get size(): number {
    return this.#values.size;
  }

  has(value: T): boolean {
    return this.#values.has(value);
  }

  forEach(callback: (value: T, value2: T, set: ReadonlySet<T>) => void, thisArg?: unknown): void {
    for (const value of this.#values) callback.call(thisArg, value, value, this);
  }

  entries(): SetIterator<[T, T]> {
    return this.#values.entries();
  }

  keys(): SetIterator<T> {
    return this.#values.keys();
  }

  values(): SetIterator<T> {
    return this.#values.values();
  }

  [Symbol.iterator](): SetIterator<T> {
    return this.#values.values();
  }

  get [Symbol.toStringTag](): string {
    return 'FrozenSet';
  }

  /** Serialises as an array, as `JSON.stringify` cannot serialise a set. */
  toJSON(): T[] {
    return [...this.#values];
  }
}
