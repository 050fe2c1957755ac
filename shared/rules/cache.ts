/**
 * Memoises `make` by its arguments. Patterns and regexes come from site models, so the
 * cache is emptied when full: an isolate serving many sites cannot grow it without end.
 */
export function memo<A extends unknown[], T>(make: (...args: A) => T, max = 1000): (...args: A) => T {
  const cache = new Map<string, T>();
  return (...args) => {
    const key = JSON.stringify(args);
    let value = cache.get(key);
    if (value === undefined) {
      if (cache.size >= max) cache.clear();
      value = make(...args);
      cache.set(key, value);
    }
    return value;
  };
}
