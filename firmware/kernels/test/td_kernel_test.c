/*
 * Golden-vector test runner for the TinyDeploy kernel library.
 *
 * The cases come from td_kernel_vectors.h, written by make-vectors.ts from TinyDeploy's host
 * interpreter (bit-exact with TFLite Micro's reference kernels): inputs, precomputed
 * parameters and the interpreter's outputs. Every case calls one kernel and compares its
 * output byte for byte (int8, int16), or exactly / within a stated relative tolerance (float32,
 * where expf and tanhf come from different libraries). The runner also checks that no kernel
 * writes past its output or past the scratch size its get_buffer_size() declared.
 *
 * Prints one line per failure and "N passed, M failed"; exits 0 only when nothing failed.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "td_kernels.h"
#include "../src/internal/td_fixed_point.h"

#ifndef TD_TEST_SCRATCH_BYTES
#define TD_TEST_SCRATCH_BYTES 65536
#endif

/** Bytes after an output or the scratch that must be left untouched. */
#define TD_TEST_GUARD 16
#define TD_TEST_GUARD_BYTE 0xA5

typedef struct {
    const char *name;
    int (*run)(void);
} td_test_case;

static const char *td_test_current = "";

static union {
    uint32_t align;
    unsigned char bytes[TD_TEST_SCRATCH_BYTES + TD_TEST_GUARD];
} td_test_scratch;

/** Fills `bytes` bytes at `memory` with the guard pattern. */
static void td_test_guard(void *memory, int32_t bytes)
{
    memset(memory, TD_TEST_GUARD_BYTE, (size_t)bytes);
}

static int td_test_guard_intact(const void *memory, int32_t bytes, const char *what)
{
    const unsigned char *p = (const unsigned char *)memory;
    int32_t i;
    for (i = 0; i < bytes; ++i) {
        if (p[i] != TD_TEST_GUARD_BYTE) {
            printf("FAIL %s: wrote %d byte(s) past the end of its %s\n", td_test_current, (int)(bytes - i), what);
            return 0;
        }
    }
    return 1;
}

/** A context of exactly `bytes` bytes of scratch, followed by a guard. */
static td_context td_test_context(int32_t bytes)
{
    td_context context;
    if (bytes < 0 || bytes > TD_TEST_SCRATCH_BYTES) {
        printf("FAIL %s: scratch of %d bytes is beyond the runner's %d\n", td_test_current, (int)bytes,
               TD_TEST_SCRATCH_BYTES);
        bytes = 0;
    }
    memset(td_test_scratch.bytes, 0x3C, (size_t)bytes);
    td_test_guard(td_test_scratch.bytes + bytes, TD_TEST_GUARD);
    context.buf = td_test_scratch.bytes;
    context.size = bytes;
    return context;
}

static int td_test_context_intact(const td_context *context)
{
    return td_test_guard_intact(td_test_scratch.bytes + context->size, TD_TEST_GUARD, "scratch");
}

static int td_test_status(td_status status)
{
    if (status != TD_OK) {
        printf("FAIL %s: returned status %d\n", td_test_current, (int)status);
        return 0;
    }
    return 1;
}

static int td_test_expect_s8(const int8_t *actual, const int8_t *expected, int32_t count)
{
    int32_t i, mismatches = 0, first = -1;
    for (i = 0; i < count; ++i) {
        if (actual[i] != expected[i]) {
            if (first < 0) {
                first = i;
            }
            ++mismatches;
        }
    }
    if (mismatches > 0) {
        printf("FAIL %s: %d of %d int8 values differ, first at %d: got %d, expected %d\n", td_test_current,
               (int)mismatches, (int)count, (int)first, actual[first], expected[first]);
        return 0;
    }
    return td_test_guard_intact(actual + count, TD_TEST_GUARD, "output");
}

static int td_test_expect_s16(const int16_t *actual, const int16_t *expected, int32_t count)
{
    int32_t i, mismatches = 0, first = -1;
    for (i = 0; i < count; ++i) {
        if (actual[i] != expected[i]) {
            if (first < 0) {
                first = i;
            }
            ++mismatches;
        }
    }
    if (mismatches > 0) {
        printf("FAIL %s: %d of %d int16 values differ, first at %d: got %d, expected %d\n", td_test_current,
               (int)mismatches, (int)count, (int)first, actual[first], expected[first]);
        return 0;
    }
    return td_test_guard_intact(actual + count, TD_TEST_GUARD, "output");
}

static int td_test_expect_s32(const int32_t *actual, const int32_t *expected, int32_t count)
{
    int32_t i, mismatches = 0, first = -1;
    for (i = 0; i < count; ++i) {
        if (actual[i] != expected[i]) {
            if (first < 0) {
                first = i;
            }
            ++mismatches;
        }
    }
    if (mismatches > 0) {
        printf("FAIL %s: %d of %d int32 values differ, first at %d: got %ld, expected %ld\n", td_test_current,
               (int)mismatches, (int)count, (int)first, (long)actual[first], (long)expected[first]);
        return 0;
    }
    return td_test_guard_intact(actual + count, TD_TEST_GUARD, "output");
}

