/*
 * RESIZE_BILINEAR float32 (TFLite's reference ResizeBilinear): each output is
 * v00 (1-dy)(1-dx) + v10 dy (1-dx) + v01 (1-dy) dx + v11 dy dx in float32, in that order,
 * dy and dx the distance of the (float32) source position from its lower neighbour.
 */
#include "../internal/td_common.h"

td_status td_resize_bilinear_f32(const td_resize_params *params, const float *input, float *output)
{
    const int32_t channels = params->channels;
    int32_t b;
    int32_t oy;
    int32_t ox;
    int32_t c;
    for (b = 0; b < params->batch; ++b) {
        for (oy = 0; oy < params->output_height; ++oy) {
            const int32_t y0 = params->row_lower[oy];
            const float dy = params->row_position[oy] - (float)y0;
            const float ry = 1.0f - dy;
            const float *row0 = input + (b * params->input_height + y0) * params->input_width * channels;
            const float *row1 = input + (b * params->input_height + params->row_upper[oy]) * params->input_width * channels;
            for (ox = 0; ox < params->output_width; ++ox) {
                const int32_t x0 = params->column_lower[ox];
                const int32_t x1 = params->column_upper[ox];
                const float dx = params->column_position[ox] - (float)x0;
                const float rx = 1.0f - dx;
                for (c = 0; c < channels; ++c) {
                    const float t1 = row0[x0 * channels + c] * ry * rx;
                    const float t2 = row1[x0 * channels + c] * dy * rx;
                    const float t3 = row0[x1 * channels + c] * ry * dx;
                    const float t4 = row1[x1 * channels + c] * dy * dx;
                    *output++ = t1 + t2 + t3 + t4;
                }
            }
        }
    }
    return TD_OK;
}
