/*
 * DEPTHWISE_CONV_2D, int8, Cortex-M DSP variant for small images: the generator's choice for 5x5
 * filters at stride 1 or 2, for 3x3 filters at stride 1 with a depth multiplier above 1 and, where
 * a model's depthwise layers all take it, 3x3 at stride 1 or 2 with multiplier 1 (the
 * same bits as td_depthwise_conv2d_s8 and TFLite's reference, see
 * td_depthwise_conv2d_s8_reference.h). The portable twin is src/conv/td_depthwise_conv2d_s8_wide.c.
 *
 * Instead of one SMLABB/SMLATT per tap on four channels (td_depthwise_conv2d_s8), each SMLAD
 * here does two multiply-accumulates of one channel:
 *  - input channels go four at a time; their padded image is widened once into four planes of
 *    int16 pair words P_k = (x[2k], x[2k + 1]) of one channel (two LDR, PKHBT/PKHTB and four
 *    SXTB16 per two pixels), rows TD_WIDE_ROW_BYTES apart so that every tap of a window is an
 *    immediate offset from one pointer. Padding holds -input_offset (the input's zero point) and
 *    the input offset is folded into the bias (bias + input_offset * sum of the taps), so that
 *    every position is an ordinary tap: x + input_offset is 0 exactly where the reference skips
 *    a tap. The padding is written once per call, or per band (every block widens the same positions);
 *  - per output channel, its taps are paired and doubled (int16 words (2w_i, 2w_{i+1})) with its
 *    folded bias doubled, so the sums are td_requant_fast's 2 * acc, which the fast requantization
 *    with the output offset folded in takes directly (ADD, SMMLAR, ASR, SSAT per output);
 *  - the assembly runs a channel's whole image: per step four outputs (5x5 stride 1: twelve SMLAD
 *    and friends per filter row for twenty MACs, the pairs P_j..P_{j+3} in two LDRD, the row's
 *    four tap words in one LDM), two outputs (5x5 stride 2: six for ten) or four outputs (3x3
 *    stride 1: eight for twelve; six outputs a step where a row is whole steps of six; 3x3 stride 2:
 *    six outputs a step from seven pairs of a filter row, three loads (two LDM and the taps') and twelve SMLAD / SMLABB for
 *    18 MACs, over rows of one or two whole steps; wider rows of the generator's blocks with multiplier 1
 *    in bands of 12 outputs, each band's positions widened and run over every row before the next
 *    band's, so its output pixels are not written in order and the generator keeps the output apart
 *    from the input), then the
 *    requantization and the byte stores. Rows of one or two steps of six (6 or 12 outputs wide) take
 *    a loop over rows with the row's steps unrolled (no step loop, no row end; rows of one step an
 *    entry of their own), and the generator's
 *    blocks with depth multiplier 1 run the four channels of a block back to back (no per-channel
 *    bookkeeping): the fixed cost per row and channel is what small images pay for. The 3x3 stride-2
 *    entries keep the cursor in a register and the channel's bias, taps and requantization in their
 *    frame (copied once per channel), and requantize through a piece of code per right shift whose
 *    SSAT applies the shift (TD_WIDE_ASM_S2_REQUANT: three instructions an output); rows of one step
 *    lie back to back in their planes (TD_WIDE_S2_ROW_WORDS), so a filter row's loads move the
 *    pointer on to the next: 77 instructions for six outputs (54 MACs) a step where 83 were;
 *  - the widening runs in one piece of assembly over the rows (the border pairs of one position
 *    take the zero point from a word of four zero-point bytes, as if it were a pixel); rows of four
 *    pairs (inputs 6 wide, one column of padding each side) unrolled, 44 instructions a row, and rows
 *    of 6, 12 or 13 inside pairs with no border pair unrolled four positions at a time (21 instructions
 *    per four positions and 4 a row), each form entered by one table branch;
 *  - a depth multiplier M > 1 runs the M output channels of an input channel over its plane.
 *  - 3x3 at stride 1 over inputs 5 wide (rows of five outputs) has its own entry point,
 *    td_depthwise_conv2d_s8_wide_rows5 (at the end of this file: a band of rows as scratch, so a model
 *    links that loop alone).
 * Outputs past the last whole step of a row, channels outside the fast requantization (a right
 * shift of 1-21 and |bias| + taps * 255 * 128 < 2^30), input channels past a multiple of four,
 * rows wider than the planes' stride, dilation and an output placed over its input in another
 * order than the blocks' take the portable per-pixel loop (td_depthwise_channels_s8) or a scalar
 * loop over the planes (the same sums).
 *
 * Scratch (get_buffer_size): four planes of H + K_h - 1 rows of TD_WIDE_ROW_BYTES, and four
 * output channels' prepared taps and requantization (TD_WIDE_CHANNEL_WORDS words each).
 */
#include "../../conv/td_depthwise_conv2d_s8_reference.h"
#include "td_dsp.h"

/** Bytes between two plane rows: 16 pair words, so positions 0-31 of a padded row. */
#define TD_WIDE_ROW_BYTES 64
#define TD_WIDE_ROW_WORDS (TD_WIDE_ROW_BYTES / 4)
/**
 * Words between two plane rows for 3x3 stride-2 rows of one step (6 outputs from pairs P_0..P_6): the rows
 * back to back, so that a filter row's two LDM with write-back leave the plane pointer at the next
 * one's P_0 (the planes keep their TD_WIDE_ROW_BYTES rows of scratch).
 */
#define TD_WIDE_S2_ROW_WORDS 7
/**
 * Words between two output channels' blocks prepared at run time: up to 6 biases, 5 rows of 4 tap
 * words, multiplier, shift and rounding (td_wide_block_words).
 */
#define TD_WIDE_CHANNEL_WORDS 32

#if TD_KERNELS_DSP
int32_t td_depthwise_conv2d_s8_wide_get_buffer_size(const td_dims *input_dims, const td_dims *filter_dims)
{
    return 4 * TD_WIDE_ROW_BYTES * (input_dims->h + filter_dims->h - 1) + 4 * 4 * TD_WIDE_CHANNEL_WORDS;
}
#endif

#if TD_KERNELS_DSP

/** The loops with assembly: 5x5 stride 1 (four outputs a step), 5x5 stride 2 (two), 3x3 stride 1 (four). */
enum { TD_WIDE_SCALAR = 0, TD_WIDE_5X5_S1 = 1, TD_WIDE_5X5_S2 = 2, TD_WIDE_3X3_S1 = 3, TD_WIDE_3X3_X6 = 4, TD_WIDE_3X3_S2 = 5 };

/**
 * What the assembly reads (offsets fixed there; it copies the job onto its stack and keeps
 * `cursor` and `end` there): one output channel over every output row.
 */
typedef struct {
    const td_word *in;    /* 0: the channel's plane at output row 0's first plane row */
    const td_word *block; /* 4: the channel's prepared biases, taps and requantization */
    int8_t *cursor;       /* 8: the next output (advanced by the assembly) */
    int32_t out_c;        /* 12: bytes between output pixels */
    int32_t stop;         /* 16: `end` after the last row (its address plus rows * in_step) */
    int32_t in_step;      /* 20: bytes between output rows' first plane rows (stride_h * TD_WIDE_ROW_BYTES) */
    int32_t out_gap;      /* 24: bytes from the output after a row's last step to the next row's first output */
    int32_t in_gap;       /* 28: in_step less the bytes the plane pointer moves over a row's steps (3x3 stride 2: the cursor's move from a row's last step to the next row) */
    int32_t low;          /* 32: activation.min */
    int32_t high;         /* 36: activation.max */
    int32_t span;         /* 40: bytes the plane pointer moves over a row's steps (> 0) */
    int32_t end;          /* 44: the assembly's */
    /* Read by the 3x3 stride-2 entries only: */
    int32_t channels;     /* 48: channels run one after the other (1, or a block's four with the generator's blocks) */
    int32_t block_bytes;  /* 52: bytes between two channels' blocks */
    int32_t plane_next;   /* 56: bytes from a channel's plane pointer after its last row to the next channel's first */
    int32_t cursor_next;  /* 60: bytes from a channel's cursor after its last row to the next channel's first output */
} td_wide_job;

#if TD_DSP_ASM
/* The head of each of the kernel's assembly functions: a section of its own (a model links only what it calls). */
#define TD_WIDE_ASM_FUNCTION(name)                                                                 \
    ".section .text." name ",\"ax\",%progbits\n\t"                                                 \
    ".syntax unified\n\t"                                                                          \
    ".thumb\n\t"                                                                                   \
    ".p2align 2\n\t"                                                                               \
    ".global " name "\n\t"                                                                         \
    ".thumb_func\n\t"                                                                              \
    ".type " name ", %function\n" name ":\n\t"
/* The end of one of the kernel's assembly functions. */
#define TD_WIDE_ASM_END_FUNCTION(name) ".size " name ", . - " name "\n\t" ".text"
/* The registers saved and the job (12 words at r0) copied to [sp, #0..47]. */
#define TD_WIDE_ASM_FRAME                                                                          \
    "push    {r4-r11, lr}\n\t"                                                                     \
    "sub     sp, sp, #48\n\t"                                                                      \
    "ldm     r0, {r1-r12}\n\t"                                                                     \
    "stm     sp, {r1-r12}\n\t"
/* Back from the 48-byte frame. */
#define TD_WIDE_ASM_RETURN                                                                         \
    "add     sp, sp, #48\n\t"                                                                      \
    "pop     {r4-r11, pc}\n\t"
/* A row done: the plane pointer on by `advance` bytes, and the next row unless it is [sp, #44] (the last row's end). */
#define TD_WIDE_ASM_ROW_LOOP(advance) TD_WIDE_ASM_ROW_LOOP_BY("add     lr, lr, #" advance "\n\t")
/* The same with the plane pointer moved by an instruction of the caller's. */
#define TD_WIDE_ASM_ROW_LOOP_BY(move)                                                              \
    move                                                                                           \
    "ldr     r4, [sp, #44]\n\t"                                                                    \
    "cmp     lr, r4\n\t"                                                                           \
    "bne     1b\n\t"
/*
 * Frame: the job copied to [sp, #0..47]; r12 the channel block, lr the plane pointer of the step.
 * Per output row: the step loop up to `end` (in + span on the first row), outputs at `cursor`;
 * then the plane pointer moves on by in_gap, `end` by in_step (the last row when it reaches `stop`)
 * and the cursor by out_gap (3x3 in steps of six: a whole row, out_gap 0).
 */
#define TD_WIDE_ASM_BEGIN(name)                                                                    \
    TD_WIDE_ASM_FUNCTION(name)                                                                     \
    TD_WIDE_ASM_FRAME                                                                              \
    "ldr     r12, [sp, #4]\n\t"                                                                    \
    "ldr     lr, [sp, #0]\n\t"                                                                     \
    "ldrd    r4, r5, [sp, #40]\n\t"                                                                \
    "add     r4, lr, r4\n\t"                                                                       \
    "str     r4, [sp, #44]\n"                                                                       \
    "1:\n\t"
/* Per row: the step loop up to `end`; then the plane pointer, `end` and the cursor move on by the row's gaps. */
#define TD_WIDE_ASM_END(name) TD_WIDE_ASM_END_BY(name, "8", TD_WIDE_ASM_NEXT_CURSOR)
/* The cursor past a row's last step to the next row's first output (out_gap, r6). */
#define TD_WIDE_ASM_NEXT_CURSOR                                                                    \
    "ldr     r5, [sp, #8]\n\t"                                                                     \
    "add     r5, r5, r6\n\t"                                                                       \
    "str     r5, [sp, #8]\n\t"
#define TD_WIDE_ASM_END_BY(name, advance, next_cursor)                                             \
    TD_WIDE_ASM_ROW_LOOP(advance)                                                                  \
    "ldrd    r5, r6, [sp, #20]\n\t"                                                                \
    "add     r4, r4, r5\n\t"                                                                       \
    "ldr     r5, [sp, #16]\n\t"                                                                    \
    "cmp     r4, r5\n\t"                                                                           \
    "beq     3f\n\t"                                                                               \
    "str     r4, [sp, #44]\n\t"                                                                    \
    "ldr     r5, [sp, #28]\n\t"                                                                    \
    "add     lr, lr, r5\n\t"                                                                       \
    next_cursor                                                                                    \
    "b       1b\n"                                                                                  \
    "3:\n\t"                                                                                       \
    TD_WIDE_ASM_RETURN                                                                             \
    TD_WIDE_ASM_END_FUNCTION(name)
/* Requantization of one doubled sum (multiplier r8, shift r9, rounding r10, scratch r4). */
#define TD_WIDE_ASM_REQUANT(acc)                                                                   \
    "add     r4, r10, " acc ", asr #31\n\t"                                                        \
    "smmlar  " acc ", " acc ", r8, r4\n\t"                                                         \
    "asr     " acc ", " acc ", r9\n\t"                                                             \
    "ssat    " acc ", #8, " acc "\n\t"
/* The activation's bounds (r5, r6) on one output. */
#define TD_WIDE_ASM_CLAMP(acc)                                                                     \
    "cmp     " acc ", r5\n\t"                                                                      \
    "it      lt\n\t"                                                                               \
    "movlt   " acc ", r5\n\t"                                                                      \
    "cmp     " acc ", r6\n\t"                                                                      \
    "it      gt\n\t"                                                                               \
    "movgt   " acc ", r6\n\t"
#define TD_WIDE_ASM_BOUNDS "ldrd    r5, r6, [sp, #32]\n\t"
/* Four outputs r0-r3, out_c apart, at the cursor (advanced). */
#define TD_WIDE_ASM_STORE4                                                                         \
    "ldrd    r4, r5, [sp, #8]\n\t"                                                                 \
    "strb    r0, [r4]\n\t"                                                                         \
    "strb    r1, [r4, r5]\n\t"                                                                     \
    "add     r4, r4, r5, lsl #1\n\t"                                                               \
    "strb    r2, [r4]\n\t"                                                                         \
    "strb    r3, [r4, r5]\n\t"                                                                     \
    "add     r4, r4, r5, lsl #1\n\t"                                                               \
    "str     r4, [sp, #8]\n\t"
/*
 * A step's start: the channel's doubled folded bias (stored once per block) into r0, the first
 * accumulator. On a step's first filter row each other accumulator's first product adds onto r0
 * (TD_WIDE_ONTO_BIAS) before r0's own products do; the later rows add onto the accumulator itself
 * (TD_WIDE_ONTO_SELF). One LDR where an LDM of the bias repeated per output took as many
 * instructions (and its words of flash per channel).
 */
#define TD_WIDE_ASM_BIAS "ldr     r0, [r12], #4\n\t"
#define TD_WIDE_ONTO_BIAS(acc) "r0"
#define TD_WIDE_ONTO_SELF(acc) acc

/*
 * 5x5, stride 1: outputs 2j..2j+3 from pairs P_j..P_{j+3} (r4-r7) of a filter row and its tap
 * words W01, W23, W12, W34 (r8-r11):
 *   o0 = P_j.W01 + P_{j+1}.W23 + lo(P_{j+2}) hi(W34)    o1 = hi(P_j) lo(W01) + P_{j+1}.W12 + P_{j+2}.W34
 *   o2, o3: the same one pair on.
 */
#define TD_WIDE_ASM_ROW_5X5_S1(offset, offset8, onto)                                              \
    "ldrd    r4, r5, [lr, #" offset "]\n\t"                                                        \
    "ldrd    r6, r7, [lr, #" offset8 "]\n\t"                                                       \
    "ldm     r12!, {r8-r11}\n\t"                                                                   \
    "smlatb  r3, r5, r8, " onto("r3") "\n\t"                                                       \
    "smlad   r3, r6, r10, r3\n\t"                                                                  \
    "smlad   r3, r7, r11, r3\n\t"                                                                  \
    "smlad   r2, r5, r8, " onto("r2") "\n\t"                                                       \
    "smlad   r2, r6, r9, r2\n\t"                                                                   \
    "smlabt  r2, r7, r11, r2\n\t"                                                                  \
    "smlatb  r1, r4, r8, " onto("r1") "\n\t"                                                       \
    "smlad   r1, r5, r10, r1\n\t"                                                                  \
    "smlad   r1, r6, r11, r1\n\t"                                                                  \
    "smlad   r0, r4, r8, r0\n\t"                                                                   \
    "smlad   r0, r5, r9, r0\n\t"                                                                   \
    "smlabt  r0, r6, r11, r0\n\t"
