// Every lowerer registers itself on import; the generator imports this file once.
import './activations.js';
import './conv.js';
import './data-movement.js';
import './elementwise.js';
import './fully-connected.js';
import './lstm.js';
import './mean.js';
import './pooling.js';
import './quantize.js';
import './leaky-relu.js';
import './transpose.js';
import './svdf.js';
import './data-copy.js';
import './cast.js';
import './math.js';
import './gather-resize.js';
import './batch-matmul.js';
