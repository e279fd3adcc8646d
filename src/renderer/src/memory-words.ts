/**
 * The words for a model's activation memory figures. Three differ by design and sit side by side
 * (Model tab, Deploy & Profile result, memory timeline): each label says what it counts, so a
 * user sees why, e.g. on KWS, 16,000 B (no-reuse bound) > 10.9 KiB (arena) > 9.64 KiB (highest in use).
 */

export const memoryLabels = {
  noReuse: 'No-reuse bound (no sharing)',
  arena: 'Arena (planner, with alignment/scratch)',
  highestInUse: 'highest point in use at any op',
} as const;

/** The import-time activation figure: the no-reuse bound, not the arena a board gets. */
export const noReuseMeaning =
  "No-reuse bound: all activations of the worst op's live set, each in a buffer of its own (no sharing, no alignment or scratch). " +
  "The planner's arena (Deploy & Profile, build) shares buffers, so it is usually smaller; its timeline's highest point in use is at most the arena.";

/** The timeline's highest point: bytes of the arena holding live data at one op. */
export const highestInUseMeaning = 'Arena bytes holding live data while the op runs (shared bytes counted once, gaps between buffers not counted): at most the arena.';
