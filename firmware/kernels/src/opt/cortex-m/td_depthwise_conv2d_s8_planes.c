/*
 * DEPTHWISE_CONV_2D, int8, Cortex-M DSP variant for 3x3 filters at stride 1 over rows of at least
 * 20 pixels (the generator's choice, src/core/common/codegen/ops/conv.ts): the same bits as
 * td_depthwise_conv2d_s8, which it runs instead for any other shape, a clamp narrower than int8,
 * a channel outside the fast requantization or too little scratch.
 */
#include "../../conv/td_depthwise_conv2d_s8_reference.h"
#include "td_dsp.h"

#if TD_KERNELS_DSP

/*
 * 3x3 filters at stride 1 (dilation 1, depth multiplier 1, the full int8 range): channel planes.
 * Two input channels at a time, their rows widened once into two planes (input offset added,
 * padding as 0, a ring of three rows: input row y in slot y mod 3) where one word holds two
 * neighbouring positions of one channel as int16 lanes, so that SMLAD does two useful
 * multiply-accumulates. A plane is a run of groups, one per four output pixels of a row, each
 * group per slot the three words the four pixels' taps read (positions 4g .. 4g + 5; the third
 * word is the next group's first, stored twice so that one LDM loads a slot's words). With a
 * filter row's taps as (w0, w1) and (w1, w2) and the words A, B, C:
 *     out0 += A.w01 + B.lo * w2     (SMLAD, SMLABT)
 *     out1 += A.hi * w0 + B.w12     (SMLATB, SMLAD)
 *     out2 += B.w01 + C.lo * w2,    out3 += B.hi * w0 + C.w12
 * so a group is 3 x (LDM, LDRD, 8 SMLAxx) for 36 multiply-accumulates, then the four outputs'
 * requantization (td_requant_fast with taps and bias doubled, as td_depthwise_row_3x3) and four
 * byte stores: 56 instructions per group (td_depthwise_plane_row_3x3). The filter row a slot
 * holds turns with the output row: the taps are kept as rows 0, 1, 2, 0, 1 and each output row
 * starts at its first slot's row.
 *
 * Scratch (td_depthwise_planes_bytes): two planes of (groups + 2) groups of 36 bytes (a dummy
 * group on either side takes the duplicated words that belong to none), two jobs and two
 * channels' taps.
 */

/**
 * The narrowest output the planes take: each channel pair and row pays a fixed cost (the row's
 * border positions widened one by one, two calls) that narrower rows do not earn back (virtual-m4f,
 * bench/kernels: 48 and 24 pixels gain, 12 lose).
 */
#define TD_DEPTHWISE_PLANES_MIN_WIDTH 20

/** What td_depthwise_plane_row_3x3 reads (offsets fixed in its assembly). */
typedef struct {
    int32_t bias[4];       /* 0: the channel's doubled bias, four times */
    int32_t rounding;      /* 16 */
    int32_t multiplier;    /* 20 */
    int32_t right_shift;   /* 24 */
    int32_t channels;      /* 28: bytes between two output pixels */
    const td_word *taps;   /* 32: the taps of the filter rows in slots 0, 1, 2: (2w0, 2w1), (2w1, 2w2) each */
    const td_word *plane;  /* 36: the row's first group */
    int8_t *out;           /* 40 */
    int32_t pixels;        /* 44: >= 1 */
} td_depthwise_plane_job;

/** Words of one plane for an output row of `output_w` pixels (with the dummy groups). */
TD_INLINE int32_t td_depthwise_plane_words(int32_t output_w)
{
    return 9 * ((output_w + 3) / 4 + 2);
}

/** Bytes of scratch the planes need for an output row of `output_w` pixels. */
TD_INLINE int32_t td_depthwise_planes_bytes(int32_t output_w)
{
    return (2 * td_depthwise_plane_words(output_w) + 2 * 10) * (int32_t)sizeof(td_word) +
           2 * (int32_t)sizeof(td_depthwise_plane_job);
}