#define TD_WIDE_ASM_5X5_S1(name, clamp)                                                            \
    TD_WIDE_ASM_BEGIN(name)                                                                        \
    TD_WIDE_ASM_BIAS                                                                               \
    TD_WIDE_ASM_ROW_5X5_S1("0", "8", TD_WIDE_ONTO_BIAS)                                            \
    TD_WIDE_ASM_ROW_5X5_S1("64", "72", TD_WIDE_ONTO_SELF)                                          \
    TD_WIDE_ASM_ROW_5X5_S1("128", "136", TD_WIDE_ONTO_SELF)                                        \
    TD_WIDE_ASM_ROW_5X5_S1("192", "200", TD_WIDE_ONTO_SELF)                                        \
    TD_WIDE_ASM_ROW_5X5_S1("256", "264", TD_WIDE_ONTO_SELF)                                        \
    "ldm     r12, {r8-r10}\n\t"                                                                    \
    "sub     r12, r12, #84\n\t"                                                                    \
    TD_WIDE_ASM_REQUANT("r0") TD_WIDE_ASM_REQUANT("r1") TD_WIDE_ASM_REQUANT("r2") TD_WIDE_ASM_REQUANT("r3") \
    clamp                                                                                          \
    TD_WIDE_ASM_STORE4                                                                             \
    TD_WIDE_ASM_END(name)

/*
 * 5x5, stride 2: outputs q, q+1 from pairs P_{2q}..P_{2q+3} (r4-r7) and tap words W01, W23,
 * W4 = (w4, 0) (r8-r10): o0 = P_{2q}.W01 + P_{2q+1}.W23 + lo(P_{2q+2}) w4, o1 one pair on.
 */
#define TD_WIDE_ASM_ROW_5X5_S2(offset, offset8, onto)                                              \
    "ldrd    r4, r5, [lr, #" offset "]\n\t"                                                        \
    "ldrd    r6, r7, [lr, #" offset8 "]\n\t"                                                       \
    "ldm     r12!, {r8-r10}\n\t"                                                                   \
    "smlad   r1, r5, r8, " onto("r1") "\n\t"                                                       \
    "smlad   r1, r6, r9, r1\n\t"                                                                   \
    "smlabb  r1, r7, r10, r1\n\t"                                                                  \
    "smlad   r0, r4, r8, r0\n\t"                                                                   \
    "smlad   r0, r5, r9, r0\n\t"                                                                   \
    "smlabb  r0, r6, r10, r0\n\t"
#define TD_WIDE_ASM_5X5_S2(name, clamp)                                                            \
    TD_WIDE_ASM_BEGIN(name)                                                                        \
    "ldrd    r11, r3, [sp, #8]\n\t"                                                                \
    "mov     r2, r4\n"                                                                              \
    "4:\n\t"                                                                                       \
    TD_WIDE_ASM_BIAS                                                                               \
    TD_WIDE_ASM_ROW_5X5_S2("0", "8", TD_WIDE_ONTO_BIAS)                                            \
    TD_WIDE_ASM_ROW_5X5_S2("64", "72", TD_WIDE_ONTO_SELF)                                          \
    TD_WIDE_ASM_ROW_5X5_S2("128", "136", TD_WIDE_ONTO_SELF)                                        \
    TD_WIDE_ASM_ROW_5X5_S2("192", "200", TD_WIDE_ONTO_SELF)                                        \
    TD_WIDE_ASM_ROW_5X5_S2("256", "264", TD_WIDE_ONTO_SELF)                                        \
    "ldm     r12, {r8-r10}\n\t"                                                                    \
    "sub     r12, r12, #64\n\t"                                                                    \
    TD_WIDE_ASM_REQUANT("r0") TD_WIDE_ASM_REQUANT("r1")                                            \
    clamp                                                                                          \
    "strb    r0, [r11]\n\t"                                                                        \
    "strb    r1, [r11, r3]\n\t"                                                                    \
    "add     r11, r11, r3, lsl #1\n\t"                                                             \
    "add     lr, lr, #8\n\t"                                                                       \
    "cmp     lr, r2\n\t"                                                                           \
    "bne     4b\n\t"                                                                               \
    "ldrd    r5, r6, [sp, #20]\n\t"                                                                \
    "add     r2, r2, r5\n\t"                                                                       \
    "ldr     r5, [sp, #16]\n\t"                                                                    \
    "cmp     r2, r5\n\t"                                                                           \
    "beq     3f\n\t"                                                                               \
    "add     r11, r11, r6\n\t"                                                                     \
    "ldr     r5, [sp, #28]\n\t"                                                                    \
    "add     lr, lr, r5\n\t"                                                                       \
    "b       4b\n"                                                                                  \
    "3:\n\t"                                                                                       \
    TD_WIDE_ASM_RETURN                                                                             \
    TD_WIDE_ASM_END_FUNCTION(name)

/*
 * 3x3, stride 1: outputs 2j..2j+3 from pairs P_j..P_{j+2} (r4-r6) and tap words W01, W12 (r8, r9):
 *   o0 = P_j.W01 + lo(P_{j+1}) hi(W12)    o1 = hi(P_j) lo(W01) + P_{j+1}.W12, o2, o3 one pair on.
 */
#define TD_WIDE_ASM_ROW_3X3_S1(offset, offset8, onto)                                              \
    "ldrd    r4, r5, [lr, #" offset "]\n\t"                                                        \
    "ldr     r6, [lr, #" offset8 "]\n\t"                                                           \
    "ldm     r12!, {r8, r9}\n\t"                                                                   \
    "smlatb  r3, r5, r8, " onto("r3") "\n\t"                                                       \
    "smlad   r3, r6, r9, r3\n\t"                                                                   \
    "smlad   r2, r5, r8, " onto("r2") "\n\t"                                                       \
    "smlabt  r2, r6, r9, r2\n\t"                                                                   \
    "smlatb  r1, r4, r8, " onto("r1") "\n\t"                                                       \
    "smlad   r1, r5, r9, r1\n\t"                                                                   \
    "smlad   r0, r4, r8, r0\n\t"                                                                   \
    "smlabt  r0, r5, r9, r0\n\t"
#define TD_WIDE_ASM_3X3_S1(name, clamp)                                                            \
    TD_WIDE_ASM_BEGIN(name)                                                                        \
    TD_WIDE_ASM_BIAS                                                                               \
    TD_WIDE_ASM_ROW_3X3_S1("0", "8", TD_WIDE_ONTO_BIAS)                                            \
    TD_WIDE_ASM_ROW_3X3_S1("64", "72", TD_WIDE_ONTO_SELF)                                          \
    TD_WIDE_ASM_ROW_3X3_S1("128", "136", TD_WIDE_ONTO_SELF)                                        \
    "ldm     r12, {r8-r10}\n\t"                                                                    \
    "sub     r12, r12, #28\n\t"                                                                    \
    TD_WIDE_ASM_REQUANT("r0") TD_WIDE_ASM_REQUANT("r1") TD_WIDE_ASM_REQUANT("r2") TD_WIDE_ASM_REQUANT("r3") \
    clamp                                                                                          \
    TD_WIDE_ASM_STORE4                                                                             \
    TD_WIDE_ASM_END(name)

/*
 * 3x3, stride 1, six outputs a step: outputs 2j..2j+5 from pairs P_j..P_{j+3} (r6-r9) and tap
 * words W01, W12 (r10, r11), as TD_WIDE_ASM_ROW_3X3_S1 one and two pairs on; accumulators r0-r5.
 */
#define TD_WIDE_ASM_ROW_3X3_X6(offset, offset8, onto)                                              \
    "ldrd    r6, r7, [lr, #" offset "]\n\t"                                                        \
    "ldrd    r8, r9, [lr, #" offset8 "]\n\t"                                                       \
    "ldm     r12!, {r10, r11}\n\t"                                                                 \
    "smlatb  r5, r8, r10, " onto("r5") "\n\t"                                                      \
    "smlad   r5, r9, r11, r5\n\t"                                                                  \
    "smlad   r4, r8, r10, " onto("r4") "\n\t"                                                      \
    "smlabt  r4, r9, r11, r4\n\t"                                                                  \
    "smlatb  r3, r7, r10, " onto("r3") "\n\t"                                                      \
    "smlad   r3, r8, r11, r3\n\t"                                                                  \
    "smlad   r2, r7, r10, " onto("r2") "\n\t"                                                      \
    "smlabt  r2, r8, r11, r2\n\t"                                                                  \
    "smlatb  r1, r6, r10, " onto("r1") "\n\t"                                                      \
    "smlad   r1, r7, r11, r1\n\t"                                                                  \
    "smlad   r0, r6, r10, r0\n\t"                                                                  \
    "smlabt  r0, r7, r11, r0\n\t"
/* Requantization with the multiplier in r6, shift r7, rounding r8, scratch r9. */
#define TD_WIDE_ASM_REQUANT_X6(acc)                                                                \
    "add     r9, r8, " acc ", asr #31\n\t"                                                          \
    "smmlar  " acc ", " acc ", r6, r9\n\t"                                                          \
    "asr     " acc ", " acc ", r7\n\t"                                                              \
    "ssat    " acc ", #8, " acc "\n\t"
#define TD_WIDE_ASM_CLAMP_X6(acc)                                                                  \
    "cmp     " acc ", r10\n\t"                                                                      \
    "it      lt\n\t"                                                                                \
    "movlt   " acc ", r10\n\t"                                                                      \
    "cmp     " acc ", r11\n\t"                                                                      \
    "it      gt\n\t"                                                                                \
    "movgt   " acc ", r11\n\t"
#define TD_WIDE_ASM_CLAMP6                                                                         \
    "ldrd    r10, r11, [sp, #32]\n\t"                                                               \
    TD_WIDE_ASM_CLAMP_X6("r0") TD_WIDE_ASM_CLAMP_X6("r1") TD_WIDE_ASM_CLAMP_X6("r2")                  \
    TD_WIDE_ASM_CLAMP_X6("r3") TD_WIDE_ASM_CLAMP_X6("r4") TD_WIDE_ASM_CLAMP_X6("r5")
/* One step of six outputs at the plane pointer plus o (rows at o, o + 64, o + 128; o8 = o + 8 ...). */
#define TD_WIDE_ASM_STEP_X6(clamp, o0, o8, o64, o72, o128, o136)                                   \
    TD_WIDE_ASM_BIAS                                                                               \
    TD_WIDE_ASM_ROW_3X3_X6(o0, o8, TD_WIDE_ONTO_BIAS)                                              \
    TD_WIDE_ASM_ROW_3X3_X6(o64, o72, TD_WIDE_ONTO_SELF)                                            \
    TD_WIDE_ASM_ROW_3X3_X6(o128, o136, TD_WIDE_ONTO_SELF)                                          \
    "ldm     r12, {r6-r8}\n\t"                                                                     \
    "sub     r12, r12, #28\n\t"                                                                    \
    TD_WIDE_ASM_REQUANT_X6("r0") TD_WIDE_ASM_REQUANT_X6("r1") TD_WIDE_ASM_REQUANT_X6("r2")           \
    TD_WIDE_ASM_REQUANT_X6("r3") TD_WIDE_ASM_REQUANT_X6("r4") TD_WIDE_ASM_REQUANT_X6("r5")           \
    clamp                                                                                          \
    "ldrd    r6, r7, [sp, #8]\n\t"                                                                 \
    "strb    r0, [r6]\n\t"                                                                         \
    "strb    r1, [r6, r7]\n\t"                                                                     \
    "add     r6, r6, r7, lsl #1\n\t"                                                               \
    "strb    r2, [r6]\n\t"                                                                         \
    "strb    r3, [r6, r7]\n\t"                                                                     \
    "add     r6, r6, r7, lsl #1\n\t"                                                               \
    "strb    r4, [r6]\n\t"                                                                         \
    "strb    r5, [r6, r7]\n\t"                                                                     \
    "add     r6, r6, r7, lsl #1\n\t"                                                               \
    "str     r6, [sp, #8]\n\t"
#define TD_WIDE_ASM_3X3_X6(name, clamp)                                                            \
    TD_WIDE_ASM_BEGIN(name)                                                                        \
    TD_WIDE_ASM_STEP_X6(clamp, "0", "8", "64", "72", "128", "136")                                 \
    TD_WIDE_ASM_END_BY(name, "12", "")
/*
 * 3x3, stride 1, rows of two steps of six (12 outputs): the row's steps unrolled, the plane pointer
 * at the row's first pair and on by a plane row per output row, so a row costs no step loop and no
 * row end. In the frame: [sp, #44] the plane pointer after the last row (stop - span).
 */
#define TD_WIDE_ASM_3X3_ROWS(name, clamp)                                                          \
    TD_WIDE_ASM_FUNCTION(name)                                                                     \
    TD_WIDE_ASM_FRAME                                                                              \
    "ldrd    lr, r12, [sp, #0]\n\t"                                                                \
    "ldr     r4, [sp, #16]\n\t"                                                                    \
    "sub     r4, r4, #24\n\t"                                                                      \
    "str     r4, [sp, #44]\n"                                                                       \
    "1:\n\t"                                                                                       \
    TD_WIDE_ASM_STEP_X6(clamp, "0", "8", "64", "72", "128", "136")                                 \
    TD_WIDE_ASM_STEP_X6(clamp, "12", "20", "76", "84", "140", "148")                               \
    TD_WIDE_ASM_ROW_LOOP("64")                                                                     \
    TD_WIDE_ASM_RETURN                                                                             \
    TD_WIDE_ASM_END_FUNCTION(name)

/*
 * 3x3, stride 1, rows of one step of six (6 outputs): as TD_WIDE_ASM_3X3_ROWS with one step a row
 * (each entry its own loop: no test for a second step, two instructions a row). In the frame:
 * [sp, #44] the plane pointer after the last row.
 */
#define TD_WIDE_ASM_3X3_ROW1(name, clamp)                                                          \
    TD_WIDE_ASM_FUNCTION(name)                                                                     \
    TD_WIDE_ASM_FRAME                                                                              \
    "ldrd    lr, r12, [sp, #0]\n\t"                                                                \
    "ldr     r4, [sp, #16]\n\t"                                                                    \
    "sub     r4, r4, #12\n\t"                                                                      \
    "str     r4, [sp, #44]\n"                                                                       \
    "1:\n\t"                                                                                       \
    TD_WIDE_ASM_STEP_X6(clamp, "0", "8", "64", "72", "128", "136")                                 \
    TD_WIDE_ASM_ROW_LOOP("64")                                                                     \
    TD_WIDE_ASM_RETURN                                                                             \
    TD_WIDE_ASM_END_FUNCTION(name)

/*
 * 3x3, stride 2: output x takes positions 2x..2x+2, that is P_x.W01 + lo(P_{x+1}) w2 (tap words
 * W01 = (w0, w1) in r10, W2 = (w2, 0) in r11). Six outputs x..x+5 a step from pairs P_x..P_{x+6} of
 * a filter row: P_x..P_{x+3} (r6-r9) by one LDM that moves the plane pointer on by four pairs, for
 * outputs x..x+2, then P_{x+4}..P_{x+6} into r6-r8 by a second (P_{x+3} stays in r9) for x+3..x+5,
 * and the row's tap words by one LDRD from the frame ([sp, #taps]); `next` moves the pointer to the
 * next filter row's P_x: three loads and twelve SMLAD / SMLABB for 18 MACs. On a step's first filter
 * row r5 holds the bias, onto which the other accumulators' first products add (TD_WIDE_ONTO_R5)
 * before r5's own products do (output x+5's pairs come last, from the second LDM).
 */
#define TD_WIDE_ONTO_R5(acc) "r5"
#define TD_WIDE_ASM_ROW_3X3_S2(taps, onto, next) TD_WIDE_ASM_ROW_3X3_S2_BY(taps, onto, "ldm     lr, {r6-r8}\n\t", next)
/* The same with the second LDM `second` (with write-back over plane rows back to back). */
#define TD_WIDE_ASM_ROW_3X3_S2_BY(taps, onto, second, next)                                        \
    "ldm     lr!, {r6-r9}\n\t"                                                                      \
    "ldrd    r10, r11, [sp, #" taps "]\n\t"                                                         \
    "smlad   r0, r6, r10, " onto("r0") "\n\t"                                                       \
    "smlabb  r0, r7, r11, r0\n\t"                                                                  \
    "smlad   r1, r7, r10, " onto("r1") "\n\t"                                                       \
    "smlabb  r1, r8, r11, r1\n\t"                                                                  \
    "smlad   r2, r8, r10, " onto("r2") "\n\t"                                                       \
    "smlabb  r2, r9, r11, r2\n\t"                                                                  \
    second                                                                                         \
    "smlad   r3, r9, r10, " onto("r3") "\n\t"                                                       \
    "smlabb  r3, r6, r11, r3\n\t"                                                                  \
    "smlad   r4, r6, r10, " onto("r4") "\n\t"                                                       \
    "smlabb  r4, r7, r11, r4\n\t"                                                                  \
    "smlad   r5, r7, r10, r5\n\t"                                                                  \
    "smlabb  r5, r8, r11, r5\n\t"                                                                  \
    next
/*
 * One step of six outputs from the plane pointer (filter rows a plane row apart): the bias (one LDR),
 * three filter rows (47), then from the frame in one LDM the multiplier (r6), the way back (r7), the
 * rounding (r8), the channel's requantization (r9: TD_WIDE_ASM_S2_REQUANT for its right shift, which
 * SSAT applies: no ASR) and out_c, 3 * out_c (r10, r11); `back`, if any, sets another way back (the label
 * `label` follows the jump); then `store`. The pointer ends 144 bytes on (the third filter row's P_{x+4}).
 * 50 instructions and the requantization's 19 where the ASR in line took 73.
 */
