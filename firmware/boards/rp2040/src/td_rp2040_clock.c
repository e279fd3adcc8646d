/*
 * Clock set-up of the RP2040 at register level (datasheet §2.15.6): the 12 MHz crystal started,
 * clk_ref moved onto it, PLL_SYS reset and locked at 12 MHz / REFDIV × FBDIV (VCO 1500 MHz on the
 * Pico) then divided by POSTDIV1 × POSTDIV2 to TD_CPU_HZ, clk_sys moved onto it through its
 * glitchless mux, and clk_peri (the UART's clock) fed from clk_sys. clk_sys leaves PLL_SYS first,
 * so a debugger's reset that left it running on the PLL is handled. XIP flash is set up by the
 * boot2 stage (../boot2/td_rp2040_boot2.c) before any of this runs.
 *
 * Every wait is bounded: without a stable crystal the core stays on the ring oscillator (about
 * 6.5 MHz); without a PLL lock it runs from the crystal at 12 MHz; td_rp2040_clock says which.
 */
#include "td_rp2040.h"

volatile td_rp2040_clock_state td_rp2040_clock;

static void td_rp2040_clock_done(td_rp2040_clock_status status, uint32_t hz) {
  td_rp2_clk_peri_from_sys(TD_RP2040_CLOCKS_BASE);
  td_rp2040_clock.status = (uint32_t)status;
  td_rp2040_clock.core_hz = hz;
  td_rp2040_clock.peri_hz = hz;
}

void td_rp2040_clock_init(void) {
  td_rp2_clk_sys_to_ref(TD_RP2040_CLOCKS_BASE);
  if (!td_rp2_xosc_start(TD_RP2040_XOSC_BASE, TD_RP2040_XOSC_HZ) || !td_rp2_clk_ref_to_xosc(TD_RP2040_CLOCKS_BASE)) {
    td_rp2040_clock_done(TD_RP2040_CLOCK_XOSC_NOT_STABLE, TD_RP2040_ROSC_HZ);
    return;
  }
  TD_RP2_SET(TD_RP2040_RESETS_BASE, TD_RESETS_RESET) = TD_RP2040_RESET_PLL_SYS;
  if (!td_rp2_unreset(TD_RP2040_RESETS_BASE, TD_RP2040_RESET_PLL_SYS) ||
      !td_rp2_pll_start(TD_RP2040_PLL_SYS_BASE, TD_RP2040_PLL_REFDIV, TD_RP2040_PLL_FBDIV, TD_RP2040_PLL_POSTDIV1, TD_RP2040_PLL_POSTDIV2)) {
    td_rp2040_clock_done(TD_RP2040_CLOCK_PLL_NOT_LOCKED, TD_RP2040_XOSC_HZ);
    return;
  }
  if (!td_rp2_clk_sys_to_pll(TD_RP2040_CLOCKS_BASE)) {
    td_rp2_clk_sys_to_ref(TD_RP2040_CLOCKS_BASE);
    td_rp2040_clock_done(TD_RP2040_CLOCK_SWITCH_NOT_DONE, TD_RP2040_XOSC_HZ);
    return;
  }
  td_rp2040_clock_done(TD_RP2040_CLOCK_PLL, TD_CPU_HZ);
}

/* SysTick's clock (td_systick_timer.c counting cycles): what the core really runs at. */
uint32_t td_board_clock_hz(void) { return td_rp2040_clock.core_hz != 0u ? td_rp2040_clock.core_hz : TD_CPU_HZ; }
