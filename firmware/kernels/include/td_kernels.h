/*
 * TinyDeploy kernel library: the one public header.
 *
 * Shape (after CMSIS-NN): one public function per source file, parameters in const structs,
 * every kernel returns a td_status, scratch memory comes from the caller through a
 * td_context whose size is given by the kernel's td_<op>_<dtype>_get_buffer_size().
 * Portable C99, no malloc, no abort, bounded loops.
 *
 * Contract with the generator (src/core/common/codegen): shapes, types and quantization are
 * validated on the host when the C code is generated; every multiplier, shift, offset and
 * padding is precomputed there. The kernels do not re-check them in the hot loop: a call with
 * parameters the generator would have refused is undefined behaviour, not an error code.
 *
 * Arithmetic (int8): bit-exact with TFLite Micro's reference kernels at 90b983c with
 * TFLITE_SINGLE_ROUNDING off, i.e. requantization is
 *     MultiplyByQuantizedMultiplier(x, m, s)
 *       = RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(x * 2^max(s,0), m), max(-s,0))
 * and so with TinyDeploy's host interpreter (src/core/common/interp).
 * Arithmetic (float32): the same loops in float32, in the same order as TFLite's reference
 * kernels. Build with -std=c99 (or -ffp-contract=off) so the compiler does not fuse
 * multiply-adds; transcendental functions come from the C library (expf, tanhf).
 *
 * Conventions
 *  - Tensors are NHWC, row-major, densely packed. Conv filters are [C_out][K_h][K_w][C_in],
 *    depthwise filters [1][K_h][K_w][C_in * depth_multiplier], FC weights [out][in].
 *  - Offsets: an *input* offset is added to the stored input value, so it is MINUS the
 *    input zero point; an *output* offset is added to the requantized result, so it is the
 *    output zero point (CMSIS-NN's convention, used by every struct here).
 *  - Multiplier/shift pairs are TFLite's QuantizeMultiplier output: multiplier a Q31 int32
 *    in [2^30, 2^31) (or 0), shift the power of two (positive = left).
 *  - Padding is the top/left padding in pixels as TFLite computes it (ComputePaddingHeightWidth);
 *    the bottom/right padding follows from the output size.
 *  - Element counts are int32_t. Pointers to tensors never alias unless a function says so.
 *
 * Optimized variants: src/opt/cortex-m/td_<op>_<dtype>.c replaces src/<category>/ of the same
 * name when the target has the DSP extension (__ARM_FEATURE_DSP: Cortex-M4/M7/M33/M55); it
 * gives bit-identical results and may need more scratch (see each get_buffer_size). The
 * macro TD_KERNELS_DSP tells which variant a translation unit sees.
 */
#ifndef TD_KERNELS_H
#define TD_KERNELS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Bumped when a struct or a signature changes.
 * 2: td_mean_s8 / td_mean_f32 reduce [outer][reduce][inner] (any contiguous axes) and
 *    td_mean_params_s8 follows TFLite Micro's EvalIntegerMean (rescale flag, 1/count folded
 *    into the multiplier, no rounding division), as the interpreter does.
 * 3: td_per_channel_quant's shifts are int8 (they lie within [-31, 30]): a quarter of the
 *    flash the per-channel parameters took.
 */
#define TD_KERNELS_API_VERSION 3

/* 1 when the DSP-optimized variants are compiled (ARM DSP extension, or its host emulation
 * used by the tests), 0 for the portable build. Buffer sizes depend on it. */
#if defined(__ARM_FEATURE_DSP) || defined(TD_DSP_EMULATE)
#define TD_KERNELS_DSP 1
#else
#define TD_KERNELS_DSP 0
#endif

/* ------------------------------------------------------------------------------------------
 * Common types
 * ---------------------------------------------------------------------------------------- */

typedef enum {
    TD_OK = 0,
    /** A required pointer is NULL or a size is not positive (checked once, outside the loops). */
    TD_ERROR_ARGUMENT = -1,
    /** The kernel needs scratch memory and the context's buffer is missing or too small. */
    TD_ERROR_SCRATCH = -2
} td_status;

/** A 4-D shape, NHWC. Lower-rank tensors put their dimensions last and 1 in front. */
typedef struct {
    int32_t n;
    int32_t h;
    int32_t w;
    int32_t c;
} td_dims;

/** A height/width pair: stride, padding, dilation, pooling window. */
typedef struct {
    int32_t h;
    int32_t w;
} td_tile;

/** Caller-provided scratch memory: at least get_buffer_size() bytes, 4-byte aligned. */
typedef struct {
    void *buf;
    int32_t size;
} td_context;

/** Quantized activation range (the fused activation folded with the output type's range). */
typedef struct {
    int32_t min;
    int32_t max;
} td_activation;

/** Float activation range: none = [-FLT_MAX, FLT_MAX], relu = [0, FLT_MAX], relu6 = [0, 6]. */
typedef struct {
    float min;
    float max;
} td_activation_f32;

/** One requantization: x * multiplier * 2^shift (TFLite's MultiplyByQuantizedMultiplier). */
typedef struct {
    int32_t multiplier;
    int32_t shift;
} td_requant;

/** Per-channel requantization: one multiplier and one shift per output channel (shifts as int8). */
typedef struct {
    const int32_t *multiplier;
    const int8_t *shift;
} td_per_channel_quant;

/* ------------------------------------------------------------------------------------------
 * Convolutions (src/conv)
 * ---------------------------------------------------------------------------------------- */

typedef struct {
    int32_t input_offset;  /* -input zero point */
    int32_t output_offset; /* output zero point */
    td_tile stride;
    td_tile padding;
    td_tile dilation;
    td_activation activation;
} td_conv_params;

typedef struct {
    int32_t input_offset;  /* -input zero point */
    int32_t output_offset; /* output zero point */
    int32_t depth_multiplier;
    td_tile stride;
    td_tile padding;
    td_tile dilation;
    td_activation activation;
} td_depthwise_conv_params;

/**
 * CONV_2D, int8 activations and weights, int32 bias, per-channel requantization
 * (TFLite's reference_integer_ops::ConvPerChannel). filter_dims = {C_out, K_h, K_w, C_in / groups};
 * bias has C_out entries or is NULL. Grouped when input_dims->c is a multiple of
 * filter_dims->c (groups = input C / filter C, C_out / groups filters per group).
 */
td_status td_conv2d_s8(const td_context *ctx,
                       const td_conv_params *params,
                       const td_per_channel_quant *quant,
                       const td_dims *input_dims,
                       const int8_t *input,
                       const td_dims *filter_dims,
                       const int8_t *filter,
                       const int32_t *bias,
                       const td_dims *output_dims,
                       int8_t *output);
/**
 * CONV_2D, int8, as td_conv2d_s8 (the same bits, the same scratch), for filters of 1 to 3 output channels whose rows
 * (K_w * C_in) hold at least 12 bytes and whose patches at least 32, over 16 output pixels or more: the DSP build
 * reads the rows inside the image in place against its filters widened once per call (td_conv2d_s8 widens every
 * patch for at most three filters); any other shape runs td_conv2d_s8. Its own entry, so that other models do not
 * link that code.
 */
td_status td_conv2d_s8_few(const td_context *ctx,
                           const td_conv_params *params,
                           const td_per_channel_quant *quant,
                           const td_dims *input_dims,
                           const int8_t *input,
                           const td_dims *filter_dims,
                           const int8_t *filter,
                           const int32_t *bias,
                           const td_dims *output_dims,
                           int8_t *output);
/**
 * CONV_2D, int8, as td_conv2d_s8 (the same bits), with no scratch: the DSP build reads only the taps inside the image
 * (as the reference loop does), four bytes a turn, where td_conv2d_s8's im2col columns would widen every tap of a
 * patch for few outputs (the generator's choice for output pixels x channels <= 64 by its estimate). Its own entry,
 * so that other models do not link that code.
 */
td_status td_conv2d_s8_direct(const td_context *ctx,
                              const td_conv_params *params,
                              const td_per_channel_quant *quant,
                              const td_dims *input_dims,
                              const int8_t *input,
                              const td_dims *filter_dims,
                              const int8_t *filter,
                              const int32_t *bias,
                              const td_dims *output_dims,
                              int8_t *output);
/**
 * Bytes of scratch td_conv2d_s8 needs: 0 portable; DSP, with L = filter_dims->c * K_h * K_w and
 * G = ceil(L / 4): 16 * filter_dims->n (the prepared requantization) + 32 * G (four int16 im2col
 * columns) + (filter_dims->c % 4 ? 4 * G : 0) (an int8 patch) + (L % 4 ? filter_dims->n * 4 * G
 * : 0) (zero-padded weight rows).
 */
int32_t td_conv2d_s8_get_buffer_size(const td_dims *input_dims, const td_dims *filter_dims);
/**
 * CONV_2D, int8, as td_conv2d_s8, for small patches (the generator's choice in DSP builds for
 * windows of up to 32 taps over up to three channels and 1x1 convolutions over eight channels at
 * stride 1, every channel in the fast requantization): each pixel's patch widened to int16 once
 * and run against every filter. Dilated shapes and filters of over 32 weight words (K_h rows of
 * ceil(K_w C_in / 2)) run the reference loop.
 */
td_status td_conv2d_s8_small(const td_context *ctx,
                             const td_conv_params *params,
                             const td_per_channel_quant *quant,
                             const td_dims *input_dims,
                             const int8_t *input,
                             const td_dims *filter_dims,
                             const int8_t *filter,
                             const int32_t *bias,
                             const td_dims *output_dims,
                             int8_t *output);
/**
 * Bytes of scratch td_conv2d_s8_small needs: 0 portable; DSP, with W the larger of
 * ceil(K_h * K_w * C_in / 2) and K_h * ceil(K_w * C_in / 2) rounded up to a multiple of four:
 * 4 * filter_dims->n * (W + 6) (per filter its bias, widened weights, requantization and clamp)
 * + unless 1x1, 4 * W (a patch) + 2 * (3 K_h + 3) * ((W_in + 2 K_w) * C_in rounded up to even)
 * (a band of widened input rows).
 */
int32_t td_conv2d_s8_small_get_buffer_size(const td_dims *input_dims, const td_dims *filter_dims);
/**
 * td_conv2d_s8_small's loops as entry points of their own, so that a model links only the loop its
 * layers take (the generator calls these): td_conv2d_s8_small_3x3 (3x3 over one input channel),
 * _1x1x8 (1x1 over eight channels, stride 1, no padding), _1x1x4 (1x1 over one to four channels,
 * stride 1, no padding), _patch (other windows of up to 32
 * weight words over up to three channels), each linking its loop's clamping form alone. Each needs what td_conv2d_s8_small's loop needs
 * (every channel in the fast requantization, no dilation, the same scratch); on a DSP target
 * anything else returns TD_ERROR_ARGUMENT instead of running the reference loop. Portable: the
 * reference, as td_conv2d_s8_small.
 */
td_status td_conv2d_s8_small_3x3(const td_context *ctx,
                                 const td_conv_params *params,
                                 const td_per_channel_quant *quant,
                                 const td_dims *input_dims,
                                 const int8_t *input,
                                 const td_dims *filter_dims,
                                 const int8_t *filter,
                                 const int32_t *bias,
                                 const td_dims *output_dims,
                                 int8_t *output);
td_status td_conv2d_s8_small_1x1x8(const td_context *ctx,
                                   const td_conv_params *params,
                                   const td_per_channel_quant *quant,
                                   const td_dims *input_dims,
                                   const int8_t *input,
                                   const td_dims *filter_dims,
                                   const int8_t *filter,
                                   const int32_t *bias,
                                   const td_dims *output_dims,
                                   int8_t *output);
td_status td_conv2d_s8_small_1x1x4(const td_context *ctx,
                                   const td_conv_params *params,
                                   const td_per_channel_quant *quant,
                                   const td_dims *input_dims,
                                   const int8_t *input,
                                   const td_dims *filter_dims,
                                   const int8_t *filter,
                                   const int32_t *bias,
                                   const td_dims *output_dims,
                                   int8_t *output);
td_status td_conv2d_s8_small_patch(const td_context *ctx,
                                   const td_conv_params *params,
                                   const td_per_channel_quant *quant,
                                   const td_dims *input_dims,
                                   const int8_t *input,
                                   const td_dims *filter_dims,
                                   const int8_t *filter,
                                   const int32_t *bias,
                                   const td_dims *output_dims,
                                   int8_t *output);
/** The same loops for the full int8 activation range (-128..127) alone, which they run without a clamp; any other range TD_ERROR_ARGUMENT on a DSP target. */
td_status td_conv2d_s8_small_3x3_full(const td_context *ctx,
                                      const td_conv_params *params,
                                      const td_per_channel_quant *quant,
                                      const td_dims *input_dims,
                                      const int8_t *input,
                                      const td_dims *filter_dims,
                                      const int8_t *filter,
                                      const int32_t *bias,
                                      const td_dims *output_dims,
                                      int8_t *output);
td_status td_conv2d_s8_small_1x1x8_full(const td_context *ctx,
                                        const td_conv_params *params,
                                        const td_per_channel_quant *quant,
                                        const td_dims *input_dims,
                                        const int8_t *input,
                                        const td_dims *filter_dims,
                                        const int8_t *filter,
                                        const int32_t *bias,
                                        const td_dims *output_dims,
                                        int8_t *output);
td_status td_conv2d_s8_small_1x1x4_full(const td_context *ctx,
                                        const td_conv_params *params,
                                        const td_per_channel_quant *quant,
                                        const td_dims *input_dims,
                                        const int8_t *input,
                                        const td_dims *filter_dims,
                                        const int8_t *filter,
                                        const int32_t *bias,
                                        const td_dims *output_dims,
                                        int8_t *output);
td_status td_conv2d_s8_small_patch_full(const td_context *ctx,
                                        const td_conv_params *params,
                                        const td_per_channel_quant *quant,
                                        const td_dims *input_dims,
                                        const int8_t *input,
                                        const td_dims *filter_dims,
                                        const int8_t *filter,
                                        const int32_t *bias,
                                        const td_dims *output_dims,
                                        int8_t *output);
/**
 * The same loops for an activation whose maximum is 127 (ReLU) alone, which they clamp at its minimum only; any other
 * maximum TD_ERROR_ARGUMENT on a DSP target.
 */
td_status td_conv2d_s8_small_3x3_min(const td_context *ctx,
                                     const td_conv_params *params,
                                     const td_per_channel_quant *quant,
                                     const td_dims *input_dims,
                                     const int8_t *input,
                                     const td_dims *filter_dims,
                                     const int8_t *filter,
                                     const int32_t *bias,
                                     const td_dims *output_dims,
                                     int8_t *output);
td_status td_conv2d_s8_small_1x1x8_min(const td_context *ctx,
                                       const td_conv_params *params,
                                       const td_per_channel_quant *quant,
                                       const td_dims *input_dims,
                                       const int8_t *input,
                                       const td_dims *filter_dims,
                                       const int8_t *filter,
                                       const int32_t *bias,
                                       const td_dims *output_dims,
                                       int8_t *output);