/** The bias/requantization of channel c (0 bias when there is none); out of line, it is large. */
TD_NOINLINE static void td_depthwise_requant(const td_depthwise_conv_params *params,
                                             const td_per_channel_quant *quant,
                                             const int32_t *bias,
                                             int32_t c,
                                             td_channel_requant *requant)
{
    *requant = td_channel_requant_folded_of(bias != NULL ? bias[c] : 0, quant->multiplier[c], quant->shift[c],
                                            params->output_offset, 9);
}

#if TD_DSP_ASM
void td_depthwise_plane_row_3x3(const td_depthwise_plane_job *job);

#define TD_DEPTHWISE_PLANE_SLOT(taps)                                                          \
    "ldrd    r11, r12, [sp, #" taps "]\n\t"                                                    \
    "ldmia   r0!, {r8-r10}\n\t"                                                                \
    "smlad   r4, r8, r11, r4\n\t"                                                              \
    "smlabt  r4, r9, r12, r4\n\t"                                                              \
    "smlatb  r5, r8, r11, r5\n\t"                                                              \
    "smlad   r5, r9, r12, r5\n\t"                                                              \
    "smlad   r6, r9, r11, r6\n\t"                                                              \
    "smlabt  r6, r10, r12, r6\n\t"                                                             \
    "smlatb  r7, r9, r11, r7\n\t"                                                              \
    "smlad   r7, r10, r12, r7\n\t"
#define TD_DEPTHWISE_PLANE_ROUND(acc)                                                          \
    "add     r8, r11, " acc ", asr #31\n\t"                                                    \
    "smmlar  " acc ", " acc ", r12, r8\n\t"
#define TD_DEPTHWISE_PLANE_SHIFT(acc)                                                          \
    "asr     " acc ", " acc ", r3\n\t"                                                         \
    "ssat    " acc ", #8, " acc "\n\t"
/*
 * Frame: 0 the four doubled biases, 16 the slots' taps (24 bytes), 40 rounding, 44 multiplier,
 * 48 the last group's pixel count (1..4). Registers: r0 plane, r1 out, r2 output channels, r3
 * right shift, r4-r7 the four sums, r8-r10 a slot's words, r11-r12 taps then requantization,
 * lr groups left.
 */
__asm__(".section .text.td_depthwise_plane_row_3x3,\"ax\",%progbits\n\t"
        ".syntax unified\n\t"
        ".thumb\n\t"
        ".p2align 2\n\t"
        ".global td_depthwise_plane_row_3x3\n\t"
        ".thumb_func\n\t"
        ".type td_depthwise_plane_row_3x3, %function\n"
        "td_depthwise_plane_row_3x3:\n\t"
        "push    {r4-r11, lr}\n\t"
        "sub     sp, sp, #56\n\t"
        "ldm     r0, {r4-r11}\n\t"
        "stm     sp, {r4-r7}\n\t"
        "strd    r8, r9, [sp, #40]\n\t"
        "mov     r3, r10\n\t"
        "mov     r2, r11\n\t"
        "ldr     r12, [r0, #32]\n\t"
        "ldm     r12, {r4-r9}\n\t"
        "add     r12, sp, #16\n\t"
        "stm     r12, {r4-r9}\n\t"
        "ldr     r1, [r0, #40]\n\t"
        "ldr     lr, [r0, #44]\n\t"
        "ldr     r0, [r0, #36]\n\t"
        "subs    r4, lr, #1\n\t"
        "and     r5, r4, #3\n\t"
        "add     r5, r5, #1\n\t"
        "str     r5, [sp, #48]\n\t"
        "lsr     lr, r4, #2\n\t"
        "add     lr, lr, #1\n"
        "1:\n\t"
        "ldm     sp, {r4-r7}\n\t"
        TD_DEPTHWISE_PLANE_SLOT("16")
        TD_DEPTHWISE_PLANE_SLOT("24")
        TD_DEPTHWISE_PLANE_SLOT("32")
        "ldrd    r11, r12, [sp, #40]\n\t"
        TD_DEPTHWISE_PLANE_ROUND("r4")
        TD_DEPTHWISE_PLANE_ROUND("r5")
        TD_DEPTHWISE_PLANE_ROUND("r6")
        TD_DEPTHWISE_PLANE_ROUND("r7")
        TD_DEPTHWISE_PLANE_SHIFT("r4")
        TD_DEPTHWISE_PLANE_SHIFT("r5")
        TD_DEPTHWISE_PLANE_SHIFT("r6")
        TD_DEPTHWISE_PLANE_SHIFT("r7")
        "subs    lr, lr, #1\n\t"
        "beq     5f\n\t"
        "strb    r4, [r1]\n\t"
        "strb    r5, [r1, r2]\n\t"
        "add     r1, r1, r2, lsl #1\n\t"
        "strb    r6, [r1]\n\t"
        "strb    r7, [r1, r2]\n\t"
        "add     r1, r1, r2, lsl #1\n\t"
        "b       1b\n"
        "5:\n\t"
        "ldr     r8, [sp, #48]\n\t"
        "strb    r4, [r1]\n\t"
        "cmp     r8, #1\n\t"
        "beq     9f\n\t"
        "strb    r5, [r1, r2]\n\t"
        "cmp     r8, #2\n\t"
        "beq     9f\n\t"
        "add     r1, r1, r2, lsl #1\n\t"
        "strb    r6, [r1]\n\t"
        "cmp     r8, #3\n\t"
        "beq     9f\n\t"
        "strb    r7, [r1, r2]\n"
        "9:\n\t"
        "add     sp, sp, #56\n\t"
        "pop     {r4-r11, pc}\n\t"
        ".size td_depthwise_plane_row_3x3, . - td_depthwise_plane_row_3x3\n\t"
        ".text");