#define TD_WIDE_ASM_STEP_3X3_S2(back, label, store)                                                \
    "ldr     r5, [sp, #24]\n\t"                                                                    \
    TD_WIDE_ASM_ROW_3X3_S2("28", TD_WIDE_ONTO_R5, "add     lr, lr, #48\n\t")                        \
    TD_WIDE_ASM_ROW_3X3_S2("36", TD_WIDE_ONTO_SELF, "add     lr, lr, #48\n\t")                      \
    TD_WIDE_ASM_ROW_3X3_S2("44", TD_WIDE_ONTO_SELF, "")                                            \
    TD_WIDE_ASM_STEP_3X3_S2_END(back, label, store)
/*
 * The same over plane rows back to back (TD_WIDE_S2_ROW_WORDS: a row's seven pairs): each filter row's two
 * LDM with write-back leave the pointer at the next one's P_x (no ADD), 84 bytes on at the step's end.
 */
#define TD_WIDE_ASM_STEP_3X3_S2_PACKED(back, label, store)                                         \
    "ldr     r5, [sp, #24]\n\t"                                                                    \
    TD_WIDE_ASM_ROW_3X3_S2_BY("28", TD_WIDE_ONTO_R5, "ldm     lr!, {r6-r8}\n\t", "")                \
    TD_WIDE_ASM_ROW_3X3_S2_BY("36", TD_WIDE_ONTO_SELF, "ldm     lr!, {r6-r8}\n\t", "")              \
    TD_WIDE_ASM_ROW_3X3_S2_BY("44", TD_WIDE_ONTO_SELF, "ldm     lr!, {r6-r8}\n\t", "")              \
    TD_WIDE_ASM_STEP_3X3_S2_END(back, label, store)
/* A step's requantization (through the channel's piece) and `store`. */
#define TD_WIDE_ASM_STEP_3X3_S2_END(back, label, store)                                            \
    "ldm     sp, {r6-r11}\n\t"                                                                     \
    back                                                                                           \
    "mov     pc, r9\n"                                                                              \
    label ":\n\t"                                                                                  \
    store
/* Step 0 of a row of two: back to the label 2 after the jump (the frame's way back is the row's second step's). */
#define TD_WIDE_ASM_BACK_2 "adr.w   r7, 2f\n\t"
/*
 * The requantization of a step's six sums r0-r5 for one right shift (1-21), SSAT's own ASR #shift
 * (multiplier r6, rounding r8, scratch r9), then back to r7: 19 instructions. Every right shift has its
 * piece, TD_WIDE_ASM_S2_REQUANT(shift), and td_wide_s2_requant (words 0-21) their addresses, so that a
 * channel's requantization is one word of its frame (TD_WIDE_ASM_S2_CHANNEL); the stride-2 entries share
 * them (1.6 KB, where each step's requantization in line took 96 bytes).
 */
#define TD_WIDE_ASM_REQUANT_IMM(acc, shift)                                                        \
    "add     r9, r8, " acc ", asr #31\n\t"                                                          \
    "smmlar  " acc ", " acc ", r6, r9\n\t"                                                          \
    "ssat    " acc ", #8, " acc ", asr #" shift "\n\t"
#define TD_WIDE_ASM_S2_REQUANT(shift)                                                              \
    ".Ltd_wide_s2_requant" shift ":\n\t"                                                           \
    TD_WIDE_ASM_REQUANT_IMM("r0", shift) TD_WIDE_ASM_REQUANT_IMM("r1", shift)                      \
    TD_WIDE_ASM_REQUANT_IMM("r2", shift) TD_WIDE_ASM_REQUANT_IMM("r3", shift)                      \
    TD_WIDE_ASM_REQUANT_IMM("r4", shift) TD_WIDE_ASM_REQUANT_IMM("r5", shift)                      \
    "mov     pc, r7\n\t"
#define TD_WIDE_ASM_S2_REQUANT_WORD(shift) ".word   .Ltd_wide_s2_requant" shift "\n\t"
/*
 * Six outputs r0-r5, out_c (r10) apart, at the cursor (r12, kept in its register through the channel):
 * the offsets out_c, 2 * out_c and 3 * out_c (r11) from the cursor, then from the cursor moved on by four
 * pixels; `end` moves it on past the sixth (TD_WIDE_ASM_STEP_END, or a row's end TD_WIDE_ASM_ROW_END):
 * 8 instructions (the cursor in the frame took 9, and a STR more at a row's end).
 */
#define TD_WIDE_ASM_STORE6(end)                                                                    \
    "strb    r0, [r12]\n\t"                                                                        \
    "strb    r1, [r12, r10]\n\t"                                                                   \
    "strb    r2, [r12, r10, lsl #1]\n\t"                                                           \
    "strb    r3, [r12, r11]\n\t"                                                                   \
    "add     r12, r12, r10, lsl #2\n\t"                                                            \
    "strb    r4, [r12]\n\t"                                                                        \
    "strb    r5, [r12, r10]\n\t"                                                                   \
    end
/* The cursor on past a step's six outputs (r10: out_c). */
#define TD_WIDE_ASM_STEP_END "add     r12, r12, r10, lsl #1\n\t"
/*
 * A row's end after its last step's stores: the cursor on to the next row's first output by [sp, #52]
 * (two pixels, and in bands the rest of the image's row), the plane pointer back by `back` bytes to the
 * next output row's first pair, and the next row unless the cursor is the channel's last ([sp, #56],
 * left in r9 for TD_WIDE_ASM_S2_NEXT_CHANNEL): 5 instructions.
 */
#define TD_WIDE_ASM_ROW_END(back)                                                                  \
    "ldrd    r8, r9, [sp, #52]\n\t"                                                                \
    "add     r12, r12, r8\n\t"                                                                     \
    "sub     lr, lr, #" back "\n\t"                                                                \
    "cmp     r12, r9\n\t"                                                                          \
    "bne     1b\n\t"
/*
 * The activation's bounds on six outputs four bytes at a time, then the stores: the bytes gathered
 * into r0 (outputs 0-3) and r4 (4, 5) by BFI, each bound by SSUB8 (GE where the byte is on the
 * right side) and SEL against the bound in every byte ([sp, #60] and [sp, #64], see
 * TD_WIDE_ASM_BYTE_BOUNDS), the bytes stored from r0 and r4 by STRB after LSR as TD_WIDE_ASM_STORE6:
 * 25 instructions where a compare and a conditional move per bound and output take 36.
 */
#define TD_WIDE_ASM_CLAMP_STORE6(end)                                                              \
    "bfi     r0, r1, #8, #8\n\t"                                                                   \
    "bfi     r0, r2, #16, #8\n\t"                                                                  \
    "bfi     r0, r3, #24, #8\n\t"                                                                  \
    "bfi     r4, r5, #8, #8\n\t"                                                                   \
    "ldrd    r6, r7, [sp, #60]\n\t"                                                                \
    "ssub8   r9, r0, r6\n\t"                                                                       \
    "sel     r0, r0, r6\n\t"                                                                       \
    "ssub8   r9, r4, r6\n\t"                                                                       \
    "sel     r4, r4, r6\n\t"                                                                       \
    "ssub8   r9, r7, r0\n\t"                                                                       \
    "sel     r0, r0, r7\n\t"                                                                       \
    "ssub8   r9, r7, r4\n\t"                                                                       \
    "sel     r4, r4, r7\n\t"                                                                       \
    "strb    r0, [r12]\n\t"                                                                        \
    "lsr     r1, r0, #8\n\t"                                                                       \
    "strb    r1, [r12, r10]\n\t"                                                                   \
    "lsr     r2, r0, #16\n\t"                                                                      \
    "strb    r2, [r12, r10, lsl #1]\n\t"                                                           \
    "lsr     r3, r0, #24\n\t"                                                                      \
    "strb    r3, [r12, r11]\n\t"                                                                   \
    "add     r12, r12, r10, lsl #2\n\t"                                                            \
    "strb    r4, [r12]\n\t"                                                                        \
    "lsr     r5, r4, #8\n\t"                                                                       \
    "strb    r5, [r12, r10]\n\t"                                                                   \
    end
/*
 * The stride-2 entries' frame (88 bytes), which a step reads at fixed offsets: [sp, #0..8] the channel's
 * multiplier, shift and rounding, [sp, #16] out_c, [sp, #20] 3 * out_c ([sp, #12] only fills the LDM's
 * scratch register), [sp, #24] the channel's doubled folded bias, [sp, #28..48] its tap words W01, W2 per
 * filter row (TD_WIDE_ASM_S2_CHANNEL copies them from its block); [sp, #52] the cursor's move at a row's
 * end past its last step's fourth output (in_gap less four pixels: two pixels, and in bands the rest of
 * the image's row), [sp, #56] the channel's
 * last cursor (its output bytes on from its first: the row loop's end), [sp, #60] and [sp, #64] the
 * activation's bounds in every byte (TD_WIDE_ASM_BYTE_BOUNDS, from r6 and r7 here), [sp, #68] the last
 * channel's last cursor (the channel loop's end), [sp, #72] the channel's block, [sp, #76] plane_next,
 * [sp, #80] cursor_next. lr the plane pointer, r12 the cursor.
 */
#define TD_WIDE_ASM_S2_FRAME                                                                       \
    "push    {r4-r11, lr}\n\t"                                                                      \
    "sub     sp, sp, #88\n\t"                                                                       \
    "ldm     r0, {r1-r4}\n\t"                                                                       \
    "ldr     r5, [r0, #28]\n\t"                                                                     \
    "ldr     r8, [r0, #48]\n\t"                                                                     \
    "ldrd    r9, r10, [r0, #56]\n\t"                                                                \
    "ldrd    r6, r7, [r0, #32]\n\t"                                                                 \
    "mov     lr, r1\n\t"                                                                            \
    "mov     r12, r3\n\t"                                                                           \
    "add     r11, r4, r4, lsl #1\n\t"                                                               \
    "strd    r4, r11, [sp, #16]\n\t"                                                                \
    "sub     r5, r5, r4, lsl #2\n\t"                                                                \
    "rsb     r1, r10, #1\n\t"                                                                       \
    "add     r1, r3, r1\n\t"                                                                        \
    "strd    r5, r1, [sp, #52]\n\t"                                                                 \
    "add     r1, r1, r8\n\t"                                                                        \
    "sub     r1, r1, #1\n\t"                                                                        \
    "strd    r1, r2, [sp, #68]\n\t"                                                                 \
    "strd    r9, r10, [sp, #76]\n\t"
/*
 * A channel's start: its bias, tap words, multiplier, the requantization of its right shift
 * (td_wide_s2_requant) and rounding (block words 5-14, the last of its six biases on) into the frame, and
 * the next channel's block (15 words on) kept: 10 instructions.
 */
#define TD_WIDE_ASM_S2_CHANNEL                                                                     \
    "ldr     r0, [sp, #72]\n\t"                                                                     \
    "add     r0, r0, #20\n\t"                                                                       \
    "ldm     r0!, {r1-r10}\n\t"                                                                     \
    "str     r0, [sp, #72]\n\t"                                                                     \
    "ldr     r11, =td_wide_s2_requant\n\t"                                                          \
    "ldr     r9, [r11, r9, lsl #2]\n\t"                                                             \
    "str     r8, [sp]\n\t"                                                                          \
    "strd    r10, r9, [sp, #8]\n\t"                                                                 \
    "add     r0, sp, #24\n\t"                                                                       \
    "stm     r0, {r1-r7}\n\t"
/*
 * A channel done (the cursor r12 at its last, r9): the next of the job's channels, its plane and first
 * output (plane_next, cursor_next) and its last cursor one byte on, or the return: 9 instructions and the
 * next channel's 7 where a call per channel takes about 35 (the caller's loop, the frame and the prologue).
 */
#define TD_WIDE_ASM_S2_NEXT_CHANNEL                                                                \
    "ldr     r4, [sp, #68]\n\t"                                                                     \
    "cmp     r9, r4\n\t"                                                                            \
    "beq     5f\n\t"                                                                                \
    "ldrd    r4, r5, [sp, #76]\n\t"                                                                 \
    "add     lr, lr, r4\n\t"                                                                        \
    "add     r12, r12, r5\n\t"                                                                      \
    "add     r9, r9, #1\n\t"                                                                        \
    "str     r9, [sp, #56]\n\t"                                                                     \
    "b       0b\n"                                                                                   \
    "5:\n\t"                                                                                        \
    "add     sp, sp, #88\n\t"                                                                       \
    "pop     {r4-r11, pc}\n\t"
/* The activation's bounds (r6, r7 from the frame's set-up) as their byte in every byte, for TD_WIDE_ASM_CLAMP_STORE6. */
#define TD_WIDE_ASM_BYTE_BOUNDS                                                                    \
    "uxtb    r6, r6\n\t"                                                                           \
    "orr     r6, r6, r6, lsl #8\n\t"                                                               \
    "orr     r6, r6, r6, lsl #16\n\t"                                                              \
    "uxtb    r7, r7\n\t"                                                                           \
    "orr     r7, r7, r7, lsl #8\n\t"                                                               \
    "orr     r7, r7, r7, lsl #16\n\t"                                                              \
    "strd    r6, r7, [sp, #60]\n\t"
/*
 * 3x3, stride 2, rows of two steps of six (12 outputs; 25 positions within the planes' 32): the plane
 * pointer on by two plane rows per output row (each step leaves it 144 bytes past its first pair), the
 * row's second step ending in TD_WIDE_ASM_ROW_END (4 instructions more than a step's end); then the
 * job's next channel (TD_WIDE_ASM_S2_NEXT_CHANNEL).
 */
#define TD_WIDE_ASM_3X3_S2(name, prepare, store)                                                   \
    TD_WIDE_ASM_FUNCTION(name)                                                                     \
    TD_WIDE_ASM_S2_FRAME                                                                           \
    prepare                                                                                        \
    "adr.w   r4, 3f\n\t"                                                                           \
    "str     r4, [sp, #4]\n"                                                                        \
    "0:\n\t"                                                                                       \
    TD_WIDE_ASM_S2_CHANNEL                                                                         \
    "1:\n\t"                                                                                       \
    TD_WIDE_ASM_STEP_3X3_S2(TD_WIDE_ASM_BACK_2, "2", store(TD_WIDE_ASM_STEP_END))                  \
    "sub     lr, lr, #120\n\t"                                                                     \
    TD_WIDE_ASM_STEP_3X3_S2("", "3", store(TD_WIDE_ASM_ROW_END("40")))                             \
    TD_WIDE_ASM_S2_NEXT_CHANNEL                                                                    \
    ".ltorg\n\t"                                                                                   \
    TD_WIDE_ASM_END_FUNCTION(name)
/*
 * 3x3, stride 2, rows of one step of six (6 outputs; 13 positions): as TD_WIDE_ASM_3X3_S2 with one
 * step a row (an entry of its own: no test for a second step), over plane rows back to back
 * (TD_WIDE_S2_ROW_WORDS; the step leaves the pointer 28 bytes past the next output row's first pair).
 */
#define TD_WIDE_ASM_3X3_S2_ROW1(name, prepare, store)                                              \
    TD_WIDE_ASM_FUNCTION(name)                                                                     \
    TD_WIDE_ASM_S2_FRAME                                                                           \
    prepare                                                                                        \
    "adr.w   r4, 3f\n\t"                                                                           \
    "str     r4, [sp, #4]\n"                                                                        \
    "0:\n\t"                                                                                       \
    TD_WIDE_ASM_S2_CHANNEL                                                                         \
    "1:\n\t"                                                                                       \
    TD_WIDE_ASM_STEP_3X3_S2_PACKED("", "3", store(TD_WIDE_ASM_ROW_END("28")))                      \
    TD_WIDE_ASM_S2_NEXT_CHANNEL                                                                    \
    ".ltorg\n\t"                                                                                   \
    TD_WIDE_ASM_END_FUNCTION(name)

#define TD_WIDE_ASM_CLAMP4                                                                         \
    TD_WIDE_ASM_BOUNDS TD_WIDE_ASM_CLAMP("r0") TD_WIDE_ASM_CLAMP("r1") TD_WIDE_ASM_CLAMP("r2") TD_WIDE_ASM_CLAMP("r3")
#define TD_WIDE_ASM_CLAMP2 TD_WIDE_ASM_BOUNDS TD_WIDE_ASM_CLAMP("r0") TD_WIDE_ASM_CLAMP("r1")