td_status td_conv2d_s8_small_1x1x4_min(const td_context *ctx,
                                       const td_conv_params *params,
                                       const td_per_channel_quant *quant,
                                       const td_dims *input_dims,
                                       const int8_t *input,
                                       const td_dims *filter_dims,
                                       const int8_t *filter,
                                       const int32_t *bias,
                                       const td_dims *output_dims,
                                       int8_t *output);
td_status td_conv2d_s8_small_patch_min(const td_context *ctx,
                                       const td_conv_params *params,
                                       const td_per_channel_quant *quant,
                                       const td_dims *input_dims,
                                       const int8_t *input,
                                       const td_dims *filter_dims,
                                       const int8_t *filter,
                                       const int32_t *bias,
                                       const td_dims *output_dims,
                                       int8_t *output);
/**
 * td_conv2d_s8_small's loop with the patch in registers, as an entry point of its own (the generator's choice for
 * windows whose filter rows make at most 8 weight words, K_h * ceil(K_w * C_in / 2): 1x5, 7x1, 4x3 or 2x5 of one
 * channel, 1x3 of five): per pixel the patch is loaded once into registers and every filter runs against it, a
 * straight line of LDM and SMLAD per filter instead of the general loop's ladder of four-word chunks. _regs clamps
 * at both ends, _regs_full takes the full int8 range alone and _regs_min an activation whose maximum is 127 alone.
 * Each needs what td_conv2d_s8_small_patch needs (every channel in the fast requantization, no dilation, the same
 * scratch) and at most 8 such words; on a DSP target anything else returns TD_ERROR_ARGUMENT. Portable: the
 * reference, as td_conv2d_s8_small.
 */
td_status td_conv2d_s8_small_regs(const td_context *ctx,
                                  const td_conv_params *params,
                                  const td_per_channel_quant *quant,
                                  const td_dims *input_dims,
                                  const int8_t *input,
                                  const td_dims *filter_dims,
                                  const int8_t *filter,
                                  const int32_t *bias,
                                  const td_dims *output_dims,
                                  int8_t *output);
td_status td_conv2d_s8_small_regs_full(const td_context *ctx,
                                       const td_conv_params *params,
                                       const td_per_channel_quant *quant,
                                       const td_dims *input_dims,
                                       const int8_t *input,
                                       const td_dims *filter_dims,
                                       const int8_t *filter,
                                       const int32_t *bias,
                                       const td_dims *output_dims,
                                       int8_t *output);
td_status td_conv2d_s8_small_regs_min(const td_context *ctx,
                                      const td_conv_params *params,
                                      const td_per_channel_quant *quant,
                                      const td_dims *input_dims,
                                      const int8_t *input,
                                      const td_dims *filter_dims,
                                      const int8_t *filter,
                                      const int32_t *bias,
                                      const td_dims *output_dims,
                                      int8_t *output);
/**
 * td_conv2d_s8_small's loop for one to four filters, as an entry point of its own (the generator's choice there): each
 * pixel's patch is read in place from the widened input rows, no copy per pixel, the filters' weights interleaved word
 * by word. _few clamps at both ends, _few_full takes the full int8 range alone and _few_min an activation whose
 * maximum is 127 alone. Each needs what td_conv2d_s8_small_patch needs (the same scratch, a window of more than one
 * tap, no dilation), one to four output channels and filter rows (K_w * C_in) of at most 32 taps; on a DSP target
 * anything else returns TD_ERROR_ARGUMENT. Portable: the reference, as td_conv2d_s8_small.
 */
td_status td_conv2d_s8_small_few(const td_context *ctx,
                                 const td_conv_params *params,
                                 const td_per_channel_quant *quant,
                                 const td_dims *input_dims,
                                 const int8_t *input,
                                 const td_dims *filter_dims,
                                 const int8_t *filter,
                                 const int32_t *bias,
                                 const td_dims *output_dims,
                                 int8_t *output);
td_status td_conv2d_s8_small_few_full(const td_context *ctx,
                                      const td_conv_params *params,
                                      const td_per_channel_quant *quant,
                                      const td_dims *input_dims,
                                      const int8_t *input,
                                      const td_dims *filter_dims,
                                      const int8_t *filter,
                                      const int32_t *bias,
                                      const td_dims *output_dims,
                                      int8_t *output);
td_status td_conv2d_s8_small_few_min(const td_context *ctx,
                                     const td_conv_params *params,
                                     const td_per_channel_quant *quant,
                                     const td_dims *input_dims,
                                     const int8_t *input,
                                     const td_dims *filter_dims,
                                     const int8_t *filter,
                                     const int32_t *bias,
                                     const td_dims *output_dims,
                                     int8_t *output);

/**
 * DEPTHWISE_CONV_2D, int8, per-channel requantization (reference_integer_ops::
 * DepthwiseConvPerChannel). Output channel oc = ic * depth_multiplier + m.
 * filter_dims = {1, K_h, K_w, C_out}; C_out = C_in * depth_multiplier.
 */
td_status td_depthwise_conv2d_s8(const td_context *ctx,
                                 const td_depthwise_conv_params *params,
                                 const td_per_channel_quant *quant,
                                 const td_dims *input_dims,
                                 const int8_t *input,
                                 const td_dims *filter_dims,
                                 const int8_t *filter,
                                 const int32_t *bias,
                                 const td_dims *output_dims,
                                 int8_t *output);
/**
 * DEPTHWISE_CONV_2D, int8, as td_depthwise_conv2d_s8 (the same bits; its scratch from
 * td_depthwise_conv2d_s8_paired_get_buffer_size), for the shapes the DSP kernel's channel blocks do not take (the
 * generator calls it for them): fewer than four output channels, more than 16 filter rows or 8 columns, a dilation
 * along the row, an output of one pixel, fewer than 9 window taps over all output pixels. Pairs of taps in int16 lanes
 * (DSP builds), without the channel blocks, so that a model whose depthwise layers the blocks take all does not link
 * this code, and one that calls only this entry does not link the blocks.
 */
td_status td_depthwise_conv2d_s8_paired(const td_context *ctx,
                                        const td_depthwise_conv_params *params,
                                        const td_per_channel_quant *quant,
                                        const td_dims *input_dims,
                                        const int8_t *input,
                                        const td_dims *filter_dims,
                                        const int8_t *filter,
                                        const int32_t *bias,
                                        const td_dims *output_dims,
                                        int8_t *output);
/**
 * Bytes of scratch td_depthwise_conv2d_s8 needs: 0 portable; DSP: 4 * (2 * K_h * K_w + 18 +
 * 2 * K_h * (input_dims->w + K_w - 1)) (one channel block's filter and requantization, and a
 * ring of K_h int16 input rows), plus, with a depth multiplier > 1 (filter_dims->c !=
 * input_dims->c), the input's size rounded up to a multiple of four (a copy of the input).
 */
int32_t td_depthwise_conv2d_s8_get_buffer_size(const td_dims *input_dims, const td_dims *filter_dims);
/**
 * Bytes of scratch td_depthwise_conv2d_s8_paired needs: td_depthwise_conv2d_s8_get_buffer_size's without the DSP
 * kernel; with it 4 * (4 * P + 4 * C_out + C_out * P), P = ceil(K_h * K_w / 2) (the paired taps' offsets,
 * requantization and pairs of taps per output channel, filter_dims->c), plus K_h * (input_dims->w + K_w - 1) *
 * max(C_in, 8) rounded up to a multiple of four (padded input rows).
 */
int32_t td_depthwise_conv2d_s8_paired_get_buffer_size(const td_dims *input_dims, const td_dims *filter_dims);
/**
 * DEPTHWISE_CONV_2D, int8, as td_depthwise_conv2d_s8 (the same bits; its scratch from
 * td_depthwise_conv2d_s8_columns_get_buffer_size), for windows one column wide (the generator calls it for those the
 * DSP kernel's channel blocks take): with up to 8 rows, no dilation down the columns and the output apart from the
 * input, the blocks go down the input's columns (each column expanded as one ring row, the window one row of K_h
 * taps), where along the rows every tap is a filter row with its own set-up. Its own entry, so that a model without
 * such layers does not link that code.
 */
td_status td_depthwise_conv2d_s8_columns(const td_context *ctx,
                                         const td_depthwise_conv_params *params,
                                         const td_per_channel_quant *quant,
                                         const td_dims *input_dims,
                                         const int8_t *input,
                                         const td_dims *filter_dims,
                                         const int8_t *filter,
                                         const int32_t *bias,
                                         const td_dims *output_dims,
                                         int8_t *output);
/**
 * DEPTHWISE_CONV_2D, int8, as td_depthwise_conv2d_s8 (the same bits and scratch), for models whose depthwise layers
 * through the DSP kernel's channel blocks are all 3x3 and undilated (MobileNet-style networks; the generator's choice):
 * its blocks run only the 3x3 rows, so that such a model does not link the blocks' code for other windows. Any other
 * window still gives the same bits, one channel at a time.
 */
td_status td_depthwise_conv2d_s8_3x3(const td_context *ctx,
                                     const td_depthwise_conv_params *params,
                                     const td_per_channel_quant *quant,
                                     const td_dims *input_dims,
                                     const int8_t *input,
                                     const td_dims *filter_dims,
                                     const int8_t *filter,
                                     const int32_t *bias,
                                     const td_dims *output_dims,
                                     int8_t *output);
/** Bytes of scratch td_depthwise_conv2d_s8_3x3 needs: td_depthwise_conv2d_s8_get_buffer_size's. */
int32_t td_depthwise_conv2d_s8_3x3_get_buffer_size(const td_dims *input_dims, const td_dims *filter_dims);
/**
 * Bytes of scratch td_depthwise_conv2d_s8_columns needs: td_depthwise_conv2d_s8_get_buffer_size's, with the ring's span
 * max(input_dims->w + K_w - 1, ceil((input_dims->h + K_h - 1) / K_h)) (a column of H + K_h - 1 positions fits in it).
 */
int32_t td_depthwise_conv2d_s8_columns_get_buffer_size(const td_dims *input_dims, const td_dims *filter_dims);
/**
 * DEPTHWISE_CONV_2D, int8, as td_depthwise_conv2d_s8 (the same bits; its scratch from
 * td_depthwise_conv2d_s8_lines_get_buffer_size), for the shapes the generator gives it in DSP builds: a depth
 * multiplier with a window one column or one row wide, and five to seven channels (or fewer than four) over long
 * rows. One input channel at a time, widened to int16 lines (input columns for a K_h x 1 window, rows otherwise),
 * taps paired along them (SMLAD), a depth multiplier's channels over one widening. Needs its output apart from its
 * input and at most 16 pairs of taps along the lines (otherwise, as for a channel outside the fast requantization,
 * the paired entry's paths run it).
 */
td_status td_depthwise_conv2d_s8_lines(const td_context *ctx,
                                       const td_depthwise_conv_params *params,
                                       const td_per_channel_quant *quant,
                                       const td_dims *input_dims,
                                       const int8_t *input,
                                       const td_dims *filter_dims,
                                       const int8_t *filter,
                                       const int32_t *bias,
                                       const td_dims *output_dims,
                                       int8_t *output);
/**
 * Bytes of scratch td_depthwise_conv2d_s8_lines needs: td_depthwise_conv2d_s8_get_buffer_size's without the DSP
 * kernel; with it 4 * C_out * (4 + 2 * P) (per output channel its requantization, and per pair of taps its offset and
 * tap word), P = A * ceil(B / 2), plus 2 * R * (L + B) rounded up to a multiple of four (the widened lines, R = 1
 * for A = 1, else 2 * A), where a window with K_w = 1 < K_h has A = 1, B = K_h, L = input_dims->h, and any other
 * A = K_h, B = K_w, L = input_dims->w.
 */
int32_t td_depthwise_conv2d_s8_lines_get_buffer_size(const td_dims *input_dims, const td_dims *filter_dims);
/**
 * DEPTHWISE_CONV_2D, int8, as td_depthwise_conv2d_s8 (the same bits), for 3x3 filters at stride 1
 * (dilation 1, depth multiplier 1, a multiple of four channels) with the full int8 range, the
 * generator's choice in DSP builds: four channels at a time through planes of int16 pairs of
 * neighbouring positions (SMLAD, four output pixels per group). Other shapes, narrower clamps and
 * blocks of channels outside the fast requantization run the portable per-channel loop (so a model
 * need not link td_depthwise_conv2d_s8).
 */
td_status td_depthwise_conv2d_s8_planes(const td_context *ctx,
                                        const td_depthwise_conv_params *params,
                                        const td_per_channel_quant *quant,
                                        const td_dims *input_dims,
                                        const int8_t *input,
                                        const td_dims *filter_dims,
                                        const int8_t *filter,
                                        const int32_t *bias,
                                        const td_dims *output_dims,
                                        int8_t *output);
/**
 * Bytes of scratch td_depthwise_conv2d_s8_planes needs: 0 portable; DSP 144 * (ceil(W / 4) + 2) +
 * 624 (four channels' planes of a ring of three rows, 12 records).
 */
int32_t td_depthwise_conv2d_s8_planes_get_buffer_size(const td_dims *input_dims, const td_dims *filter_dims);
/**
 * DEPTHWISE_CONV_2D, int8, as td_depthwise_conv2d_s8 (the same bits), for windows one row or one column wide of up to
 * 8 taps, or two rows or two columns wide of up to 4 (no dilation along them, nor across two), the generator's choice
 * in DSP builds where it measured faster: per input channel its plane widened once into int16 (transposed for windows
 * one or two columns wide), then per output channel every output
 * with its tap pairs in registers (SMLAD). What it does not take (a requantization outside the fast form, the output
 * over the input) runs the portable per-channel loop (so a model need not link td_depthwise_conv2d_s8).
 */
td_status td_depthwise_conv2d_s8_widened(const td_context *ctx,
                                         const td_depthwise_conv_params *params,
                                         const td_per_channel_quant *quant,
                                         const td_dims *input_dims,
                                         const int8_t *input,
                                         const td_dims *filter_dims,
                                         const int8_t *filter,
                                         const int32_t *bias,
                                         const td_dims *output_dims,
                                         int8_t *output);
/**
 * Bytes of scratch td_depthwise_conv2d_s8_widened needs: 0 portable; DSP lines of 2 (L + 2 ceil(K / 2)) bytes (L the
 * input's width, or its height for a window one or two columns wide; K the window's taps along it), as many as the
 * input has lines (its height, or its width; one more for two lines a window) or fit in 6144 bytes (at least one),
 * rounded up to a word.
 */
