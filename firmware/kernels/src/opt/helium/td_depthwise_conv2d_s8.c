/*
 * DEPTHWISE_CONV_2D, int8, Helium (MVE) variant for the Cortex-M55: the same bits as TFLite's
 * reference_integer_ops::DepthwiseConvPerChannel (src/conv/td_depthwise_conv2d_s8_reference.h,
 * whose window of the taps inside the image it walks).
 *
 * Depth multiplier 1, eight channels at a time, along each output row: per tap, the eight
 * weights widen to int16 once for two neighbouring output pixels, each pixel's eight inputs widen
 * with the input offset added (x + offset fits int16), and VMULLB/VMULLT multiply the even and the
 * odd channels into two int32 accumulators per pixel (16 MACs in 16 instructions). The
 * requantization is the DSP kernels' fast form (td_dsp.h derives it: with |acc| < 2^30 and
 * 1 <= right shift <= 21, TFLite's result plus the output offset is (VQRDMULH(acc, m) + rounding +
 * (acc >> 31)) >> right, the offset folded into the rounding) on the even and the odd lanes as
 * they are, their per-lane constants made once per channel block and row and the bias starting
 * the accumulators; VMOVNB/VMOVNT put the two halves back in channel order. A block with a
 * channel outside those bounds takes TFLite's exact form (td_mve_requant) after VST2 has put the
 * lanes in order. The channels past the last eight and other depth multipliers go through the
 * reference's channel loop.
 */
#include "td_mve.h"
#include "../cortex-m/td_dsp.h"
#include "../../conv/td_depthwise_conv2d_s8_reference.h"

/* The DSP kernel under another name, with its entries td_depthwise_conv2d_s8_paired, _lines and _columns as they are:
 * the generator calls them in Helium builds for the shapes it gives them in DSP builds, but for those this file's loop
 * runs in full and measured faster (depthwiseHeliumLoop, src/core/common/codegen/ops/conv.ts). */
#define td_depthwise_conv2d_s8 td_depthwise_conv2d_s8_dsp
#define td_depthwise_conv2d_s8_get_buffer_size td_depthwise_conv2d_s8_dsp_get_buffer_size
#include "../cortex-m/td_depthwise_conv2d_s8.c"
#undef td_depthwise_conv2d_s8
#undef td_depthwise_conv2d_s8_get_buffer_size

/**
 * Whether the Helium loop runs this layer: depth multiplier 1 with windows larger than 3x3, or
 * 3x3 at stride 2 over at most 64 channels. The DSP kernel (included above under another name)
 * runs the rest in fewer instructions: its sliding 3x3 rows at stride 1, and depth multipliers
 * above 1 (bench/helium).
 */
TD_INLINE int td_depthwise_mve_pays(const td_depthwise_conv_params *params, const td_dims *filter_dims)
{
    if (params->depth_multiplier != 1) return 0;
    return filter_dims->h * filter_dims->w > 9 || (params->stride.h >= 2 && params->stride.w >= 2 && filter_dims->c <= 64);
}

/** The Helium loop needs no scratch; the DSP kernel's is asked for whenever it may run. */
int32_t td_depthwise_conv2d_s8_get_buffer_size(const td_dims *input_dims, const td_dims *filter_dims)
{
    return td_depthwise_conv2d_s8_dsp_get_buffer_size(input_dims, filter_dims);
}

/** Eight channels' requantization: the fast form's constants in even/odd lane order, or the exact form's. */
typedef struct {
    int fast;
    /** [0]: channels c, c+2, c+4, c+6; [1]: c+1, c+3, c+5, c+7. */
    int32x4_t bias[2];
    int32x4_t multiplier[2];
    int32x4_t rounding[2];
    int32x4_t right_negated[2];
    int32_t min;
    int32_t max;
    /** The exact form, channels c..c+3 and c+4..c+7. */
    td_mve_requant exact[2];
} td_depthwise_mve_requant;

