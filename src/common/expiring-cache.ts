/**
 * A bounded least-recently-used map whose entries each expire after their own lifetime: whois
 * answers for a few seconds, client metadata documents for what their Cache-Control says. Keys
 * come from outside (peer addresses, URLs), so the bound keeps a flood of distinct ones from
 * growing memory; the least recently used entry goes first. Expired entries are dropped when read
 * or pushed out. The clock is injected so tests need not wait.
 */
export class ExpiringCache<V> {
  private readonly entries = new Map<string, { value: V; expiresAt: number }>();

  constructor(
    private readonly maxEntries: number,
    private readonly now: () => number,
  ) {}

  /** The live entry for `key`, wrapped so that a cached null or undefined reads as a hit. */
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