void td_wide_5x5_s1_full(td_wide_job *job);
void td_wide_5x5_s1_clamp(td_wide_job *job);
void td_wide_5x5_s2_full(td_wide_job *job);
void td_wide_5x5_s2_clamp(td_wide_job *job);
void td_wide_3x3_s1_full(td_wide_job *job);
void td_wide_3x3_s1_clamp(td_wide_job *job);
void td_wide_3x3_x6_full(td_wide_job *job);
void td_wide_3x3_x6_clamp(td_wide_job *job);
void td_wide_3x3_rows_full(td_wide_job *job);
void td_wide_3x3_rows_clamp(td_wide_job *job);
__asm__(TD_WIDE_ASM_5X5_S1("td_wide_5x5_s1_full", ""));
__asm__(TD_WIDE_ASM_5X5_S1("td_wide_5x5_s1_clamp", TD_WIDE_ASM_CLAMP4));
__asm__(TD_WIDE_ASM_5X5_S2("td_wide_5x5_s2_full", ""));
__asm__(TD_WIDE_ASM_5X5_S2("td_wide_5x5_s2_clamp", TD_WIDE_ASM_CLAMP2));
__asm__(TD_WIDE_ASM_3X3_S1("td_wide_3x3_s1_full", ""));
__asm__(TD_WIDE_ASM_3X3_S1("td_wide_3x3_s1_clamp", TD_WIDE_ASM_CLAMP4));
__asm__(TD_WIDE_ASM_3X3_X6("td_wide_3x3_x6_full", ""));
__asm__(TD_WIDE_ASM_3X3_X6("td_wide_3x3_x6_clamp", TD_WIDE_ASM_CLAMP6));
__asm__(TD_WIDE_ASM_3X3_ROWS("td_wide_3x3_rows_full", ""));
__asm__(TD_WIDE_ASM_3X3_ROWS("td_wide_3x3_rows_clamp", TD_WIDE_ASM_CLAMP6));
void td_wide_3x3_row1_full(td_wide_job *job);
void td_wide_3x3_row1_clamp(td_wide_job *job);
__asm__(TD_WIDE_ASM_3X3_ROW1("td_wide_3x3_row1_full", ""));
__asm__(TD_WIDE_ASM_3X3_ROW1("td_wide_3x3_row1_clamp", TD_WIDE_ASM_CLAMP6));
/* The stride-2 entries' requantization per right shift (TD_WIDE_ASM_S2_REQUANT) and their addresses. */
__asm__(".section .text.td_wide_s2_requant,\"ax\",%progbits\n\t"
        ".syntax unified\n\t"
        ".thumb\n\t"
        ".p2align 2\n\t"
        ".global td_wide_s2_requant\n\t"
        ".type td_wide_s2_requant, %object\n"
        "td_wide_s2_requant:\n\t"
        TD_WIDE_ASM_S2_REQUANT_WORD("1") TD_WIDE_ASM_S2_REQUANT_WORD("1") TD_WIDE_ASM_S2_REQUANT_WORD("2")
        TD_WIDE_ASM_S2_REQUANT_WORD("3") TD_WIDE_ASM_S2_REQUANT_WORD("4") TD_WIDE_ASM_S2_REQUANT_WORD("5")
        TD_WIDE_ASM_S2_REQUANT_WORD("6") TD_WIDE_ASM_S2_REQUANT_WORD("7") TD_WIDE_ASM_S2_REQUANT_WORD("8")
        TD_WIDE_ASM_S2_REQUANT_WORD("9") TD_WIDE_ASM_S2_REQUANT_WORD("10") TD_WIDE_ASM_S2_REQUANT_WORD("11")
        TD_WIDE_ASM_S2_REQUANT_WORD("12") TD_WIDE_ASM_S2_REQUANT_WORD("13") TD_WIDE_ASM_S2_REQUANT_WORD("14")
        TD_WIDE_ASM_S2_REQUANT_WORD("15") TD_WIDE_ASM_S2_REQUANT_WORD("16") TD_WIDE_ASM_S2_REQUANT_WORD("17")
        TD_WIDE_ASM_S2_REQUANT_WORD("18") TD_WIDE_ASM_S2_REQUANT_WORD("19") TD_WIDE_ASM_S2_REQUANT_WORD("20")
        TD_WIDE_ASM_S2_REQUANT_WORD("21")
        TD_WIDE_ASM_S2_REQUANT("1") TD_WIDE_ASM_S2_REQUANT("2") TD_WIDE_ASM_S2_REQUANT("3")
        TD_WIDE_ASM_S2_REQUANT("4") TD_WIDE_ASM_S2_REQUANT("5") TD_WIDE_ASM_S2_REQUANT("6")
        TD_WIDE_ASM_S2_REQUANT("7") TD_WIDE_ASM_S2_REQUANT("8") TD_WIDE_ASM_S2_REQUANT("9")
        TD_WIDE_ASM_S2_REQUANT("10") TD_WIDE_ASM_S2_REQUANT("11") TD_WIDE_ASM_S2_REQUANT("12")
        TD_WIDE_ASM_S2_REQUANT("13") TD_WIDE_ASM_S2_REQUANT("14") TD_WIDE_ASM_S2_REQUANT("15")
        TD_WIDE_ASM_S2_REQUANT("16") TD_WIDE_ASM_S2_REQUANT("17") TD_WIDE_ASM_S2_REQUANT("18")
        TD_WIDE_ASM_S2_REQUANT("19") TD_WIDE_ASM_S2_REQUANT("20") TD_WIDE_ASM_S2_REQUANT("21")
        ".size td_wide_s2_requant, . - td_wide_s2_requant\n\t"
        ".text");
void td_wide_3x3_s2_full(td_wide_job *job);
void td_wide_3x3_s2_clamp(td_wide_job *job);
__asm__(TD_WIDE_ASM_3X3_S2("td_wide_3x3_s2_full", "", TD_WIDE_ASM_STORE6));
__asm__(TD_WIDE_ASM_3X3_S2("td_wide_3x3_s2_clamp", TD_WIDE_ASM_BYTE_BOUNDS, TD_WIDE_ASM_CLAMP_STORE6));
void td_wide_3x3_s2_row1_full(td_wide_job *job);
void td_wide_3x3_s2_row1_clamp(td_wide_job *job);
__asm__(TD_WIDE_ASM_3X3_S2_ROW1("td_wide_3x3_s2_row1_full", "", TD_WIDE_ASM_STORE6));
__asm__(TD_WIDE_ASM_3X3_S2_ROW1("td_wide_3x3_s2_row1_clamp", TD_WIDE_ASM_BYTE_BOUNDS, TD_WIDE_ASM_CLAMP_STORE6));
#endif

/** Biases, then tap words per filter row, of each loop's block (multiplier, shift and rounding after them). */
static int32_t td_wide_biases(int32_t loop)
{
    return loop == TD_WIDE_3X3_S2 ? 6 : 1;
}

static int32_t td_wide_row_words(int32_t loop)
{
    return loop == TD_WIDE_5X5_S1 ? 4 : loop == TD_WIDE_5X5_S2 ? 3 : loop == TD_WIDE_SCALAR ? 0 : 2;
}

/** Outputs per assembly step of each loop (0: none, the scalar loop only). */
static int32_t td_wide_step(int32_t loop)
{
#if TD_DSP_ASM
    return loop == TD_WIDE_5X5_S2 ? 2 : loop == TD_WIDE_3X3_X6 || loop == TD_WIDE_3X3_S2 ? 6 : loop == TD_WIDE_SCALAR ? 0 : 4;
#else
    (void)loop;
    return 0;
#endif
}

/**
 * What td_wide_widen_rows reads (offsets fixed there; it copies the job onto its stack): input rows of
 * four channels into the four planes, a row's pairs in order from its first written one: the left
 * border's (pad, x = 0) if `left`, the pairs of two inside positions, the right border's (x = W - 1,
 * pad) if `right`. The first five fields are the loop's r0-r4 as they lie.
 */
typedef struct {
    const int8_t *row; /* 0: the first input row's channel `channel` of x = 0 */
    td_word *plane;    /* 4: plane 0's row of that input row */
    int32_t channels;  /* 8: bytes between input pixels */
    int32_t plane_bytes; /* 12: bytes between two planes */
    uint32_t zero;     /* 16: the input zero point in every byte (SXTB16 makes the padding's pair word) */
    int32_t rows;      /* 20: input rows (> 0) */
    int32_t start;     /* 24: bytes from a plane row to its first written pair */
    int32_t full;      /* 28: pairs of two inside positions */
    int32_t left;      /* 32: the left border's pair first */
    int32_t entry;     /* 36: bit 0 the right border's pair last; the row form above it (TD_WIDEN_ROWS4, TD_WIDEN_PAIRS6,
                          _PAIRS12, _PAIRS13, _PAIRS6_PACKED; 0: the general loop), with it the loop's table branch */
    int32_t source;    /* 40: bytes from the row to the first inside pair's first position */
    int32_t last;      /* 44: bytes from the row to x = W - 1 */
    int32_t row_bytes; /* 48: bytes between input rows */
    int32_t plane_row_bytes; /* 52: bytes between two plane rows (TD_WIDE_ROW_BYTES, or 28 for rows of one 3x3 stride-2 step) */
} td_widen_job;

#if TD_DSP_ASM

/*
 * Per pair (a, b) of input pixels: t = PKHTB(b, a) (channels 2, 3), a = PKHBT(a, b) (0, 1), the four
 * planes' pair words by SXTB16 / SXTB16 ROR 8, stored at r6 (planes 0, 1) and r7 (2, 3), p1 = r3
 * apart, both moved on by a word. Registers: r0 the input row, r1 plane 0's row, r2 channels,
 * r3 plane bytes, r4 the zero bytes; r8 the pair loop's source, r5 its end.
 */
#define TD_WIDEN_ASM_STORE(t, a)                                                                   \
    "sxtb16  r10, " t ", ror #8\n\t"                                                               \
    "str     r10, [r7, r3]\n\t"                                                                    \
    "sxtb16  r10, " t "\n\t"                                                                       \
    "str     r10, [r7], #4\n\t"                                                                    \
    "sxtb16  r10, " a ", ror #8\n\t"                                                               \
    "str     r10, [r6, r3]\n\t"                                                                    \
    "sxtb16  r10, " a "\n\t"                                                                       \
    "str     r10, [r6], #4\n\t"
/*
 * The pairs of two inside positions of a row (r5 of them, > 0; source r8): two pairs a step, one
 * first for an odd count. r0, r1 and r4 wait in the frame while they hold planes 1 and 3's pointers
 * and a second result, so each plane takes its two pair words in one STRD: 12 instructions a pair
 * (15 with a STR each).
 */
#define TD_WIDEN_ASM_PAIRS                                                                         \
    "strd    r0, r1, [sp, #56]\n\t"                                                                \
    "str     r4, [sp, #64]\n\t"                                                                    \
    "add     r0, r6, r3\n\t"                                                                       \
    "add     r1, r7, r3\n\t"                                                                       \
    "tst     r5, #1\n\t"                                                                           \
    "add     r5, r6, r5, lsl #2\n\t"                                                               \
    "beq     7f\n\t"                                                                               \
    "ldr     r9, [r8]\n\t"                                                                         \
    "ldr     r11, [r8, r2]\n\t"                                                                    \
    "add     r8, r8, r2, lsl #1\n\t"                                                               \
    "pkhtb   r12, r11, r9, asr #16\n\t"                                                            \
    "pkhbt   r9, r9, r11, lsl #16\n\t"                                                             \
    "sxtb16  r10, r12, ror #8\n\t"                                                                 \
    "str     r10, [r1], #4\n\t"                                                                    \
    "sxtb16  r10, r12\n\t"                                                                         \
    "str     r10, [r7], #4\n\t"                                                                    \
    "sxtb16  r10, r9, ror #8\n\t"                                                                  \
    "str     r10, [r0], #4\n\t"                                                                    \
    "sxtb16  r10, r9\n\t"                                                                          \
    "str     r10, [r6], #4\n\t"                                                                    \
    "cmp     r6, r5\n\t"                                                                           \
    "beq     6f\n"                                                                                  \
    "7:\n\t"                                                                                       \
    "ldr     r9, [r8]\n\t"                                                                         \
    "ldr     r10, [r8, r2]\n\t"                                                                    \
    "add     r8, r8, r2, lsl #1\n\t"                                                               \
    "ldr     r11, [r8]\n\t"                                                                        \
    "ldr     r12, [r8, r2]\n\t"                                                                    \
    "add     r8, r8, r2, lsl #1\n\t"                                                               \
    "pkhbt   lr, r9, r10, lsl #16\n\t"                                                             \
    "pkhtb   r10, r10, r9, asr #16\n\t"                                                            \
    "pkhbt   r9, r11, r12, lsl #16\n\t"                                                            \
    "pkhtb   r12, r12, r11, asr #16\n\t"                                                           \
    "sxtb16  r11, lr\n\t"                                                                          \
    "sxtb16  r4, r9\n\t"                                                                           \
    "strd    r11, r4, [r6], #8\n\t"                                                                \
    "sxtb16  r11, lr, ror #8\n\t"                                                                  \
    "sxtb16  r4, r9, ror #8\n\t"                                                                   \
    "strd    r11, r4, [r0], #8\n\t"                                                                \
    "sxtb16  r11, r10\n\t"                                                                         \
    "sxtb16  r4, r12\n\t"                                                                          \
    "strd    r11, r4, [r7], #8\n\t"                                                                \
    "sxtb16  r11, r10, ror #8\n\t"                                                                 \
    "sxtb16  r4, r12, ror #8\n\t"                                                                  \
    "strd    r11, r4, [r1], #8\n\t"                                                                \
    "cmp     r6, r5\n\t"                                                                           \
    "bne     7b\n"                                                                                  \
    "6:\n\t"                                                                                       \
    "ldrd    r0, r1, [sp, #56]\n\t"                                                                \
    "ldr     r4, [sp, #64]\n"
/*
 * Rows of four pairs (job.entry TD_WIDEN_ROWS4: an input 6 wide with one column of padding each side: the left
 * border's pair, two inside pairs, the right border's): the row unrolled, each plane's own pointer
 * taking its four pair words in two STRD (the second moving it on to the next plane row): 44
 * instructions a row where the general loop's set-up, border pairs and pair loop take about 80.
 * Entered with the job in r0-r12 as td_wide_widen_rows loads it (r5 rows, r6 start, r12 row bytes);
 * then r0 the input row, r2 channels, r4 the zero bytes, r7 the rows left, r1, r3, r5, r6 planes 0-3,
 * the input's move to the next row at [sp].
 */
#define TD_WIDEN_ASM_ROWS4                                                                         \
    "sub     r12, r12, r2, lsl #2\n\t"                                                             \
    "str     r12, [sp]\n\t"                                                                        \
    "mov     r7, r5\n\t"                                                                           \
    "mov     r8, r3\n\t"                                                                           \
    "add     r1, r1, r6\n\t"                                                                       \
    "add     r3, r1, r8\n\t"                                                                       \
    "add     r5, r3, r8\n\t"                                                                       \
    "add     r6, r5, r8\n\t"                                                                       \
    "10:\n\t"                                                                                      \
    "ldr     r8, [r0]\n\t"                                                                         \
    "ldr     r9, [r0, r2]\n\t"                                                                     \
    "ldr     r10, [r0, r2, lsl #1]\n\t"                                                            \
    "pkhbt   r11, r4, r8, lsl #16\n\t"                                                             \
    "pkhtb   r8, r8, r4, asr #16\n\t"                                                              \
    "pkhbt   r12, r9, r10, lsl #16\n\t"                                                            \
    "pkhtb   r9, r10, r9, asr #16\n\t"                                                             \
    "sxtb16  r10, r11\n\t"                                                                         \
    "sxtb16  lr, r12\n\t"                                                                          \
    "strd    r10, lr, [r1], #8\n\t"                                                                \
    "sxtb16  r10, r11, ror #8\n\t"                                                                 \
    "sxtb16  lr, r12, ror #8\n\t"                                                                  \
    "strd    r10, lr, [r3], #8\n\t"                                                                \
    "sxtb16  r10, r8\n\t"                                                                          \
    "sxtb16  lr, r9\n\t"                                                                           \
    "strd    r10, lr, [r5], #8\n\t"                                                                \
    "sxtb16  r10, r8, ror #8\n\t"                                                                  \
    "sxtb16  lr, r9, ror #8\n\t"                                                                   \
    "strd    r10, lr, [r6], #8\n\t"                                                                \
    "add     r0, r0, r2, lsl #1\n\t"                                                               \
    "ldr     r8, [r0, r2]\n\t"                                                                     \
    "ldr     r9, [r0, r2, lsl #1]\n\t"                                                             \
    "add     r0, r0, r2, lsl #1\n\t"                                                               \
    "ldr     r10, [r0, r2]\n\t"                                                                    \
    "pkhbt   r11, r8, r9, lsl #16\n\t"                                                             \
    "pkhtb   r8, r9, r8, asr #16\n\t"                                                              \
    "pkhbt   r12, r10, r4, lsl #16\n\t"                                                            \
    "pkhtb   r9, r4, r10, asr #16\n\t"                                                             \
    "sxtb16  r10, r11\n\t"                                                                         \
    "sxtb16  lr, r12\n\t"                                                                          \
    "strd    r10, lr, [r1], #56\n\t"                                                               \
    "sxtb16  r10, r11, ror #8\n\t"                                                                 \
    "sxtb16  lr, r12, ror #8\n\t"                                                                  \
    "strd    r10, lr, [r3], #56\n\t"                                                               \
    "sxtb16  r10, r8\n\t"                                                                          \
    "sxtb16  lr, r9\n\t"                                                                           \
    "strd    r10, lr, [r5], #56\n\t"                                                               \
    "sxtb16  r10, r8, ror #8\n\t"                                                                  \
    "sxtb16  lr, r9, ror #8\n\t"                                                                   \
    "strd    r10, lr, [r6], #56\n\t"                                                               \
    "ldr     r8, [sp]\n\t"                                                                         \
    "add     r0, r0, r8\n\t"                                                                       \
    "subs    r7, r7, #1\n\t"                                                                       \
    "bne     10b\n\t"
