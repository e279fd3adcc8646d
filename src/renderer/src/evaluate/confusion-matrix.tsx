/**
 * The confusion matrix as a heat map: rows are the actual classes, columns the predicted ones,
 * each cell shaded by its share of its row (so a class with few samples reads as clearly as a
 * big one) and labelled with its count. The diagonal (right answers) is green, the rest red, so
 * where a model goes wrong stands out; the counts are always written, colour is never the only
 * signal. Every cell has a tooltip in words.
 */

import { formatPercent } from '../format.js';
import { useWidth } from '../charts/use-width.js';

const labelWidth = 96;
const headerHeight = 84;
const totalWidth = 56;

/** Cell fill: the diagonal green, errors red, alpha by the share of the row. */
function cellFill(share: number, diagonal: boolean): string {
  if (share === 0) return 'transparent';
  const alpha = 0.12 + 0.88 * share;
  return diagonal ? `rgba(23, 115, 58, ${alpha.toFixed(3)})` : `rgba(180, 35, 24, ${alpha.toFixed(3)})`;
}

/** Class names cut to `length` characters (the tooltip has the whole name). */
function shorten(name: string, length: number): string {
  return name.length > length ? `${name.slice(0, length - 1)}…` : name;
}

export function ConfusionMatrix({ classes, confusion }: { classes: readonly string[]; confusion: readonly (readonly number[])[] }) {
  const [ref, width] = useWidth<HTMLDivElement>(640);
  const n = classes.length;
  const cell = Math.max(18, Math.min(44, Math.floor((width - labelWidth - totalWidth) / Math.max(1, n))));
  const svgWidth = labelWidth + n * cell + totalWidth;
  const svgHeight = headerHeight + n * cell + 4;
  const rowTotals = confusion.map((row) => row.reduce((sum, count) => sum + count, 0));
  const samples = rowTotals.reduce((sum, count) => sum + count, 0);
  const correct = classes.reduce((sum, _name, k) => sum + (confusion[k]?.[k] ?? 0), 0);
  const fontSize = cell >= 30 ? 11 : 9;

  return (
    <figure className="chart confusion" data-testid="confusion-matrix">
      <div ref={ref} className="chart__canvas confusion__canvas">
        <svg width={svgWidth} height={svgHeight} role="img" aria-label={`Confusion matrix of ${n} classes: ${correct} of ${samples} samples on the diagonal (predicted as their actual class)`}>
          <text className="confusion__axis" x={labelWidth + (n * cell) / 2} y={12} textAnchor="middle">
            predicted class →
          </text>
          {classes.map((name, column) => (
            <text
              key={`column-${column}`}
              className="confusion__label"
              transform={`translate(${labelWidth + column * cell + cell / 2 + 4}, ${headerHeight - 6}) rotate(-55)`}
              textAnchor="start"
            >
              <title>{name}</title>
              {shorten(name, 12)}
            </text>
          ))}
          <text className="confusion__label confusion__label--total" x={labelWidth + n * cell + totalWidth / 2} y={headerHeight - 6} textAnchor="middle">
            total
          </text>
          {classes.map((name, row) => {
            const y = headerHeight + row * cell;
            return (
              <g key={`row-${row}`} data-testid="confusion-row">
                <text className="confusion__label" x={labelWidth - 6} y={y + cell / 2 + 4} textAnchor="end">
                  <title>{name}</title>
                  {shorten(name, 14)}
                </text>
                {classes.map((predicted, column) => {
                  const count = confusion[row]?.[column] ?? 0;
                  const share = rowTotals[row] > 0 ? count / rowTotals[row] : 0;
                  const diagonal = row === column;
                  return (
                    <g key={column} data-testid="confusion-cell" data-count={count}>
                      <title>{`actual ${name}, predicted ${predicted}: ${count} sample${count === 1 ? '' : 's'} (${formatPercent(share)} of ${name})`}</title>
                      <rect
                        className={`confusion__cell${diagonal ? ' confusion__cell--diagonal' : ''}`}
                        x={labelWidth + column * cell}
                        y={y}
                        width={cell}
                        height={cell}
                        style={{ fill: cellFill(share, diagonal) }}
                      />
                      {count > 0 && (
                        <text className={`confusion__count${share > 0.55 ? ' confusion__count--light' : ''}`} x={labelWidth + column * cell + cell / 2} y={y + cell / 2 + fontSize / 2 - 1} textAnchor="middle" fontSize={fontSize}>
                          {count}
                        </text>
                      )}
                    </g>
                  );
                })}
                <text className="confusion__total" x={labelWidth + n * cell + totalWidth / 2} y={y + cell / 2 + 4} textAnchor="middle">
                  {rowTotals[row]}
                </text>
              </g>
            );
          })}
          <text className="confusion__axis" transform={`translate(10, ${headerHeight + (n * cell) / 2}) rotate(-90)`} textAnchor="middle">
            actual class →
          </text>
        </svg>
      </div>
      <figcaption className="chart__caption">
        Rows: actual class; columns: predicted class. Green: right answers (the diagonal), red: confusions; shade by the share of the row.
      </figcaption>
    </figure>
  );
}
