/*
 * Host build of a family's clock set-up (board-clocks.process.test.ts): every register access goes
 * to td_fake_mmio instead of the bus, and the barriers vanish. Included first (-include) so the
 * family headers' TD_REG32 and barrier macros take these definitions.
 */
#ifndef TD_FAKE_MMIO_H
#define TD_FAKE_MMIO_H

#include <stdint.h>

volatile uint32_t *td_fake_mmio(uintptr_t address);

#define TD_REG32(address) (*td_fake_mmio((uintptr_t)(address)))
#define TD_DSB() ((void)0)
#define TD_ISB() ((void)0)

#endif /* TD_FAKE_MMIO_H */