/*
 * Rows of 6, 12 or 13 inside pairs and no border pair (job.entry TD_WIDEN_PAIRS6, _PAIRS12, _PAIRS13: a
 * 3x3 stride-2 row of 6 or 12 outputs over an input 12 or 24 wide, or a band of a wider one, with no
 * padding on the left): the row unrolled four positions at a time (TD_WIDEN_ASM_QUAD: four LDR from the
 * input pointer with the channels and three times them as offsets, four PKH, eight SXTB16, each plane's two
 * pair words in one STRD), the last STRD of each plane moving its pointer on to the next plane row, so a
 * row costs 21 instructions per four positions and four more (the input's move to the next row, the row
 * count), where the general loop takes 12 per two positions and about 27 a row.
 * Entered with the job in r0-r12 as td_wide_widen_rows loads it; then r0 the input, r2 channels, r3
 * three times them, r6, r7, r1, r5 planes 0-3, r4 the rows left, the input's move to the next row at [sp].
 */
#define TD_WIDEN_ROWS4 1
#define TD_WIDEN_PAIRS6 2
#define TD_WIDEN_PAIRS12 3
#define TD_WIDEN_PAIRS13 4
/* Rows of 6 inside pairs TD_WIDE_S2_ROW_WORDS words apart (3x3 stride-2 rows of one step over an input 12 wide). */
#define TD_WIDEN_PAIRS6_PACKED 5
#define TD_WIDEN_ASM_QUAD(post)                                                                    \
    "ldr     r8, [r0]\n\t"                                                                          \
    "ldr     r9, [r0, r2]\n\t"                                                                      \
    "ldr     r10, [r0, r2, lsl #1]\n\t"                                                             \
    "ldr     r11, [r0, r3]\n\t"                                                                     \
    "add     r0, r0, r2, lsl #2\n\t"                                                                \
    "pkhbt   r12, r8, r9, lsl #16\n\t"                                                              \
    "pkhtb   r9, r9, r8, asr #16\n\t"                                                               \
    "pkhbt   r8, r10, r11, lsl #16\n\t"                                                             \
    "pkhtb   r11, r11, r10, asr #16\n\t"                                                            \
    "sxtb16  r10, r12\n\t"                                                                          \
    "sxtb16  lr, r8\n\t"                                                                            \
    "strd    r10, lr, [r6], #" post "\n\t"                                                          \
    "sxtb16  r10, r12, ror #8\n\t"                                                                  \
    "sxtb16  lr, r8, ror #8\n\t"                                                                    \
    "strd    r10, lr, [r7], #" post "\n\t"                                                          \
    "sxtb16  r10, r9\n\t"                                                                           \
    "sxtb16  lr, r11\n\t"                                                                           \
    "strd    r10, lr, [r1], #" post "\n\t"                                                          \
    "sxtb16  r10, r9, ror #8\n\t"                                                                   \
    "sxtb16  lr, r11, ror #8\n\t"                                                                   \
    "strd    r10, lr, [r5], #" post "\n\t"
/* Two positions of the same (one pair word per plane, a STR each). */
#define TD_WIDEN_ASM_PAIR(post)                                                                    \
    "ldr     r8, [r0]\n\t"                                                                          \
    "ldr     r9, [r0, r2]\n\t"                                                                      \
    "add     r0, r0, r2, lsl #1\n\t"                                                                \
    "pkhbt   r12, r8, r9, lsl #16\n\t"                                                              \
    "pkhtb   r9, r9, r8, asr #16\n\t"                                                               \
    "sxtb16  r10, r12\n\t"                                                                          \
    "str     r10, [r6], #" post "\n\t"                                                              \
    "sxtb16  r10, r12, ror #8\n\t"                                                                  \
    "str     r10, [r7], #" post "\n\t"                                                              \
    "sxtb16  r10, r9\n\t"                                                                           \
    "str     r10, [r1], #" post "\n\t"                                                              \
    "sxtb16  r10, r9, ror #8\n\t"                                                                   \
    "str     r10, [r5], #" post "\n\t"
/* The set-up of TD_WIDEN_ASM_QUAD's registers, then `row` (one row's quads) over every row. */
#define TD_WIDEN_ASM_FULL_ROWS(label, row)                                                         \
    "mul     r8, r7, r2\n\t"                                                                        \
    "sub     r12, r12, r8, lsl #1\n\t"                                                              \
    "str     r12, [sp]\n\t"                                                                         \
    "add     r0, r0, r10\n\t"                                                                       \
    "mov     r4, r5\n\t"                                                                            \
    "add     r6, r1, r6\n\t"                                                                        \
    "add     r7, r6, r3\n\t"                                                                        \
    "add     r1, r7, r3\n\t"                                                                        \
    "add     r5, r1, r3\n\t"                                                                        \
    "add     r3, r2, r2, lsl #1\n"                                                                   \
    label ":\n\t"                                                                                   \
    row                                                                                            \
    "ldr     r12, [sp]\n\t"                                                                         \
    "add     r0, r0, r12\n\t"                                                                       \
    "subs    r4, r4, #1\n\t"                                                                        \
    "bne     " label "b\n\t"                                                                        \
    "add     sp, sp, #72\n\t"                                                                       \
    "pop     {r4-r11, pc}\n"
void td_wide_widen_rows(const td_widen_job *job);
__asm__(".section .text.td_wide_widen_rows,\"ax\",%progbits\n\t"
        ".syntax unified\n\t"
        ".thumb\n\t"
        ".p2align 2\n\t"
        ".global td_wide_widen_rows\n\t"
        ".thumb_func\n\t"
        ".type td_wide_widen_rows, %function\n"
        "td_wide_widen_rows:\n\t"
        "push    {r4-r11, lr}\n\t"
        "sub     sp, sp, #72\n\t"
        "ldm     r0, {r0-r12, lr}\n\t"
        "stm     sp, {r0-r12, lr}\n\t"
        "tbh     [pc, r9, lsl #1]\n"
        "20:\n\t"
        ".hword  (1f - 20b) / 2\n\t"
        ".hword  (1f - 20b) / 2\n\t"
        ".hword  (1f - 20b) / 2\n\t"
        ".hword  (9f - 20b) / 2\n\t"
        ".hword  (11f - 20b) / 2\n\t"
        ".hword  (1f - 20b) / 2\n\t"
        ".hword  (13f - 20b) / 2\n\t"
        ".hword  (1f - 20b) / 2\n\t"
        ".hword  (14f - 20b) / 2\n\t"
        ".hword  (1f - 20b) / 2\n\t"
        ".hword  (17f - 20b) / 2\n"
        "1:\n\t"
        "ldr     r5, [sp, #24]\n\t"
        "add     r6, r1, r5\n\t"
        "add     r7, r6, r3, lsl #1\n\t"
        "ldr     r5, [sp, #32]\n\t"
        "cbz     r5, 2f\n\t"
        "ldr     r9, [r0]\n\t"
        "pkhtb   r11, r9, r4, asr #16\n\t"
        "pkhbt   r9, r4, r9, lsl #16\n\t"
        TD_WIDEN_ASM_STORE("r11", "r9")
        "2:\n\t"
        "ldr     r5, [sp, #28]\n\t"
        "cbnz    r5, 8f\n\t"
        "b       4f\n"
        "8:\n\t"
        "ldr     r8, [sp, #40]\n\t"
        "add     r8, r0, r8\n\t"
        TD_WIDEN_ASM_PAIRS
        "4:\n\t"
        "ldr     r5, [sp, #36]\n\t"
        "cbz     r5, 5f\n\t"
        "ldr     r8, [sp, #44]\n\t"
        "ldr     r9, [r0, r8]\n\t"
        "pkhtb   r11, r4, r9, asr #16\n\t"
        "pkhbt   r9, r9, r4, lsl #16\n\t"
        TD_WIDEN_ASM_STORE("r11", "r9")
        "5:\n\t"
        "ldrd    r8, r9, [sp, #48]\n\t"
        "add     r0, r0, r8\n\t"
        "add     r1, r1, r9\n\t"
        "ldr     r8, [sp, #20]\n\t"
        "subs    r8, r8, #1\n\t"
        "str     r8, [sp, #20]\n\t"
        "bne     1b\n\t"
        "add     sp, sp, #72\n\t"
        "pop     {r4-r11, pc}\n"
        "9:\n\t"
        TD_WIDEN_ASM_ROWS4
        "add     sp, sp, #72\n\t"
        "pop     {r4-r11, pc}\n"
        "11:\n\t"
        TD_WIDEN_ASM_FULL_ROWS("12", TD_WIDEN_ASM_QUAD("8") TD_WIDEN_ASM_QUAD("8") TD_WIDEN_ASM_QUAD("48"))
        "13:\n\t"
        TD_WIDEN_ASM_FULL_ROWS("15", TD_WIDEN_ASM_QUAD("8") TD_WIDEN_ASM_QUAD("8") TD_WIDEN_ASM_QUAD("8")
                               TD_WIDEN_ASM_QUAD("8") TD_WIDEN_ASM_QUAD("8") TD_WIDEN_ASM_QUAD("24"))
        "14:\n\t"
        TD_WIDEN_ASM_FULL_ROWS("16", TD_WIDEN_ASM_QUAD("8") TD_WIDEN_ASM_QUAD("8") TD_WIDEN_ASM_QUAD("8")
                               TD_WIDEN_ASM_QUAD("8") TD_WIDEN_ASM_QUAD("8") TD_WIDEN_ASM_QUAD("8") TD_WIDEN_ASM_PAIR("16"))
        "17:\n\t"
        TD_WIDEN_ASM_FULL_ROWS("18", TD_WIDEN_ASM_QUAD("8") TD_WIDEN_ASM_QUAD("8") TD_WIDEN_ASM_QUAD("12"))
        "\t"
        ".size td_wide_widen_rows, . - td_wide_widen_rows\n\t"
        ".text");

#endif

/**
 * Input rows of input channels [channel, channel + 4) into the four planes' inside positions
 * (the padding is already there), plane rows `row_words` apart: per two positions two LDR, PKHBT/PKHTB
 * and four SXTB16; a pair with one position outside the image takes the padding in the other lane.
 */
TD_NOINLINE static int td_wide_widen(const int8_t *input,
                          const td_dims *input_dims,
                          int32_t channel,
                          int32_t pad_top,
                          int32_t pad_left,
                          int32_t plane_rows,
                          int32_t row_words,
                          int32_t pairs,
                          uint32_t pad_word,
                          td_word *planes,
                          td_widen_job *rows)
{
    const int32_t width = input_dims->w, channels = input_dims->c, row_bytes = width * channels;
    const int32_t plane_words = plane_rows * TD_WIDE_ROW_WORDS;
    /* Pairs k with both positions inside: 2k - pad_left >= 0 and 2k + 1 - pad_left <= W - 1. */
    const int32_t first = pad_left > 0 ? (pad_left + 1) / 2 : 0;
    const int32_t last = td_min_i32((width + pad_left - 2) >= 0 ? (width + pad_left - 2) / 2 : -1, pairs - 1);
    /* The pairs with one position inside: the left border with an odd padding, (pad, x = 0), and the
     * right one, (x = W - 1, pad). */
    const int left_partial = pad_left > 0 && (pad_left & 1) != 0 && first - 1 < pairs && width > 0;
    const int32_t right_pair = (width + pad_left - 1) / 2;
    const int right_partial = ((width + pad_left) & 1) != 0 && right_pair < pairs;
    const uint32_t pad_low = pad_word & 0xffffu, pad_high = pad_word & 0xffff0000u;
    const int32_t y_end = td_min_i32(plane_rows, input_dims->h + pad_top);
    int32_t y = td_max_i32(pad_top, 0);
    const int8_t *row = input + (y - pad_top) * row_bytes + channel;
    td_word *d0 = planes + y * row_words;
#if TD_DSP_ASM
    {
        /* The rows in one piece of assembly when a row's written pairs follow one another. */
        const int32_t full = first <= last ? last - first + 1 : 0;
        if (y < y_end && (!right_partial || right_pair == first + full)) {
            td_widen_job job;
            job.row = row;
            job.plane = d0;
            job.rows = y_end - y;
            job.channels = channels;
            job.plane_bytes = plane_words * (int32_t)sizeof(td_word);
            job.zero = 0x01010101u * (pad_word & 0xffu);
            job.start = (first - (left_partial ? 1 : 0)) * (int32_t)sizeof(td_word);
            job.full = full;
            job.left = left_partial;
            job.source = (2 * first - pad_left) * channels;
            job.last = (width - 1) * channels;
            job.row_bytes = row_bytes;
            job.plane_row_bytes = row_words * (int32_t)sizeof(td_word);
            /* The row forms unrolled for their plane rows; any other row the general loop (form 0). */
            job.entry = right_partial | (row_words != TD_WIDE_ROW_WORDS
                                             ? (left_partial || right_partial || full != 6 ? 0 : TD_WIDEN_PAIRS6_PACKED)
                                         : left_partial && right_partial && full == 2 ? TD_WIDEN_ROWS4
                                         : left_partial || right_partial          ? 0
                                         : full == 6                              ? TD_WIDEN_PAIRS6
                                         : full == 12                             ? TD_WIDEN_PAIRS12
                                         : full == 13                             ? TD_WIDEN_PAIRS13
                                                                                  : 0) << 1;
            td_wide_widen_rows(&job);
            /* The same rows of the other channels: only `row` moves (by the channel). */
            *rows = job;
            rows->row = row - channel;
            return 1;
        }
    }
#endif
    for (; y < y_end; ++y, row += row_bytes, d0 += row_words) {
        const int8_t *source = row + (2 * first - pad_left) * channels;
#if TD_DSP_ASM
        if (first <= last) {
            /* 15 instructions per pair (the compiler spills the four plane pointers). */
            const int32_t plane_bytes = plane_words * (int32_t)sizeof(td_word);
            td_word *words = d0 + first;
            td_word *const end = d0 + last + 1;
            uint32_t a, b, t;
            __asm__ volatile("1:\n\t"
                             "ldr     %[a], [%[s]]\n\t"
                             "ldr     %[b], [%[s], %[c]]\n\t"
                             "add     %[s], %[s], %[c], lsl #1\n\t"
                             "pkhtb   %[t], %[b], %[a], asr #16\n\t"
                             "pkhbt   %[a], %[a], %[b], lsl #16\n\t"
                             "sxtb16  %[b], %[t]\n\t"
                             "str     %[b], [%[w], %[p2]]\n\t"
                             "sxtb16  %[b], %[t], ror #8\n\t"
                             "str     %[b], [%[w], %[p3]]\n\t"
                             "sxtb16  %[b], %[a], ror #8\n\t"
                             "str     %[b], [%[w], %[p1]]\n\t"
                             "sxtb16  %[b], %[a]\n\t"
                             "str     %[b], [%[w]], #4\n\t"
                             "cmp     %[w], %[e]\n\t"
                             "bne     1b"
                             : [s] "+r"(source), [w] "+r"(words), [a] "=&r"(a), [b] "=&r"(b), [t] "=&r"(t)
                             : [c] "r"(channels), [e] "r"(end), [p1] "r"(plane_bytes), [p2] "r"(2 * plane_bytes),
                               [p3] "r"(3 * plane_bytes)
                             : "cc", "memory");
        }
#else
        {
            int32_t k;
            for (k = first; k <= last; ++k) {
                const uint32_t a = td_read_u32(source), b = td_read_u32(source + channels);
                const uint32_t low = (a & 0xffffu) | (b << 16), high = (b & 0xffff0000u) | (a >> 16);
                d0[k] = td_sxtb16(low);
                d0[k + plane_words] = td_sxtb16_ror8(low);
                d0[k + 2 * plane_words] = td_sxtb16(high);
                d0[k + 3 * plane_words] = td_sxtb16_ror8(high);
                source += 2 * channels;
            }
        }
#endif
        if (left_partial) {
            const uint32_t b = td_read_u32(row), even = td_sxtb16(b), odd = td_sxtb16_ror8(b);
            td_word *const w = d0 + first - 1;
            w[0] = pad_low | (even << 16);
            w[plane_words] = pad_low | (odd << 16);
            w[2 * plane_words] = pad_low | (even & 0xffff0000u);
            w[3 * plane_words] = pad_low | (odd & 0xffff0000u);
        }
        if (right_partial) {
            const uint32_t a = td_read_u32(row + (width - 1) * channels), even = td_sxtb16(a), odd = td_sxtb16_ror8(a);
            td_word *const w = d0 + right_pair;
            w[0] = (even & 0xffffu) | pad_high;
            w[plane_words] = (odd & 0xffffu) | pad_high;
            w[2 * plane_words] = (even >> 16) | pad_high;
            w[3 * plane_words] = (odd >> 16) | pad_high;
        }
    }
    (void)rows;
    return 0;
}