static void td_depthwise_mve_requant_of(td_depthwise_mve_requant *requant,
                                        const td_depthwise_conv_params *params,
                                        const td_per_channel_quant *quant,
                                        const int32_t *bias,
                                        int32_t c,
                                        int32_t taps)
{
    int32_t lanes[4][8];
    int32_t lane;
    memset(requant, 0, sizeof(*requant));
    requant->fast = 1;
    requant->min = params->activation.min;
    requant->max = params->activation.max;
    for (lane = 0; lane < 8; ++lane) {
        const int32_t b = bias != NULL ? bias[c + lane] : 0;
        const int32_t multiplier = quant->multiplier[c + lane];
        const int32_t right = multiplier == 0 ? 1 : -quant->shift[c + lane];
        const int64_t bound = (b < 0 ? -(int64_t)b : (int64_t)b) + (int64_t)taps * TD_PRODUCT_MAX_ABS;
        const int32_t slot = (lane & 1) * 4 + (lane >> 1);
        if (right < 1 || right > TD_REQUANT_FOLDED_MAX_RIGHT_SHIFT || bound >= ((int64_t)1 << 30)) {
            requant->fast = 0;
            break;
        }
        lanes[0][slot] = b;
        lanes[1][slot] = multiplier;
        lanes[2][slot] = ((int32_t)1 << (right - 1)) + params->output_offset * ((int32_t)1 << right);
        lanes[3][slot] = -right;
    }
    if (requant->fast) {
        for (lane = 0; lane < 2; ++lane) {
            requant->bias[lane] = vldrwq_s32(&lanes[0][4 * lane]);
            requant->multiplier[lane] = vldrwq_s32(&lanes[1][4 * lane]);
            requant->rounding[lane] = vldrwq_s32(&lanes[2][4 * lane]);
            requant->right_negated[lane] = vldrwq_s32(&lanes[3][4 * lane]);
        }
    } else {
        requant->bias[0] = requant->bias[1] = vdupq_n_s32(0);
        td_mve_requant_of(&requant->exact[0], bias, quant, c, params->output_offset, params->activation.min, params->activation.max);
        td_mve_requant_of(&requant->exact[1], bias, quant, c + 4, params->output_offset, params->activation.min,
                          params->activation.max);
    }
}

/** The fast form on four lanes, clamped: (VQRDMULH(acc, m) + rounding + (acc >> 31)) >> right. */
TD_INLINE int32x4_t td_depthwise_mve_fast(int32x4_t acc, const td_depthwise_mve_requant *requant, int lane)
{
    int32x4_t value = vaddq_s32(vqrdmulhq_s32(acc, requant->multiplier[lane]), requant->rounding[lane]);
    value = vshlq_s32(vaddq_s32(value, vshrq_n_s32(acc, 31)), requant->right_negated[lane]);
    return vminq_s32(vmaxq_s32(value, vdupq_n_s32(requant->min)), vdupq_n_s32(requant->max));
}

/** Eight channels' sums (even and odd lanes, the bias in them on the fast form) requantized and stored. */
TD_INLINE void td_depthwise_mve_output(int8_t *out, int32x4_t even, int32x4_t odd, const td_depthwise_mve_requant *requant)
{
    if (requant->fast) {
        int16x8_t bytes = vdupq_n_s16(0);
        bytes = vmovnbq_s32(bytes, td_depthwise_mve_fast(even, requant, 0));
        bytes = vmovntq_s32(bytes, td_depthwise_mve_fast(odd, requant, 1));
        vstrbq_s16(out, bytes);
    } else {
        int32_t sums[8];
        const int32x4x2_t pair = {{even, odd}};
        vst2q_s32(sums, pair);
        td_mve_requant_store(out, vaddq_s32(vldrwq_s32(sums), requant->exact[0].bias), &requant->exact[0]);
        td_mve_requant_store(out + 4, vaddq_s32(vldrwq_s32(sums + 4), requant->exact[1].bias), &requant->exact[1]);
    }
}

/** Whether output column x's window has all K_w columns inside the input. */
TD_INLINE int td_depthwise_mve_full_width(const td_depthwise_conv_params *params, const td_dims *input_dims, const td_dims *filter_dims, int32_t x)
{
    const int32_t origin = x * params->stride.w - params->padding.w;
    return origin >= 0 && origin + (filter_dims->w - 1) * params->dilation.w < input_dims->w;
}

/**
 * The window of output pixel (out_y, x): `known` (pixel known_x's, same row) moved along the row
 * when both are full width, else worked out afresh.
 */
TD_INLINE td_depthwise_window td_depthwise_mve_window(const td_depthwise_window *known,
                                                      int32_t known_x,
                                                      const td_depthwise_conv_params *params,
                                                      const td_dims *input_dims,
                                                      const td_dims *filter_dims,
                                                      int32_t batch,
                                                      int32_t out_y,
                                                      int32_t x)
{
    if (known != NULL && td_depthwise_mve_full_width(params, input_dims, filter_dims, known_x) &&
        td_depthwise_mve_full_width(params, input_dims, filter_dims, x)) {
        td_depthwise_window window = *known;
        window.input_start += (x - known_x) * params->stride.w * input_dims->c;
        return window;
    }
    return td_depthwise_window_of(params, input_dims, filter_dims, batch, out_y, x);
}

