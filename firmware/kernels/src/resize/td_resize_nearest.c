/* RESIZE_NEAREST_NEIGHBOR, any element size: each output pixel copies the input pixel of its row and column maps. */
#include "../internal/td_common.h"

td_status td_resize_nearest(const td_resize_params *params, const void *input, void *output)
{
    const size_t pixel = (size_t)params->channels * (size_t)params->element_bytes;
    const uint8_t *in = (const uint8_t *)input;
    uint8_t *out = (uint8_t *)output;
    int32_t b;
    int32_t y;
    int32_t x;
    for (b = 0; b < params->batch; ++b) {
        for (y = 0; y < params->output_height; ++y) {
            const uint8_t *row = in + (size_t)(b * params->input_height + params->row_lower[y]) * (size_t)params->input_width * pixel;
            for (x = 0; x < params->output_width; ++x) {
                memcpy(out, row + (size_t)params->column_lower[x] * pixel, pixel);
                out += pixel;
            }
        }
    }
    return TD_OK;
}