/** Tap pairs (a, b) of one filter row as each loop's tap words hold them (b < 0: 0 in the high lane). */
static const int8_t td_wide_pairs_5x5_s1[8] = {0, 1, 2, 3, 1, 2, 3, 4};
static const int8_t td_wide_pairs_5x5_s2[6] = {0, 1, 2, 3, 4, -1};
static const int8_t td_wide_pairs_3x3_s1[4] = {0, 1, 1, 2};
static const int8_t td_wide_pairs_3x3_s2[4] = {0, 1, 2, -1};

/**
 * The prepared blocks of output channels [out_c, out_c + 4) (TD_WIDE_CHANNEL_WORDS words apart,
 * see the assembly: doubled folded biases, the filter rows' doubled tap words, multiplier, shift,
 * rounding), the four channels' taps read a word at
 * a time (SXTB16: lanes (c0, c2) and (c1, c3), paired by PKHBT/PKHTB). Bit i of the result: channel
 * out_c + i takes the fast requantization.
 */
TD_NOINLINE static uint32_t td_wide_prepare4(const td_depthwise_conv_params *params,
                                 const td_per_channel_quant *quant,
                                 const td_dims *filter_dims,
                                 const int8_t *filter,
                                 const int32_t *bias,
                                 int32_t out_c,
                                 int32_t loop,
                                 td_word *blocks)
{
    const int32_t filter_h = filter_dims->h, filter_w = filter_dims->w, channels = filter_dims->c;
    const int32_t taps = filter_h * filter_w;
    const int32_t biases = td_wide_biases(loop);
    const int8_t *const pairs = loop == TD_WIDE_5X5_S1   ? td_wide_pairs_5x5_s1
                                : loop == TD_WIDE_5X5_S2 ? td_wide_pairs_5x5_s2
                                : loop == TD_WIDE_3X3_S2 ? td_wide_pairs_3x3_s2
                                                         : td_wide_pairs_3x3_s1;
    const int32_t words = td_wide_row_words(loop);
    int32_t sums[4] = {0, 0, 0, 0};
    td_word *out = blocks + biases;
    uint32_t fast = 0;
    int32_t r, k, i;
    if (words > 0) {
        /* 3 or 5 columns: the taps' sums in int16 lanes (|sum| <= 25 * 128), (c0, c2) and (c1, c3). */
        uint32_t sum_even = 0, sum_odd = 0;
        for (r = 0; r < filter_h; ++r) {
            const int8_t *w = filter + r * filter_w * channels + out_c;
            uint32_t even[5], odd[5];
            for (k = 0; k < filter_w; ++k) {
                const uint32_t four = td_read_u32(w), e = td_sxtb16(four), o = td_sxtb16_ror8(four);
                sum_even = td_sadd16(sum_even, e);
                sum_odd = td_sadd16(sum_odd, o);
                even[k] = td_sadd16(e, e);
                odd[k] = td_sadd16(o, o);
                w += channels;
            }
            for (k = 0; k < words; ++k) {
                const int32_t a = pairs[2 * k], b = pairs[2 * k + 1];
                const uint32_t even_b = b >= 0 ? even[b] : 0, odd_b = b >= 0 ? odd[b] : 0;
                out[0] = (even[a] & 0xffffu) | (even_b << 16);
                out[TD_WIDE_CHANNEL_WORDS] = (odd[a] & 0xffffu) | (odd_b << 16);
                out[2 * TD_WIDE_CHANNEL_WORDS] = (even_b & 0xffff0000u) | (even[a] >> 16);
                out[3 * TD_WIDE_CHANNEL_WORDS] = (odd_b & 0xffff0000u) | (odd[a] >> 16);
                ++out;
            }
        }
        sums[0] = (int16_t)(sum_even & 0xffffu);
        sums[1] = (int16_t)(sum_odd & 0xffffu);
        sums[2] = (int16_t)(sum_even >> 16);
        sums[3] = (int16_t)(sum_odd >> 16);
    } else {
        for (k = 0; k < taps; ++k) {
            for (i = 0; i < 4; ++i) {
                sums[i] += filter[k * channels + out_c + i];
            }
        }
    }
    for (i = 0; i < 4; ++i) {
        const int32_t o = out_c + i;
        const td_channel_requant requant = td_channel_requant_folded_of(bias != NULL ? bias[o] : 0, quant->multiplier[o],
                                                                       quant->shift[o], params->output_offset, taps);
        const uint32_t doubled = ((uint32_t)requant.bias + (uint32_t)params->input_offset * (uint32_t)sums[i]) << 1;
        td_word *const block = blocks + i * TD_WIDE_CHANNEL_WORDS;
        td_word *const tail = block + biases + filter_h * words;
        for (k = 0; k < biases; ++k) {
            block[k] = doubled;
        }
        tail[0] = (uint32_t)requant.multiplier;
        tail[1] = (uint32_t)requant.right_shift;
        tail[2] = (uint32_t)requant.rounding;
        fast |= (uint32_t)(requant.right_shift != 0) << i;
    }
    return fast;
}

/** The padding's pair word in the four planes (plane_words apart) at `word` and the `rows` - 1 rows below it. */
TD_INLINE void td_wide_fill_column(td_word *word, int32_t rows, int32_t row_words, int32_t plane_words, uint32_t pad_word)
{
    for (; rows > 0; --rows, word += row_words) {
        word[0] = pad_word;
        word[plane_words] = pad_word;
        word[2 * plane_words] = pad_word;
        word[3 * plane_words] = pad_word;
    }
}

/**
 * The padding of the four planes (rows `row_words` apart): the rows outside the image and the pairs of
 * two outside positions. Each padding pair word goes to the four planes at once, the outside pairs of
 * the rows inside the image a column at a time (a band's right border is one pair a row).
 */
TD_NOINLINE static void td_wide_fill(td_word *planes,
                         int32_t plane_rows,
                         int32_t row_words,
                         int32_t pairs,
                         const td_dims *input_dims,
                         int32_t pad_top,
                         int32_t pad_left,
                         uint32_t pad_word)
{
    const int32_t plane_words = plane_rows * TD_WIDE_ROW_WORDS;
    const int32_t left = td_max_i32(td_min_i32(pad_left / 2, pairs), 0), right = td_max_i32((input_dims->w + pad_left + 1) / 2, 0);
    const int32_t top = td_min_i32(td_max_i32(pad_top, 0), plane_rows);
    const int32_t bottom = td_max_i32(td_min_i32(pad_top + input_dims->h, plane_rows), top);
    const int32_t inside_end = td_min_i32(right, pairs);
    int32_t k;
    /* The columns outside the image (pairs [0, left) and [right, pairs)), then the inside ones' rows above and below it. */
    for (k = 0; k < left; ++k) {
        td_wide_fill_column(planes + k, plane_rows, row_words, plane_words, pad_word);
    }
    for (k = right; k < pairs; ++k) {
        td_wide_fill_column(planes + k, plane_rows, row_words, plane_words, pad_word);
    }
    if (top > 0 || bottom < plane_rows) {
        for (k = left; k < inside_end; ++k) {
            td_wide_fill_column(planes + k, top, row_words, plane_words, pad_word);
            td_wide_fill_column(planes + k + bottom * row_words, plane_rows - bottom, row_words, plane_words, pad_word);
        }
    }
}

/**
 * The int16 lane of a filter row's tap words in `loop`'s block (td_wide_pairs_*) that holds doubled tap k:
 * taps 0 to K_w - 2 in lanes 0.. in order, the last one in the last lane at stride 1 ((w3, w4) or
 * (w1, w2)) and in lane K_w - 1 at stride 2 ((w4, 0) or (w2, 0)).
 */
TD_INLINE int32_t td_wide_tap_lane(int32_t loop, int32_t width, int32_t k)
{
    return k < width - 1                                          ? k
           : loop == TD_WIDE_5X5_S2 || loop == TD_WIDE_3X3_S2 ? width - 1
                                                               : 2 * td_wide_row_words(loop) - 1;
}

/**
 * Output (out_y, out_x) of one channel from its plane (the scalar loop: the sums the assembly
 * makes, in another order), requantized and clamped. The taps come from the block (the filter is
 * read only by the loop without tap words, TD_WIDE_SCALAR, which the generator's blocks never take).
 */
TD_NOINLINE static int8_t td_wide_output(const td_depthwise_conv_params *params,
                             const td_dims *filter_dims,
                             const int8_t *filter,
                             int32_t out_c,
                             int32_t loop,
                             const td_word *plane,
                             const td_word *block,
                             int32_t requant_at,
                             int32_t out_y,
                             int32_t out_x)
{
    const int32_t channels = filter_dims->c, row_words = td_wide_row_words(loop), width = filter_dims->w;
    int32_t acc = (int32_t)block[0];
    int32_t r, k;
    if (row_words > 0) {
        /* The block's taps as int16 lanes (td_wide_tap_lane: 0 to K_w - 2 in order, the last one in `last`). */
        const int32_t last = td_wide_tap_lane(loop, width, width - 1);
        for (r = 0; r < filter_dims->h; ++r) {
            const int16_t *const row =
                (const int16_t *)(const void *)(plane + (out_y * params->stride.h + r) * TD_WIDE_ROW_WORDS) +
                out_x * params->stride.w;
            const int16_t *const taps = (const int16_t *)(const void *)(block + td_wide_biases(loop) + r * row_words);
            for (k = 0; k < width - 1; ++k) {
                acc = (int32_t)((uint32_t)acc + (uint32_t)((int32_t)taps[k] * (int32_t)row[k]));
            }
            acc = (int32_t)((uint32_t)acc + (uint32_t)((int32_t)taps[last] * (int32_t)row[width - 1]));
        }
    } else {
        for (r = 0; r < filter_dims->h; ++r) {
            const int16_t *row = (const int16_t *)(const void *)(plane + (out_y * params->stride.h + r) * TD_WIDE_ROW_WORDS);
            for (k = 0; k < width; ++k) {
                const int32_t tap = 2 * (int32_t)filter[(r * width + k) * channels + out_c];
                acc = (int32_t)((uint32_t)acc + (uint32_t)(tap * (int32_t)row[out_x * params->stride.w + k]));
            }
        }
    }
    {
        const int32_t multiplier = (int32_t)block[requant_at];
        const int32_t right_shift = (int32_t)block[requant_at + 1];
        const int32_t rounding = (int32_t)block[requant_at + 2];
        const int32_t value = td_smmlar(acc, multiplier, rounding + (acc >> 31)) >> right_shift;
        return (int8_t)td_clamp_i32(td_ssat8(value), params->activation.min, params->activation.max);
    }
}

static td_status td_wide_run(const td_context *ctx,
                             const td_depthwise_conv_params *params,
                             const td_per_channel_quant *quant,
                             const td_dims *input_dims,
                             const int8_t *input,
                             const td_dims *filter_dims,
                             const int8_t *filter,
                             const int32_t *bias,
                             const td_dims *output_dims,
                             int8_t *output,
                             const int32_t *packed)
{
    const int32_t multiplier = params->depth_multiplier;
    const int32_t filter_h = filter_dims->h, filter_w = filter_dims->w;
    const int32_t stride_h = params->stride.h, stride_w = params->stride.w;
    const int32_t out_h = output_dims->h, out_w = output_dims->w, out_c = output_dims->c;
    const int32_t plane_rows = (out_h - 1) * stride_h + filter_h;
    /* 3x3 stride 2 over rows wider than the planes, the generator's blocks with multiplier 1: bands of
     * 12 outputs (25 positions) one after the other, each widened and run as an image of its own (by the
     * scalar loop without the assembly: the generator's blocks come without the filter). */
    const int banded = filter_h == 3 && filter_w == 3 && stride_h == 2 && stride_w == 2 && packed != NULL &&
                       multiplier == 1 && out_w > 12 && out_w % 12 == 0;
    const int32_t band_w = banded ? 12 : out_w;
    const int32_t positions = (band_w - 1) * stride_w + filter_w;
    const int32_t pairs = (positions + 1) / 2;
    const int32_t blocked = input_dims->c & ~3;
    const int32_t plane_words = plane_rows * TD_WIDE_ROW_WORDS;
    const int32_t needed = 4 * (plane_words + TD_WIDE_CHANNEL_WORDS) * (int32_t)sizeof(td_word);
    const uint32_t pad_word = td_pack16(-params->input_offset, -params->input_offset);
    /* 3x3: steps of six outputs over a multiple of six (a row ends on a whole step, its cursor on the
     * next row's first output), else of four. */
    const int32_t loop = params->dilation.h != 1 || params->dilation.w != 1 ? TD_WIDE_SCALAR
                         : filter_h == 5 && filter_w == 5 && stride_h == 1 && stride_w == 1 ? TD_WIDE_5X5_S1
                         : filter_h == 5 && filter_w == 5 && stride_h == 2 && stride_w == 2 ? TD_WIDE_5X5_S2
                         : filter_h == 3 && filter_w == 3 && stride_h == 1 && stride_w == 1
                             ? (out_w % 6 == 0 ? TD_WIDE_3X3_X6 : TD_WIDE_3X3_S1)
                         : filter_h == 3 && filter_w == 3 && stride_h == 2 && stride_w == 2 ? TD_WIDE_3X3_S2
                                                                                            : TD_WIDE_SCALAR;
    const int32_t step = td_wide_step(loop);
    const int32_t requant_at = td_wide_biases(loop) + filter_h * td_wide_row_words(loop);
    /* 3x3 stride 2: whole rows of steps only (else every output in the scalar loop). */
    const int32_t steps = step > 0 && (loop != TD_WIDE_3X3_S2 || band_w % step == 0) ? band_w / step : 0;
    /* Plane rows back to back for 3x3 stride-2 rows of one step (td_wide_3x3_s2_row1_*, no scalar outputs). */
    const int32_t row_words = loop == TD_WIDE_3X3_S2 && steps == 1 ? TD_WIDE_S2_ROW_WORDS : TD_WIDE_ROW_WORDS;
    /* Pairs the assembly reads beyond `pairs` (its last step's last pair). */
    const int32_t read_pairs = steps == 0                  ? 0
                               : loop == TD_WIDE_3X3_X6 ? (steps - 1) * 3 + 4
                               : loop == TD_WIDE_3X3_S2 ? steps * 6 + 1
                                                        : (steps - 1) * 2 + (loop == TD_WIDE_3X3_S1 ? 3 : 4);
    int fits = params->dilation.h == 1 && params->dilation.w == 1 && pairs <= TD_WIDE_ROW_WORDS &&
               read_pairs <= TD_WIDE_ROW_WORDS && ctx != NULL && ctx->buf != NULL && ctx->size >= needed &&
               blocked > 0 && filter_dims->c == input_dims->c * multiplier;
    int32_t bands, pass, channel;
#if TD_DSP_ASM
    td_wide_job job;
    const int full = params->activation.min == -128 && params->activation.max == 127;
    void (*const run)(td_wide_job *) = loop == TD_WIDE_5X5_S1   ? (full ? td_wide_5x5_s1_full : td_wide_5x5_s1_clamp)
                                       : loop == TD_WIDE_5X5_S2 ? (full ? td_wide_5x5_s2_full : td_wide_5x5_s2_clamp)
                                       : loop == TD_WIDE_3X3_X6 && steps == 1 ? (full ? td_wide_3x3_row1_full : td_wide_3x3_row1_clamp)
                                       : loop == TD_WIDE_3X3_X6 && steps == 2 ? (full ? td_wide_3x3_rows_full : td_wide_3x3_rows_clamp)
                                       : loop == TD_WIDE_3X3_X6 ? (full ? td_wide_3x3_x6_full : td_wide_3x3_x6_clamp)
                                       : loop == TD_WIDE_3X3_S2 && steps == 1 ? (full ? td_wide_3x3_s2_row1_full : td_wide_3x3_s2_row1_clamp)
                                       : loop == TD_WIDE_3X3_S2 ? (full ? td_wide_3x3_s2_full : td_wide_3x3_s2_clamp)
                                                                : (full ? td_wide_3x3_s1_full : td_wide_3x3_s1_clamp);
#endif

    /* An output over its input: the blocks write channel by channel, which is the reference's
     * order only with multiplier 1 and the output a whole number of pixels from the input. */
    if (fits) {
        const uintptr_t input_start = (uintptr_t)input, input_end = input_start + (uintptr_t)td_dims_count(input_dims);
        const uintptr_t output_start = (uintptr_t)output, output_end = output_start + (uintptr_t)td_dims_count(output_dims);
        if (output_start < input_end && input_start < output_end &&
            (banded || multiplier != 1 || (int32_t)((intptr_t)output_start - (intptr_t)input_start) % out_c != 0)) {
            fits = 0;
        }
    }
    /* Without the filter (and bias: the generator drops them, td_kernels.h) only the blocks' loops over every channel. */
    if (filter == NULL && (packed == NULL || !fits || blocked * multiplier != out_c)) {
        return TD_ERROR_ARGUMENT;
    }
    bands = fits && banded ? out_w / band_w : 1;
    for (pass = 0; pass < output_dims->n * bands; ++pass) {
        const int32_t batch = pass / bands, band = pass % bands;
        /* The band's first position in the image's padded row (negative past the first band). */
        const int32_t pad_left = params->padding.w - band * band_w * stride_w;
        td_word *const planes = fits ? (td_word *)ctx->buf : NULL;
        td_word *const blocks = fits ? planes + 4 * plane_words : NULL;
        const int8_t *const batch_input = input + batch * input_dims->h * input_dims->w * input_dims->c;
        int8_t *const batch_output = output + (batch * out_h * out_w + band * band_w) * out_c;
        /* The first block's widening in one piece of assembly: the other blocks repeat it (`rows`). */
        td_widen_job rows;
        int widened = 0;
#if TD_DSP_ASM
        const int8_t *rows_input = NULL;
#endif
        if (!fits) {
            td_depthwise_pixels_s8(params, quant, input_dims, input, filter_dims, filter, bias, output_dims, output,
                                   batch, batch + 1, 0, out_c);
            continue;
        }
#if TD_DSP_ASM
        job.out_c = out_c;
        job.in_step = stride_h * row_words * (int32_t)sizeof(td_word);
        job.span = steps * (loop == TD_WIDE_3X3_X6 ? 12 : loop == TD_WIDE_3X3_S2 ? 24 : 8);
        /* (The 3x3 stride-2 rows take the cursor's move from a row's last step to the next row's first output there.) */
        job.in_gap = loop == TD_WIDE_3X3_S2 ? (out_w - (steps - 1) * step) * out_c : job.in_step - job.span;
        job.out_gap = out_w * out_c - steps * step * out_c;
        job.low = params->activation.min;
        job.high = params->activation.max;
        job.end = 0;
        job.channels = 1;
        job.block_bytes = (requant_at + 3) * (int32_t)sizeof(td_word);
        job.plane_next = plane_words * (int32_t)sizeof(td_word) - out_h * job.in_step;
        job.cursor_next = 1 - out_h * out_w * out_c;
#endif
        if (pass == 0 || bands > 1) {
            td_wide_fill(planes, plane_rows, row_words, pairs, input_dims, params->padding.h, pad_left, pad_word);
        }
        for (channel = 0; channel < blocked; channel += 4) {
            int32_t group, i;
#if TD_DSP_ASM
            if (widened) {
                rows.row = rows_input + channel;
                td_wide_widen_rows(&rows);
            } else
#endif
            {
                widened = td_wide_widen(batch_input, input_dims, channel, params->padding.h, pad_left, plane_rows, row_words,
                                        pairs, pad_word, planes, &rows);
#if TD_DSP_ASM
                rows_input = widened ? rows.row : NULL;
#else
                (void)widened;
#endif
            }
#if TD_DSP_ASM
            if (packed != NULL && multiplier == 1 && steps > 0 && steps * step == band_w) {
                /* The generator's blocks (every channel fast), whole rows of steps: the four channels of
                 * the block one after the other, nothing else per channel. */
                const int32_t block_words = requant_at + 3;
                job.in = planes;
                job.block = (const td_word *)(const void *)(packed + channel * block_words);
                job.cursor = batch_output + channel;
                job.stop = (int32_t)((uintptr_t)planes + (uintptr_t)job.span + (uintptr_t)(out_h * job.in_step));
                if (loop == TD_WIDE_3X3_S2) {
                    /* The four channels in one call (the assembly moves on from one to the next). */
                    job.channels = 4;
                    run(&job);
                    job.channels = 1;
                    continue;
                }
                for (i = 0; i < 4; ++i) {
                    run(&job);
                    job.in += plane_words;
                    job.block += block_words;
                    job.cursor += 1;
                    job.stop += plane_words * (int32_t)sizeof(td_word);
                }
                continue;
            }
#endif
            for (group = channel * multiplier; group < (channel + 4) * multiplier; group += 4) {
                /* Blocks prepared by the generator (td_depthwise_conv2d_s8_wide_packed), or here. */
                const uint32_t fast = packed != NULL ? 15u : td_wide_prepare4(params, quant, filter_dims, filter, bias, group, loop, blocks);
                for (i = 0; i < 4; ++i) {
                    const int32_t o = group + i;
                    const td_word *const plane = planes + (o / multiplier - channel) * plane_words;
                    const td_word *const block = packed != NULL ? (const td_word *)(const void *)(packed + o * (requant_at + 3))
                                                                : blocks + i * TD_WIDE_CHANNEL_WORDS;
                    int8_t *const out = batch_output + o;
                    int32_t out_y, out_x;
                    if ((fast & (1u << i)) == 0) {
                        td_depthwise_pixels_s8(params, quant, input_dims, input, filter_dims, filter, bias, output_dims,
                                               output, batch, batch + 1, o, o + 1);
                        continue;
                    }
#if TD_DSP_ASM
                    if (steps > 0) {
                        job.in = plane;
                        job.block = block;
                        job.cursor = out;
                        job.stop = (int32_t)((uintptr_t)plane + (uintptr_t)job.span + (uintptr_t)(out_h * job.in_step));
                        run(&job);
                    }
#endif
                    for (out_y = 0; out_y < out_h && steps * step < band_w; ++out_y) {
                        for (out_x = steps * step; out_x < band_w; ++out_x) {
                            out[(out_y * out_w + out_x) * out_c] =
                                td_wide_output(params, filter_dims, filter, o, loop, plane, block, requant_at, out_y, out_x);
                        }
                    }
                }
            }
        }
        if (band == bands - 1 && blocked * multiplier < out_c) {
            td_depthwise_pixels_s8(params, quant, input_dims, input, filter_dims, filter, bias, output_dims, output,
                                   batch, batch + 1, blocked * multiplier, out_c);
        }
    }
    return TD_OK;
}

