/** The list under `key` in `map`, added empty first if there is none: for grouping items by a key in one pass. */
export function getOrAdd<K, T>(map: Map<K, T[]>, key: K): T[] {
  let list = map.get(key);
  if (!list) map.set(key, (list = []));
  return list;
}