#else
/** acc + lo(x) * hi(y) (SMLABT). */
TD_INLINE int32_t td_depthwise_smlabt(uint32_t x, uint32_t y, int32_t acc) { return td_smlabb(x, y >> 16, acc); }
/** acc + hi(x) * lo(y) (SMLATB). */
TD_INLINE int32_t td_depthwise_smlatb(uint32_t x, uint32_t y, int32_t acc) { return td_smlabb(x >> 16, y, acc); }

/** td_depthwise_plane_row_3x3's C twin (the same sums). */
static void td_depthwise_plane_row_3x3(const td_depthwise_plane_job *job)
{
    const td_word *group = job->plane;
    int8_t *out = job->out;
    int32_t pixel, slot, i;
    for (pixel = 0; pixel < job->pixels; pixel += 4) {
        int32_t acc[4];
        for (i = 0; i < 4; ++i) {
            acc[i] = job->bias[i];
        }
        for (slot = 0; slot < 3; ++slot) {
            const uint32_t a = group[0], b = group[1], c = group[2];
            const uint32_t w01 = job->taps[2 * slot], w12 = job->taps[2 * slot + 1];
            acc[0] = td_depthwise_smlabt(b, w12, td_smlad(a, w01, acc[0]));
            acc[1] = td_smlad(b, w12, td_depthwise_smlatb(a, w01, acc[1]));
            acc[2] = td_depthwise_smlabt(c, w12, td_smlad(b, w01, acc[2]));
            acc[3] = td_smlad(c, w12, td_depthwise_smlatb(b, w01, acc[3]));
            group += 3;
        }
        for (i = 0; i < 4 && pixel + i < job->pixels; ++i) {
            const int32_t value = td_smmlar(acc[i], job->multiplier, job->rounding + (acc[i] >> 31)) >> job->right_shift;
            out[i * job->channels] = (int8_t)td_ssat8(value);
        }
        out += 4 * job->channels;
    }
}
#endif

/** A possibly unaligned 16-bit load. */
TD_INLINE uint32_t td_read_u16(const void *address)
{
    uint16_t value;
    memcpy(&value, address, sizeof(value));
    return value;
}

/** Where plane word m (padded positions 2m, 2m + 1) of `slot` lies: its group's word, and (even m) the previous group's third. */
TD_INLINE void td_depthwise_plane_put(td_word *plane, int32_t slot, int32_t m, uint32_t value)
{
    td_word *const group = plane + 9 * (m >> 1) + 3 * slot;
    if ((m & 1) != 0) {
        group[1] = value;
    } else {
        group[0] = value;
        group[-7] = value;
    }
}

/**
 * Input position x (inside the row) of both channels (c, c + 1) into its halfword of `slot` of
 * the two planes (and the duplicate); the planes' padding halfwords are zeroed once per call.
 */