td_status td_depthwise_conv2d_s8_wide(const td_context *ctx,
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
    return td_wide_run(ctx, params, quant, input_dims, input, filter_dims, filter, bias, output_dims, output, NULL);
}

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
                                             const int32_t *blocks)
{
    return td_wide_run(ctx, params, quant, input_dims, input, filter_dims, filter, bias, output_dims, output, blocks);
}

/*
 * 3x3, stride 1, rows of five outputs (an input 5 wide with one column of padding on either side:
 * SAME, the keyword-spotting model's 25x5), depth multiplier 1: td_depthwise_conv2d_s8_wide_rows5.
 * The planes of a block of four channels are interleaved by row (per padded input row 64 bytes:
 * channel c's pair words P0 = (pad, x0), P1 = (x1, x2), P2 = (x3, x4), P3 = (pad, pad) at 16c), and
 * hold a band of up to TD_WIDE_ROWS5_BAND output rows (two plane rows more), so the scratch is
 * 64 * (band + 2) bytes (and four channels' blocks) whatever the image's height. Bands run outermost,
 * blocks of four channels within; a band's two last plane rows are widened again for the next band
 * (an output over its input leaves them intact: the rows any later output reads are written last).
 * A row's five outputs per channel (73 instructions for 45 MACs, 32 per row of four channels to widen):
 *   o0 = P0.W01 + lo(P1) w2   o1 = hi(P0) w0 + P1.W12   o2 = P1.W01 + lo(P2) w2
 *   o3 = hi(P1) w0 + P2.W12   o4 = P2.W01 + lo(P3) w2
 * ten SMLAD / SMLABT / SMLATB per filter row for fifteen MACs (pairs in two LDRD, taps in one).
 * Blocks (TD_WIDE_ROWS5_WORDS words per channel): the doubled folded bias (once: r0, onto which the
 * other outputs' first products of a row add, TD_WIDE_ONTO_BIAS), per filter row (2w0, 2w1),
 * (2w1, 2w2), then multiplier, right shift, rounding, as the generator prepares them (40 bytes of flash
 * per channel); or, from td_depthwise_conv2d_s8_wide_rows5_compact, made per band and block of four
 * channels in the scratch after the planes from 28 bytes per channel (the bias and the tap words) and
 * the layer's multipliers and shifts.
 */

/** Output rows of a band (the scratch holds two plane rows more). */
#define TD_WIDE_ROWS5_BAND 10
/** Bytes of one plane row of the four channels (four pair words each). */
#define TD_WIDE_ROWS5_ROW_BYTES 64
#define TD_WIDE_ROWS5_WORDS 10
/** Words per channel of the compact blocks (td_depthwise_conv2d_s8_wide_rows5_compact). */
#define TD_WIDE_ROWS5_COMPACT_WORDS 7

int32_t td_depthwise_conv2d_s8_wide_rows5_get_buffer_size(const td_dims *input_dims, const td_dims *filter_dims)
{
    (void)filter_dims;
    return TD_WIDE_ROWS5_ROW_BYTES * (td_min_i32(input_dims->h, TD_WIDE_ROWS5_BAND) + 2) +
           4 * TD_WIDE_ROWS5_WORDS * (int32_t)sizeof(td_word);
}

/**
 * What the rows-of-five assembly reads (offsets fixed there; it copies the job onto its stack): the
 * four channels of a block over the band's output rows, one channel after the other.
 */
typedef struct {
    const td_word *in;    /* 0: channel 0's pair words in the band's first plane row */
    const td_word *block; /* 4: channel 0's block (the others' follow it) */
    int8_t *cursor;       /* 8: channel 0's output of the band's first pixel */
    int32_t span;         /* 12: the band's output rows * TD_WIDE_ROWS5_ROW_BYTES */
    int32_t low;          /* 16: activation.min */
    int32_t high;         /* 20: activation.max */
    int32_t out_c;        /* 24: bytes between output pixels */
    int32_t block_bytes;  /* 28: bytes between two channels' blocks */
} td_rows5_job;

/** What td_wide_rows5_widen reads: padded-width-7 input rows of four channels into plane rows. */
typedef struct {
    const int8_t *row; /* 0: the first input row's channel `channel` of x = 0 */
    int32_t channels;  /* 4: bytes between input pixels */
    td_word *plane;    /* 8: its plane row */
    td_word *end;      /* 12: the plane row after the last */
    uint32_t zero;     /* 16: the input zero point in every byte */
    uint32_t pad;      /* 20: the padding's pair word */
} td_rows5_widen_job;

#if TD_DSP_ASM
/*
 * Per input row: the five pixels' words x0-x4 (r4-r8), then A = PKHBT (channels 0, 1) and T =
 * PKHTB (channels 2, 3) of (zero, x0), (x1, x2), (x3, x4), and per plane three SXTB16 and one STM
 * of the row's four pair words with the padding's (lr) last: 32 instructions per row of four channels.
 */
void td_wide_rows5_widen(const td_rows5_widen_job *job);
__asm__(".section .text.td_wide_rows5_widen,\"ax\",%progbits\n\t"
        ".syntax unified\n\t"
        ".thumb\n\t"
        ".p2align 2\n\t"
        ".global td_wide_rows5_widen\n\t"
        ".thumb_func\n\t"
        ".type td_wide_rows5_widen, %function\n"
        "td_wide_rows5_widen:\n\t"
        "push    {r4-r11, lr}\n\t"
        "sub     sp, sp, #8\n\t"
        "ldr     r12, [r0, #16]\n\t"
        "str     r12, [sp]\n\t"
        "ldr     lr, [r0, #20]\n\t"
        "ldrd    r2, r3, [r0, #8]\n\t"
        "ldr     r1, [r0, #4]\n\t"
        "ldr     r0, [r0]\n"
        "1:\n\t"
        "ldr     r4, [r0]\n\t"
        "ldr     r5, [r0, r1]\n\t"
        "ldr     r6, [r0, r1, lsl #1]\n\t"
        "ldr     r8, [r0, r1, lsl #2]\n\t"
        "add     r0, r0, r1\n\t"
        "ldr     r7, [r0, r1, lsl #1]\n\t"
        "add     r0, r0, r1, lsl #2\n\t"
        "ldr     r12, [sp]\n\t"
        "pkhtb   r9, r4, r12, asr #16\n\t"
        "pkhbt   r4, r12, r4, lsl #16\n\t"
        "pkhtb   r10, r6, r5, asr #16\n\t"
        "pkhbt   r5, r5, r6, lsl #16\n\t"
        "pkhtb   r11, r8, r7, asr #16\n\t"
        "pkhbt   r6, r7, r8, lsl #16\n\t"
        "sxtb16  r7, r4\n\t"
        "sxtb16  r8, r5\n\t"
        "sxtb16  r12, r6\n\t"
        "stm     r2!, {r7, r8, r12, lr}\n\t"
        "sxtb16  r4, r4, ror #8\n\t"
        "sxtb16  r5, r5, ror #8\n\t"
        "sxtb16  r6, r6, ror #8\n\t"
        "stm     r2!, {r4, r5, r6, lr}\n\t"
        "sxtb16  r7, r9\n\t"
        "sxtb16  r8, r10\n\t"
        "sxtb16  r12, r11\n\t"
        "stm     r2!, {r7, r8, r12, lr}\n\t"
        "sxtb16  r9, r9, ror #8\n\t"
        "sxtb16  r10, r10, ror #8\n\t"
        "sxtb16  r11, r11, ror #8\n\t"
        "stm     r2!, {r9, r10, r11, lr}\n\t"
        "cmp     r2, r3\n\t"
        "bne     1b\n\t"
        "add     sp, sp, #8\n\t"
        "pop     {r4-r11, pc}\n\t"
        ".size td_wide_rows5_widen, . - td_wide_rows5_widen\n\t"
        ".text");

/* One filter row (plane row at lr + offset, tap words at r12 + taps): accumulators r0-r4, pairs r5-r8, taps r9, r10. */
#define TD_WIDE_ASM_ROW_ROWS5(offset, offset8, taps, onto)                                         \
    "ldrd    r5, r6, [lr, #" offset "]\n\t"                                                        \
    "ldrd    r7, r8, [lr, #" offset8 "]\n\t"                                                       \
    "ldrd    r9, r10, [r12, #" taps "]\n\t"                                                        \
    "smlad   r4, r7, r9, " onto("r4") "\n\t"                                                       \
    "smlabt  r4, r8, r10, r4\n\t"                                                                  \
    "smlatb  r3, r6, r9, " onto("r3") "\n\t"                                                       \
    "smlad   r3, r7, r10, r3\n\t"                                                                  \
    "smlad   r2, r6, r9, " onto("r2") "\n\t"                                                       \
    "smlabt  r2, r7, r10, r2\n\t"                                                                  \
    "smlatb  r1, r5, r9, " onto("r1") "\n\t"                                                       \
    "smlad   r1, r6, r10, r1\n\t"                                                                  \
    "smlad   r0, r5, r9, r0\n\t"                                                                   \
    "smlabt  r0, r6, r10, r0\n\t"
/* Requantization of one doubled sum (multiplier r5, shift r6, rounding r7, scratch r8). */
#define TD_WIDE_ASM_REQUANT_ROWS5(acc)                                                             \
    "add     r8, r7, " acc ", asr #31\n\t"                                                          \
    "smmlar  " acc ", " acc ", r5, r8\n\t"                                                          \
    "asr     " acc ", " acc ", r6\n\t"                                                              \
    "ssat    " acc ", #8, " acc "\n\t"
/* The activation's bounds (r9, r10) on one output. */
#define TD_WIDE_ASM_CLAMP_ROWS5(acc)                                                               \
    "cmp     " acc ", r9\n\t"                                                                       \
    "it      lt\n\t"                                                                                \
    "movlt   " acc ", r9\n\t"                                                                       \
    "cmp     " acc ", r10\n\t"                                                                      \
    "it      gt\n\t"                                                                                \
    "movgt   " acc ", r10\n\t"
#define TD_WIDE_ASM_CLAMP5                                                                         \
    "ldrd    r9, r10, [sp, #16]\n\t"                                                               \
    TD_WIDE_ASM_CLAMP_ROWS5("r0") TD_WIDE_ASM_CLAMP_ROWS5("r1") TD_WIDE_ASM_CLAMP_ROWS5("r2")        \
    TD_WIDE_ASM_CLAMP_ROWS5("r3") TD_WIDE_ASM_CLAMP_ROWS5("r4")
/*
 * Frame: the job's first seven words at [sp, #0..27], [sp, #28] the plane pointer after the channel's last
 * row (out_c and it in one LDRD), [sp, #32] channel 0's plane pointer plus 64 (past the block's fourth
 * channel), [sp, #36] block_bytes. Per
 * channel: r12 its block, r11 the cursor, lr the plane pointer of the row; per row five outputs stored
 * out_c apart, the cursor then on the next row's first output.
 */