int32_t td_depthwise_conv2d_s8_widened_get_buffer_size(const td_dims *input_dims, const td_dims *filter_dims);
/**
 * DEPTHWISE_CONV_2D, int8, the same bits as td_depthwise_conv2d_s8, for small images with 5x5
 * filters at stride 1 or 2 or 3x3 filters at stride 1 with a depth multiplier above 1, the
 * generator's choice in DSP builds: four input channels at a time widened into planes of int16
 * pairs of neighbouring positions of one channel (SMLAD, two MACs each), the input offset folded
 * into the bias. Any other shape runs correctly (a scalar loop over the planes, or the reference
 * loop for rows wider than 32 padded positions, dilation, channels outside the fast
 * requantization and input channels past a multiple of four).
 */
td_status td_depthwise_conv2d_s8_wide(const td_context *ctx,
                                      const td_depthwise_conv_params *params,
                                      const td_per_channel_quant *quant,
                                      const td_dims *input_dims,
                                      const int8_t *input,
                                      const td_dims *filter_dims,
                                      const int8_t *filter,
                                      const int32_t *bias,
                                      const td_dims *output_dims,
                                      int8_t *output);
/**
 * Bytes of scratch td_depthwise_conv2d_s8_wide needs: 0 portable; DSP 256 * (input_dims->h +
 * filter_dims->h - 1) + 512 (four planes of 64-byte rows and four channels' prepared taps).
 */
int32_t td_depthwise_conv2d_s8_wide_get_buffer_size(const td_dims *input_dims, const td_dims *filter_dims);
/**
 * td_depthwise_conv2d_s8_wide with each output channel's block prepared by the generator (its scratch
 * size and bits): `blocks` holds, per output channel, the doubled bias plus input offset times the
 * sum of its taps (td_requant_fast's 2 * acc with the padding at the input's zero point), once
 * (six times, once per output of a step, for 3x3 at stride 2), per filter row the doubled taps
 * paired in int16 words (5x5
 * stride 1: (w0, w1), (w2, w3), (w1, w2), (w3, w4); stride 2: (w0, w1), (w2, w3), (w4, 0); 3x3:
 * (w0, w1), (w1, w2)), then td_channel_requant_folded_of's multiplier, right shift and rounding.
 * The generator gives it only layers whose every channel takes that fast form, and `filter` and
 * `bias` as NULL: every output then comes from the blocks, and where the kernel would need the
 * filter (input channels past a multiple of four, dilation, a scratch too small, rows wider than
 * its planes, an output over its input other than a whole number of pixels before it with
 * multiplier 1 and no bands) it returns TD_ERROR_ARGUMENT.
 */
td_status td_depthwise_conv2d_s8_wide_packed(const td_context *ctx,
                                             const td_depthwise_conv_params *params,
                                             const td_per_channel_quant *quant,
                                             const td_dims *input_dims,
                                             const int8_t *input,
                                             const td_dims *filter_dims,
                                             const int8_t *filter,
                                             const int32_t *bias,
                                             const td_dims *output_dims,
                                             int8_t *output,
                                             const int32_t *blocks);
/**
 * td_depthwise_conv2d_s8_wide_packed's form for 3x3 at stride 1 with depth multiplier 1 over an input
 * 5 wide with one column of padding on either side (SAME: rows of five outputs, the keyword-spotting
 * model's 25x5), its own entry so that a model links only this loop: a band of up to 10 output rows
 * of four channels at a time widened into interleaved plane rows, five outputs a row in ten SMLAD /
 * SMLABT / SMLATB per filter row. `blocks` holds, per output channel, 10 words: the doubled bias plus
 * input offset times the sum of its taps (once), per filter row the doubled taps (w0, w1),
 * (w1, w2), then td_channel_requant_folded_of's multiplier, right shift and rounding (every channel
 * in that fast form). Input channels past a multiple of four, and any other shape, run the reference
 * loop; an output over its input a whole number of pixels from it works (channel blocks in order).
 * `filter` and `bias` may be NULL (the generator's call): TD_ERROR_ARGUMENT where the reference loop
 * would run (input channels past a multiple of four, another shape, a scratch too small).
 */
td_status td_depthwise_conv2d_s8_wide_rows5(const td_context *ctx,
                                            const td_depthwise_conv_params *params,
                                            const td_per_channel_quant *quant,
                                            const td_dims *input_dims,
                                            const int8_t *input,
                                            const td_dims *filter_dims,
                                            const int8_t *filter,
                                            const int32_t *bias,
                                            const td_dims *output_dims,
                                            int8_t *output,
                                            const int32_t *blocks);
/**
 * td_depthwise_conv2d_s8_wide_rows5 with 7 words per channel in `blocks` (the doubled bias plus input
 * offset times the sum of its taps, then the six tap words): the multiplier, right shift and rounding
 * come from `quant` and the output offset, per band and block of four channels (7 words of flash per
 * channel where the full blocks take 10, for ~21 instructions per channel and band). The same bits; the same contract on the
 * channels' requantization and on a NULL `filter` and `bias`.
 */
td_status td_depthwise_conv2d_s8_wide_rows5_compact(const td_context *ctx,
                                                    const td_depthwise_conv_params *params,
                                                    const td_per_channel_quant *quant,
                                                    const td_dims *input_dims,
                                                    const int8_t *input,
                                                    const td_dims *filter_dims,
                                                    const int8_t *filter,
                                                    const int32_t *bias,
                                                    const td_dims *output_dims,
                                                    int8_t *output,
                                                    const int32_t *blocks);
/**
 * Bytes of scratch td_depthwise_conv2d_s8_wide_rows5 (and _compact) needs: 0 portable; DSP 64 * (min(input_dims->h,
 * 10) + 2) + 160 (a band's plane rows of four channels, their four blocks).
 */
int32_t td_depthwise_conv2d_s8_wide_rows5_get_buffer_size(const td_dims *input_dims, const td_dims *filter_dims);

/*
 * Packed int4 weights (TFLite's INT4 tensors): signed 4-bit values two to a byte over the
 * filter's flattened elements, element 2k in the low nibble of byte k, 2k + 1 in its high nibble
 * (an odd count leaves the last high nibble unused). The int4 kernels take the same arguments as
 * their int8 twins with the filter as these packed bytes, give the bytes TFLite Micro gives after
 * unpacking the filter to int8 (values -8..7), and never unpack the whole filter: they read the
 * nibbles in place (portable) or widen the input once and split eight weights a word (DSP).
 */
/** CONV_2D as td_conv2d_s8 (grouped included), the filter packed int4. */
td_status td_conv2d_s8_int4(const td_context *ctx,
                            const td_conv_params *params,
                            const td_per_channel_quant *quant,
                            const td_dims *input_dims,
                            const int8_t *input,
                            const td_dims *filter_dims,
                            const int8_t *packed_filter,
                            const int32_t *bias,
                            const td_dims *output_dims,
                            int8_t *output);
/**
 * Bytes of scratch td_conv2d_s8_int4 needs: 0 portable; DSP, 2 * (L rounded up to a multiple of
 * 8), L = K_h * K_w * filter_dims->c (one widened patch).
 */
int32_t td_conv2d_s8_int4_get_buffer_size(const td_dims *input_dims, const td_dims *filter_dims);
/** DEPTHWISE_CONV_2D as td_depthwise_conv2d_s8, the filter [1, K_h, K_w, C_out] packed int4. */
td_status td_depthwise_conv2d_s8_int4(const td_context *ctx,
                                      const td_depthwise_conv_params *params,
                                      const td_per_channel_quant *quant,
                                      const td_dims *input_dims,
                                      const int8_t *input,
                                      const td_dims *filter_dims,
                                      const int8_t *packed_filter,
                                      const int32_t *bias,
                                      const td_dims *output_dims,
                                      int8_t *output);
/**
 * Bytes of scratch td_depthwise_conv2d_s8_int4 needs: 4 * filter_dims->c portable (one int32 sum
 * per output channel); DSP, the larger of that and 8 * K_h * K_w + 4 * W + 8 * K_h * (W + K_w - 1)
 * (one block of four channels' unpacked taps, a staging row and a ring of K_h widened input rows).
 */
int32_t td_depthwise_conv2d_s8_int4_get_buffer_size(const td_dims *input_dims, const td_dims *filter_dims);

typedef struct {
    td_tile stride;
    td_tile padding;
    td_tile dilation;
    td_activation_f32 activation;
} td_conv_params_f32;

typedef struct {
    int32_t depth_multiplier;
    td_tile stride;
    td_tile padding;
    td_tile dilation;
    td_activation_f32 activation;
} td_depthwise_conv_params_f32;

/** CONV_2D, float32 (reference_ops::Conv). Layouts as td_conv2d_s8; bias may be NULL. */
td_status td_conv2d_f32(const td_context *ctx,
                        const td_conv_params_f32 *params,
                        const td_dims *input_dims,
                        const float *input,
                        const td_dims *filter_dims,
                        const float *filter,
                        const float *bias,
                        const td_dims *output_dims,
                        float *output);
/** Bytes of scratch td_conv2d_f32 needs: 0. */
int32_t td_conv2d_f32_get_buffer_size(const td_dims *input_dims, const td_dims *filter_dims);
/**
 * CONV_2D, float32, bit-identical with td_conv2d_f32 (each sum in the reference's order, separate
 * multiply and add), over weights packed by the generator eight output channels at a time: for
 * each block of eight channels, [K_h][K_w][C_in][8] (a tap's eight weights side by side, one
 * VLDM on a core with an FPU); when four or more channels remain, one block of four
 * [K_h][K_w][C_in][4]; the C_out % 4 channels after that follow as [K_h][K_w][C_in] each. Same
 * size as the filter. One group (filter C = input C); bias may be NULL.
 */
td_status td_conv2d_f32_packed(const td_conv_params_f32 *params,
                               const td_dims *input_dims,
                               const float *input,
                               const td_dims *filter_dims,
                               const float *packed_filter,
                               const float *bias,
                               const td_dims *output_dims,
                               float *output);
/** Bytes of scratch td_conv2d_f32_packed needs: 0. */
int32_t td_conv2d_f32_packed_get_buffer_size(const td_dims *input_dims, const td_dims *filter_dims);

/**
 * TRANSPOSE_CONV (TFLite's reference TransposeConv, a scatter of input * weight into the outputs
 * each input pixel's window covers; padding from ComputePaddingHeightWidth on the output size).
 * filter_dims = {C_out, K_h, K_w, C_in}; bias has C_out entries or is NULL; params' dilation is
 * unused. int8: per-channel requantization of the int32 sums plus bias, which live in the scratch.
 */
td_status td_transpose_conv_s8(const td_context *ctx,
                               const td_conv_params *params,
                               const td_per_channel_quant *quant,
                               const td_dims *input_dims,
                               const int8_t *input,
                               const td_dims *filter_dims,
                               const int8_t *filter,
                               const int32_t *bias,
                               const td_dims *output_dims,
                               int8_t *output);
/** Bytes of scratch td_transpose_conv_s8 needs: 4 per output element. */
int32_t td_transpose_conv_s8_get_buffer_size(const td_dims *output_dims);
/**
 * TRANSPOSE_CONV 16x8 (reference_integer_ops::TransposeConv for int16 input): int16 activations
 * (zero point 0), int8 per-channel weights {C_out, K_h, K_w, C_in}, int64 bias (may be NULL).
 * The products are scattered into an int64 sum per output element (the scratch), then bias,
 * TFLite's 64-bit MultiplyByQuantizedMultiplier, clamp. params->input_offset and output_offset
 * are unused (0).
 */
td_status td_transpose_conv_s16(const td_context *ctx,
                                const td_conv_params *params,
                                const td_per_channel_quant *quant,
                                const td_dims *input_dims,
                                const int16_t *input,
                                const td_dims *filter_dims,
                                const int8_t *filter,
                                const int64_t *bias,
                                const td_dims *output_dims,
                                int16_t *output);
/** Bytes of scratch td_transpose_conv_s16 needs: 8 per output element. */
int32_t td_transpose_conv_s16_get_buffer_size(const td_dims *output_dims);
td_status td_transpose_conv_f32(const td_conv_params_f32 *params,
                                const td_dims *input_dims,
                                const float *input,
                                const td_dims *filter_dims,
                                const float *filter,
                                const float *bias,
                                const td_dims *output_dims,
                                float *output);

/** DEPTHWISE_CONV_2D, float32 (reference_ops::DepthwiseConv). */
td_status td_depthwise_conv2d_f32(const td_context *ctx,
                                  const td_depthwise_conv_params_f32 *params,
                                  const td_dims *input_dims,
                                  const float *input,
                                  const td_dims *filter_dims,
                                  const float *filter,
                                  const float *bias,
                                  const td_dims *output_dims,
                                  float *output);
/** Bytes of scratch td_depthwise_conv2d_f32 needs: 0. */
int32_t td_depthwise_conv2d_f32_get_buffer_size(const td_dims *input_dims, const td_dims *filter_dims);

/* ------------------------------------------------------------------------------------------
 * Fully connected (src/fully_connected)
 * ---------------------------------------------------------------------------------------- */

typedef struct {
    int32_t input_offset;  /* -input zero point */
    int32_t filter_offset; /* -weights zero point (0 for symmetric int8 weights) */
    int32_t output_offset; /* output zero point */
    td_activation activation;
} td_fc_params;

/**
 * FULLY_CONNECTED, int8: output[b][o] = requant(sum_i (w[o][i] + filter_offset) *
 * (x[b][i] + input_offset) + bias[o]). quant.multiplier/shift hold one entry (per-tensor,
 * per_channel = 0) or output_depth entries (per-channel, per_channel = 1). bias may be NULL.
 */
td_status td_fully_connected_s8(const td_context *ctx,
                                const td_fc_params *params,
                                const td_per_channel_quant *quant,
                                int32_t per_channel,
                                int32_t batches,
                                int32_t input_depth,
                                int32_t output_depth,
                                const int8_t *input,
                                const int8_t *filter,
                                const int32_t *bias,
                                int8_t *output);
/** Bytes of scratch td_fully_connected_s8 needs: 0 in every variant. */
int32_t td_fully_connected_s8_get_buffer_size(int32_t input_depth, int32_t output_depth);

/**
 * FULLY_CONNECTED, int8, weights packed by the generator for the DSP loop (the same bits as
 * td_fully_connected_s8). Rows go in blocks of four: per block, for each eight inputs, the four
 * rows' eight weights one after the other (32 bytes), then the four rows' last input_depth % 8
 * weights one row after the other; rows past the last full block follow unpacked. Per-tensor
 * quantization, symmetric weights, the input offset folded into `bias` (not NULL), and the
 * generator has checked that |bias| + input_depth * 128 * 128 < 2^30 and 1 <= right_shift <= 21,
 * so the fast requantization (td_dsp.h) holds: rounding = 2^(right_shift - 1) + output_offset *
 * 2^right_shift. multiplier/shift/output_offset are TFLite's (the portable kernel's exact form).
 */
typedef struct {
    int32_t multiplier;
    int32_t shift;
    int32_t output_offset;
    int32_t right_shift;
    int32_t rounding;
    td_activation activation;
} td_fc_packed_params;

