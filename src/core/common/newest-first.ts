/**
 * Records newest first. Timestamps have millisecond resolution, so two records made in the same
 * millisecond tie; lists arrive in the order they were recorded (the store orders by time, then
 * insertion), so of two equal timestamps the later entry is the newer one.
 */
export function newestFirst<T extends { createdAt: string }>(entries: Iterable<T>): T[] {
  return [...entries]
    .map((entry, position) => ({ entry, position }))
    .sort((a, b) => b.entry.createdAt.localeCompare(a.entry.createdAt) || b.position - a.position)
    .map(({ entry }) => entry);
}
