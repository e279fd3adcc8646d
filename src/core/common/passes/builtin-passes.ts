// Every built-in pass registers itself on import; importing this module loads them all.
import './dequantize-hybrid-weights.js';
import './fold-constants.js';
import './fold-static-shapes.js';
import './fuse-activation.js';
import './remove-dead-code.js';
import './remove-noop-reshapes.js';
import './unrolled-gru.js';
import './quantize/quantize-int8.js';