td_status td_fully_connected_s8_packed(const td_fc_packed_params *params,
                                       int32_t batches,
                                       int32_t input_depth,
                                       int32_t output_depth,
                                       const int8_t *input,
                                       const int8_t *packed_filter,
                                       const int32_t *bias,
                                       int8_t *output);
/**
 * td_fully_connected_s8_packed for 1 to 3 output rows (the layout is then row-major), without the
 * block path's set-up: the generator calls it for such layers.
 */
td_status td_fully_connected_s8_packed_rows(const td_fc_packed_params *params,
                                            int32_t batches,
                                            int32_t input_depth,
                                            int32_t output_depth,
                                            const int8_t *input,
                                            const int8_t *packed_filter,
                                            const int32_t *bias,
                                            int8_t *output);

/**
 * FULLY_CONNECTED, int8, two weight rows per halfword (the same bits as td_fully_connected_s8):
 * for rows A and B each halfword holds w_A + 256 * w_B as int16 (the bytes w_A and w_B - (w_A < 0)),
 * so that on the DSP one SMLAD of the raw word and one of its SXTB16 give both rows' sums (B's
 * taken out every 512 inputs, exact while |B.x| < 2^23 there). A -128 fits as an A weight, and as a
 * B weight beside a non-negative A weight; the generator refuses other -128s for this layout.
 * Rows go in blocks of four (pairs 0/1 and 2/3): per block, for each eight inputs k..k+7, the
 * first pair's then the second's four words of the halfwords of inputs (k, k+2), (k+1, k+3),
 * (k+4, k+6), (k+5, k+7); then the four rows' last input_depth % 8 weights (true values) one row
 * after the other. The one to three rows after the last block go as pairs in the same form (16
 * bytes per eight inputs, then A's and B's last weights), a missing B row as zeros:
 * round2(output_depth) * input_depth bytes, 4-byte aligned. params, bias (the input offset
 * folded in, output_depth entries, not NULL) and the generator's checks as for
 * td_fully_connected_s8_packed.
 */
td_status td_fully_connected_s8_paired(const td_fc_packed_params *params,
                                       int32_t batches,
                                       int32_t input_depth,
                                       int32_t output_depth,
                                       const int8_t *input,
                                       const int8_t *paired_filter,
                                       const int32_t *bias,
                                       int8_t *output);

/**
 * td_fully_connected_s8_paired's short path as an entry point of its own, for the generator to call
 * where it has settled the path's conditions: input_depth a multiple of eight from 8 to 512 (one
 * chunk), batches >= 1, input and paired_filter 4-byte aligned, params->activation the whole int8
 * range (-128, 127). The run-time checks and the general path then stay out of the model (on the
 * DSP, every row and the parameters in one call). Outside these conditions the result is undefined.
 */
td_status td_fully_connected_s8_paired_short(const td_fc_packed_params *params,
                                             int32_t batches,
                                             int32_t input_depth,
                                             int32_t output_depth,
                                             const int8_t *input,
                                             const int8_t *paired_filter,
                                             const int32_t *bias,
                                             int8_t *output);

/**
 * FULLY_CONNECTED as td_fully_connected_s8, the weights [output_depth][input_depth] packed int4
 * (see td_conv2d_s8_int4); params->filter_offset must be 0 (TD_ERROR_ARGUMENT otherwise).
 */
td_status td_fully_connected_s8_int4(const td_context *ctx,
                                     const td_fc_params *params,
                                     const td_per_channel_quant *quant,
                                     int32_t per_channel,
                                     int32_t batches,
                                     int32_t input_depth,
                                     int32_t output_depth,
                                     const int8_t *input,
                                     const int8_t *packed_filter,
                                     const int32_t *bias,
                                     int8_t *output);
/** Bytes of scratch td_fully_connected_s8_int4 needs: 0 portable; DSP, 2 * (input_depth rounded up to a multiple of 8). */
int32_t td_fully_connected_s8_int4_get_buffer_size(int32_t input_depth);

/** FULLY_CONNECTED, float32 (reference_ops::FullyConnected). bias may be NULL. */
td_status td_fully_connected_f32(const td_context *ctx,
                                 const td_activation_f32 *activation,
                                 int32_t batches,
                                 int32_t input_depth,
                                 int32_t output_depth,
                                 const float *input,
                                 const float *filter,
                                 const float *bias,
                                 float *output);
/** Bytes of scratch td_fully_connected_f32 needs: 0. */
int32_t td_fully_connected_f32_get_buffer_size(int32_t input_depth, int32_t output_depth);
/**
 * FULLY_CONNECTED, float32, bit-identical with td_fully_connected_f32, over weights packed by the
 * generator as td_conv2d_f32_packed's filter with one tap per input: per block of eight rows
 * [input_depth][8], then a block of four [input_depth][4] when four or more rows remain, the
 * output_depth % 4 rows after that as they are. Same size as the weights. bias may be NULL.
 */
td_status td_fully_connected_f32_packed(const td_activation_f32 *activation,
                                        int32_t batches,
                                        int32_t input_depth,
                                        int32_t output_depth,
                                        const float *input,
                                        const float *packed_filter,
                                        const float *bias,
                                        float *output);

/* ------------------------------------------------------------------------------------------
 * Pooling (src/pooling). Windows are clipped at the borders; the average divides by the
 * number of input pixels inside the window (TFLite's behaviour), rounding half away from 0.
 * ---------------------------------------------------------------------------------------- */

typedef struct {
    td_tile stride;
    td_tile padding;
    td_tile filter;
    td_activation activation;
} td_pool_params;

typedef struct {
    td_tile stride;
    td_tile padding;
    td_tile filter;
    td_activation_f32 activation;
} td_pool_params_f32;

/** AVERAGE_POOL_2D, int8 (input and output share scale and zero point, as TFLite requires). */
td_status td_avgpool_s8(const td_pool_params *params,
                        const td_dims *input_dims,
                        const int8_t *input,
                        const td_dims *output_dims,
                        int8_t *output);
/**
 * AVERAGE_POOL_2D, int8, as td_avgpool_s8 (the same bits), for inputs of one to three channels: the DSP builds' entry
 * for them (one channel at a time, the window's bounds once a pixel), so that other models do not link that loop.
 */
td_status td_avgpool_s8_narrow(const td_pool_params *params,
                               const td_dims *input_dims,
                               const int8_t *input,
                               const td_dims *output_dims,
                               int8_t *output);
/** MAX_POOL_2D, int8. */
td_status td_maxpool_s8(const td_pool_params *params,
                        const td_dims *input_dims,
                        const int8_t *input,
                        const td_dims *output_dims,
                        int8_t *output);
/** AVERAGE_POOL_2D, float32. */
td_status td_avgpool_f32(const td_pool_params_f32 *params,
                         const td_dims *input_dims,
                         const float *input,
                         const td_dims *output_dims,
                         float *output);
/** MAX_POOL_2D, float32. */
td_status td_maxpool_f32(const td_pool_params_f32 *params,
                         const td_dims *input_dims,
                         const float *input,
                         const td_dims *output_dims,
                         float *output);
/** L2_POOL_2D, float32 (reference_ops::L2Pool): sqrtf of the mean of the float32 squares over the clipped window, then the clamp. */
td_status td_l2pool_f32(const td_pool_params_f32 *params,
                        const td_dims *input_dims,
                        const float *input,
                        const td_dims *output_dims,
                        float *output);
/**
 * L2_NORMALIZATION over the last axis of [outer][depth]. int8 (reference_integer_ops::L2Normalization):
 * x - zero point times the inverse square root of the row's int32 sum of squares (TFLite's
 * GetInvSqrtQuantizedMultiplierExp), output scale 1/128 and zero point 0. float32: x / max(sqrtf(sum
 * of squares), 1e-6).
 */
td_status td_l2_normalization_s8(int32_t input_zero_point, int32_t outer, int32_t depth, const int8_t *input, int8_t *output);
td_status td_l2_normalization_f32(int32_t outer, int32_t depth, const float *input, float *output);

/* ------------------------------------------------------------------------------------------
 * Element-wise binary ops (src/elementwise). Shapes: each input dimension equals the output's
 * or is 1 (broadcast, up to 4-D); equal shapes take a flat fast path. Output may alias an
 * input of the output's shape (in-place add into a dead input).
 * ---------------------------------------------------------------------------------------- */

/**
 * ADD / SUB int8, TFLite's general quantized add: both inputs are shifted left by
 * left_shift (20 for int8) and rescaled to a common scale, summed (or subtracted), then
 * rescaled to the output: out = requant(requant(x1 << ls, in1) ± requant(x2 << ls, in2), out).
 */
typedef struct {
    int32_t input1_offset; /* -zero point of input 1 */
    int32_t input2_offset; /* -zero point of input 2 */
    int32_t output_offset; /* output zero point */
    int32_t left_shift;
    td_requant input1;
    td_requant input2;
    td_requant output;
    td_activation activation;
} td_add_params_s8;

td_status td_add_s8(const td_add_params_s8 *params,
                    const td_dims *input1_dims,
                    const int8_t *input1,
                    const td_dims *input2_dims,
                    const int8_t *input2,
                    const td_dims *output_dims,
                    int8_t *output);
td_status td_sub_s8(const td_add_params_s8 *params,
                    const td_dims *input1_dims,
                    const int8_t *input1,
                    const td_dims *input2_dims,
                    const int8_t *input2,
                    const td_dims *output_dims,
                    int8_t *output);

/** MUL int8: out = requant((x1 + off1) * (x2 + off2), output) + output_offset. */
typedef struct {
    int32_t input1_offset;
    int32_t input2_offset;
    int32_t output_offset;
    td_requant output;
    td_activation activation;
} td_mul_params_s8;

td_status td_mul_s8(const td_mul_params_s8 *params,
                    const td_dims *input1_dims,
                    const int8_t *input1,
                    const td_dims *input2_dims,
                    const int8_t *input2,
                    const td_dims *output_dims,
                    int8_t *output);

/** ADD / SUB / MUL float32 with the fused activation range. */
td_status td_add_f32(const td_activation_f32 *activation,
                     const td_dims *input1_dims,
                     const float *input1,
                     const td_dims *input2_dims,
                     const float *input2,
                     const td_dims *output_dims,
                     float *output);
td_status td_sub_f32(const td_activation_f32 *activation,
                     const td_dims *input1_dims,
                     const float *input1,
                     const td_dims *input2_dims,
                     const float *input2,
                     const td_dims *output_dims,
                     float *output);
td_status td_mul_f32(const td_activation_f32 *activation,
                     const td_dims *input1_dims,
                     const float *input1,
                     const td_dims *input2_dims,
                     const float *input2,
                     const td_dims *output_dims,
                     float *output);

/** Unary float32 ops of td_unary_f32. */
typedef enum {
    TD_UNARY_ABS = 0,
    TD_UNARY_NEG = 1,
    TD_UNARY_SQRT = 2,
    TD_UNARY_RSQRT = 3,
    TD_UNARY_LOG = 4,
    TD_UNARY_EXP = 5,
    TD_UNARY_HARD_SWISH = 6,
    TD_UNARY_FLOOR = 7,
    TD_UNARY_CEIL = 8,
    TD_UNARY_ROUND = 9,
    TD_UNARY_SQUARE = 10,
    TD_UNARY_SIN = 11,
    TD_UNARY_COS = 12
} td_unary_op;

/**
 * ABS, NEG, SQRT, RSQRT, LOG, EXP, HARD_SWISH, FLOOR, CEIL, ROUND (halves to even), SQUARE, SIN,
 * COS in float32 (logf, expf, sinf, cosf from the C library). Accepts output == input.
 */
td_status td_unary_f32(td_unary_op op, int32_t size, const float *input, float *output);

/** ADD, SUB, MUL of td_arith_s32. */
typedef enum {
    TD_ARITH_ADD = 0,
    TD_ARITH_SUB = 1,
    TD_ARITH_MUL = 2,
    TD_ARITH_SQUARED_DIFFERENCE = 3
} td_arith_op;

/** DIV int32 with broadcasting: truncating division (INT32_MIN / -1 wraps), clamped to `activation`; a zero divisor gives TD_ERROR_ARGUMENT. */
td_status td_div_s32(const td_activation *activation, const td_dims *input1_dims, const int32_t *input1, const td_dims *input2_dims,
                     const int32_t *input2, const td_dims *output_dims, int32_t *output);

/** ADD, SUB, MUL, SQUARED_DIFFERENCE on int32 with broadcasting (up to 4-D), wrapping as two's complement; no activation. */
td_status td_arith_s32(td_arith_op op, const td_dims *input1_dims, const int32_t *input1, const td_dims *input2_dims,
                       const int32_t *input2, const td_dims *output_dims, int32_t *output);

/** Binary float32 ops of td_binary_f32. */
typedef enum {
    TD_BINARY_MINIMUM = 0,
    TD_BINARY_MAXIMUM = 1,
    TD_BINARY_DIV = 2,
    TD_BINARY_SQUARED_DIFFERENCE = 3,
    TD_BINARY_PRELU = 4
} td_binary_op;

/** MINIMUM, MAXIMUM, DIV, SQUARED_DIFFERENCE, PRELU (input2 = alpha) in float32 with broadcasting, then the activation clamp. */
td_status td_binary_f32(td_binary_op op,
                        const td_activation_f32 *activation,
                        const td_dims *input1_dims,
                        const float *input1,
                        const td_dims *input2_dims,
                        const float *input2,
                        const td_dims *output_dims,
                        float *output);

/** MINIMUM (maximum = 0) / MAXIMUM (maximum = 1) on the stored values, with broadcasting. */
td_status td_min_max_s8(int32_t maximum, const td_dims *input1_dims, const int8_t *input1, const td_dims *input2_dims,
                        const int8_t *input2, const td_dims *output_dims, int8_t *output);
td_status td_min_max_s16(int32_t maximum, const td_dims *input1_dims, const int16_t *input1, const td_dims *input2_dims,
                         const int16_t *input2, const td_dims *output_dims, int16_t *output);
td_status td_min_max_s32(int32_t maximum, const td_dims *input1_dims, const int32_t *input1, const td_dims *input2_dims,
                         const int32_t *input2, const td_dims *output_dims, int32_t *output);
td_status td_min_max_s64(int32_t maximum, const td_dims *input1_dims, const int64_t *input1, const td_dims *input2_dims,
                         const int64_t *input2, const td_dims *output_dims, int64_t *output);

/* ------------------------------------------------------------------------------------------
 * Comparisons, logical ops and selection (src/logic). Bool tensors are one byte, 0 or 1.
 * A comparison's outcome for a, b is 0 (a < b), 1 (equal), 2 (a > b) or 3 (unordered, a NaN);
 * the output byte is bit `outcome` of the op's mask.
 * ---------------------------------------------------------------------------------------- */
#define TD_COMPARE_EQUAL 0x2
#define TD_COMPARE_NOT_EQUAL 0xD
#define TD_COMPARE_LESS 0x1
#define TD_COMPARE_LESS_EQUAL 0x3
#define TD_COMPARE_GREATER 0x4
#define TD_COMPARE_GREATER_EQUAL 0x6

