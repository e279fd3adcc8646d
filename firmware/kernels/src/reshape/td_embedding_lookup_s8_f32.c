/*
 * EMBEDDING_LOOKUP with an int8 table and a float32 output (TFLite Micro's EvalHybrid): each id's
 * row dequantized as value * scale in float32 (zero point 0). An id outside the table returns
 * TD_ERROR_ARGUMENT, as TFLite Micro fails the invocation.
 */
#include "../internal/td_common.h"

td_status td_embedding_lookup_s8_f32(int32_t rows, int32_t row_size, int32_t count, float scale, const int32_t *ids, const int8_t *table, float *output)
{
    int32_t t;
    int32_t i;
    for (t = 0; t < count; ++t) {
        const int32_t id = ids[t];
        const int8_t *row;
        if (id < 0 || id >= rows) {
            return TD_ERROR_ARGUMENT;
        }
        row = table + id * row_size;
        for (i = 0; i < row_size; ++i) {
            *output++ = (float)row[i] * scale;
        }
    }
    return TD_OK;
}
