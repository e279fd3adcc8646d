/*
 * UNIDIRECTIONAL_SEQUENCE_LSTM, integer (TFLite Micro's lstm_eval.h with int8 activations and
 * weights, int16 gates and cell, int32 bias). Per step:
 *   gate pre-activation (Q3.12) = sat16(sat16(FC(x) + bias) + sat16(FC(h)))
 *   f, i, o = sigmoid16, g = tanh16 (or sigmoid16), all Q0.15
 *   c = sat16(mul(f, c) + mul(i, g)), clipped; h = mul(tanh16(c), o) + hidden zero point
 * The int16 sigmoid and tanh are TFLite's table interpolations (reference_integer_ops::Logistic
 * and Tanh for int16), not the gemmlowp polynomials of the int8 ops.
 *
 * Scratch: four int16 buffers of B * S values (forget, input/output gate, cell gate, FC scratch),
 * as TFLite Micro's kernel uses them.
 */
#include "../internal/td_common.h"

/*
 * TFLite's sigmoid_table_uint16: sigmoid(i / 24) in Q0.16 for i = 0..255, as TFLite ships it
 * (tuned for the interpolation: a third of the entries are one above the rounded formula, so it
 * is data, not something to recompute).
 */
static const uint16_t td_sigmoid_table[256] = {
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
};

/** How an int16 activation rescales its input: (x * multiplier + round) >> right_shift. */
typedef struct {
    int32_t multiplier;
    int32_t right_shift;
    int32_t round;
} td_int16_scaling;

/* TFLite's power-of-two case: a zero multiplier becomes 3 << shift and the shift disappears. */
static td_int16_scaling td_int16_scaling_of(int32_t multiplier, int32_t shift)
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