/** One quantized comparison operand: (x + offset) << left_shift, times the input's scale (multiplier below one). */
typedef struct {
    int32_t offset; /* -zero point */
    td_requant multiplier;
} td_compare_operand;

/** TFLite's ComparisonParams for int8 / int16 (left_shift 8). */
typedef struct {
    int32_t left_shift;
    td_compare_operand input1;
    td_compare_operand input2;
} td_compare_params;

/** EQUAL ... GREATER_EQUAL (mask TD_COMPARE_*) with broadcasting; int8 / int16 compare the rescaled values. */
td_status td_compare_s8(int32_t mask, const td_compare_params *params, const td_dims *input1_dims, const int8_t *input1,
                        const td_dims *input2_dims, const int8_t *input2, const td_dims *output_dims, uint8_t *output);
td_status td_compare_s16(int32_t mask, const td_compare_params *params, const td_dims *input1_dims, const int16_t *input1,
                         const td_dims *input2_dims, const int16_t *input2, const td_dims *output_dims, uint8_t *output);
td_status td_compare_s32(int32_t mask, const td_dims *input1_dims, const int32_t *input1, const td_dims *input2_dims,
                         const int32_t *input2, const td_dims *output_dims, uint8_t *output);
td_status td_compare_s64(int32_t mask, const td_dims *input1_dims, const int64_t *input1, const td_dims *input2_dims,
                         const int64_t *input2, const td_dims *output_dims, uint8_t *output);
td_status td_compare_f32(int32_t mask, const td_dims *input1_dims, const float *input1, const td_dims *input2_dims,
                         const float *input2, const td_dims *output_dims, uint8_t *output);
/** EQUAL / NOT_EQUAL on bool bytes. */
td_status td_compare_b8(int32_t mask, const td_dims *input1_dims, const uint8_t *input1, const td_dims *input2_dims,
                        const uint8_t *input2, const td_dims *output_dims, uint8_t *output);

#define TD_LOGICAL_AND 0x8
#define TD_LOGICAL_OR 0xE
/** LOGICAL_AND / LOGICAL_OR (mask TD_LOGICAL_*: bit 2a + b) with broadcasting; a non-zero byte is true. */
td_status td_logical(int32_t mask, const td_dims *input1_dims, const uint8_t *input1, const td_dims *input2_dims,
                     const uint8_t *input2, const td_dims *output_dims, uint8_t *output);
/** LOGICAL_NOT: 1 where the byte is 0, else 0. */
td_status td_logical_not(int32_t count, const uint8_t *input, uint8_t *output);

/** SELECT / SELECT_V2: output = condition ? x : y; each operand steps by its own element steps (0: broadcast). */
#define TD_SELECT_MAX_RANK 6
typedef struct {
    int32_t element_bytes;
    int32_t rank;
    int32_t shape[TD_SELECT_MAX_RANK];
    int32_t condition_step[TD_SELECT_MAX_RANK];
    int32_t x_step[TD_SELECT_MAX_RANK];
    int32_t y_step[TD_SELECT_MAX_RANK];
} td_select_params;

td_status td_select(const td_select_params *params, const uint8_t *condition, const void *x, const void *y, void *output);

/** ARG_MAX (maximum = 1) / ARG_MIN (maximum = 0) over [outer][axis_size][inner]: the first index of the extreme, int32 or int64 (output_int64). */
td_status td_arg_min_max_s8(int32_t maximum, int32_t outer, int32_t axis_size, int32_t inner, const int8_t *input, int32_t output_int64, void *output);
td_status td_arg_min_max_s16(int32_t maximum, int32_t outer, int32_t axis_size, int32_t inner, const int16_t *input, int32_t output_int64, void *output);
td_status td_arg_min_max_s32(int32_t maximum, int32_t outer, int32_t axis_size, int32_t inner, const int32_t *input, int32_t output_int64, void *output);
td_status td_arg_min_max_f32(int32_t maximum, int32_t outer, int32_t axis_size, int32_t inner, const float *input, int32_t output_int64, void *output);

/** FLOOR_DIV (modulo = 0) / FLOOR_MOD (modulo = 1) with broadcasting; a zero divisor returns TD_ERROR_ARGUMENT. */
td_status td_floor_div_mod_s32(int32_t modulo, const td_dims *input1_dims, const int32_t *input1, const td_dims *input2_dims,
                               const int32_t *input2, const td_dims *output_dims, int32_t *output);
td_status td_floor_div_mod_f32(int32_t modulo, const td_dims *input1_dims, const float *input1, const td_dims *input2_dims,
                               const float *input2, const td_dims *output_dims, float *output);

/** ADD_N: the sum of n inputs of count elements, in input order (float32 rounds at each step, int32 wraps). */
td_status td_add_n_f32(int32_t n, int32_t count, const float *const *inputs, float *output);
td_status td_add_n_s32(int32_t n, int32_t count, const int32_t *const *inputs, int32_t *output);
/** ADD_N int8 (TFLite Micro's reference AddN): ADD's parameters, input 1's for every input (input2_offset, input2 unused). */
td_status td_add_n_s8(const td_add_params_s8 *params, int32_t n, int32_t count, const int8_t *const *inputs, int8_t *output);

/** BROADCAST_ARGS: the broadcast of two int32 shapes (aligned on the last dimension); TD_ERROR_ARGUMENT when they do not broadcast. */
td_status td_broadcast_args_s32(int32_t length1, const int32_t *shape1, int32_t length2, const int32_t *shape2, int32_t length, int32_t *output);
/** BROADCAST_ARGS on int64 shapes. */
td_status td_broadcast_args_s64(int32_t length1, const int64_t *shape1, int32_t length2, const int64_t *shape2, int32_t length, int64_t *output);

/** SQUARED_DIFFERENCE int8: ADD's input rescaling (left_shift 7), the difference squared, rescaled to the output. */
typedef struct {
    int32_t input1_offset; /* -zero point of input 1 */
    int32_t input2_offset; /* -zero point of input 2 */
    int32_t output_offset; /* output zero point */
    int32_t left_shift;
    td_requant input1;
    td_requant input2;
    td_requant output;
} td_squared_difference_params_s8;

td_status td_squared_difference_s8(const td_squared_difference_params_s8 *params, const td_dims *input1_dims, const int8_t *input1,
                                   const td_dims *input2_dims, const int8_t *input2, const td_dims *output_dims, int8_t *output);
/** SQUARED_DIFFERENCE int16 (zero points 0, left_shift 0): the int8 parameters, clamped to int16. */
td_status td_squared_difference_s16(const td_squared_difference_params_s8 *params, const td_dims *input1_dims, const int16_t *input1,
                                   const td_dims *input2_dims, const int16_t *input2, const td_dims *output_dims, int16_t *output);

/** ABS int8 / int16: |x + input_offset|, times `output` when rescale != 0, plus output_offset, clamped. */
typedef struct {
    int32_t input_offset;  /* -input zero point */
    int32_t output_offset; /* output zero point */
    int32_t rescale;
    td_requant output; /* scale_in / scale_out */
} td_abs_params;

td_status td_abs_s8(const td_abs_params *params, int32_t size, const int8_t *input, int8_t *output);
td_status td_abs_s16(const td_abs_params *params, int32_t size, const int16_t *input, int16_t *output);

/** Quantized DIV (int8, uint8) with broadcasting: output = s_in1 / (s_in2 * s_out); a zero divisor returns TD_ERROR_ARGUMENT. */
typedef struct {
    int32_t input1_offset; /* -zero point of input 1 */
    int32_t input2_offset; /* -zero point of input 2 */
    int32_t output_offset; /* output zero point */
    td_requant output;
    td_activation activation;
} td_div_params;

td_status td_div_s8(const td_div_params *params, const td_dims *input1_dims, const int8_t *input1, const td_dims *input2_dims,
                    const int8_t *input2, const td_dims *output_dims, int8_t *output);
td_status td_div_u8(const td_div_params *params, const td_dims *input1_dims, const uint8_t *input1, const td_dims *input2_dims,
                    const uint8_t *input2, const td_dims *output_dims, uint8_t *output);

/** PRELU int8 (input 2 = alpha, broadcast): positive = s_in / s_out, negative = s_in * s_alpha / s_out. */
typedef struct {
    int32_t input_offset;  /* -input zero point */
    int32_t alpha_offset;  /* -alpha zero point */
    int32_t output_offset; /* output zero point */
    td_requant positive;
    td_requant negative;
} td_prelu_params_s8;

td_status td_prelu_s8(const td_prelu_params_s8 *params, const td_dims *input_dims, const int8_t *input, const td_dims *alpha_dims,
                      const int8_t *alpha, const td_dims *output_dims, int8_t *output);

/** HARD_SWISH int8 (TFLite's reference HardSwish): Q15 multipliers and their exponents, as DownScaleInt32ToInt16Multiplier gives them. */
typedef struct {
    int32_t input_zero_point;
    int32_t output_zero_point;
    int32_t output_multiplier; /* Q15 */
    int32_t output_exponent;   /* <= 0 */
    int32_t reluish_multiplier; /* Q15 */
    int32_t reluish_exponent;
} td_hard_swish_params;

td_status td_hard_swish_s8(const td_hard_swish_params *params, int32_t size, const int8_t *input, int8_t *output);

/** Element types of td_cast. */
typedef enum {
    TD_CAST_FLOAT32 = 0,
    TD_CAST_INT8 = 1,
    TD_CAST_UINT8 = 2,
    TD_CAST_INT16 = 3,
    TD_CAST_INT32 = 4,
    TD_CAST_UINT32 = 5,
    TD_CAST_BOOL = 6
} td_cast_type;

/**
 * CAST (static_cast): integers wrap, float32 -> integer truncates toward zero and saturates
 * (NaN -> 0), bool is value != 0.
 */
td_status td_cast(td_cast_type from, td_cast_type to, int32_t size, const void *input, void *output);

/* ------------------------------------------------------------------------------------------
 * Activations (src/activation). Element-wise ones accept output == input (in place).
 * ---------------------------------------------------------------------------------------- */

/**
 * SOFTMAX int8 -> int8 (output scale 1/256, zero point -128), TFLite's fixed-point softmax
 * with gemmlowp's exp_on_negative_values and one_over_one_plus_x_for_x_in_0_1. The generator
 * precomputes, as TFLite's PreprocessSoftmaxScaling / CalculateInputRadius do with
 * kScaledDiffIntegerBits = 5: input_beta_multiplier, input_beta_left_shift and diff_min, and
 * exp_table: the 256 exponentials exp_on_negative_values(rescaled -k) for k = max - x in
 * [0, 255] (0 where -k < diff_min), which the kernel looks up; NULL: it evaluates them.
 * Rows are the last dimension (depth); rows = element count / depth.
 */
typedef struct {
    int32_t input_beta_multiplier;
    int32_t input_beta_left_shift;
    int32_t diff_min;
    const int32_t *exp_table;
} td_softmax_params_s8;

td_status td_softmax_s8(const td_softmax_params_s8 *params,
                        int32_t rows,
                        int32_t depth,
                        const int8_t *input,
                        int8_t *output);
/**
 * td_softmax_s8 from params->exp_table alone (TD_ERROR_ARGUMENT without one): what the generator
 * calls, so a model does not link the evaluated exponentials.
 */
td_status td_softmax_s8_table(const td_softmax_params_s8 *params,
                              int32_t rows,
                              int32_t depth,
                              const int8_t *input,
                              int8_t *output);

/**
 * SOFTMAX int8 -> int16 (output scale 1/65536, zero point -32768): TFLite's reference
 * Softmax<int8_t, int16_t>, the arithmetic of td_softmax_s8 with the reciprocal's exponent for
 * 16 output bits. The parameters of td_softmax_s8 (its exp_table, or NULL to evaluate).
 */
td_status td_softmax_s8_s16(const td_softmax_params_s8 *params,
                            int32_t rows,
                            int32_t depth,
                            const int8_t *input,
                            int16_t *output);

/**
 * SOFTMAX int16 -> int16 (input zero point 0, output scale 1/32768 and zero point 0), TFLite
 * Micro's SoftmaxInt16: x - max rescaled so that [-10, 0] spans [-65535, 0], exp and 1/(1 + x)
 * from two 513-entry interpolated tables the generator builds as TFLite's LUTPopulate does.
 */
typedef struct {
    td_requant input;                     /* input scale * beta / (10 / 65535) */
    const int16_t *exp_lut;               /* [513]: exp over [-10, 0], Q0.15 */
    const int16_t *one_over_one_plus_x_lut; /* [513]: 1 / (1 + x) over [0, 1], Q0.15 */
} td_softmax_params_s16;

td_status td_softmax_s16(const td_softmax_params_s16 *params,
                         int32_t rows,
                         int32_t depth,
                         const int16_t *input,
                         int16_t *output);

/** SOFTMAX float32: exp((x - max) * beta) / sum, in float32 with expf. */
td_status td_softmax_f32(float beta, int32_t rows, int32_t depth, const float *input, float *output);

/**
 * LOGISTIC / TANH int8 via gemmlowp's fixed-point logistic/tanh on a Q4.27 input
 * (TFLite's reference_integer_ops::Logistic / Tanh). The generator computes, with
 * kInputIntegerBits = 4: input_multiplier, input_left_shift from frexp(scale * 2^27) and
 * input_range_radius = CalculateInputRadius(4, input_left_shift, 31).
 * Logistic's output has scale 1/256 and zero point -128; tanh's scale 1/128, zero point 0.
 */
typedef struct {
    int32_t input_offset; /* -input zero point */
    int32_t input_range_radius;
    int32_t input_multiplier;
    int32_t input_left_shift;
} td_logistic_params_s8;
typedef td_logistic_params_s8 td_tanh_params_s8;

td_status td_logistic_s8(const td_logistic_params_s8 *params, int32_t size, const int8_t *input, int8_t *output);
td_status td_tanh_s8(const td_tanh_params_s8 *params, int32_t size, const int8_t *input, int8_t *output);

/** LOGISTIC float32 (reference_ops::Logistic: 1 above 16.619..., exp(x) below -9). */
td_status td_logistic_f32(int32_t size, const float *input, float *output);
/** TANH float32 (tanhf). */
td_status td_tanh_f32(int32_t size, const float *input, float *output);

/**
 * RELU int8 (TFLite Micro's ReluQuantized): out = clamp(output_offset +
 * requant(x + input_offset, output)), the clamp range being max(qmin, zero point) .. qmax.
 */
typedef struct {
    int32_t input_offset;  /* -input zero point */
    int32_t output_offset; /* output zero point */
    td_requant output;
    td_activation activation;
} td_relu_params_s8;

td_status td_relu_s8(const td_relu_params_s8 *params, int32_t size, const int8_t *input, int8_t *output);