#define TD_WIDE_ASM_ROWS5(name, clamp)                                                             \
    TD_WIDE_ASM_FUNCTION(name)                                                                     \
    "push    {r4-r11, lr}\n\t"                                                                     \
    "sub     sp, sp, #40\n\t"                                                                      \
    "ldm     r0, {r1-r8}\n\t"                                                                      \
    "stm     sp, {r1-r7}\n\t"                                                                      \
    "str     r8, [sp, #36]\n\t"                                                                    \
    "add     r1, r1, #64\n\t"                                                                      \
    "str     r1, [sp, #32]\n"                                                                       \
    "2:\n\t"                                                                                       \
    "ldr     lr, [sp, #0]\n\t"                                                                     \
    "ldrd    r12, r11, [sp, #4]\n\t"                                                               \
    "ldr     r1, [sp, #12]\n\t"                                                                    \
    "add     r1, lr, r1\n\t"                                                                       \
    "str     r1, [sp, #28]\n"                                                                       \
    "1:\n\t"                                                                                       \
    "ldr     r0, [r12]\n\t"                                                                        \
    TD_WIDE_ASM_ROW_ROWS5("0", "8", "4", TD_WIDE_ONTO_BIAS)                                        \
    TD_WIDE_ASM_ROW_ROWS5("64", "72", "12", TD_WIDE_ONTO_SELF)                                     \
    TD_WIDE_ASM_ROW_ROWS5("128", "136", "20", TD_WIDE_ONTO_SELF)                                   \
    "ldrd    r5, r6, [r12, #28]\n\t"                                                               \
    "ldr     r7, [r12, #36]\n\t"                                                                   \
    TD_WIDE_ASM_REQUANT_ROWS5("r0") TD_WIDE_ASM_REQUANT_ROWS5("r1") TD_WIDE_ASM_REQUANT_ROWS5("r2") \
    TD_WIDE_ASM_REQUANT_ROWS5("r3") TD_WIDE_ASM_REQUANT_ROWS5("r4")                                 \
    clamp                                                                                          \
    "ldrd    r9, r10, [sp, #24]\n\t"                                                               \
    "strb    r0, [r11]\n\t"                                                                        \
    "strb    r1, [r11, r9]\n\t"                                                                    \
    "strb    r2, [r11, r9, lsl #1]\n\t"                                                            \
    "strb    r4, [r11, r9, lsl #2]\n\t"                                                            \
    "add     r11, r11, r9\n\t"                                                                     \
    "strb    r3, [r11, r9, lsl #1]\n\t"                                                            \
    "add     r11, r11, r9, lsl #2\n\t"                                                             \
    "add     lr, lr, #64\n\t"                                                                      \
    "cmp     lr, r10\n\t"                                                                          \
    "bne     1b\n\t"                                                                               \
    "ldm     sp, {r0-r2}\n\t"                                                                      \
    "ldr     r3, [sp, #36]\n\t"                                                                    \
    "add     r0, r0, #16\n\t"                                                                      \
    "add     r1, r1, r3\n\t"                                                                       \
    "add     r2, r2, #1\n\t"                                                                       \
    "stm     sp, {r0-r2}\n\t"                                                                      \
    "ldr     r3, [sp, #32]\n\t"                                                                    \
    "cmp     r0, r3\n\t"                                                                           \
    "bne     2b\n\t"                                                                               \
    "add     sp, sp, #40\n\t"                                                                      \
    "pop     {r4-r11, pc}\n\t"                                                                     \
    TD_WIDE_ASM_END_FUNCTION(name)
void td_wide_rows5_full(const td_rows5_job *job);
void td_wide_rows5_clamp(const td_rows5_job *job);
__asm__(TD_WIDE_ASM_ROWS5("td_wide_rows5_full", ""));
__asm__(TD_WIDE_ASM_ROWS5("td_wide_rows5_clamp", TD_WIDE_ASM_CLAMP5));
#else
/* The assembly's twins in C (the same pair words, sums and requantization). */
static void td_wide_rows5_widen(const td_rows5_widen_job *job)
{
    const int8_t *row = job->row;
    td_word *plane = job->plane;
    const uint32_t zero = job->zero;
    for (; plane != job->end; plane += 16, row += 5 * job->channels) {
        uint32_t x[6], low[3], high[3];
        int32_t k, c;
        x[0] = zero;
        for (k = 0; k < 5; ++k) {
            x[k + 1] = td_read_u32(row + k * job->channels);
        }
        for (k = 0; k < 3; ++k) {
            low[k] = (x[2 * k] & 0xffffu) | (x[2 * k + 1] << 16);
            high[k] = (x[2 * k + 1] & 0xffff0000u) | (x[2 * k] >> 16);
        }
        for (c = 0; c < 4; ++c) {
            for (k = 0; k < 3; ++k) {
                const uint32_t word = c < 2 ? low[k] : high[k];
                plane[4 * c + k] = (c & 1) != 0 ? td_sxtb16_ror8(word) : td_sxtb16(word);
            }
            plane[4 * c + 3] = job->pad;
        }
    }
}

static int32_t td_wide_rows5_low(td_word word)
{
    return (int32_t)(int16_t)(word & 0xffffu);
}

static int32_t td_wide_rows5_high(td_word word)
{
    return (int32_t)(int16_t)(word >> 16);
}

static void td_wide_rows5_channels(const td_rows5_job *job)
{
    int32_t c, r, k;
    for (c = 0; c < 4; ++c) {
        const td_word *const block = job->block + c * (job->block_bytes / 4);
        const td_word *in = job->in + 4 * c;
        const td_word *const end = in + job->span / 4;
        int8_t *out = job->cursor + c;
        for (; in != end; in += TD_WIDE_ROWS5_ROW_BYTES / 4) {
            uint32_t acc[5];
            for (k = 0; k < 5; ++k) {
                acc[k] = block[0];
            }
            for (r = 0; r < 3; ++r) {
                const td_word *const p = in + r * (TD_WIDE_ROWS5_ROW_BYTES / 4);
                const td_word w01 = block[1 + 2 * r], w12 = block[2 + 2 * r];
                for (k = 0; k < 5; ++k) {
                    /* Positions k, k + 1, k + 2 of the padded row: pair k / 2, lane k % 2. */
                    const td_word first = p[k / 2], second = p[k / 2 + 1];
                    const int32_t a = (k & 1) == 0 ? td_wide_rows5_low(first) : td_wide_rows5_high(first);
                    const int32_t b = (k & 1) == 0 ? td_wide_rows5_high(first) : td_wide_rows5_low(second);
                    const int32_t d = (k & 1) == 0 ? td_wide_rows5_low(second) : td_wide_rows5_high(second);
                    acc[k] += (uint32_t)(a * td_wide_rows5_low(w01)) + (uint32_t)(b * td_wide_rows5_high(w01)) +
                              (uint32_t)(d * td_wide_rows5_high(w12));
                }
            }
            for (k = 0; k < 5; ++k) {
                const int32_t sum = (int32_t)acc[k];
                const int32_t value =
                    td_smmlar(sum, (int32_t)block[7], (int32_t)block[9] + (sum >> 31)) >> (int32_t)block[8];
                out[k * job->out_c] = (int8_t)td_clamp_i32(td_ssat8(value), job->low, job->high);
            }
            out += 5 * job->out_c;
        }
    }
}
#endif

/** Plane rows of a band that lie outside the image: the padding's pair word throughout. */
static void td_wide_rows5_fill(td_word *plane, int32_t rows, uint32_t pad)
{
    int32_t k;
    for (k = 0; k < rows * (TD_WIDE_ROWS5_ROW_BYTES / 4); ++k) {
        plane[k] = pad;
    }
}

/**
 * What td_wide_rows5_expand reads: output channels [c, c + 4)'s blocks (TD_WIDE_ROWS5_WORDS words apart) from the
 * generator's compact ones (TD_WIDE_ROWS5_COMPACT_WORDS words per channel: the doubled folded bias, the six tap
 * words) and the layer's multipliers and shifts (the fast requantization with the output offset folded in, its
 * rounding (2 * output_offset + 1) << (right_shift - 1)).
 */
typedef struct {
    const int32_t *compact;      /* 0: channel c's compact block */
    const int32_t *multipliers;  /* 4: channel c's multiplier */
    const int8_t *shifts;        /* 8: channel c's shift */
    td_word *blocks;             /* 12: the four blocks */
    int32_t odd_offset;          /* 16: 2 * output_offset + 1 */
} td_rows5_expand_job;

#if TD_DSP_ASM
/*
 * Per channel: LDM of its compact block (the full block's first seven words), one STM of them and the
 * requantization (the rounding (2 * output_offset + 1) << right_shift, halved: even, and within int32 for a
 * right shift up to 21).
 */
void td_wide_rows5_expand(const td_rows5_expand_job *job);
__asm__(".section .text.td_wide_rows5_expand,\"ax\",%progbits\n\t"
        ".syntax unified\n\t"
        ".thumb\n\t"
        ".p2align 2\n\t"
        ".global td_wide_rows5_expand\n\t"
        ".thumb_func\n\t"
        ".type td_wide_rows5_expand, %function\n"
        "td_wide_rows5_expand:\n\t"
        "push    {r4-r11, lr}\n\t"
        "sub     sp, sp, #8\n\t"
        "ldm     r0, {r10, r11, r12, lr}\n\t"
        "ldr     r0, [r0, #16]\n\t"
        "add     r1, lr, #160\n\t"
        "strd    r0, r1, [sp]\n"
        "1:\n\t"
        "ldm     r10!, {r0-r6}\n\t"
        "ldr     r7, [r11], #4\n\t"
        "ldrsb   r8, [r12], #1\n\t"
        "rsb     r8, r8, #0\n\t"
        "cmp     r7, #0\n\t"
        "it      eq\n\t"
        "moveq   r8, #1\n\t"
        "ldr     r9, [sp]\n\t"
        "lsl     r9, r9, r8\n\t"
        "asr     r9, r9, #1\n\t"
        "stm     lr!, {r0-r9}\n\t"
        "ldr     r0, [sp, #4]\n\t"
        "cmp     lr, r0\n\t"
        "bne     1b\n\t"
        "add     sp, sp, #8\n\t"
        "pop     {r4-r11, pc}\n\t"
        ".size td_wide_rows5_expand, . - td_wide_rows5_expand\n\t"
        ".text");
#else
static void td_wide_rows5_expand(const td_rows5_expand_job *job)
{
    int32_t i, k;
    for (i = 0; i < 4; ++i) {
        const int32_t *const source = job->compact + i * TD_WIDE_ROWS5_COMPACT_WORDS;
        const int32_t multiplier = job->multipliers[i];
        const int32_t right_shift = multiplier == 0 ? 1 : -job->shifts[i];
        td_word *const block = job->blocks + i * TD_WIDE_ROWS5_WORDS;
        for (k = 0; k < TD_WIDE_ROWS5_COMPACT_WORDS; ++k) {
            block[k] = (uint32_t)source[k];
        }
        block[7] = (uint32_t)multiplier;
        block[8] = (uint32_t)right_shift;
        block[9] = (uint32_t)job->odd_offset << (right_shift - 1);
    }
}
#endif

static td_status td_wide_rows5_run(const td_context *ctx,
                                   const td_depthwise_conv_params *params,
                                   const td_per_channel_quant *quant,
                                   const td_dims *input_dims,
                                   const int8_t *input,
                                   const td_dims *filter_dims,
                                   const int8_t *filter,
                                   const int32_t *bias,
                                   const td_dims *output_dims,
                                   int8_t *output,
                                   const int32_t *blocks,
                                   int compact)
{
    const int32_t in_h = input_dims->h, out_h = output_dims->h, out_c = output_dims->c;
    const int32_t blocked = input_dims->c & ~3;
    const int32_t band = td_min_i32(out_h, TD_WIDE_ROWS5_BAND);
    const int32_t pad_top = params->padding.h;
    const int32_t plane_bytes = TD_WIDE_ROWS5_ROW_BYTES * (band + 2);
    int fits = filter_dims->h == 3 && filter_dims->w == 3 && params->stride.h == 1 && params->stride.w == 1 &&
               params->dilation.h == 1 && params->dilation.w == 1 && params->depth_multiplier == 1 &&
               input_dims->w == 5 && output_dims->w == 5 && params->padding.w == 1 && filter_dims->c == input_dims->c &&
               blocked > 0 && ctx != NULL && ctx->buf != NULL &&
               ctx->size >= plane_bytes + 4 * TD_WIDE_ROWS5_WORDS * (int32_t)sizeof(td_word);
    int32_t batch, channel, y0;
    td_rows5_job job;
    td_rows5_widen_job rows;
    td_rows5_expand_job expand;
#if TD_DSP_ASM
    void (*const run)(const td_rows5_job *) =
        params->activation.min == -128 && params->activation.max == 127 ? td_wide_rows5_full : td_wide_rows5_clamp;
#endif
    if (fits) {
        /* An output over its input: the blocks write channel by channel (a whole number of pixels apart). */
        const uintptr_t input_start = (uintptr_t)input, input_end = input_start + (uintptr_t)td_dims_count(input_dims);
        const uintptr_t output_start = (uintptr_t)output, output_end = output_start + (uintptr_t)td_dims_count(output_dims);
        if (output_start < input_end && input_start < output_end &&
            (int32_t)((intptr_t)output_start - (intptr_t)input_start) % out_c != 0) {
            fits = 0;
        }
    }
    if (filter == NULL && (!fits || blocked != out_c)) {
        /* Without the filter (and bias) only the blocks' loop over every channel (td_kernels.h). */
        return TD_ERROR_ARGUMENT;
    }
    if (!fits) {
        td_depthwise_pixels_s8(params, quant, input_dims, input, filter_dims, filter, bias, output_dims, output, 0,
                               output_dims->n, 0, out_c);
        return TD_OK;
    }
    job.in = (const td_word *)ctx->buf;
    job.out_c = out_c;
    job.low = params->activation.min;
    job.high = params->activation.max;
    job.block_bytes = TD_WIDE_ROWS5_WORDS * (int32_t)sizeof(td_word);
    expand.blocks = (td_word *)((uint8_t *)ctx->buf + plane_bytes);
    expand.odd_offset = 2 * params->output_offset + 1;
    rows.channels = input_dims->c;
    rows.zero = 0x01010101u * (uint32_t)(uint8_t)(-params->input_offset);
    rows.pad = td_pack16(-params->input_offset, -params->input_offset);
    for (batch = 0; batch < output_dims->n; ++batch) {
        const int8_t *const batch_input = input + batch * in_h * 5 * input_dims->c;
        int8_t *const batch_output = output + batch * out_h * 5 * out_c;
        for (y0 = 0; y0 < out_h; y0 += band) {
            /* Plane rows i of the band: input row y0 + i - pad_top; those outside the image hold the padding
             * for every block (the widening writes only the others). Bands run before blocks: a band's
             * outputs lie below every input row a later band reads, the same for each block. */
            const int32_t count = td_min_i32(band, out_h - y0), plane_rows = count + 2;
            const int32_t first = td_min_i32(td_max_i32(pad_top - y0, 0), plane_rows);
            const int32_t last = td_max_i32(td_min_i32(in_h + pad_top - y0, plane_rows), first);
            td_word *const planes = (td_word *)ctx->buf;
            td_word *const expanded = expand.blocks;
            const int8_t *const row = batch_input + (y0 + first - pad_top) * 5 * input_dims->c;
            td_wide_rows5_fill(planes, first, rows.pad);
            td_wide_rows5_fill(planes + last * (TD_WIDE_ROWS5_ROW_BYTES / 4), plane_rows - last, rows.pad);
            rows.plane = planes + first * (TD_WIDE_ROWS5_ROW_BYTES / 4);
            rows.end = planes + last * (TD_WIDE_ROWS5_ROW_BYTES / 4);
            job.span = count * TD_WIDE_ROWS5_ROW_BYTES;
            for (channel = 0; channel < blocked; channel += 4) {
                if (last > first) {
                    rows.row = row + channel;
                    td_wide_rows5_widen(&rows);
                }
                if (compact) {
                    expand.compact = blocks + channel * TD_WIDE_ROWS5_COMPACT_WORDS;
                    expand.multipliers = quant->multiplier + channel;
                    expand.shifts = quant->shift + channel;
                    td_wide_rows5_expand(&expand);
                    job.block = expanded;
                } else {
                    job.block = (const td_word *)(const void *)(blocks + channel * TD_WIDE_ROWS5_WORDS);
                }
                job.cursor = batch_output + y0 * 5 * out_c + channel;
#if TD_DSP_ASM
                run(&job);
#else
                td_wide_rows5_channels(&job);
#endif
            }
        }
        if (blocked < out_c) {
            td_depthwise_pixels_s8(params, quant, input_dims, input, filter_dims, filter, bias, output_dims, output,
                                   batch, batch + 1, blocked, out_c);
        }
    }
    return TD_OK;
}

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
                                            const int32_t *blocks)
{
    return td_wide_rows5_run(ctx, params, quant, input_dims, input, filter_dims, filter, bias, output_dims, output,
                             blocks, 0);
}

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
                                                    const int32_t *blocks)
{
    return td_wide_rows5_run(ctx, params, quant, input_dims, input, filter_dims, filter, bias, output_dims, output,
                             blocks, 1);
}

#else /* no DSP extension: the portable kernel */

#include "../../conv/td_depthwise_conv2d_s8_wide.c"

#endif
