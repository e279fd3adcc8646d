/*
 * Bounded waits on hardware ready flags, for every family's clock set-up: a flag that never
 * comes (an oscillator not fitted, a PLL that does not lock, or a peripheral an emulator does not
 * model, as QEMU's STM32 RCC) ends the wait after a fixed number of polls instead of hanging the
 * board before it can say anything. The caller then falls back to a clock that needs no ready
 * flag and records why.
 */
#ifndef TD_WAIT_H
#define TD_WAIT_H

#include <stdint.h>

/* Polls of a ready flag before giving up: each a few cycles, so milliseconds at a reset clock of 4 to 64 MHz. */
#ifndef TD_READY_POLLS
#define TD_READY_POLLS 50000u
#endif

/* 1 once (*reg & mask) == value, 0 after `polls` reads without it. */
static inline int td_wait_bits(volatile uint32_t *reg, uint32_t mask, uint32_t value, uint32_t polls) {
  for (uint32_t i = 0; i < polls; i++) {
    if ((*reg & mask) == value) return 1;
  }
  return 0;
}

/* About `loops` iterations of a loop the compiler keeps (a settling delay before any timer runs). */
static inline void td_spin(uint32_t loops) {
  for (volatile uint32_t i = 0; i < loops; i++) {
  }
}

#endif /* TD_WAIT_H */
