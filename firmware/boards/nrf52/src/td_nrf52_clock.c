/*
 * Clock set-up of the nRF52 family: the core and its peripherals run at 64 MHz from reset; the
 * HFXO crystal is started (bounded wait: without it the clock stays on HFINT, still 64 MHz, and
 * td_nrf52_clock says so), and the NVMC's instruction cache is turned on (no flash wait states are
 * visible with it: the catalog counts none).
 */
#include "td_nrf52.h"

volatile td_nrf52_clock_state td_nrf52_clock;

void td_nrf52_clock_init(void) {
  TD_NVMC_ICACHECNF |= TD_NVMC_ICACHECNF_CACHEEN;
  TD_CLOCK_EVENTS_HFCLKSTARTED = 0;
  TD_CLOCK_TASKS_HFCLKSTART = 1;
  int started = td_wait_bits(&TD_CLOCK_EVENTS_HFCLKSTARTED, 1u, 1u, TD_NRF52_HFXO_POLLS) &&
                (TD_CLOCK_HFCLKSTAT & (TD_CLOCK_HFCLKSTAT_SRC_XTAL | TD_CLOCK_HFCLKSTAT_RUNNING)) ==
                    (TD_CLOCK_HFCLKSTAT_SRC_XTAL | TD_CLOCK_HFCLKSTAT_RUNNING);
  td_nrf52_clock.status = started ? TD_NRF52_CLOCK_HFXO : TD_NRF52_CLOCK_HFXO_NOT_STARTED;
  td_nrf52_clock.core_hz = TD_CPU_HZ;
}

uint32_t td_board_clock_hz(void) { return TD_CPU_HZ; }
