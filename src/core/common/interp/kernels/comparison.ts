/** Host kernels of the comparisons, logical ops and SELECT (ops/comparison.ts). */
import { comparisonOps, compareOutcome, forEachStepped, logicalBinaryOps, logicalNot, scaledComparand, select } from '../../ops/comparison.js';
import { registerKernel } from '../registry.js';

type Values = ArrayLike<number>;
type Writable = { [i: number]: number };

for (const definition of comparisonOps) {
  registerKernel(definition, ({ broadcast: { shape, strides1, strides2 }, mask, scaling }) => (inputs, outputs) => {
    const [a, b] = inputs as readonly Values[];
    const y = outputs[0] as Writable;
    forEachStepped(shape, [strides1, strides2], (o, [i1, i2]) => {
      const [p, q] = scaling ? [scaledComparand(a[i1], scaling[0]), scaledComparand(b[i2], scaling[1])] : [a[i1], b[i2]];
      y[o] = (mask >> compareOutcome(p, q)) & 1;
    });
  });
}

for (const definition of logicalBinaryOps) {
  registerKernel(definition, ({ broadcast: { shape, strides1, strides2 }, mask }) => (inputs, outputs) => {
    const [a, b] = inputs as readonly Values[];
    const y = outputs[0] as Writable;
    forEachStepped(shape, [strides1, strides2], (o, [i1, i2]) => {
      y[o] = (mask >> ((a[i1] !== 0 ? 2 : 0) + (b[i2] !== 0 ? 1 : 0))) & 1;
    });
  });
}

registerKernel(logicalNot, ({ count }) => (inputs, outputs) => {
  const x = inputs[0] as Values;
  const y = outputs[0] as Writable;
  for (let i = 0; i < count; i++) y[i] = x[i] !== 0 ? 0 : 1;
});

registerKernel(select, ({ shape, conditionSteps, xSteps, ySteps }) => (inputs, outputs) => {
  const [condition, x, y] = inputs as readonly Values[];
  const out = outputs[0] as Writable;
  forEachStepped(shape, [conditionSteps, xSteps, ySteps], (o, [c, i, j]) => {
    out[o] = condition[c] !== 0 ? x[i] : y[j];
  });
});
