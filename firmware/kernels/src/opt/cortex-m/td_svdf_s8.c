/*
 * SVDF, int8 with int16 state and time weights, Cortex-M DSP variant: overrides
 * src/svdf/td_svdf_s8.c by name with the same bits (td_svdf_common.h's steps):
 *  1. the state moves left by one element 32 bytes per STM (td_bytes.h's forward copy);
 *  2. the feature dot products four filters at a time (td_four_rows_dsp.h, in assembly): four
 *     inputs loaded once, split by SXTB16 and offset with SADD16, shared by the filters' SMLADs; requantized with td_dsp.h's fast
 *     form when |dot| < 2^30 is certain (input_size * 255 * 128 < 2^30) and the shift is a right
 *     shift, the reference's otherwise;
 *  3. the time dot products two int16 pairs at a time with SMLAD when the state zero point is 0
 *     (int16 state is symmetric as the converter writes it), a unit's rank filters as one run
 *     (contiguous in both), the reference's loop otherwise.
 */
#include "../../internal/td_common.h"
#include "../../internal/td_fixed_point.h"
#include "td_dsp.h"
#include "../../reshape/td_bytes.h"
#include "td_four_rows_dsp.h"

#if TD_KERNELS_DSP

/** sum_m wt[m] * s[m] over `memory` int16 values, two per SMLAD, eight per step (the state zero point 0). */
TD_INLINE int32_t td_svdf_time_dot(const int16_t *wt, const int16_t *s, int32_t memory)
{
    int32_t dot = 0;
    int32_t m = 0;
    for (; m + 8 <= memory; m += 8) {
        dot = td_smlad(td_read_u32(wt + m), td_read_u32(s + m), dot);
        dot = td_smlad(td_read_u32(wt + m + 2), td_read_u32(s + m + 2), dot);
        dot = td_smlad(td_read_u32(wt + m + 4), td_read_u32(s + m + 4), dot);
        dot = td_smlad(td_read_u32(wt + m + 6), td_read_u32(s + m + 6), dot);
    }
    for (; m + 2 <= memory; m += 2) dot = td_smlad(td_read_u32(wt + m), td_read_u32(s + m), dot);
    for (; m < memory; ++m) dot += (int32_t)wt[m] * s[m];
    return dot;
}

td_status td_svdf_s8(const td_svdf_params_s8 *params, const int8_t *input, const int8_t *weights_feature,
                     const int16_t *weights_time, const int32_t *bias, int16_t *state, int8_t *output)
{
    const td_svdf_dims *d = &params->dims;
    const int32_t state_size = d->batch * d->filters * d->memory;
    const int32_t input_size = d->input_size;
    const int32_t zero_point = params->state_zero_point;
    const uint32_t offsets = td_pack16(params->input_offset, params->input_offset);
    const td_channel_requant feature = td_channel_requant_of(0, params->feature.multiplier, params->feature.shift, input_size);
    const int fast = feature.right_shift != 0 && (feature.right_shift & TD_REQUANT_WIDE) == 0 &&
                     params->input_offset >= -128 && params->input_offset <= 127;
    const int32_t grouped = input_size & ~3;
    int32_t b;

    /* 1. The state one element to the left: td_copy_s8 moves forward, each block loaded before it
     * is stored, so a destination two bytes below its source is safe. */
    if (state_size > 1) td_copy_s8((int8_t *)state, (const int8_t *)(state + 1), (state_size - 1) * 2);

    /* 2. The newest slot of every filter. */
    for (b = 0; b < d->batch; ++b) {
        const int8_t *x = input + b * input_size;
        int16_t *slot = state + b * d->filters * d->memory + d->memory - 1;
        int32_t f = 0;
        for (; f < d->filters; f += 4) {
            const int32_t rows = d->filters - f < 4 ? d->filters - f : 4;
            const int8_t *w = weights_feature + f * input_size;
            int32_t dots[4] = {0, 0, 0, 0};
            int32_t c, r;
            if (rows == 4) {
                int32_t acc0 = 0, acc1 = 0, acc2 = 0, acc3 = 0;
                if (grouped > 0) {
                    const int8_t *values = x;
                    const int8_t *weights0 = w;
                    const int8_t *weights2 = w + 2 * input_size;
                    TD_DOT_FOUR_ROWS(values, x + grouped, weights0, weights2, input_size, offsets, acc0, acc1, acc2, acc3);
                }
                dots[0] = acc0;
                dots[1] = acc1;
                dots[2] = acc2;
                dots[3] = acc3;
                c = grouped;
            } else {
                c = 0;
            }
            for (r = 0; r < rows; ++r) {
                const int8_t *row = w + r * input_size;
                int32_t k;
                for (k = c; k < input_size; ++k) dots[r] += (int32_t)row[k] * ((int32_t)x[k] + params->input_offset);
            }
            for (r = 0; r < rows; ++r) {
                const int32_t value =
                    fast ? td_requant_fast(dots[r], feature.multiplier, feature.right_shift, feature.rounding)
                         : td_multiply_by_quantized_multiplier(dots[r], params->feature.multiplier, params->feature.shift);
                *slot = (int16_t)(zero_point + td_clamp_i32(value, -32768, 32767));
                slot += d->memory;
            }
        }
    }

    /* 3. and 4. Every unit's rank filters against the time weights, requantized. */
    for (b = 0; b < d->batch; ++b) {
        const int16_t *s = state + b * d->filters * d->memory;
        const int16_t *wt = weights_time;
        int32_t u;
        for (u = 0; u < d->units; ++u) {
            int32_t sum = bias != NULL ? bias[u] : 0;
            int32_t r;
            if (zero_point == 0) {
                /* A unit's rank filters are contiguous in the time weights and the state: one dot
                 * product over rank * memory values (int32 sums wrap alike in any order). */
                sum += td_svdf_time_dot(wt, s, d->rank * d->memory);
                wt += d->rank * d->memory;
                s += d->rank * d->memory;
            } else {
                for (r = 0; r < d->rank; ++r) {
                    int32_t m;
                    int32_t dot = 0;
                    for (m = 0; m < d->memory; ++m) dot += (int32_t)wt[m] * ((int32_t)s[m] - zero_point);
                    sum += dot;
                    wt += d->memory;
                    s += d->memory;
                }
            }
            sum = td_multiply_by_quantized_multiplier(sum, params->output.multiplier, params->output.shift) + params->output_offset;
            output[b * d->units + u] = (int8_t)td_clamp_i32(sum, -128, 127);
        }
    }
    return TD_OK;
}

#else /* no DSP extension: the portable kernel */

#include "../../svdf/td_svdf_s8.c"

#endif
