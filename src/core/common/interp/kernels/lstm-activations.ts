/**
 * The gate nonlinearities of the LSTM kernel, as TFLite Micro's LSTM evaluates them.
 *
 * Integer: TFLite's int16 `reference_integer_ops::Logistic` and `reference_integer_ops::Tanh`,
 * the look-up-table versions (not the gemmlowp polynomial ones used for int8). Both read one
 * shared table of sigmoid(i/24) in Q0.16 and interpolate linearly between entries, using
 * tanh(x) = 2·sigmoid(2x) − 1 for tanh. Inputs and outputs are int16: the input of a gate is Q3.12
 * (scale 2^-12), the output Q0.15 (scale 2^-15).
 *
 * Float: TFLite's float `reference_ops::Logistic` (exp with its cut-offs) and `std::tanh`, each
 * rounded to float32 after every operation the C code does in float.
 */
import type { Int16ActivationScaling } from '../../ops/logistic-tanh.js';

/**
 * TFLite's `sigmoid_table_uint16`: sigmoid(i/24) in Q0.16 for i = 0…255, the values TFLite ships
 * (about a third of them are one above round(65536·sigmoid(i/24)): the table is tuned for the
 * interpolation, so it cannot be recomputed from the formula and is kept as data).
 */
const sigmoidTable: Uint16Array = Uint16Array.from([
  32768, 33451, 34133, 34813, 35493, 36169, 36843, 37513, 38180, 38841, 39498, 40149, 40794, 41432, 42064, 42688,
  43304, 43912, 44511, 45102, 45683, 46255, 46817, 47369, 47911, 48443, 48964, 49475, 49975, 50464, 50942, 51409,
  51865, 52311, 52745, 53169, 53581, 53983, 54374, 54755, 55125, 55485, 55834, 56174, 56503, 56823, 57133, 57433,
  57724, 58007, 58280, 58544, 58800, 59048, 59288, 59519, 59743, 59959, 60168, 60370, 60565, 60753, 60935, 61110,
  61279, 61441, 61599, 61750, 61896, 62036, 62172, 62302, 62428, 62549, 62666, 62778, 62886, 62990, 63090, 63186,
  63279, 63368, 63454, 63536, 63615, 63691, 63765, 63835, 63903, 63968, 64030, 64090, 64148, 64204, 64257, 64308,
  64357, 64405, 64450, 64494, 64536, 64576, 64614, 64652, 64687, 64721, 64754, 64786, 64816, 64845, 64873, 64900,
  64926, 64950, 64974, 64997, 65019, 65039, 65060, 65079, 65097, 65115, 65132, 65149, 65164, 65179, 65194, 65208,
  65221, 65234, 65246, 65258, 65269, 65280, 65291, 65301, 65310, 65319, 65328, 65337, 65345, 65352, 65360, 65367,
  65374, 65381, 65387, 65393, 65399, 65404, 65410, 65415, 65420, 65425, 65429, 65433, 65438, 65442, 65445, 65449,
  65453, 65456, 65459, 65462, 65465, 65468, 65471, 65474, 65476, 65479, 65481, 65483, 65485, 65488, 65489, 65491,
  65493, 65495, 65497, 65498, 65500, 65501, 65503, 65504, 65505, 65507, 65508, 65509, 65510, 65511, 65512, 65513,
  65514, 65515, 65516, 65517, 65517, 65518, 65519, 65520, 65520, 65521, 65522, 65522, 65523, 65523, 65524, 65524,
  65525, 65525, 65526, 65526, 65526, 65527, 65527, 65528, 65528, 65528, 65529, 65529, 65529, 65529, 65530, 65530,
  65530, 65530, 65531, 65531, 65531, 65531, 65531, 65532, 65532, 65532, 65532, 65532, 65532, 65533, 65533, 65533,
  65533, 65533, 65533, 65533, 65533, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65534, 65535,
]);

