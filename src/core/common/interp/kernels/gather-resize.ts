/** Host kernels of GATHER, RESIZE_NEAREST_NEIGHBOR and RESIZE_BILINEAR (ops/gather-resize.ts). */
import { InterpreterError } from '../../errors.js';
import { gather, resizeBilinear, resizeNearestNeighbor } from '../../ops/gather-resize.js';
import { registerKernel } from '../registry.js';

registerKernel(gather, ({ batch, outer, axisSize, coords, inner }, context) => (inputs, outputs) => {
  const params = inputs[0] as ArrayLike<number>;
  const indices = inputs[1] as ArrayLike<number | bigint>;
  const y = outputs[0] as { [i: number]: number };
  for (let b = 0; b < batch; b++) {
    for (let o = 0; o < outer; o++) {
      for (let c = 0; c < coords; c++) {
        const index = Number(indices[b * coords + c]);
        if (!(index >= 0 && index < axisSize)) {
          throw new InterpreterError(`op ${context.opIndex} (GATHER): index ${index} at position ${b * coords + c} is outside the axis of size ${axisSize}`);
        }
        const target = ((b * outer + o) * coords + c) * inner;
        const source = ((b * outer + o) * axisSize + index) * inner;
        for (let i = 0; i < inner; i++) y[target + i] = params[source + i];
      }
    }
  }
});

registerKernel(resizeNearestNeighbor, ({ batch, inputHeight, inputWidth, channels, outputHeight, outputWidth, rows, columns }) => (inputs, outputs) => {
  const x = inputs[0] as ArrayLike<number>;
  const y = outputs[0] as { [i: number]: number };
  let target = 0;
  for (let b = 0; b < batch; b++) {
    for (let oy = 0; oy < outputHeight; oy++) {
      for (let ox = 0; ox < outputWidth; ox++) {
        const source = ((b * inputHeight + rows[oy]) * inputWidth + columns[ox]) * channels;
        for (let c = 0; c < channels; c++) y[target++] = x[source + c];
      }
    }
  }
});

registerKernel(resizeBilinear, ({ batch, inputHeight, inputWidth, channels, outputHeight, outputWidth, flavour, rows, columns }) => (inputs, outputs) => {
  const x = inputs[0] as ArrayLike<number>;
  const y = outputs[0] as { [i: number]: number };
  const f = Math.fround;
  const at = (b: number, row: number, column: number, c: number) => x[((b * inputHeight + row) * inputWidth + column) * channels + c];
  let target = 0;
  for (let b = 0; b < batch; b++) {
    for (let oy = 0; oy < outputHeight; oy++) {
      const [y0, y1, py] = [rows.lower[oy], rows.upper[oy], rows.position[oy]];
      for (let ox = 0; ox < outputWidth; ox++) {
        const [x0, x1, px] = [columns.lower[ox], columns.upper[ox], columns.position[ox]];
        for (let c = 0; c < channels; c++) {
          const [v00, v10, v01, v11] = [at(b, y0, x0, c), at(b, y1, x0, c), at(b, y0, x1, c), at(b, y1, x1, c)];
          if (flavour === 'float32') {
            const dy = f(py - y0);
            const dx = f(px - x0);
            const [ry, rx] = [f(1 - dy), f(1 - dx)];
            const t1 = f(f(v00 * ry) * rx);
            const t2 = f(f(v10 * dy) * rx);
            const t3 = f(f(v01 * ry) * dx);
            const t4 = f(f(v11 * dy) * dx);
            y[target++] = f(f(f(t1 + t2) + t3) + t4);
          } else {
            const wy1 = py - 1024 * y0;
            const wx1 = px - 1024 * x0;
            const [wy0, wx0] = [1024 - wy1, 1024 - wx1];
            const sum = v00 * wy0 * wx0 + v10 * wy1 * wx0 + v01 * wy0 * wx1 + v11 * wy1 * wx1;
            y[target++] = Math.trunc((sum + (sum > 0 ? 2 ** 19 : -(2 ** 19))) / 2 ** 20);
          }
        }
      }
    }
  }
});
