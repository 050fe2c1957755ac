/** Every key under `prefix`, with its metadata: KV answers at most 1000 a call. */
export async function listAll<M>(kv: KVNamespace, prefix: string): Promise<KVNamespaceListKey<M>[]> {
  const keys: KVNamespaceListKey<M>[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await kv.list<M>({ prefix, cursor });
    keys.push(...page.keys);
    if (page.list_complete) return keys;
    cursor = page.cursor;
  }
}