/** RELU6 int8 (TFLite Micro's Relu6Quantized): a clamp to [zero point, quantized 6]; no rescale. */
td_status td_relu6_s8(const td_activation *range, int32_t size, const int8_t *input, int8_t *output);
/** RELU / RELU6 int16 (zero points 0): td_relu_s8's and td_relu6_s8's arithmetic on int16 values. */
td_status td_relu_s16(const td_relu_params_s8 *params, int32_t size, const int16_t *input, int16_t *output);
td_status td_relu6_s16(const td_activation *range, int32_t size, const int16_t *input, int16_t *output);

/** RELU / RELU6 / RELU_N1_TO_1 float32: a clamp to the given range. */
td_status td_relu_f32(const td_activation_f32 *range, int32_t size, const float *input, float *output);

/**
 * LEAKY_RELU int8 / int16 (TFLite's QuantizeLeakyRelu): x + input_offset rescaled with
 * `identity` (scale_in / scale_out) when >= 0, with `alpha` (scale_in * alpha / scale_out)
 * below, plus output_offset, clamped to the type. Accepts output == input.
 */
typedef struct {
    int32_t input_offset;  /* -input zero point */
    int32_t output_offset; /* output zero point */
    td_requant identity;
    td_requant alpha;
} td_leaky_relu_params;

td_status td_leaky_relu_s8(const td_leaky_relu_params *params, int32_t size, const int8_t *input, int8_t *output);
td_status td_leaky_relu_s16(const td_leaky_relu_params *params, int32_t size, const int16_t *input, int16_t *output);
/** LEAKY_RELU float32: x > 0 ? x : x * alpha. */
td_status td_leaky_relu_f32(float alpha, int32_t size, const float *input, float *output);
/** ELU float32 (TFLite's reference_ops::Elu): x < 0 ? expm1f(x) : x. The int8 ELU is td_lookup_8 with the generator's table. */
td_status td_elu_f32(int32_t size, const float *input, float *output);
/** LOG_SOFTMAX float32 over the last axis of [outer][depth] (reference_ops::LogSoftmax): x - max - logf(sum of expf(x - max)). */
td_status td_log_softmax_f32(int32_t outer, int32_t depth, const float *input, float *output);
/**
 * LOG_SOFTMAX int8 over the last axis (reference_integer_ops::LogSoftmax; output scale 16/256, zero
 * point 127): softmax's input scaling into Q5.26 (beta 1), diff_min its input radius, `reverse`
 * QuantizeMultiplierSmallerThanOneExp(2^(31 - input_left_shift) / input_multiplier).
 */
typedef struct {
    int32_t input_multiplier;
    int32_t input_left_shift;
    int32_t diff_min;
    td_requant reverse;
} td_log_softmax_params_s8;

td_status td_log_softmax_s8(const td_log_softmax_params_s8 *params, int32_t outer, int32_t depth, const int8_t *input, int8_t *output);

/* ------------------------------------------------------------------------------------------
 * Quantization (src/quantize)
 * ---------------------------------------------------------------------------------------- */

/** Affine quantization parameters of one tensor (real = scale * (q - zero_point)). */
typedef struct {
    float scale;
    int32_t zero_point;
} td_affine_quant;

/**
 * QUANTIZE float32 -> int8 (TFLite's AffineQuantize): clamp(round_half_away(x / scale) +
 * zero_point), the division in float32; beyond the int32 range the rounded value saturates and
 * NaN gives 0 (Arm's float-to-int conversion).
 */
td_status td_quantize_f32_s8(const td_affine_quant *params, int32_t size, const float *input, int8_t *output);

/** DEQUANTIZE int8 -> float32: scale * (q - zero_point). */
td_status td_dequantize_s8_f32(const td_affine_quant *params, int32_t size, const int8_t *input, float *output);

/** QUANTIZE int8 -> int8 (TFLite's Requantize): clamp(requant(x + input_offset, output) + output_offset). */
typedef struct {
    int32_t input_offset;  /* -input zero point */
    int32_t output_offset; /* output zero point */
    td_requant output;
} td_requantize_params;

td_status td_requantize_s8(const td_requantize_params *params, int32_t size, const int8_t *input, int8_t *output);
/* The same Requantize between the other quantized types (s8 int8, u8 uint8, s16 int16, s32 int32). */
td_status td_requantize_u8_s8(const td_requantize_params *params, int32_t size, const uint8_t *input, int8_t *output);
/*
 * 8-bit -> 8-bit Requantize chosen at generation time: `table` holds the output byte of each of the
 * 256 input bytes (computed with the same arithmetic), or, when that table is the sign flip of
 * uint8 <-> int8 with equal scales, td_flip_sign_8 XORs every byte with 0x80. Either may run in place.
 */
td_status td_lookup_8(const uint8_t *table, int32_t size, const void *input, void *output);
td_status td_flip_sign_8(int32_t size, const void *input, void *output);
td_status td_requantize_s8_u8(const td_requantize_params *params, int32_t size, const int8_t *input, uint8_t *output);
td_status td_requantize_u8_u8(const td_requantize_params *params, int32_t size, const uint8_t *input, uint8_t *output);
td_status td_requantize_s8_s16(const td_requantize_params *params, int32_t size, const int8_t *input, int16_t *output);
td_status td_requantize_s16_s8(const td_requantize_params *params, int32_t size, const int16_t *input, int8_t *output);
td_status td_requantize_s16_s16(const td_requantize_params *params, int32_t size, const int16_t *input, int16_t *output);
td_status td_requantize_s8_s32(const td_requantize_params *params, int32_t size, const int8_t *input, int32_t *output);
td_status td_requantize_s16_s32(const td_requantize_params *params, int32_t size, const int16_t *input, int32_t *output);
/* AffineQuantize to uint8 and int16, Dequantize from uint8 and int16 (as the int8 ones above). */
td_status td_quantize_f32_u8(const td_affine_quant *params, int32_t size, const float *input, uint8_t *output);
td_status td_quantize_f32_s16(const td_affine_quant *params, int32_t size, const float *input, int16_t *output);
td_status td_dequantize_u8_f32(const td_affine_quant *params, int32_t size, const uint8_t *input, float *output);
td_status td_dequantize_s16_f32(const td_affine_quant *params, int32_t size, const int16_t *input, float *output);

/* ------------------------------------------------------------------------------------------
 * Data movement (src/reshape). Byte-exact for every dtype with the same quantization.
 * ---------------------------------------------------------------------------------------- */

/** RESHAPE: a copy of `bytes` bytes (memmove: output may overlap input; same pointer is a no-op). */
td_status td_reshape(int32_t bytes, const void *input, void *output);

/**
 * CONCATENATION along one axis: the shape seen as [outer][axis][inner]; copy_sizes[i] is
 * input i's axis size times inner (in elements). Inputs share the output's quantization
 * (TFLite Micro requires it for int8).
 */
typedef struct {
    int32_t num_inputs;
    int32_t outer_size;
    const int32_t *copy_sizes;
} td_concat_params;

td_status td_concatenation_s8(const td_concat_params *params, const int8_t *const *inputs, int8_t *output);
td_status td_concatenation_f32(const td_concat_params *params, const float *const *inputs, float *output);

/** PAD (and PADV2) on a 4-D tensor: before/after counts per dimension, output = padded shape. */
typedef struct {
    td_dims before;
    td_dims after;
    int8_t pad_value; /* the output zero point for PAD */
} td_pad_params_s8;

typedef struct {
    td_dims before;
    td_dims after;
    float pad_value;
} td_pad_params_f32;

td_status td_pad_s8(const td_pad_params_s8 *params, const td_dims *input_dims, const int8_t *input, int8_t *output);
td_status td_pad_f32(const td_pad_params_f32 *params, const td_dims *input_dims, const float *input, float *output);

/** PAD / PADV2 int16 and int32 (4-D, as td_pad_s8): the pad value is the constant value input, or 0. */
typedef struct {
    td_dims before;
    td_dims after;
    int16_t pad_value;
} td_pad_params_s16;

typedef struct {
    td_dims before;
    td_dims after;
    int32_t pad_value;
} td_pad_params_s32;

td_status td_pad_s16(const td_pad_params_s16 *params, const td_dims *input_dims, const int16_t *input, int16_t *output);
td_status td_pad_s32(const td_pad_params_s32 *params, const td_dims *input_dims, const int32_t *input, int32_t *output);

/** TRANSPOSE of 1 to 6 dimensions: output dimension d is input dimension perm[d]; any element size. */
#define TD_TRANSPOSE_MAX_RANK 6
typedef struct {
    int32_t element_bytes;
    int32_t rank;
    int32_t input_shape[TD_TRANSPOSE_MAX_RANK];
    int32_t perm[TD_TRANSPOSE_MAX_RANK];
} td_transpose_params;

td_status td_transpose(const td_transpose_params *params, const void *input, void *output);

/**
 * A strided copy (STRIDED_SLICE, SLICE, PACK, UNPACK, SPLIT, SPLIT_V): for every index
 * (i0, ..., i{rank-1}) below `count`, element input_base + sum(ij * input_step[j]) goes to
 * output_base + sum(ij * output_step[j]); offsets and steps in elements of element_bytes each.
 */
#define TD_STRIDED_COPY_MAX_RANK 6
typedef struct {
    int32_t element_bytes;
    int32_t rank;
    int32_t count[TD_STRIDED_COPY_MAX_RANK];
    int32_t input_step[TD_STRIDED_COPY_MAX_RANK];
    int32_t output_step[TD_STRIDED_COPY_MAX_RANK];
    int32_t input_base;
    int32_t output_base;
} td_strided_copy_params;

td_status td_strided_copy(const td_strided_copy_params *params, const void *input, void *output);

/** GATHER: [batch][outer][axis_size][inner] -> [batch][outer][coords][inner]; an index outside the axis returns TD_ERROR_ARGUMENT. */
typedef struct {
    int32_t element_bytes;
    int32_t batch;
    int32_t outer;
    int32_t axis_size;
    int32_t coords;
    int32_t inner;
} td_gather_params;

td_status td_gather(const td_gather_params *params, const void *input, const int32_t *indices, void *output);

/** GATHER_ND: `count` tuples of `depth` int32 indices into [dims[0]]...[dims[depth-1]][inner]; an index outside its dimension returns TD_ERROR_ARGUMENT. */
#define TD_GATHER_ND_MAX_DEPTH 6
typedef struct {
    int32_t element_bytes;
    int32_t depth;
    int32_t count;
    int32_t inner;
    int32_t dims[TD_GATHER_ND_MAX_DEPTH];
} td_gather_nd_params;

td_status td_gather_nd(const td_gather_nd_params *params, const void *input, const int32_t *indices, void *output);

/** EMBEDDING_LOOKUP, int8 table to float32 (hybrid): rows table[ids[t]] times scale (zero point 0); td_gather copies rows otherwise. */
td_status td_embedding_lookup_s8_f32(int32_t rows, int32_t row_size, int32_t count, float scale, const int32_t *ids, const int8_t *table, float *output);

/*
 * RESIZE_NEAREST_NEIGHBOR / RESIZE_BILINEAR on NHWC tensors (src/resize). The generator computes
 * each output row's and column's source indices (and, for bilinear, positions) as TFLite's
 * reference kernels do; nearest reads only row_lower and column_lower.
 */
typedef struct {
    int32_t element_bytes;
    int32_t batch;
    int32_t input_height;
    int32_t input_width;
    int32_t channels;
    int32_t output_height;
    int32_t output_width;
    const int32_t *row_lower;
    const int32_t *row_upper;
    const int32_t *column_lower;
    const int32_t *column_upper;
    const float *row_position;          /* float32 bilinear: source position */
    const float *column_position;
    const int32_t *row_position_q10;    /* integer bilinear: source position * 1024 */
    const int32_t *column_position_q10;
} td_resize_params;

td_status td_resize_nearest(const td_resize_params *params, const void *input, void *output);
td_status td_resize_bilinear_f32(const td_resize_params *params, const float *input, float *output);
td_status td_resize_bilinear_s8(const td_resize_params *params, const int8_t *input, int8_t *output);
td_status td_resize_bilinear_s16(const td_resize_params *params, const int16_t *input, int16_t *output);

/* ------------------------------------------------------------------------------------------
 * Reductions (src/reduce)
 * ---------------------------------------------------------------------------------------- */

/**
 * MEAN int8 over a contiguous run of axes, the tensor seen as [outer][reduce][inner] (MEAN over
 * H and W of NHWC: outer = N, reduce = H*W, inner = C). TFLite Micro's EvalIntegerMean:
 *  - rescale == 0 (input and output share scale and zero point): out = sum / count, C integer
 *    division (truncating toward zero);
 *  - rescale != 0 (QuantizedMeanOrSum): out = clamp(requant(sum + input_offset * count, output)
 *    + output_offset), where `output` is QuantizeMultiplier(in scale / out scale) with 1/count
 *    folded in (multiplier * 2^k / count, shift - k, k = min(floor(log2 count), 32, 31 + shift)).
 * Output is [outer][inner] (keep_dims changes nothing in memory).
 */
typedef struct {
    int32_t rescale;
    int32_t input_offset;  /* -input zero point */
    int32_t output_offset; /* output zero point */
    td_requant output;
    td_activation activation; /* the output type's range: [-128, 127] */
} td_mean_params_s8;

td_status td_mean_s8(const td_mean_params_s8 *params,
                     int32_t outer,
                     int32_t reduce,
                     int32_t inner,
                     const int8_t *input,
                     int8_t *output);
/** MEAN int16: td_mean_s8's arithmetic (int32 sums), the activation being int16's range. */
td_status td_mean_s16(const td_mean_params_s8 *params, int32_t outer, int32_t reduce, int32_t inner, const int16_t *input, int16_t *output);
/** REDUCE_MAX (maximum = 1) / REDUCE_MIN (0) over [outer][reduce][inner] on the stored values. */
td_status td_reduce_min_max_s8(int32_t maximum, int32_t outer, int32_t reduce, int32_t inner, const int8_t *input, int8_t *output);
td_status td_reduce_min_max_s16(int32_t maximum, int32_t outer, int32_t reduce, int32_t inner, const int16_t *input, int16_t *output);
td_status td_reduce_min_max_f32(int32_t maximum, int32_t outer, int32_t reduce, int32_t inner, const float *input, float *output);

/** MEAN float32 over [outer][reduce][inner]: float32 sum in input order, divided by the count. */
td_status td_mean_f32(int32_t outer, int32_t reduce, int32_t inner, const float *input, float *output);

/**
 * SUM over [outer][reduce][inner] -> [outer][inner]. int8 / int16 (TFLite Micro's QuantizedMeanOrSum
 * with compute_sum): out = (T)((int32)roundf((float)sum * scale + bias) + output_offset), the float32
 * steps separate, rounded half away from zero, no clamp (wraps past the type's range); scale is
 * in scale / out scale and bias -in zero point * scale * reduce, both float32. float32: the sum in
 * input order.
 */
typedef struct {
    float scale;
    float bias;
    int32_t output_offset; /* output zero point */
} td_sum_params;

