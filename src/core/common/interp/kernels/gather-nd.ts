/** GATHER_ND and EMBEDDING_LOOKUP host kernels (ops/gather-nd.ts). */
import { InterpreterError } from '../../errors.js';
import { embeddingLookup, gatherNd } from '../../ops/gather-nd.js';
import { registerKernel } from '../registry.js';

registerKernel(gatherNd, ({ dims, count, inner }, context) => (inputs, outputs) => {
  const params = inputs[0] as ArrayLike<number>;
  const indices = inputs[1] as ArrayLike<number | bigint>;
  const y = outputs[0] as { [i: number]: number };
  for (let t = 0; t < count; t++) {
    let offset = 0;
    dims.forEach((size, j) => {
      const index = Number(indices[t * dims.length + j]);
      if (!(index >= 0 && index < size)) throw new InterpreterError(`op ${context.opIndex} (GATHER_ND): index ${index} of tuple ${t} is outside dimension ${j} of size ${size}`);
      offset = offset * size + index;
    });
    for (let i = 0; i < inner; i++) y[t * inner + i] = params[offset * inner + i];
  }
});

registerKernel(embeddingLookup, ({ rows, rowSize, count, dequantizeScale }, context) => (inputs, outputs) => {
  const ids = inputs[0] as Int32Array;
  const value = inputs[1] as ArrayLike<number>;
  const y = outputs[0] as { [i: number]: number };
  for (let t = 0; t < count; t++) {
    const id = ids[t];
    if (!(id >= 0 && id < rows)) throw new InterpreterError(`op ${context.opIndex} (EMBEDDING_LOOKUP): id ${id} at position ${t} is outside the ${rows} rows`);
    for (let i = 0; i < rowSize; i++) {
      const v = value[id * rowSize + i];
      y[t * rowSize + i] = dequantizeScale === undefined ? v : Math.fround(v * dequantizeScale);
    }
  }
});