TD_INLINE void td_depthwise_plane_edge(const int8_t *in,
                                       int32_t x,
                                       int32_t padding,
                                       int32_t channels,
                                       uint32_t offsets,
                                       td_word *const planes[2],
                                       int32_t slot)
{
    const int32_t position = x + padding, m = position >> 1;
    const uint32_t two = td_read_u16(in + x * channels);
    const uint32_t lanes = td_sadd16(td_sxtb16((two & 0xffu) | ((two & 0xff00u) << 8)), offsets); /* (c, c + 1) */
    const int32_t half = 2 * ((m & 1) + 3 * slot) + (position & 1);
    int16_t *const first = (int16_t *)(void *)(planes[0] + 9 * (m >> 1)) + half;
    int16_t *const second = (int16_t *)(void *)(planes[1] + 9 * (m >> 1)) + half;
    first[0] = (int16_t)lanes;
    second[0] = (int16_t)(lanes >> 16);
    if ((m & 1) == 0) {
        first[-14] = (int16_t)lanes;
        second[-14] = (int16_t)(lanes >> 16);
    }
}

/**
 * Input row in_y of channels (c, c + 1) into `slot` of the two planes, words 0 .. 2 * groups; `in`
 * points at (row 0, position 0, channel c). Rows outside the image are zeros; inside, the words
 * whose four positions lie inside go two at a time (22 instructions for eight values on the target),
 * the border positions one by one.
 */
static void td_depthwise_plane_widen(const int8_t *in,
                                     int32_t in_y,
                                     int32_t height,
                                     int32_t width,
                                     int32_t channels,
                                     int32_t padding,
                                     int32_t groups,
                                     uint32_t offsets,
                                     td_word *const planes[2],
                                     int32_t slot)
{
    const int32_t words = 2 * groups + 1;
    /* The first even word with 2m >= padding, the last pair start with x + 3 < width. */
    const int32_t start = ((padding + 3) >> 2) << 1;
    const int32_t stop = td_min_i32((width - 4 + padding) / 2 + 1, words - 1);
    const int32_t turns = start < stop ? (stop - start + 1) >> 1 : 0;
    int32_t m, x;
    if (in_y < 0 || in_y >= height) {
        for (m = 0; m < words; ++m) {
            td_depthwise_plane_put(planes[0], slot, m, 0);
            td_depthwise_plane_put(planes[1], slot, m, 0);
        }
        return;
    }
    in += in_y * width * channels;
    for (x = 0; x < 2 * start - padding; ++x) {
        td_depthwise_plane_edge(in, x, padding, channels, offsets, planes, slot);
    }
    if (turns > 0) {
        const int8_t *p = in + (2 * start - padding) * channels;
        td_word *even = planes[0] + 9 * (start >> 1) + 3 * slot;
        td_word *odd = planes[1] + 9 * (start >> 1) + 3 * slot;
        int32_t n = turns;
#if TD_DSP_ASM
        uint32_t a, b, c, d;
        __asm__ volatile("1:\n\t"
                         "ldrh    %[a], [%[p]]\n\t"
                         "ldrh    %[b], [%[p], %[ch]]\n\t"
                         "add     %[p], %[p], %[ch], lsl #1\n\t"
                         "ldrh    %[c], [%[p]]\n\t"
                         "ldrh    %[d], [%[p], %[ch]]\n\t"
                         "add     %[p], %[p], %[ch], lsl #1\n\t"
                         "orr     %[a], %[a], %[b], lsl #16\n\t"
                         "orr     %[c], %[c], %[d], lsl #16\n\t"
                         "sxtab16 %[b], %[off], %[a]\n\t"
                         "sxtab16 %[a], %[off], %[a], ror #8\n\t"
                         "sxtab16 %[d], %[off], %[c]\n\t"
                         "sxtab16 %[c], %[off], %[c], ror #8\n\t"
                         "str     %[b], [%[e], #-28]\n\t"
                         "str     %[d], [%[e], #4]\n\t"
                         "str     %[b], [%[e]], #36\n\t"
                         "str     %[a], [%[o], #-28]\n\t"
                         "str     %[c], [%[o], #4]\n\t"
                         "str     %[a], [%[o]], #36\n\t"
                         "subs    %[n], %[n], #1\n\t"
                         "bne     1b"
                         : [p] "+r"(p), [e] "+r"(even), [o] "+r"(odd), [n] "+r"(n), [a] "=&r"(a), [b] "=&r"(b),
                           [c] "=&r"(c), [d] "=&r"(d)
                         : [ch] "r"(channels), [off] "r"(offsets)
                         : "cc", "memory");
#else
        for (; n > 0; --n) {
            /* Bytes c, c + 1 of four positions: (c0 x, c1 x, c0 x+1, c1 x+1) twice. */
            const uint32_t first = td_read_u16(p) | (td_read_u16(p + channels) << 16);
            const uint32_t second = td_read_u16(p + 2 * channels) | (td_read_u16(p + 3 * channels) << 16);
            even[0] = even[-7] = td_sadd16(td_sxtb16(first), offsets);
            even[1] = td_sadd16(td_sxtb16(second), offsets);
            odd[0] = odd[-7] = td_sadd16(td_sxtb16_ror8(first), offsets);
            odd[1] = td_sadd16(td_sxtb16_ror8(second), offsets);
            p += 4 * channels;
            even += 9;
            odd += 9;
        }
#endif
    }
    for (x = 2 * (start + 2 * turns) - padding; x < width && x + padding < 2 * words; ++x) {
        td_depthwise_plane_edge(in, x, padding, channels, offsets, planes, slot);
    }
}