td_status td_sum_s8(const td_sum_params *params, int32_t outer, int32_t reduce, int32_t inner, const int8_t *input, int8_t *output);
td_status td_sum_s16(const td_sum_params *params, int32_t outer, int32_t reduce, int32_t inner, const int16_t *input, int16_t *output);
td_status td_sum_f32(int32_t outer, int32_t reduce, int32_t inner, const float *input, float *output);

/**
 * CUMSUM over the middle axis of [outer][depth][inner] (exclusive, reverse: 0 or 1). float32:
 * reference_ops::CumSum. int8: TFLite Micro's 8-bit path — (x + input_offset) << left_shift scaled
 * by `input`, the accumulator starting from the scaled input_offset, the sum scaled by `output`,
 * plus output_offset, clamped (both scalings MultiplyByQuantizedMultiplierSmallerThanOneExp).
 */
typedef struct {
    int32_t input_offset;  /* -input zero point */
    int32_t output_offset; /* output zero point */
    int32_t left_shift;
    td_requant input;
    td_requant output;
    td_activation activation;
} td_cumsum_params_s8;

td_status td_cumsum_s8(const td_cumsum_params_s8 *params, int32_t outer, int32_t depth, int32_t inner, int32_t exclusive, int32_t reverse, const int8_t *input, int8_t *output);
td_status td_cumsum_f32(int32_t outer, int32_t depth, int32_t inner, int32_t exclusive, int32_t reverse, const float *input, float *output);

/* ------------------------------------------------------------------------------------------
 * LSTM (src/lstm): UNIDIRECTIONAL_SEQUENCE_LSTM without peephole, projection or layer norm,
 * TFLite Micro's kernel (lstm_eval.h, 2023): for each step
 *   f = sigmoid(FC(x, W_f) + FC(h, R_f));  i = sigmoid(FC(x, W_i) + FC(h, R_i))
 *   g = act(FC(x, W_g) + FC(h, R_g));       c = f*c + i*g (clipped)
 *   o = sigmoid(FC(x, W_o) + FC(h, R_o));   h = o * tanh(c);  output[t] = h
 * Gate order in the struct: forget, input, cell, output (TFLite's evaluation order).
 * Time-major: input [T][B][I], output [T][B][S]; batch-major: input [B][T][I], output [B][T][S].
 * hidden_state [B][S] and cell_state [B][S] are the variable tensors, updated in place.
 * ---------------------------------------------------------------------------------------- */

typedef enum { TD_LSTM_SIGMOID = 0, TD_LSTM_TANH = 1 } td_lstm_activation;

/** The sizes of an LSTM: batch B, time steps T, input size I, state size S (cell = hidden). */
typedef struct {
    int32_t time_major;
    int32_t batch_size;
    int32_t time_steps;
    int32_t input_size;
    int32_t state_size;
} td_lstm_dims;

/**
 * One integer gate: two FCs int8 x int8 -> int16 (output zero point 0, saturated to int16),
 * their saturating int16 sum, then the activation. The input FC adds the gate bias
 * (int32, may be NULL); the recurrent FC has no bias.
 */
typedef struct {
    const int8_t *input_weights;     /* [S][I] */
    const int8_t *recurrent_weights; /* [S][S] */
    const int32_t *bias;             /* [S] or NULL */
    int32_t input_offset;            /* -zero point of x */
    td_requant input_fc;             /* x-scale * W-scale / gate-scale (gate scale 2^-12) */
    int32_t recurrent_offset;        /* -zero point of h */
    td_requant recurrent_fc;         /* h-scale * R-scale / gate-scale */
} td_lstm_gate_s8;

typedef struct {
    td_lstm_dims dims;
    td_lstm_gate_s8 forget_gate;
    td_lstm_gate_s8 input_gate;
    td_lstm_gate_s8 cell_gate;
    td_lstm_gate_s8 output_gate;
    td_lstm_activation cell_gate_activation; /* the op's fused activation: tanh (usual) or sigmoid */
    /** f * c -> c: int16 x int16 -> int16, gate scale 2^-15 times cell scale / cell scale. */
    td_requant forget_cell_mul;
    /** i * g -> int16 cell: 2^-15 * 2^-15 / cell scale. */
    td_requant input_cell_mul;
    /** o * tanh(c) -> int8 hidden: 2^-15 * 2^-15 / hidden scale, plus hidden_offset. */
    td_requant output_hidden_mul;
    int32_t hidden_offset;          /* hidden state zero point (an output offset) */
    int32_t cell_clip_enabled;      /* the op's cell_clip > 0 */
    int32_t quantized_cell_clip;    /* cell_clip / cell scale, rounded, saturated to int16 */
    int32_t cell_state_scale_power; /* cell scale = 2^cell_state_scale_power (e.g. -11) */
} td_lstm_params_s8;

/** Integer LSTM: int8 x/h, int8 weights, int16 gates and cell, int32 bias. */
td_status td_lstm_s8(const td_context *ctx,
                     const td_lstm_params_s8 *params,
                     const int8_t *input,
                     int8_t *hidden_state,
                     int16_t *cell_state,
                     int8_t *output);
/** Bytes of scratch td_lstm_s8 needs: 4 * B * S * sizeof(int16_t) in every variant. */
int32_t td_lstm_s8_get_buffer_size(const td_lstm_dims *dims);

/**
 * One 16x8 gate (TFLite Micro's int16-activation LSTM): two FCs int16 x int8 -> int16 summed in
 * 64 bits and requantized with TFLite's 64-bit MultiplyByQuantizedMultiplier; x and h have zero
 * point 0. The input FC adds the int64 gate bias (may be NULL); the recurrent FC has no bias.
 */
typedef struct {
    const int8_t *input_weights;     /* [S][I] */
    const int8_t *recurrent_weights; /* [S][S] */
    const int64_t *bias;             /* [S] or NULL */
    td_requant input_fc;             /* x-scale * W-scale / 2^-12 */
    td_requant recurrent_fc;         /* h-scale * R-scale / 2^-12 */
} td_lstm_gate_s16;

typedef struct {
    td_lstm_dims dims;
    td_lstm_gate_s16 forget_gate;
    td_lstm_gate_s16 input_gate;
    td_lstm_gate_s16 cell_gate;
    td_lstm_gate_s16 output_gate;
    td_lstm_activation cell_gate_activation;
    td_requant forget_cell_mul;     /* as td_lstm_params_s8 */
    td_requant input_cell_mul;
    td_requant output_hidden_mul;   /* o * tanh(c) -> int16 hidden (zero point 0) */
    int32_t cell_clip_enabled;
    int32_t quantized_cell_clip;
    int32_t cell_state_scale_power;
} td_lstm_params_s16;

/** 16x8 LSTM: int16 x/h, int8 weights, int64 bias, int16 gates and cell. */
td_status td_lstm_s16(const td_context *ctx,
                      const td_lstm_params_s16 *params,
                      const int16_t *input,
                      int16_t *hidden_state,
                      int16_t *cell_state,
                      int16_t *output);
/** Bytes of scratch td_lstm_s16 needs: 4 * B * S int16 values and 2 * S int32 values. */
int32_t td_lstm_s16_get_buffer_size(const td_lstm_dims *dims);

/**
 * td_lstm_s8 over the generator's packed weights (same bits); the gates' weight and bias
 * pointers in `params` are not read. With Kx = round4(I) and Kh = round4(S):
 * packed_weights, int16, per unit u: for each group q of four inputs (k = 4q..4q+3, zero past I)
 * and each gate g (forget, input, cell, output) W_g[u][4q], W_g[u][4q+2], W_g[u][4q+1],
 * W_g[u][4q+3] (the lane order of SXTB16); then the same for R_g over Kh. 4 * (Kx + Kh) values.
 * packed_bias, int32, per unit u: bias_g[u] + x_offset_g * sum_k W_g[u][k] for the four gates,
 * then h_offset_g * sum_k R_g[u][k] for the four gates (the offsets folded in): 8 values.
 */
td_status td_lstm_s8_packed(const td_context *ctx,
                            const td_lstm_params_s8 *params,
                            const int16_t *packed_weights,
                            const int32_t *packed_bias,
                            const int8_t *input,
                            int8_t *hidden_state,
                            int16_t *cell_state,
                            int8_t *output);
/** Bytes of scratch td_lstm_s8_packed needs: (round4(I) + round4(S)) * sizeof(int16_t) in every variant. */
int32_t td_lstm_s8_packed_get_buffer_size(const td_lstm_dims *dims);

typedef struct {
    const float *input_weights;     /* [S][I] */
    const float *recurrent_weights; /* [S][S] */
    const float *bias;              /* [S] or NULL */
} td_lstm_gate_f32;

typedef struct {
    td_lstm_dims dims;
    td_lstm_gate_f32 forget_gate;
    td_lstm_gate_f32 input_gate;
    td_lstm_gate_f32 cell_gate;
    td_lstm_gate_f32 output_gate;
    td_lstm_activation cell_gate_activation;
    float cell_clip; /* 0: no clipping */
} td_lstm_params_f32;

/** Float LSTM (the same steps in float32, sigmoid as td_logistic_f32, tanh with tanhf). */
td_status td_lstm_f32(const td_context *ctx,
                      const td_lstm_params_f32 *params,
                      const float *input,
                      float *hidden_state,
                      float *cell_state,
                      float *output);
/** Bytes of scratch td_lstm_f32 needs: 4 * B * S * sizeof(float). */
int32_t td_lstm_f32_get_buffer_size(const td_lstm_dims *dims);

/* ------------------------------------------------------------------------------------------
 * GRU (src/gru): TD_GRU, TinyDeploy's fused GRU (a custom op in .tflite). Gate order r, z, n
 * (PyTorch's and ONNX's). For each step (last to first when reverse):
 *   r = sigmoid(FC(x, W_r) + FC(h, R_r));  z = sigmoid(FC(x, W_z) + FC(h, R_z))
 *   n = tanh(FC(x, W_n) + r * FC(h, R_n, rb_n))   linear_before_reset
 *   n = tanh(FC(x, W_n) + FC(r * h, R_n))          otherwise
 *   h = n + z * (h - n);  output[t] = h (every step) or output = h after the last step
 * The integer kernel keeps h as int16 Q0.15 and writes int8 outputs (see td_gru_s8.c).
 * Time-major: input [T][B][I]; batch-major: input [B][T][I]. hidden_state [B][S] is the
 * variable tensor, updated in place.
 * ---------------------------------------------------------------------------------------- */

typedef struct {
    int32_t time_major;
    int32_t batch_size;
    int32_t time_steps;
    int32_t input_size;
    int32_t state_size;
    int32_t linear_before_reset;
    int32_t reverse;
    int32_t return_sequences;
} td_gru_dims;

typedef struct {
    const int8_t *input_weights;     /* [S][I], symmetric */
    const int8_t *recurrent_weights; /* [S][S], symmetric */
    const int32_t *bias;             /* [S], scale x-scale * W-scale */
    td_requant input_fc;             /* x-scale * W-scale / 2^-12 */
    td_requant recurrent_fc;         /* 2^-15 * R-scale / 2^-12 */
} td_gru_gate_s8;

typedef struct {
    td_gru_dims dims;
    td_gru_gate_s8 reset_gate;
    td_gru_gate_s8 update_gate;
    td_gru_gate_s8 new_gate;
    const int32_t *recurrent_new_bias; /* [S] at 2^-15 * R_n-scale, or NULL */
    int32_t input_offset;              /* -zero point of x */
    td_requant output_mul;             /* 2^-15 / output scale */
    int32_t output_offset;             /* output zero point */
} td_gru_params_s8;

/** Integer GRU: int8 x and output, int8 weights, int16 gates, int16 Q0.15 hidden state. */
td_status td_gru_s8(const td_context *ctx,
                    const td_gru_params_s8 *params,
                    const int8_t *input,
                    int16_t *hidden_state,
                    int8_t *output);
/** Bytes of scratch td_gru_s8 needs: (round4(I) + 2 * round4(S) + 5 * B * S) * sizeof(int16_t) in every variant. */
int32_t td_gru_s8_get_buffer_size(const td_gru_dims *dims);

/**
 * td_gru_s8 over the generator's packed weights (same bits), linear_before_reset only (otherwise
 * TD_ERROR_ARGUMENT); the gates' weight and bias pointers and recurrent_new_bias in `params` are
 * not read. With Kx = round4(I) and Kh = round4(S): packed_weights, int16, per unit u: for each
 * group q of four inputs (zero past I) and each gate g (reset, update, new) W_g[u][4q],
 * W_g[u][4q+2], W_g[u][4q+1], W_g[u][4q+3] (SXTB16's lane order); then the same for R_g over Kh.
 * 3 * (Kx + Kh) values. packed_bias, int32, per unit u: bias_g[u] + input_offset * sum_k W_g[u][k]
 * for the three gates, then 0, 0 and recurrent_new_bias[u] (0 when absent): 6 values.
 */
td_status td_gru_s8_packed(const td_context *ctx,
                           const td_gru_params_s8 *params,
                           const int16_t *packed_weights,
                           const int32_t *packed_bias,
                           const int8_t *input,
                           int16_t *hidden_state,
                           int8_t *output);
/** Bytes of scratch td_gru_s8_packed needs: (round4(I) + round4(S)) * sizeof(int16_t) in every variant. */
int32_t td_gru_s8_packed_get_buffer_size(const td_gru_dims *dims);

/**
 * td_gru_s8 without linear_before_reset (r * h before the new gate's recurrent product) over the
 * generator's packed weights (same bits); with linear_before_reset TD_ERROR_ARGUMENT. The gates'
 * weight and bias pointers in `params` are not read. With Kx = round4(I), Kh = round4(S), the
 * lane order of a group of four (0, 2, 1, 3) and slot(i) = the unit at place i of that order
 * (i with bits 0 and 1 swapped; the units of every group of four in SXTB16's lane order):
 * packed_weights, int16: first, for every place i < Kh whose unit u = slot(i) is < S, in order of
 * i: for each group q of four inputs (zero past I) and each gate g (reset, update, new) W_g[u][4q],
 * W_g[u][4q+2], W_g[u][4q+1], W_g[u][4q+3]; then the same for R_g over Kh, g = reset, update
 * (3 * Kx + 2 * Kh values per unit). Then for every four units 4p..4p+3 (zero rows past S) and
 * each group q of four state values: R_n[4p + j][4q], R_n[4p + j][4q+2], R_n[4p + j][4q+1],
 * R_n[4p + j][4q+3] for j = 0..3 (Kh * Kh values). packed_bias, int32, for every place i as above:
 * bias_g[u] + input_offset * sum_k W_g[u][k] for g = reset, update, new (3 * S values).
 */
td_status td_gru_s8_packed_reset_first(const td_context *ctx,
                                       const td_gru_params_s8 *params,
                                       const int16_t *packed_weights,
                                       const int32_t *packed_bias,
                                       const int8_t *input,
                                       int16_t *hidden_state,
                                       int8_t *output);
