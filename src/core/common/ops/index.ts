// The op library: one file per op (or per family sharing every fact, like ADD/SUB/MUL), each
// registering its definition on import. Importing this module loads them all; the interpreter,
// the code generator, passes and analysis import it rather than single op files.
import './conv-2d.js';
import './quantize.js';
import './relu.js';
import './logistic-tanh.js';
import './softmax.js';
import './reshape.js';
import './concatenation.js';
import './pad.js';
import './mean.js';
import './lstm.js';
import './gru.js';
import './reverse.js';
import './elementwise.js';
import './depthwise-conv-2d.js';
import './fully-connected.js';
import './pool-2d.js';
import './leaky-relu.js';
import './transpose.js';
import './svdf.js';
import './slice.js';
import './pack-split.js';
import './shape.js';
import './cast.js';
import './math.js';
import './gather-resize.js';
import './batch-matmul.js';
import './space-depth.js';
import './reduce-min-max.js';
import './comparison.js';
import './sum.js';
import './elu.js';
import './resource-variable.js';
import './control-flow.js';
export { findOp, definedOpTypes } from './registry.js';
export type { OpContext, OpDefinition, OpWindow, Precision, WeightInput } from './op.js';
export { opContext, opLabel } from './op.js';
