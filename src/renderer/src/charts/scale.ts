/**
 * Axis arithmetic for the hand-written SVG charts: round tick values ("nice numbers", the
 * 1-2-5 steps of Heckbert's Graphics Gems algorithm) and a linear map from data to pixels.
 */

/** The 1, 2, 5 or 10 × 10^k at or above `value` (at or near it when `round`). */
function niceNumber(value: number, round: boolean): number {
  const exponent = Math.floor(Math.log10(value));
  const fraction = value / 10 ** exponent;
  let nice: number;
  if (round) nice = fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10;
  else nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
  return nice * 10 ** exponent;
}

/**
 * Ticks from 0 to at least `max`, about `count` of them, on round steps: niceTicks(52_000, 4) →
 * [0, 20000, 40000, 60000]. A max of 0 (or less) gives [0, 1] so the axis still has a length.
 */
export function niceTicks(max: number, count = 4): number[] {
  if (!(max > 0)) return [0, 1];
  const step = niceNumber(niceNumber(max, false) / Math.max(1, count), true);
  const top = Math.ceil(max / step) * step;
  const ticks: number[] = [];
  for (let value = 0; value <= top + step / 2; value += step) ticks.push(Number(value.toPrecision(12)));
  return ticks;
}

/** A linear map from [domainStart, domainEnd] to [rangeStart, rangeEnd]. */
export function linearScale(domainStart: number, domainEnd: number, rangeStart: number, rangeEnd: number): (value: number) => number {
  const span = domainEnd - domainStart || 1;
  return (value) => rangeStart + ((value - domainStart) / span) * (rangeEnd - rangeStart);
}

/** 52_000 → "52k", 1_500_000 → "1.5M": short labels for axis ticks. */
export function compactNumber(value: number): string {
  const units: [number, string][] = [
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'k'],
  ];
  for (const [size, suffix] of units) {
    if (Math.abs(value) >= size) return `${Number((value / size).toPrecision(3))}${suffix}`;
  }
  return String(Number(value.toPrecision(3)));
}
