/**
 * A bounded least-recently-used map whose entries each have their own expiry (a document's
 * lifetime comes from its Cache-Control header; a failure's is fixed). Callers choose the URLs, so
 * the bound keeps a flood of distinct ones from growing memory: the least recently used entry goes
 * first. Expired entries are dropped when read or pushed out. The clock is injected.
 */
export class ResolutionCache<V> {
  private readonly entries = new Map<string, { value: V; expiresAt: number }>();

  constructor(
    private readonly maxEntries: number,
    private readonly now: () => number,
  ) {}

  /** The live entry for `key`, wrapped so that a cached falsy value reads as a hit. */
  get(key: string): { value: V } | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    this.entries.delete(key);
    if (entry.expiresAt <= this.now()) return undefined;
    this.entries.set(key, entry);
    return { value: entry.value };
  }

  set(key: string, value: V, lifetimeMs: number): void {
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAt: this.now() + lifetimeMs });
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }

  get size(): number {
    return this.entries.size;
  }
}