td_status td_depthwise_conv2d_s8(const td_context *ctx,
                                 const td_depthwise_conv_params *params,
                                 const td_per_channel_quant *quant,
                                 const td_dims *input_dims,
                                 const int8_t *input,
                                 const td_dims *filter_dims,
                                 const int8_t *filter,
                                 const int32_t *bias,
                                 const td_dims *output_dims,
                                 int8_t *output)
{
    const int32_t output_c = output_dims->c, out_w = output_dims->w;
    const int16_t input_offset = (int16_t)params->input_offset;
    const int32_t blocked = params->depth_multiplier == 1 ? output_c & ~7 : 0;
    int32_t batch, out_y, out_x, c, row, column;
    if (!td_depthwise_mve_pays(params, filter_dims)) {
        return td_depthwise_conv2d_s8_dsp(ctx, params, quant, input_dims, input, filter_dims, filter, bias, output_dims, output);
    }

    for (batch = 0; batch < output_dims->n; ++batch) {
        for (out_y = 0; out_y < output_dims->h; ++out_y) {
            int8_t *const out_row = output + (batch * output_dims->h + out_y) * out_w * output_c;
            for (c = 0; c < blocked; c += 8) {
                td_depthwise_mve_requant requant;
                td_depthwise_mve_requant_of(&requant, params, quant, bias, c, filter_dims->h * filter_dims->w);
                td_depthwise_window first = td_depthwise_window_of(params, input_dims, filter_dims, batch, out_y, 0);
                int32_t first_x = 0;
                for (out_x = 0; out_x < out_w; ++out_x) {
                    int32x4_t even = requant.bias[0], odd = requant.bias[1];
                    if (out_x != first_x) {
                        first = td_depthwise_mve_window(&first, first_x, params, input_dims, filter_dims, batch, out_y, out_x);
                        first_x = out_x;
                    }
                    if (out_x + 1 < out_w) {
                        const td_depthwise_window second =
                            td_depthwise_mve_window(&first, out_x, params, input_dims, filter_dims, batch, out_y, out_x + 1);
                        if (second.filter_start == first.filter_start && second.columns == first.columns && second.rows == first.rows) {
                            /* Two pixels over the same taps: each weight vector serves both. */
                            const int32_t apart = second.input_start - first.input_start;
                            int32x4_t even2 = requant.bias[0], odd2 = requant.bias[1];
                            for (row = 0; row < first.rows; ++row) {
                                const int8_t *in = input + first.input_start + row * first.input_row_step + c;
                                const int8_t *f = filter + first.filter_start + row * first.filter_row_step + c;
                                for (column = 0; column < first.columns; ++column) {
                                    const int16x8_t w = vldrbq_s16(f);
                                    const int16x8_t x = vaddq_n_s16(vldrbq_s16(in), input_offset);
                                    const int16x8_t x2 = vaddq_n_s16(vldrbq_s16(in + apart), input_offset);
                                    even = vaddq_s32(even, vmullbq_int_s16(x, w));
                                    odd = vaddq_s32(odd, vmulltq_int_s16(x, w));
                                    even2 = vaddq_s32(even2, vmullbq_int_s16(x2, w));
                                    odd2 = vaddq_s32(odd2, vmulltq_int_s16(x2, w));
                                    in += first.input_tap_step;
                                    f += first.filter_tap_step;
                                }
                            }
                            td_depthwise_mve_output(out_row + out_x * output_c + c, even, odd, &requant);
                            td_depthwise_mve_output(out_row + (out_x + 1) * output_c + c, even2, odd2, &requant);
                            ++out_x;
                            continue;
                        }
                    }
                    for (row = 0; row < first.rows; ++row) {
                        const int8_t *in = input + first.input_start + row * first.input_row_step + c;
                        const int8_t *f = filter + first.filter_start + row * first.filter_row_step + c;
                        for (column = 0; column < first.columns; ++column) {
                            const int16x8_t x = vaddq_n_s16(vldrbq_s16(in), input_offset);
                            const int16x8_t w = vldrbq_s16(f);
                            even = vaddq_s32(even, vmullbq_int_s16(x, w));
                            odd = vaddq_s32(odd, vmulltq_int_s16(x, w));
                            in += first.input_tap_step;
                            f += first.filter_tap_step;
                        }
                    }
                    td_depthwise_mve_output(out_row + out_x * output_c + c, even, odd, &requant);
                }
            }
            if (blocked < output_c) {
                for (out_x = 0; out_x < out_w; ++out_x) {
                    const td_depthwise_window window = td_depthwise_window_of(params, input_dims, filter_dims, batch, out_y, out_x);
                    td_depthwise_channels_s8(params, quant, &window, blocked, output_c, input, filter, bias, out_row + out_x * output_c);
                }
            }
        }
    }
    return TD_OK;
}
