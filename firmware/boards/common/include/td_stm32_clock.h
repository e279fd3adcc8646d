/*
 * What the STM32 families' clock set-ups (F4, F7, H7, L4) share: the record of where the set-up
 * ended (status, core and APB clocks: the host can read it by symbol over a debugger, the timer
 * and the UART use the clocks really reached) and the APB prescaler encoding of RCC_CFGR (F4, F7).
 */
#ifndef TD_STM32_CLOCK_H
#define TD_STM32_CLOCK_H

#include <stdint.h>

typedef struct {
  uint32_t status; /* the family's td_<family>_clock_status: 0 when the PLL runs at TD_CPU_HZ */
  uint32_t core_hz;
  uint32_t apb1_hz;
  uint32_t apb2_hz;
} td_stm32_clock_state;

static inline void td_stm32_clock_record(volatile td_stm32_clock_state *state, uint32_t status, uint32_t core_hz, uint32_t apb1_hz, uint32_t apb2_hz) {
  state->status = status;
  state->core_hz = core_hz;
  state->apb1_hz = apb1_hz;
  state->apb2_hz = apb2_hz;
}

/* RCC_CFGR's PPRE field of an APB divider: /1 is 0, /2 is 4, then one step per power of two. */
static inline uint32_t td_stm32_apb_prescaler(uint32_t divider) {
  switch (divider) {
    case 2u: return 4u;
    case 4u: return 5u;
    case 8u: return 6u;
    case 16u: return 7u;
    default: return 0u;
  }
}

#endif /* TD_STM32_CLOCK_H */
