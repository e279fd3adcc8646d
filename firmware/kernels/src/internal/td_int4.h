/*
 * TinyDeploy kernel library, internal: packed int4 weights as TFLite stores them (tensor type
 * INT4): signed 4-bit values two to a byte over the tensor's flattened elements, element 2k in
 * the low nibble of byte k and element 2k + 1 in its high nibble. TFLite Micro unpacks such a
 * filter to int8 (UnpackDenseInt4IntoInt8) and runs its int8 kernel; the int4 kernels read the
 * nibbles in place instead, so the weights stay packed in flash and the sums are the same.
 */
#ifndef TD_INT4_H
#define TD_INT4_H

#include "td_common.h"

/** A nibble (0..15) as a signed 4-bit value (-8..7), without shifts of negative numbers. */
TD_INLINE int32_t td_int4_sign(int32_t nibble)
{
    return (nibble ^ 8) - 8;
}

/** Element `index` of packed int4 values. */
TD_INLINE int32_t td_int4_at(const int8_t *packed, int32_t index)
{
    const int32_t byte = ((const uint8_t *)packed)[index >> 1];
    return td_int4_sign((index & 1) ? (byte >> 4) : (byte & 15));
}

/** sum over i < count of w[start + i] * (x[i] + offset), the weights w packed int4. */
TD_INLINE int32_t td_int4_dot(const int8_t *packed, int32_t start, const int8_t *x, int32_t count, int32_t offset)
{
    int32_t acc = 0;
    int32_t i = 0;
    const uint8_t *bytes;
    if (count <= 0) {
        return 0;
    }
    if (start & 1) {
        acc += td_int4_at(packed, start) * ((int32_t)x[0] + offset);
        i = 1;
    }
    bytes = (const uint8_t *)packed + ((start + i) >> 1);
    for (; i + 1 < count; i += 2) {
        const int32_t byte = *bytes++;
        acc += td_int4_sign(byte & 15) * ((int32_t)x[i] + offset);
        acc += td_int4_sign(byte >> 4) * ((int32_t)x[i + 1] + offset);
    }
    if (i < count) {
        acc += td_int4_at(packed, start + i) * ((int32_t)x[i] + offset);
    }
    return acc;
}

/** sums[c] += w[start + c] * (x[c / multiplier] + offset) for c < count, the weights packed int4. */
TD_INLINE void td_int4_depthwise_tap(int32_t *sums, const int8_t *packed, int32_t start, const int8_t *x, int32_t count, int32_t multiplier, int32_t offset)
{
    int32_t c = 0;
    const uint8_t *bytes;
    if (start & 1) {
        sums[0] += td_int4_at(packed, start) * ((int32_t)x[0] + offset);
        c = 1;
    }
    bytes = (const uint8_t *)packed + ((start + c) >> 1);
    if (multiplier == 1) {
        for (; c + 1 < count; c += 2) {
            const int32_t byte = *bytes++;
            sums[c] += td_int4_sign(byte & 15) * ((int32_t)x[c] + offset);
            sums[c + 1] += td_int4_sign(byte >> 4) * ((int32_t)x[c + 1] + offset);
        }
    } else {
        for (; c + 1 < count; c += 2) {
            const int32_t byte = *bytes++;
            sums[c] += td_int4_sign(byte & 15) * ((int32_t)x[c / multiplier] + offset);
            sums[c + 1] += td_int4_sign(byte >> 4) * ((int32_t)x[(c + 1) / multiplier] + offset);
        }
    }
    if (c < count) {
        sums[c] += td_int4_at(packed, start + c) * ((int32_t)x[c / multiplier] + offset);
    }
}

#endif /* TD_INT4_H */
