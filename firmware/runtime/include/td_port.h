/*
 * What the on-device runtime needs from a board beyond board.h (td_board_init/write/…):
 * interrupt-driven serial reception, so the core can sleep (WFI) while idle, and a timer for
 * per-op profiling. Implemented once per peripheral kind in firmware/boards/common/:
 *
 *   td_cmsdk_serial.c   CMSDK APB UART (all QEMU virtual boards): RX interrupt into a ring
 *   td_systick_timer.c  SysTick extended to 64 bits; under QEMU `-icount shift=0` one
 *                       nanosecond of virtual time is one instruction, so ticks measure
 *                       *instructions* (emulated), never cycles
 *   td_dwt_timer.c      DWT CYCCNT extended to 64 bits: core clock *cycles* on real boards
 *
 * A real board with another UART provides its own td_serial_* (see boards/real-template).
 */
#ifndef TD_PORT_H
#define TD_PORT_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- serial reception ---------------------------------------------------------------- */

/*
 * Turns on the receive interrupt; from then on received bytes go to a ring buffer that
 * td_serial_read drains. Call after td_board_init() (which configures the UART itself).
 */
void td_serial_init(void);

/* Takes one received byte into *byte; returns 1, or 0 when none is waiting. Never blocks. */
int td_serial_read(uint8_t *byte);

/*
 * Sleeps (WFI) until an interrupt arrives, unless a byte is already waiting. Race-free: the
 * check and the WFI run with interrupts masked, and WFI still wakes on a pending interrupt.
 */
void td_serial_wait(void);

/* Bytes lost because the ring was full (the host sent more than it should have). */
uint32_t td_serial_overruns(void);

/*
 * Holds reception off while the model runs, and lets it go on. Bytes that arrive meanwhile wait
 * in the UART (QEMU's boards hold them back; a real UART keeps what its FIFO holds and counts an
 * overrun for the rest, which only a host that already timed out sends) and are taken after
 * td_serial_release: no receive interrupt lands inside a run, so its instruction count and its
 * stack use are the model's own, the same run after run.
 */
void td_serial_hold(void);
void td_serial_release(void);

/* ---- timer ----------------------------------------------------------------------------- */

/* What a timer tick measures; the host prints the unit, never converts one into the other. */
typedef enum {
  /* Emulated instructions: QEMU `-icount shift=0` SysTick, ticks × 1e9 / tick_hz. */
  TD_TIMER_UNIT_INSTRUCTIONS = 1,
  /* Core clock cycles (DWT CYCCNT): ticks are cycles, tick_hz is the core clock. */
  TD_TIMER_UNIT_CYCLES = 2,
} td_timer_unit;

typedef struct {
  td_timer_unit unit;
  /* Tick frequency: the core clock the counter runs from. */
  uint32_t tick_hz;
  /* One tick is units_per_tick_num / units_per_tick_den units (40/1 on mps2's 25 MHz SysTick). */
  uint32_t units_per_tick_num;
  uint32_t units_per_tick_den;
} td_timer_info;

/* Starts the counter (and its overflow interrupt, if it has one). Call once at start-up. */
void td_timer_init(void);

/*
 * Restarts counting from zero. Under QEMU this also fixes the counter's phase against the
 * instruction stream, so a measurement repeated after a restart gives exactly the same count.
 */
void td_timer_restart(void);

/* Ticks since the last restart, 64 bits (no wrap in practice). */
uint64_t td_timer_now(void);

const td_timer_info *td_timer_describe(void);

/* Converts ticks to the timer's unit, rounding to nearest. */
uint64_t td_timer_ticks_to_units(uint64_t ticks);

#ifdef __cplusplus
}
#endif

#endif /* TD_PORT_H */
