// Every host kernel registers itself on import; importing this module loads them all.
import './conv-2d.js';
import './depthwise-conv-2d.js';
import './fully-connected.js';
import './pooling.js';
import './elementwise.js';
import './reshape.js';
import './softmax.js';
import './concatenation.js';
import './pad.js';
import './mean.js';
import './activations.js';
import './quantize.js';
import './lstm.js';
import './leaky-relu.js';
import './transpose.js';
import './svdf.js';
import './data-copy.js';