/** Every output channel through the planes, two at a time (td_depthwise_conv2d_s8_planes checked the shape, an even channel count and the requantization). */
TD_NOINLINE static void td_depthwise_planes_3x3(const td_context *ctx,
                                                const td_depthwise_conv_params *params,
                                                const td_per_channel_quant *quant,
                                                const td_dims *input_dims,
                                                const int8_t *input,
                                                const int8_t *filter,
                                                const int32_t *bias,
                                                const td_dims *output_dims,
                                                int8_t *output)
{
    const int32_t channels = input_dims->c;
    const int32_t height = input_dims->h, width = input_dims->w;
    const int32_t output_h = output_dims->h, output_w = output_dims->w;
    const int32_t groups = (output_w + 3) / 4;
    const int32_t plane_words = td_depthwise_plane_words(output_w);
    td_word *const scratch = (td_word *)ctx->buf;
    td_word *const tap_rows = scratch + 2 * plane_words; /* two channels' 10 tap words */
    td_depthwise_plane_job *const jobs = (td_depthwise_plane_job *)(void *)(tap_rows + 20);
    td_word *const planes[2] = {scratch + 9, scratch + plane_words + 9};
    const uint32_t offsets = td_pack16(params->input_offset, params->input_offset);
    /* Input row y lives in slot (y + 3 * k) mod 3, k making it >= 0. */
    const int32_t slot_of_row = 3 * (params->padding.h / 3 + 1);
    td_word *word;
    int32_t batch, c, q, out_y, tap;
    /* The padding positions' lanes are 0 and stay so (rows write the positions inside the image). */
    for (word = scratch; word != tap_rows; ++word) {
        *word = 0;
    }
    for (batch = 0; batch < output_dims->n; ++batch) {
        const int8_t *const batch_input = input + batch * height * width * channels;
        int8_t *const batch_output = output + batch * output_h * output_w * channels;
        for (c = 0; c < channels; c += 2) {
            for (q = 0; q < 2; ++q) {
                td_channel_requant requant;
                td_depthwise_plane_job *const job = &jobs[q];
                td_depthwise_requant(params, quant, bias, c + q, &requant);
                for (tap = 0; tap < 4; ++tap) {
                    job->bias[tap] = (int32_t)((uint32_t)requant.bias << 1);
                }
                job->rounding = requant.rounding;
                job->multiplier = requant.multiplier;
                job->right_shift = requant.right_shift;
                job->channels = channels;
                job->pixels = output_w;
                job->plane = planes[q];
                for (tap = 0; tap < 5; ++tap) {
                    const int8_t *const row = filter + (tap % 3) * 3 * channels + c + q;
                    const int32_t w0 = 2 * row[0], w1 = 2 * row[channels], w2 = 2 * row[2 * channels];
                    tap_rows[10 * q + 2 * tap] = td_pack16(w0, w1);
                    tap_rows[10 * q + 2 * tap + 1] = td_pack16(w1, w2);
                }
            }
            for (tap = -params->padding.h; tap < 2 - params->padding.h; ++tap) {
                td_depthwise_plane_widen(batch_input + c, tap, height, width, channels, params->padding.w, groups, offsets,
                                         planes, (tap + slot_of_row) % 3);
            }
            for (out_y = 0; out_y < output_h; ++out_y) {
                const int32_t in_y = out_y - params->padding.h;
                /* Slot s holds filter row (s - in_y) mod 3: the taps from row (3 - slot of in_y) mod 3. */
                const int32_t rotation = (3 - (in_y + slot_of_row) % 3) % 3;
                td_depthwise_plane_widen(batch_input + c, in_y + 2, height, width, channels, params->padding.w, groups,
                                         offsets, planes, (in_y + 2 + slot_of_row) % 3);
                for (q = 0; q < 2; ++q) {
                    td_depthwise_plane_job *const job = &jobs[q];
                    job->taps = tap_rows + 10 * q + 2 * rotation;
                    job->out = batch_output + out_y * output_w * channels + c + q;
                    td_depthwise_plane_row_3x3(job);
                }
            }
        }
    }
}

