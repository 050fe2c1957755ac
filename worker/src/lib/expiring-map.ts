/**
 * A map whose entries expire `ttl` ms after they are written and which holds at most
 * `max` of them, the one written longest ago leaving first: a cache keyed by what
 * requests name (a site id) stays small however many names a sender makes up.
 */
export class ExpiringMap<K, V> {
  private readonly entries = new Map<K, { value: V; until: number }>();

  constructor(private readonly ttl: number, private readonly max: number) {}

  /** The entry written for `key`, if any and unexpired at `now`. */
  get(key: K, now: number): { value: V } | undefined {
    const entry = this.entries.get(key);
    return entry && entry.until > now ? entry : undefined;
  }

  set(key: K, value: V, now: number): void {
    // Deleted first, so that the key moves to the end of the map's order: the newest written.
    this.entries.delete(key);
    if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { value, until: now + this.ttl });
  }

  get size(): number {
    return this.entries.size;
  }
}
