/*
 * CAST between float32, int8, uint8, int16, int32, uint32 and bool (TFLite Micro's cast.cc,
 * static_cast): integers wrap to the narrower type, float32 -> integer truncates toward zero,
 * saturates to the 32-bit range and wraps (see td_cast_bits), bool is written as value != 0. Every value
 * passes through a double, which holds each of these types exactly.
 */
#include "../internal/td_common.h"

static double td_cast_read(td_cast_type type, const void *data, int32_t i)
{
    switch (type) {
    case TD_CAST_FLOAT32: return (double)((const float *)data)[i];
    case TD_CAST_INT8: return (double)((const int8_t *)data)[i];
    case TD_CAST_UINT8: return (double)((const uint8_t *)data)[i];
    case TD_CAST_INT16: return (double)((const int16_t *)data)[i];
    case TD_CAST_INT32: return (double)((const int32_t *)data)[i];
    case TD_CAST_UINT32: return (double)((const uint32_t *)data)[i];
    case TD_CAST_BOOL: return ((const uint8_t *)data)[i] != 0 ? 1.0 : 0.0;
    }
    return 0.0;
}

/*
 * The value as the low 32 bits of an integer. From a float: truncated toward zero and saturated
 * to the int32 range (signed targets) or the uint32 range (unsigned targets), NaN -> 0, as Arm's
 * VCVT does; the caller's narrowing then keeps the low bits. From an integer: exact.
 */
static uint32_t td_cast_bits(double value, int from_float, int to_signed)
{
    if (from_float) {
        if (value != value) {
            return 0u;
        }
        if (to_signed) {
            value = value < -2147483648.0 ? -2147483648.0 : (value > 2147483647.0 ? 2147483647.0 : value);
        } else {
            value = value < 0.0 ? 0.0 : (value > 4294967295.0 ? 4294967295.0 : value);
        }
    }
    return value < 0.0 ? (uint32_t)(int32_t)value : (uint32_t)value;
}

td_status td_cast(td_cast_type from, td_cast_type to, int32_t size, const void *input, void *output)
{
    const int from_float = from == TD_CAST_FLOAT32;
    int32_t i;
    for (i = 0; i < size; ++i) {
        const double value = td_cast_read(from, input, i);
        switch (to) {
        case TD_CAST_FLOAT32: ((float *)output)[i] = (float)value; break;
        case TD_CAST_BOOL: ((uint8_t *)output)[i] = value != 0.0 ? 1u : 0u; break;
        case TD_CAST_INT8: ((int8_t *)output)[i] = (int8_t)(uint8_t)td_cast_bits(value, from_float, 1); break;
        case TD_CAST_UINT8: ((uint8_t *)output)[i] = (uint8_t)td_cast_bits(value, from_float, 0); break;
        case TD_CAST_INT16: ((int16_t *)output)[i] = (int16_t)(uint16_t)td_cast_bits(value, from_float, 1); break;
        case TD_CAST_INT32: ((int32_t *)output)[i] = (int32_t)td_cast_bits(value, from_float, 1); break;
        case TD_CAST_UINT32: ((uint32_t *)output)[i] = td_cast_bits(value, from_float, 0); break;
        }
    }
    return TD_OK;
}