int32_t td_depthwise_conv2d_s8_planes_get_buffer_size(const td_dims *input_dims, const td_dims *filter_dims)
{
    /* A stride-1 output is at most as wide as its input; the fallback's scratch too. */
    return td_max_i32(td_depthwise_planes_bytes(input_dims->w), td_depthwise_conv2d_s8_get_buffer_size(input_dims, filter_dims));
}

td_status td_depthwise_conv2d_s8_planes(const td_context *ctx,
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
    const int32_t channels = output_dims->c;
    int ok = filter_dims->h == 3 && filter_dims->w == 3 && params->stride.h == 1 && params->stride.w == 1 &&
             params->dilation.h == 1 && params->dilation.w == 1 && params->depth_multiplier == 1 &&
             input_dims->c == channels && channels % 2 == 0 && params->activation.min == -128 && params->activation.max == 127 &&
             output_dims->w >= TD_DEPTHWISE_PLANES_MIN_WIDTH && ctx != NULL && ctx->buf != NULL &&
             ctx->size >= td_depthwise_planes_bytes(output_dims->w);
    int32_t c;
    /* Every channel in the fast requantization. */
    for (c = 0; ok && c < channels; ++c) {
        td_channel_requant requant;
        td_depthwise_requant(params, quant, bias, c, &requant);
        ok = requant.right_shift != 0;
    }
    /* The planes write each channel's output rows in order after reading the rows they need, as
     * td_depthwise_conv2d_s8's blocks: an output over its input must start a whole number of
     * pixels from it (see there). */
    if (ok) {
        const uintptr_t input_start = (uintptr_t)input, input_end = input_start + (uintptr_t)td_dims_count(input_dims);
        const uintptr_t output_start = (uintptr_t)output, output_end = output_start + (uintptr_t)td_dims_count(output_dims);
        if (output_start < input_end && input_start < output_end &&
            (int32_t)((intptr_t)output_start - (intptr_t)input_start) % channels != 0) {
            ok = 0;
        }
    }
    if (!ok) {
        return td_depthwise_conv2d_s8(ctx, params, quant, input_dims, input, filter_dims, filter, bias, output_dims, output);
    }
    td_depthwise_planes_3x3(ctx, params, quant, input_dims, input, filter, bias, output_dims, output);
    return TD_OK;
}

#else /* no DSP extension: td_depthwise_conv2d_s8 */

int32_t td_depthwise_conv2d_s8_planes_get_buffer_size(const td_dims *input_dims, const td_dims *filter_dims)
{
    return td_depthwise_conv2d_s8_get_buffer_size(input_dims, filter_dims);
}

td_status td_depthwise_conv2d_s8_planes(const td_context *ctx,
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
    return td_depthwise_conv2d_s8(ctx, params, quant, input_dims, input, filter_dims, filter, bias, output_dims, output);
}

#endif