/** The internal fixed-point functions the cases check one by one against the interpreter's. */
typedef enum {
    TD_TEST_SRDHM,
    TD_TEST_ROUNDING_DIVIDE_BY_POT,
    TD_TEST_MULTIPLY_BY_QUANTIZED_MULTIPLIER,
    TD_TEST_SATURATING_ROUNDING_MULTIPLY_BY_POT,
    TD_TEST_EXP_ON_NEGATIVE_VALUES,
    TD_TEST_ONE_OVER_ONE_PLUS_X,
    TD_TEST_ONE_MINUS_X_OVER_ONE_PLUS_X,
    TD_TEST_LOGISTIC,
    TD_TEST_TANH
} td_test_fixed_point_function;

/** out[i] = function(a[i], b[i], c[i]) for one internal function of td_fixed_point.h. */
static td_status td_test_fixed_point(td_test_fixed_point_function function,
                                     int32_t count,
                                     const int32_t *a,
                                     const int32_t *b,
                                     const int32_t *c,
                                     int32_t *out)
{
    int32_t i;
    for (i = 0; i < count; ++i) {
        switch (function) {
        case TD_TEST_SRDHM:
            out[i] = td_saturating_rounding_doubling_high_mul(a[i], b[i]);
            break;
        case TD_TEST_ROUNDING_DIVIDE_BY_POT:
            out[i] = td_rounding_divide_by_pot(a[i], b[i]);
            break;
        case TD_TEST_MULTIPLY_BY_QUANTIZED_MULTIPLIER:
            out[i] = td_multiply_by_quantized_multiplier(a[i], b[i], c[i]);
            break;
        case TD_TEST_SATURATING_ROUNDING_MULTIPLY_BY_POT:
            out[i] = td_saturating_rounding_multiply_by_pot(a[i], b[i]);
            break;
        case TD_TEST_EXP_ON_NEGATIVE_VALUES:
            out[i] = td_exp_on_negative_values(a[i], b[i]);
            break;
        case TD_TEST_ONE_OVER_ONE_PLUS_X:
            out[i] = td_one_over_one_plus_x_for_x_in_0_1(a[i]);
            break;
        case TD_TEST_ONE_MINUS_X_OVER_ONE_PLUS_X:
            out[i] = td_one_minus_x_over_one_plus_x_for_x_in_0_1(a[i]);
            break;
        case TD_TEST_LOGISTIC:
            out[i] = td_fixed_logistic(a[i], b[i]);
            break;
        case TD_TEST_TANH:
            out[i] = td_fixed_tanh(a[i], b[i]);
            break;
        default:
            return TD_ERROR_ARGUMENT;
        }
    }
    return TD_OK;
}

/**
 * float32 comparison: tolerance 0 asks for equal values (the kernel does the interpreter's
 * float32 operations in the same order); otherwise |actual - expected| <= tolerance * max(1, |expected|).
 */
static int td_test_expect_f32(const float *actual, const float *expected, int32_t count, float tolerance)
{
    int32_t i, mismatches = 0, first = -1;
    for (i = 0; i < count; ++i) {
        const float a = actual[i];
        const float e = expected[i];
        int equal;
        if (e != e) {
            equal = a != a;
        } else if (tolerance == 0.0f) {
            equal = a == e;
        } else {
            const float magnitude = fabsf(e) > 1.0f ? fabsf(e) : 1.0f;
            equal = fabsf(a - e) <= tolerance * magnitude;
        }
        if (!equal) {
            if (first < 0) {
                first = i;
            }
            ++mismatches;
        }
    }
    if (mismatches > 0) {
        printf("FAIL %s: %d of %d float values differ, first at %d: got %.9g, expected %.9g (tolerance %g)\n",
               td_test_current, (int)mismatches, (int)count, (int)first, (double)actual[first], (double)expected[first],
               (double)tolerance);
        return 0;
    }
    return td_test_guard_intact(actual + count, TD_TEST_GUARD, "output");
}

#include "td_kernel_vectors.h"

int main(void)
{
    const int32_t count = (int32_t)(sizeof(td_test_cases) / sizeof(td_test_cases[0]));
    int32_t i, passed = 0, failed = 0;
    for (i = 0; i < count; ++i) {
        td_test_current = td_test_cases[i].name;
        if (td_test_cases[i].run()) {
            ++passed;
        } else {
            ++failed;
        }
    }
    printf("%d passed, %d failed\n", (int)passed, (int)failed);
    return failed == 0 ? 0 : 1;
}
