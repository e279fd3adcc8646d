/** A ratio as a percentage with two decimals ("91.25%"), as the CLI prints it. */
export function formatPercent(ratio: number): string {
  return `${(ratio * 100).toFixed(2)}%`;
}
