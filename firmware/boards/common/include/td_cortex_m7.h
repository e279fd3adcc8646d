/*
 * Cortex-M7 L1 caches (ARMv7-M ARM §B2.2.7, Cortex-M7 TRM §4.1): the instruction cache is
 * invalidated and enabled, the data cache invalidated by set and way, then enabled. What CMSIS's
 * SCB_EnableICache/SCB_EnableDCache do, for the STM32F7 and H7 families. The build uses no DMA,
 * so the data cache needs no maintenance afterwards.
 */
#ifndef TD_CORTEX_M7_H
#define TD_CORTEX_M7_H

#include <stdint.h>

#include "td_cortex_m.h"

#define TD_SCB_CCR TD_REG32(0xE000ED14u)
#define TD_SCB_CCR_DC (1u << 16)
#define TD_SCB_CCR_IC (1u << 17)
#define TD_SCB_CCSIDR TD_REG32(0xE000ED80u)
#define TD_SCB_CSSELR TD_REG32(0xE000ED84u)
#define TD_SCB_ICIALLU TD_REG32(0xE000EF50u)
#define TD_SCB_DCISW TD_REG32(0xE000EF60u)

static inline void td_cortex_m7_caches_enable(void) {
  TD_DSB();
  TD_ISB();
  TD_SCB_ICIALLU = 0;
  TD_DSB();
  TD_ISB();
  TD_SCB_CCR |= TD_SCB_CCR_IC;
  TD_DSB();
  TD_ISB();

  TD_SCB_CSSELR = 0; /* level 1 data cache */
  TD_DSB();
  uint32_t ccsidr = TD_SCB_CCSIDR;
  uint32_t sets = ((ccsidr >> 13) & 0x7FFFu) + 1u;
  uint32_t ways = ((ccsidr >> 3) & 0x3FFu) + 1u;
  /* Cortex-M7: 32-byte lines (set field at bit 5), 4 ways (way field at bit 30). */
  for (uint32_t set = 0; set < sets; set++) {
    for (uint32_t way = 0; way < ways; way++) TD_SCB_DCISW = (way << 30) | (set << 5);
  }
  TD_DSB();
  TD_SCB_CCR |= TD_SCB_CCR_DC;
  TD_DSB();
  TD_ISB();
}

#endif /* TD_CORTEX_M7_H */
