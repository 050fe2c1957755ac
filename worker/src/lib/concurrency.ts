/** Runs `task` over `items` with at most `limit` running at once: a bounded fan-out of object calls. */
export async function boundedEach<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await task(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/**
 * Gathers items bound for one object: one call at a time per key from this isolate,
 * each carrying every item that arrived while the one before it was under way.
 * Under load one call and one transaction serve many callers; alone, an item goes
 * at once. A caller waits for at most the call before its own and its own, and
 * gets its own call's outcome, an error too.
 */
export function coalescer<T>(send: (key: string, items: T[]) => Promise<void>): (key: string, item: T) => Promise<void> {
  const queues = new Map<string, { open: T[] | null; last: Promise<void> }>();
  return (key, item) => {
    const queue = queues.get(key) ?? { open: null, last: Promise.resolve() };
    if (queue.open) {
      queue.open.push(item);
      return queue.last;
    }
    queues.set(key, queue);
    const items = [item];
    queue.open = items;
    const run = async () => {
      queue.open = null; // later items go in the next call
      try {
        await send(key, items);
      } finally {
        if (queue.last === sent && !queue.open) queues.delete(key);
      }
    };
    // After the call before, whatever its outcome (that was its callers' to hear).
    const sent: Promise<void> = queue.last.then(run, run);
    queue.last = sent;
    return sent;
  };
}
