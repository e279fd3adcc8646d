/*
 * TinyDeploy kernel library, internal: what the integer LSTM's portable kernel
 * (src/lstm/td_lstm_s8.c) and its Cortex-M variant (src/opt/cortex-m/td_lstm_s8.c) both compute
 * the same way: TFLite's int16 sigmoid and tanh (reference_integer_ops::Logistic and Tanh for
 * int16: table interpolations, not the gemmlowp polynomials of the int8 ops), the rescaling
 * before them, and the scaling of the cell state's tanh. Included by one of the two in a build.
 */
#ifndef TD_LSTM_S8_REFERENCE_H
#define TD_LSTM_S8_REFERENCE_H

#include "../internal/td_common.h"

/*
 * TFLite's sigmoid_table_uint16: sigmoid(i / 24) in Q0.16 for i = 0..255, as TFLite ships it
 * (tuned for the interpolation: a third of the entries are one above the rounded formula, so it
 * is data, not something to recompute), and entry 256 (the kernels' fast tanh clamps its entry to 255).
 */
static const uint16_t td_sigmoid_table[257] = {
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
    65535, /* one past TFLite's table, its last value again: a clamped entry 255 interpolates to itself */
};

/** How an int16 activation rescales its input: (x * multiplier + round) >> right_shift. */
typedef struct {
    int32_t multiplier;
    int32_t right_shift;
    int32_t round;
} td_int16_scaling;

/* TFLite's power-of-two case: a zero multiplier becomes 3 << shift and the shift disappears. */
static inline td_int16_scaling td_int16_scaling_of(int32_t multiplier, int32_t shift)
{
    td_int16_scaling scaling;
    if (multiplier == 0) {
        multiplier = 3 << shift;
        shift = 0;
    }
    scaling.multiplier = multiplier;
    scaling.right_shift = shift;
    scaling.round = shift > 0 ? 1 << (shift - 1) : 0;
    return scaling;
}

/**
 * TFLite Micro's scaling of the cell state's tanh: the cell, of scale 2^cell_state_scale_power,
 * brought to Q3.12.
 */
static inline td_int16_scaling td_lstm_cell_tanh_scaling(int32_t cell_state_scale_power)
{
    const int32_t left_shift = 15 + cell_state_scale_power - 3;
    return left_shift < 0 ? td_int16_scaling_of(3, -left_shift) : td_int16_scaling_of(0, left_shift);
}

/** The rescaling before a table activation. */
static inline int32_t td_int16_rescale(int32_t x, const td_int16_scaling *scaling)
{
    return (x * scaling->multiplier + scaling->round) >> scaling->right_shift;
}

/** TFLite's int16 Logistic of an input already rescaled: Q0.15 in [0, 32767]. */
static inline int16_t td_sigmoid_int16(int32_t input)
{
    const uint32_t magnitude = (uint32_t)(input < 0 ? -input : input);
    const uint32_t entry = magnitude >> 9;
    uint32_t result;
    if (entry >= 255) {
        result = (uint32_t)0x7fff << 10;
    } else {
        const uint32_t low = td_sigmoid_table[entry];
        const uint32_t high = td_sigmoid_table[entry + 1];
        result = (low << 9) + (magnitude & 0x1ff) * (high - low);
    }
    result = input >= 0 ? result + (1u << 9) : (1u << 25) - result + (1u << 9) - 1;
    return (int16_t)(result >> 10);
}

/** TFLite's int16 Tanh of an input already rescaled (tanh(x) = 2 sigmoid(2x) - 1): Q0.15. */
static inline int16_t td_tanh_int16(int32_t input)
{
    const uint32_t magnitude = (uint32_t)(input < 0 ? -input : input);
    const uint32_t entry = magnitude >> 8;
    int32_t result;
    if (entry >= 255) {
        result = (int32_t)0xffff << 8;
    } else {
        const uint32_t low = td_sigmoid_table[entry];
        const uint32_t high = td_sigmoid_table[entry + 1];
        result = (int32_t)((low << 8) + (magnitude & 0xff) * (high - low));
    }
    result = input >= 0 ? result - (1 << 23) + (1 << 7) : -result + (1 << 23) + (1 << 7) - 1;
    return (int16_t)(result >> 8);
}

/** TFLite's MulElementwise of two int16 values: offset + requant(a * b), clamped to [min, max]. */
static inline int32_t td_lstm_mul_exact(int32_t a, int32_t b, const td_requant *requant, int32_t offset, int32_t min,
                                        int32_t max)
{
    return td_clamp_i32(offset + td_multiply_by_quantized_multiplier(a * b, requant->multiplier, requant->shift), min,
                        max);
}

/** round4(n): the packed layout's depth of n inputs (td_lstm_s8_packed). */
static inline int32_t td_lstm_round4(int32_t n) { return (n + 3) & ~3; }

/**
 * Where weight k of gate g (0 forget, 1 input, 2 cell, 3 output) is in one part (the input or
 * the recurrent weights) of a unit's block of td_lstm_s8_packed's weights: per group of four
 * inputs the four gates' four weights, each in SXTB16's lane order (k % 4 = 0, 2, 1, 3).
 */
static inline int32_t td_lstm_packed_position(int32_t gate, int32_t k)
{
    return (k >> 2) * 16 + gate * 4 + ((k & 1) << 1) + ((k >> 1) & 1);
}

/** td_lstm_packed_position for td_gru_s8_packed's three gates (0 reset, 1 update, 2 new). */
static inline int32_t td_gru_packed_position(int32_t gate, int32_t k)
{
    return (k >> 2) * 12 + gate * 4 + ((k & 1) << 1) + ((k >> 1) & 1);
}

/** The gate activations of a Q3.12 pre-activation (TFLite's power-of-two scaling: x * 3). */
static inline int16_t td_lstm_gate_sigmoid(int32_t pre_activation) { return td_sigmoid_int16(pre_activation * 3); }
static inline int16_t td_lstm_gate_tanh(int32_t pre_activation) { return td_tanh_int16(pre_activation * 3); }

#endif /* TD_LSTM_S8_REFERENCE_H */
