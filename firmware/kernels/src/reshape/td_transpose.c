/*
 * TRANSPOSE (TFLite's reference_ops::Transpose) of 1 to 6 dimensions, any element size.
 *
 * The output dimensions are first simplified: dimensions of size 1 dropped, and neighbours that
 * are also neighbours in the input (in the same order) merged. Then the output is written in
 * order while an odometer over its outer dimensions steps the input offset by the permuted
 * input strides, the innermost dimension (or two) as a run:
 *  - the innermost output dimension contiguous in the input: one word-wise copy per run
 *    (td_bytes.h), e.g. a permutation that keeps the channels last;
 *  - bytes whose second-innermost output dimension is contiguous in the input (a matrix
 *    transpose, e.g. NHWC to NCHW): four input bytes read as one word go to four output rows;
 *  - otherwise one element at a time.
 */
#include "../internal/td_common.h"
#include "td_bytes.h"

/** The last two output dimensions of a byte transpose whose rows are contiguous in the input. */
static void td_transpose_block_s8(const uint8_t *in, int32_t rows, int32_t row_stride, int32_t columns, uint8_t *out)
{
    /* out[i][j] = in[j * row_stride + i]: four i at a time from one word of input column j. */
    int32_t i = 0, j;
    for (; i + 4 <= rows; i += 4) {
        const uint8_t *from = in + i;
        uint8_t *to = out + i * columns;
        for (j = 0; j < columns; ++j, from += row_stride) {
            uint32_t word;
            memcpy(&word, from, 4);
            to[j] = (uint8_t)word;
            to[columns + j] = (uint8_t)(word >> 8);
            to[2 * columns + j] = (uint8_t)(word >> 16);
            to[3 * columns + j] = (uint8_t)(word >> 24);
        }
    }
    for (; i < rows; ++i) {
        for (j = 0; j < columns; ++j) out[i * columns + j] = in[j * row_stride + i];
    }
}

td_status td_transpose(const td_transpose_params *params, const void *input, void *output)
{
    const int32_t rank = params->rank;
    const int32_t bytes = params->element_bytes;
    int32_t input_strides[TD_TRANSPOSE_MAX_RANK];
    int32_t strides[TD_TRANSPOSE_MAX_RANK];
    int32_t shape[TD_TRANSPOSE_MAX_RANK];
    int32_t counter[TD_TRANSPOSE_MAX_RANK];
    int32_t dims = 0;
    int32_t count = 1;
    int32_t offset = 0;
    int32_t run, outer, i, d;
    const uint8_t *in = (const uint8_t *)input;
    uint8_t *out = (uint8_t *)output;
    if (rank < 1 || rank > TD_TRANSPOSE_MAX_RANK) {
        return TD_ERROR_ARGUMENT;
    }
    input_strides[rank - 1] = 1;
    for (d = rank - 2; d >= 0; --d) {
        input_strides[d] = input_strides[d + 1] * params->input_shape[d + 1];
    }
    for (d = 0; d < rank; ++d) {
        const int32_t size = params->input_shape[params->perm[d]];
        const int32_t stride = input_strides[params->perm[d]];
        count *= size;
        if (size == 1) continue;
        if (dims > 0 && strides[dims - 1] == stride * size) {
            /* Contiguous with the previous output dimension in the input too: one dimension. */
            shape[dims - 1] *= size;
            strides[dims - 1] = stride;
        } else {
            shape[dims] = size;
            strides[dims] = stride;
            ++dims;
        }
    }
    if (count == 0) return TD_OK;
    if (dims == 0) {
        shape[0] = 1;
        strides[0] = 1;
        dims = 1;
    }
    if (strides[dims - 1] == 1) {
        /* Runs contiguous in both: the innermost dimension is copied whole. */
        run = shape[dims - 1] * bytes;
        outer = count / shape[dims - 1];
        dims -= 1;
    } else if (bytes == 1 && dims >= 2 && strides[dims - 2] == 1) {
        run = 0;
        outer = count / (shape[dims - 1] * shape[dims - 2]);
        dims -= 2;
    } else {
        run = -1;
        outer = count;
    }
    for (d = 0; d < dims; ++d) counter[d] = 0;
    for (i = 0; i < outer; ++i) {
        if (run > 0) {
            out = (uint8_t *)td_copy_s8((int8_t *)out, (const int8_t *)(in + (size_t)offset * (size_t)bytes), run);
        } else if (run == 0) {
            td_transpose_block_s8(in + offset, shape[dims], strides[dims + 1], shape[dims + 1], out);
            out += shape[dims] * shape[dims + 1];
        } else if (bytes == 1) {
            *out++ = in[offset];
        } else {
            memcpy(out, in + (size_t)offset * (size_t)bytes, (size_t)bytes);
            out += bytes;
        }
        for (d = dims - 1; d >= 0; --d) {
            counter[d]++;
            offset += strides[d];
            if (counter[d] < shape[d]) {
                break;
            }
            offset -= strides[d] * shape[d];
            counter[d] = 0;
        }
    }
    return TD_OK;
}