/** Bytes of scratch td_gru_s8_packed_reset_first needs: (round4(I) + 4 * round4(S)) * sizeof(int16_t) in every variant. */
int32_t td_gru_s8_packed_reset_first_get_buffer_size(const td_gru_dims *dims);

/** One 16x8 GRU gate: the input FC int16 x int8 with an int64 bias (64-bit sum and requantization). */
typedef struct {
    const int8_t *input_weights;     /* [S][I], symmetric */
    const int8_t *recurrent_weights; /* [S][S], symmetric */
    const int64_t *bias;             /* [S], scale x-scale * W-scale */
    td_requant input_fc;             /* x-scale * W-scale / 2^-12 */
    td_requant recurrent_fc;         /* 2^-15 * R-scale / 2^-12 */
} td_gru_gate_s16;

typedef struct {
    td_gru_dims dims;
    td_gru_gate_s16 reset_gate;
    td_gru_gate_s16 update_gate;
    td_gru_gate_s16 new_gate;
    const int32_t *recurrent_new_bias; /* [S] at 2^-15 * R_n-scale, or NULL (as td_gru_s8) */
    td_requant output_mul;             /* 2^-15 / output scale; int16 output, zero point 0 */
} td_gru_params_s16;

/** 16x8 GRU: int16 x and output, int8 weights, int64 input biases, int16 gates, Q0.15 state. */
td_status td_gru_s16(const td_context *ctx,
                     const td_gru_params_s16 *params,
                     const int16_t *input,
                     int16_t *hidden_state,
                     int16_t *output);
/** Bytes of scratch td_gru_s16 needs: (5 * B * S, rounded up to even) int16 values and 2 * S int32 values. */
int32_t td_gru_s16_get_buffer_size(const td_gru_dims *dims);

typedef struct {
    const float *input_weights;     /* [S][I] */
    const float *recurrent_weights; /* [S][S] */
    const float *bias;              /* [S] */
} td_gru_gate_f32;

typedef struct {
    td_gru_dims dims;
    td_gru_gate_f32 reset_gate;
    td_gru_gate_f32 update_gate;
    td_gru_gate_f32 new_gate;
    const float *recurrent_new_bias; /* [S] or NULL */
} td_gru_params_f32;

td_status td_gru_f32(const td_context *ctx,
                     const td_gru_params_f32 *params,
                     const float *input,
                     float *hidden_state,
                     float *output);
/** Bytes of scratch td_gru_f32 needs: 5 * B * S * sizeof(float). */
int32_t td_gru_f32_get_buffer_size(const td_gru_dims *dims);

/* ------------------------------------------------------------------------------------------
 * BATCH_MATMUL (src/matmul): out[b][m][n] = sum_k x[m][k] * y[k][n] over the listed batches;
 * x stored [k][m] when adj_x, y stored [n][k] when adj_y. Integer offsets and requantization
 * as in the FC kernels; float32 ignores them.
 * ---------------------------------------------------------------------------------------- */

typedef struct {
    int32_t batches;
    int32_t m;
    int32_t k;
    int32_t n;
    int32_t adj_x;
    int32_t adj_y;
    const int32_t *lhs_offsets; /* element offset of each batch's x matrix */
    const int32_t *rhs_offsets; /* element offset of each batch's y matrix */
    int32_t lhs_offset;         /* -zero point of x */
    int32_t rhs_offset;         /* -zero point of y */
    int32_t output_offset;      /* output zero point */
    td_requant output;          /* s_x * s_y / s_out */
} td_batch_matmul_params;

td_status td_batch_matmul_s8(const td_batch_matmul_params *params, const int8_t *x, const int8_t *y, int8_t *output);
/** int16 (zero points 0): 64-bit sums and TFLite's 64-bit requantization. */
td_status td_batch_matmul_s16(const td_batch_matmul_params *params, const int16_t *x, const int16_t *y, int16_t *output);
td_status td_batch_matmul_f32(const td_batch_matmul_params *params, const float *x, const float *y, float *output);

/* ------------------------------------------------------------------------------------------
 * SVDF (src/svdf): x [B][I], weights_feature [F][I], weights_time [F][M], bias [U] or NULL,
 * state [B][F][M] (the variable tensor, updated in place), output [B][U], U = F / rank.
 * ---------------------------------------------------------------------------------------- */

typedef struct {
    int32_t batch;
    int32_t input_size;
    int32_t filters;
    int32_t units;
    int32_t rank;
    int32_t memory;
} td_svdf_dims;

/** int8 SVDF (TFLite Micro's EvalIntegerSvdfReference); the integer kernel applies no fused activation. */
typedef struct {
    td_svdf_dims dims;
    int32_t input_offset;      /* -input zero point */
    int32_t state_zero_point;  /* added to the feature result, subtracted in the time dot */
    int32_t output_offset;     /* output zero point */
    td_requant feature;        /* s_in * s_wf / s_state (float32 products) */
    td_requant output;         /* s_state * s_wt / s_out */
} td_svdf_params_s8;

/** int16 state and time weights (the converter's int8 SVDF). */
td_status td_svdf_s8(const td_svdf_params_s8 *params, const int8_t *input, const int8_t *weights_feature,
                     const int16_t *weights_time, const int32_t *bias, int16_t *state, int8_t *output);
/** int8 state and time weights. */
td_status td_svdf_s8_s8(const td_svdf_params_s8 *params, const int8_t *input, const int8_t *weights_feature,
                        const int8_t *weights_time, const int32_t *bias, int8_t *state, int8_t *output);

/**
 * td_svdf_s8 over the generator's prepared weights (the same bits), for an int16 state with zero
 * point 0 (the converter's) whose feature sums provably stay below 2^30 (sum_c |wf[f][c]| * 255),
 * with a right shift of 1-31 for the feature requantization:
 *  - packed_feature, int8, per block of four filters (filters padded to a multiple of four with
 *    zero rows), per eight inputs (input_size padded to a multiple of eight with zero weights) the
 *    four filters' eight weights one after the other (32 bytes);
 *  - feature_bias, int32 [filters rounded up to four]: input_offset * sum_c wf[f][c];
 *  - bias, int32 [units], never NULL (zeros when the model has none).
 * The feature result is SMMLAR-rounded (td_dsp.h's fast form: rounding = 2^(right_shift - 1)),
 * the output's is TFLite's exact MultiplyByQuantizedMultiplier.
 */
typedef struct {
    td_svdf_dims dims;
    int32_t output_offset;       /* output zero point */
    int32_t feature_multiplier;  /* TFLite's multiplier of s_in * s_wf / s_state */
    int32_t feature_right_shift; /* -TFLite's shift, 1..31 */
    td_requant output;           /* s_state * s_wt / s_out */
} td_svdf_packed_params;

td_status td_svdf_s8_packed(const td_svdf_packed_params *params, const int8_t *input, const int8_t *packed_feature,
                            const int32_t *feature_bias, const int16_t *weights_time, const int32_t *bias, int16_t *state,
                            int8_t *output);

typedef struct {
    td_svdf_dims dims;
    td_activation_f32 activation;
} td_svdf_params_f32;

td_status td_svdf_f32(const td_svdf_params_f32 *params, const float *input, const float *weights_feature,
                      const float *weights_time, const float *bias, float *state, float *output);

/* ------------------------------------------------------------------------------------------
 * 16x8 (int16 activations, int8 weights; src/<category>/td_<op>_s16.c): TFLite's
 * reference_integer_ops kernels for int16 inputs. Activations have zero point 0, so there are no
 * offsets. The bias is int64 here (the generator widens an int32 bias); `wide` picks the
 * arithmetic TFLite takes for the model's bias type:
 *   wide = 1 (int64 bias; depthwise always): the 64-bit sum + bias, requantized with TFLite's
 *            64-bit MultiplyByQuantizedMultiplier (multiplier cut to 15 bits, one rounding shift);
 *   wide = 0 (int32 bias): the sum + bias wrapped to int32 and the 32-bit requantization.
 * ---------------------------------------------------------------------------------------- */

typedef struct {
    int32_t wide;
    td_tile stride;
    td_tile padding;
    td_tile dilation;
    td_activation activation;
} td_conv_params_s16;

typedef struct {
    int32_t wide;
    int32_t depth_multiplier;
    td_tile stride;
    td_tile padding;
    td_tile dilation;
    td_activation activation;
} td_depthwise_conv_params_s16;

typedef struct {
    int32_t wide;
    td_activation activation;
} td_fc_params_s16;

/** CONV_2D 16x8 (ConvPerChannel for int16 input). Layouts as td_conv2d_s8, no groups; bias may be NULL. */
td_status td_conv2d_s16(const td_context *ctx,
                        const td_conv_params_s16 *params,
                        const td_per_channel_quant *quant,
                        const td_dims *input_dims,
                        const int16_t *input,
                        const td_dims *filter_dims,
                        const int8_t *filter,
                        const int64_t *bias,
                        const td_dims *output_dims,
                        int16_t *output);
/**
 * Bytes of scratch td_conv2d_s16 needs: 0 portable; DSP, with L = C_in * K_h * K_w: 24 * ceil(L / 4)
 * (three int16 patches: two interleaved, one being gathered) + 16 * filter_dims->n (prepared
 * requantizations), 0 when L > 511 (the 64-bit portable loop then runs).
 */
int32_t td_conv2d_s16_get_buffer_size(const td_dims *input_dims, const td_dims *filter_dims);

/** DEPTHWISE_CONV_2D 16x8 (DepthwiseConvPerChannel for int16 input). Layouts as td_depthwise_conv2d_s8. */
td_status td_depthwise_conv2d_s16(const td_context *ctx,
                                  const td_depthwise_conv_params_s16 *params,
                                  const td_per_channel_quant *quant,
                                  const td_dims *input_dims,
                                  const int16_t *input,
                                  const td_dims *filter_dims,
                                  const int8_t *filter,
                                  const int64_t *bias,
                                  const td_dims *output_dims,
                                  int16_t *output);
/**
 * Bytes of scratch td_depthwise_conv2d_s16 needs: 0 portable; DSP: 2 * K_h * K_w * C + 16 * C (every
 * tap as an int16 lane, a prepared requantization per channel).
 */
int32_t td_depthwise_conv2d_s16_get_buffer_size(const td_dims *input_dims, const td_dims *filter_dims);

/**
 * FULLY_CONNECTED 16x8 (FullyConnected for int16 input, symmetric weights): one multiplier and
 * shift per output unit (a per-tensor scale repeated). bias may be NULL.
 */
td_status td_fully_connected_s16(const td_context *ctx,
                                 const td_fc_params_s16 *params,
                                 const td_per_channel_quant *quant,
                                 int32_t batches,
                                 int32_t input_depth,
                                 int32_t output_depth,
                                 const int16_t *input,
                                 const int8_t *filter,
                                 const int64_t *bias,
                                 int16_t *output);
/** Bytes of scratch td_fully_connected_s16 needs: 0 in every variant. */
int32_t td_fully_connected_s16_get_buffer_size(int32_t input_depth, int32_t output_depth);

/** ADD / SUB int16: td_add_s8's arithmetic on int16 values, left_shift 15 (TFLite's int16 general add). */
td_status td_add_s16(const td_add_params_s8 *params,
                     const td_dims *input1_dims,
                     const int16_t *input1,
                     const td_dims *input2_dims,
                     const int16_t *input2,
                     const td_dims *output_dims,
                     int16_t *output);
td_status td_sub_s16(const td_add_params_s8 *params,
                     const td_dims *input1_dims,
                     const int16_t *input1,
                     const td_dims *input2_dims,
                     const int16_t *input2,
                     const td_dims *output_dims,
                     int16_t *output);
/** MUL int16 (zero points 0): td_mul_s8's arithmetic on int16 values. */
td_status td_mul_s16(const td_mul_params_s8 *params,
                     const td_dims *input1_dims,
                     const int16_t *input1,
                     const td_dims *input2_dims,
                     const int16_t *input2,
                     const td_dims *output_dims,
                     int16_t *output);

/**
 * LOGISTIC / TANH int16 (TFLite's table-interpolation kernels, zero points 0, output scale 2^-15):
 * each input becomes (x * multiplier + 2^(left_shift - 1)) >> left_shift (multiplier 0: TFLite's
 * power-of-two case, x * (3 << left_shift)) before the look-up.
 */
typedef struct {
    int32_t multiplier;
    int32_t left_shift;
} td_sigmoid_params_s16;

td_status td_logistic_s16(const td_sigmoid_params_s16 *params, int32_t count, const int16_t *input, int16_t *output);
td_status td_tanh_s16(const td_sigmoid_params_s16 *params, int32_t count, const int16_t *input, int16_t *output);

/** AVERAGE_POOL_2D, int16 (as td_avgpool_s8: int32 sum, rounded truncating division, clamp). */
td_status td_avgpool_s16(const td_pool_params *params,
                         const td_dims *input_dims,
                         const int16_t *input,
                         const td_dims *output_dims,
                         int16_t *output);
/** MAX_POOL_2D, int16. */
td_status td_maxpool_s16(const td_pool_params *params,
                         const td_dims *input_dims,
                         const int16_t *input,
                         const td_dims *output_dims,
                         int16_t *output);

/*
 * DETECTION_POSTPROCESS (TFLite_Detection_PostProcess): box encodings [1][B][stride] (y, x, h, w),
 * class scores [1][B][classes_with_background], anchors [B][4] (y, x, h, w), each float32 or
 * int8/uint8 read as (q - zero_point) * scale; outputs float32: boxes [N][4] (ymin, xmin, ymax,
 * xmax), classes [N], scores [N], count [1]; slots past the count are 0. Scratch (ctx): see
 * src/core/common/codegen/ops/detection-postprocess.ts. A decoded box that is empty gives
 * TD_ERROR_ARGUMENT, too little scratch TD_ERROR_SCRATCH.
 */
typedef enum {
    TD_DETECTION_INPUT_FLOAT32 = 0,
    TD_DETECTION_INPUT_INT8 = 1,
    TD_DETECTION_INPUT_UINT8 = 2
} td_detection_input_type;

typedef struct {
    int32_t type; /* td_detection_input_type */
    float scale;
    int32_t zero_point;
} td_detection_input;

typedef struct {
    int32_t num_boxes;
    int32_t encoding_stride;
    int32_t num_classes;
    int32_t num_classes_with_background;
    int32_t label_offset;
    int32_t max_detections;
    int32_t max_classes_per_detection;
    int32_t categories_per_anchor;
    int32_t detections_per_class;
    int32_t regular;
    float score_threshold;
    float iou_threshold;
    float y_scale;
    float x_scale;
    float h_scale;
    float w_scale;
    td_detection_input boxes;
    td_detection_input scores;
    td_detection_input anchors;
} td_detection_postprocess_params;

td_status td_detection_postprocess(const td_detection_postprocess_params *params, const td_context *ctx,
                                   const void *box_encodings, const void *class_predictions, const void *anchors,
                                   float *detection_boxes, float *detection_classes, float *detection_scores,
                                   float *num_detections);

#ifdef __cplusplus
}
#endif

#endif /* TD_KERNELS_H */