/** Scaling of a Q3.12 input (what the LSTM's gates feed their activations): multiplier 3, no shift. */
export const q3_12Scaling: Int16ActivationScaling = { multiplier: 0, leftShift: 0 };

function rescale(x: number, scaling: Int16ActivationScaling): number {
  let { multiplier, leftShift } = scaling;
  if (multiplier === 0) {
    multiplier = 3 << leftShift;
    leftShift = 0;
  }
  const round = leftShift > 0 ? 1 << (leftShift - 1) : 0;
  return (x * multiplier + round) >> leftShift;
}

/**
 * TFLite's int16 Logistic: sigmoid of an int16 input (Q3.12 when `scaling` is `q3_12Scaling`)
 * as a Q0.15 int16 in [0, 32767].
 */
export function sigmoidInt16(x: number, scaling: Int16ActivationScaling = q3_12Scaling): number {
  const input = rescale(x, scaling);
  const magnitude = Math.abs(input);
  // The table step is 1/24 and the input was scaled by 3 (so 1/8 of a Q3.12 unit): 2^9 per entry.
  const entry = magnitude >>> 9;
  let result: number;
  if (entry >= 255) {
    result = 0x7fff << 10;
  } else {
    const low = sigmoidTable[entry];
    const high = sigmoidTable[entry + 1];
    result = low * 512 + (magnitude & 0x1ff) * (high - low);
  }
  // sigmoid(−x) = 1 − sigmoid(x); both branches round, then drop to Q0.15.
  result = input >= 0 ? result + (1 << 9) : (1 << 25) - result + (1 << 9) - 1;
  return Math.floor(result / 1024);
}

/**
 * TFLite's int16 Tanh: tanh of an int16 input as a Q0.15 int16 in [−32768, 32767]. The LSTM
 * passes `q3_12Scaling` for the cell gate and `cellStateTanhScaling` for the cell state.
 */
export function tanhInt16(x: number, scaling: Int16ActivationScaling = q3_12Scaling): number {
  const input = rescale(x, scaling);
  const magnitude = Math.abs(input);
  // tanh(x) = 2·sigmoid(2x) − 1: the doubled argument makes the table step 2^8.
  const entry = magnitude >>> 8;
  let result: number;
  if (entry >= 255) {
    result = 0xffff << 8;
  } else {
    const low = sigmoidTable[entry];
    const high = sigmoidTable[entry + 1];
    result = low * 256 + (magnitude & 0xff) * (high - low);
  }
  result = input >= 0 ? result - (1 << 23) + (1 << 7) : -result + (1 << 23) + (1 << 7) - 1;
  return result >> 8;
}

/**
 * The scaling TFLite Micro's LSTM gives tanh of the cell state, whose scale is 2^cellScalePower:
 * the input must be brought to Q3.12, a left shift of 15 + power − 3 bits; a negative shift
 * (a finer cell scale than 2^-12) becomes a rounding right shift with multiplier 3.
 */
export function cellStateTanhScaling(cellScalePower: number): Int16ActivationScaling {
  const leftShift = 15 + cellScalePower - 3;
  return leftShift < 0 ? { multiplier: 3, leftShift: -leftShift } : { multiplier: 0, leftShift };
}

const sigmoidUpperCutoff = Math.fround(16.619047164916992188);
const sigmoidLowerCutoff = -9;

/** TFLite's float Logistic in float32: 1 above its upper cut-off, exp(x) below −9, 1/(1+exp(−x)) between. */
export function sigmoidFloat32(x: number): number {
  if (x > sigmoidUpperCutoff) return 1;
  if (x < sigmoidLowerCutoff) return Math.fround(Math.exp(x));
  return Math.fround(1 / Math.fround(1 + Math.fround(Math.exp(-x))));
}

/** TFLite's float Tanh (`std::tanh`) rounded to float32. */
export function tanhFloat32(x: number): number {
  return Math.fround(Math.tanh(x));
}
