/*
 * Program exit through Arm semihosting, shared by every board's td_board_exit: QEMU run with
 * -semihosting (and a debugger with semihosting on) ends with `status`; on a board without a
 * debugger attached the BKPT is not executed as a call, so the core then sleeps for good.
 */
#ifndef TD_SEMIHOSTING_H
#define TD_SEMIHOSTING_H

#include <stdint.h>

/* SYS_EXIT_EXTENDED (0x20) with ADP_Stopped_ApplicationExit and the status, then sleep. */
__attribute__((noreturn)) static inline void td_semihosting_exit(int status) {
  volatile uint32_t block[2] = {0x20026u, (uint32_t)status};
  register uint32_t operation __asm__("r0") = 0x20u;
  register volatile uint32_t *argument __asm__("r1") = block;
  __asm__ volatile("bkpt 0xab" : "+r"(operation) : "r"(argument) : "memory");
  __asm__ volatile("cpsid i");
  for (;;) {
    __asm__ volatile("wfi");
  }
}

#endif /* TD_SEMIHOSTING_H */