/** TFLite's int16 Logistic (table interpolation): Q0.15 in [0, 32767]. */
TD_INLINE int16_t td_sigmoid_int16(int32_t x, const td_int16_scaling *scaling)
{
    const int32_t input = (x * scaling->multiplier + scaling->round) >> scaling->right_shift;
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

/** TFLite's int16 Tanh (tanh(x) = 2 sigmoid(2x) - 1 on the same table): Q0.15. */
TD_INLINE int16_t td_tanh_int16(int32_t x, const td_int16_scaling *scaling)
{
    const int32_t input = (x * scaling->multiplier + scaling->round) >> scaling->right_shift;
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

TD_INLINE int32_t td_saturate_int16(int32_t x) { return td_clamp_i32(x, -32768, 32767); }

/**
 * FC int8 -> int16 (TFLite's reference_integer_ops::FullyConnected with int16 output, zero
 * output offset, int16 range): rows vectors of depth values against [units][depth] weights.
 */
static void td_lstm_fc_s8_s16(const int8_t *values,
                              int32_t value_offset,
                              const int8_t *weights,
                              const int32_t *bias,
                              const td_requant *requant,
                              int32_t rows,
                              int32_t depth,
                              int32_t units,
                              int16_t *result)
{
    int32_t row, unit, d;
    for (row = 0; row < rows; ++row) {
        const int8_t *vector = values + row * depth;
        for (unit = 0; unit < units; ++unit) {
            const int8_t *weight_row = weights + unit * depth;
            int32_t acc = 0;
            for (d = 0; d < depth; ++d) {
                acc += (int32_t)weight_row[d] * ((int32_t)vector[d] + value_offset);
            }
            if (bias != NULL) {
                acc += bias[unit];
            }
            acc = td_multiply_by_quantized_multiplier(acc, requant->multiplier, requant->shift);
            *result++ = (int16_t)td_saturate_int16(acc);
        }
    }
}

/** What every gate of one time step reads: x_t, h_{t-1}, their sizes, and the FC scratch. */
typedef struct {
    const int8_t *input;
    const int8_t *hidden;
    int32_t rows;
    int32_t input_size;
    int32_t state_size;
    int16_t *scratch;
} td_lstm_step_s8;

/** One gate: both FCs, their saturating sum, the activation, into `gate` (rows * S values). */
static void td_lstm_compute_gate(const td_lstm_gate_s8 *params,
                                 const td_lstm_step_s8 *step,
                                 td_lstm_activation activation,
                                 int16_t *gate)
{
    const td_int16_scaling q3_12 = td_int16_scaling_of(0, 0);
    const int32_t count = step->rows * step->state_size;
    int16_t *scratch = step->scratch;
    int32_t i;
    td_lstm_fc_s8_s16(step->input, params->input_offset, params->input_weights, params->bias, &params->input_fc,
                      step->rows, step->input_size, step->state_size, gate);
    td_lstm_fc_s8_s16(step->hidden, params->recurrent_offset, params->recurrent_weights, NULL, &params->recurrent_fc,
                      step->rows, step->state_size, step->state_size, scratch);
    for (i = 0; i < count; ++i) {
        const int32_t pre_activation = td_saturate_int16((int32_t)gate[i] + (int32_t)scratch[i]);
        gate[i] = activation == TD_LSTM_TANH ? td_tanh_int16(pre_activation, &q3_12)
                                             : td_sigmoid_int16(pre_activation, &q3_12);
    }
}

/** TFLite's MulElementwise of two int16 values: offset + requant(a * b), clamped. */
TD_INLINE int32_t td_lstm_mul(int32_t a, int32_t b, const td_requant *requant, int32_t offset, int32_t min, int32_t max)
{
    const int32_t product = td_multiply_by_quantized_multiplier(a * b, requant->multiplier, requant->shift);
    return td_clamp_i32(offset + product, min, max);
}

int32_t td_lstm_s8_get_buffer_size(const td_lstm_dims *dims)
{
    return 4 * dims->batch_size * dims->state_size * (int32_t)sizeof(int16_t);
}

td_status td_lstm_s8(const td_context *ctx,
                     const td_lstm_params_s8 *params,
                     const int8_t *input,
                     int8_t *hidden_state,
                     int16_t *cell_state,
                     int8_t *output)
{
    const td_lstm_dims *dims = &params->dims;
    const int32_t state_size = dims->state_size;
    const int32_t input_size = dims->input_size;
    const int32_t rows = dims->time_major ? dims->batch_size : 1;
    const int32_t count = rows * state_size;
    const int32_t sequences = dims->time_major ? 1 : dims->batch_size;
    /* TFLite Micro's tanh of the cell state: brought to Q3.12 from scale 2^power. */
    const int32_t tanh_left_shift = 15 + params->cell_state_scale_power - 3;
    const td_int16_scaling cell_tanh =
        tanh_left_shift < 0 ? td_int16_scaling_of(3, -tanh_left_shift) : td_int16_scaling_of(0, tanh_left_shift);
    const int32_t clip = params->quantized_cell_clip;
    int16_t *forget_gate, *input_gate, *cell_gate, *scratch;
    int32_t sequence, t, i;

    if (ctx == NULL || ctx->buf == NULL || ctx->size < td_lstm_s8_get_buffer_size(dims)) {
        return TD_ERROR_SCRATCH;
    }
    forget_gate = (int16_t *)ctx->buf;
    input_gate = forget_gate + dims->batch_size * state_size;
    cell_gate = input_gate + dims->batch_size * state_size;
    scratch = cell_gate + dims->batch_size * state_size;

    for (sequence = 0; sequence < sequences; ++sequence) {
        int8_t *hidden = hidden_state + sequence * state_size;
        int16_t *cell = cell_state + sequence * state_size;
        for (t = 0; t < dims->time_steps; ++t) {
            const int32_t position = dims->time_major ? t : sequence * dims->time_steps + t;
            const int8_t *x = input + position * rows * input_size;
            int8_t *y = output + position * rows * state_size;
            int16_t *output_gate = input_gate; /* reused after the cell update, as TFLite Micro does */
            const td_lstm_step_s8 step = {x, hidden, rows, input_size, state_size, scratch};

            td_lstm_compute_gate(&params->forget_gate, &step, TD_LSTM_SIGMOID, forget_gate);
            td_lstm_compute_gate(&params->input_gate, &step, TD_LSTM_SIGMOID, input_gate);
            td_lstm_compute_gate(&params->cell_gate, &step, params->cell_gate_activation, cell_gate);
            for (i = 0; i < count; ++i) {
                const int32_t kept = td_lstm_mul(forget_gate[i], cell[i], &params->forget_cell_mul, 0, -32768, 32767);
                const int32_t added =
                    td_lstm_mul(input_gate[i], cell_gate[i], &params->input_cell_mul, 0, -32768, 32767);
                int32_t updated = td_saturate_int16(kept + added);
                if (params->cell_clip_enabled) {
                    updated = td_clamp_i32(updated, -clip, clip);
                }
                cell[i] = (int16_t)updated;
            }
            td_lstm_compute_gate(&params->output_gate, &step, TD_LSTM_SIGMOID, output_gate);
            for (i = 0; i < count; ++i) {
                hidden[i] = (int8_t)td_lstm_mul(td_tanh_int16(cell[i], &cell_tanh), output_gate[i],
                                                &params->output_hidden_mul, params->hidden_offset, -128, 127);
            }
            memcpy(y, hidden, (size_t)count);
        }
    }
    return TD_OK;
}
