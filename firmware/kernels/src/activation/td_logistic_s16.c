/*
 * LOGISTIC, int16 (16x8 models; TFLite's reference_integer_ops::Logistic for int16, the table
 * interpolation the integer LSTM's gates use, td_lstm_s8_reference.h): the input rescaled by the
 * plan's multiplier and shift (a zero multiplier is the power-of-two case, 3 << shift), output
 * Q0.15.
 */
#include "../lstm/td_lstm_s8_reference.h"

td_status td_logistic_s16(const td_sigmoid_params_s16 *params, int32_t count, const int16_t *input, int16_t *output)
{
    const td_int16_scaling scaling = td_int16_scaling_of(params->multiplier, params->left_shift);
    int32_t i;
    for (i = 0; i < count; ++i) {
        output[i] = td_sigmoid_int16(td_int16_rescale(input[i], &scaling));
    }
    return TD_OK;
}
