/*
 * TinyDeploy kernel library, internal: what the Cortex-M average pools share (td_avgpool_s8.c,
 * td_avgpool_s8_narrow.c).
 */
#ifndef TD_AVGPOOL_DSP_H
#define TD_AVGPOOL_DSP_H

#include "../../internal/td_common.h"

/**
 * The reference's division of a window sum by its pixel count (count / 2 added away from zero,
 * then C's truncating division), then the clamp. Branch-free: `sign` is 0 or -1, and
 * (half ^ sign) - sign is half or -half (acc == 0 gives 0 either way).
 */
TD_INLINE int8_t td_average(int32_t acc, int32_t count, int32_t min, int32_t max)
{
    if (count > 0) {
        const int32_t sign = acc >> 31;
        acc = (acc + (((count / 2) ^ sign) - sign)) / count;
    }
    return (int8_t)td_clamp_i32(acc, min, max);
}

#endif /* TD_AVGPOOL_DSP_H */
