/*
 * Clock set-up of the RP2350 at register level (datasheet §8.1.6): the same sequence as the
 * RP2040's (../../rp2040/src/td_rp2040_clock.c), on the RP2350's base addresses: the 12 MHz
 * crystal, clk_ref on it, PLL_SYS at 12 MHz / REFDIV × FBDIV / POSTDIV1 / POSTDIV2 (1500 MHz VCO,
 * 150 MHz on the Pico 2), clk_sys on it through its glitchless mux, clk_peri from clk_sys.
 *
 * Every wait is bounded: without a stable crystal the core stays on the ring oscillator; without
 * a PLL lock it runs from the crystal at 12 MHz; td_rp2350_clock says which.
 */
#include "td_rp2350.h"

volatile td_rp2350_clock_state td_rp2350_clock;

static void td_rp2350_clock_done(td_rp2350_clock_status status, uint32_t hz) {
  td_rp2_clk_peri_from_sys(TD_RP2350_CLOCKS_BASE);
  td_rp2350_clock.status = (uint32_t)status;
  td_rp2350_clock.core_hz = hz;
  td_rp2350_clock.peri_hz = hz;
}

void td_rp2350_clock_init(void) {
  td_rp2_clk_sys_to_ref(TD_RP2350_CLOCKS_BASE);
  if (!td_rp2_xosc_start(TD_RP2350_XOSC_BASE, TD_RP2350_XOSC_HZ) || !td_rp2_clk_ref_to_xosc(TD_RP2350_CLOCKS_BASE)) {
    td_rp2350_clock_done(TD_RP2350_CLOCK_XOSC_NOT_STABLE, TD_RP2350_ROSC_HZ);
    return;
  }
  TD_RP2_SET(TD_RP2350_RESETS_BASE, TD_RESETS_RESET) = TD_RP2350_RESET_PLL_SYS;
  if (!td_rp2_unreset(TD_RP2350_RESETS_BASE, TD_RP2350_RESET_PLL_SYS) ||
      !td_rp2_pll_start(TD_RP2350_PLL_SYS_BASE, TD_RP2350_PLL_REFDIV, TD_RP2350_PLL_FBDIV, TD_RP2350_PLL_POSTDIV1, TD_RP2350_PLL_POSTDIV2)) {
    td_rp2350_clock_done(TD_RP2350_CLOCK_PLL_NOT_LOCKED, TD_RP2350_XOSC_HZ);
    return;
  }
  if (!td_rp2_clk_sys_to_pll(TD_RP2350_CLOCKS_BASE)) {
    td_rp2_clk_sys_to_ref(TD_RP2350_CLOCKS_BASE);
    td_rp2350_clock_done(TD_RP2350_CLOCK_SWITCH_NOT_DONE, TD_RP2350_XOSC_HZ);
    return;
  }
  td_rp2350_clock_done(TD_RP2350_CLOCK_PLL, TD_CPU_HZ);
}

/* The DWT timer's clock: what the core really runs at. */
uint32_t td_board_clock_hz(void) { return td_rp2350_clock.core_hz != 0u ? td_rp2350_clock.core_hz : TD_CPU_HZ; }
