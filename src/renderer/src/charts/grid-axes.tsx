/**
 * The grid lines and tick labels of an x/y plot: a vertical line and a label under the plot per x
 * tick, a horizontal line and a label left of it per y tick.
 */

/** The plot's size and its margins (the axes' labels sit in them). */
export interface PlotFrame {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

export function GridAxes({
  frame: { width, height, left, right, top, bottom },
  xTicks,
  yTicks,
  x,
  y,
  xText,
  yText,
}: {
  frame: PlotFrame;
  xTicks: readonly number[];
  yTicks: readonly number[];
  x: (value: number) => number;
  y: (value: number) => number;
  xText: (tick: number) => string;
  yText: (tick: number) => string;
}) {
  return (
    <>
      {xTicks.map((tick) => (
        <g key={`x${tick}`}>
          <line className="chart__grid" x1={x(tick)} x2={x(tick)} y1={top} y2={height - bottom} />
          <text className="chart__tick" x={x(tick)} y={height - bottom + 14} textAnchor="middle">
            {xText(tick)}
          </text>
        </g>
      ))}
      {yTicks.map((tick) => (
        <g key={`y${tick}`}>
          <line className="chart__grid" x1={left} x2={width - right} y1={y(tick)} y2={y(tick)} />
          <text className="chart__tick" x={left - 6} y={y(tick) + 4} textAnchor="end">
            {yText(tick)}
          </text>
        </g>
      ))}
    </>
  );
}
