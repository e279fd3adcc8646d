/*
 * Clock set-up of the RP2350 at register level (datasheet §8.1.6): the sequence the RP2040 shares,
 * td_rp2_clock_init of ../../common/include/td_rp2_clocks.h, on the RP2350's blocks: the 12 MHz
 * crystal, clk_ref on it, PLL_SYS at 12 MHz / REFDIV × FBDIV / POSTDIV1 / POSTDIV2 (1500 MHz VCO,
 * 150 MHz on the Pico 2), clk_sys on it through its glitchless mux, clk_peri from clk_sys.
 *
 * Every wait is bounded: without a stable crystal the core stays on the ring oscillator; without
 * a PLL lock it runs from the crystal at 12 MHz; td_rp2350_clock says which.
 */
#include "td_rp2350.h"

volatile td_rp2350_clock_state td_rp2350_clock;

void td_rp2350_clock_init(void) {
  static const td_rp2_clock_plan plan = {
      .clocks_base = TD_RP2350_CLOCKS_BASE,
      .resets_base = TD_RP2350_RESETS_BASE,
      .xosc_base = TD_RP2350_XOSC_BASE,
      .pll_sys_base = TD_RP2350_PLL_SYS_BASE,
      .pll_sys_reset = TD_RP2350_RESET_PLL_SYS,
      .rosc_hz = TD_RP2350_ROSC_HZ,
      .xosc_hz = TD_RP2350_XOSC_HZ,
      .refdiv = TD_RP2350_PLL_REFDIV,
      .fbdiv = TD_RP2350_PLL_FBDIV,
      .postdiv1 = TD_RP2350_PLL_POSTDIV1,
      .postdiv2 = TD_RP2350_PLL_POSTDIV2,
      .target_hz = TD_CPU_HZ,
  };
  td_rp2_clock_init(&td_rp2350_clock, &plan);
}

/* The DWT timer's clock: what the core really runs at. */
uint32_t td_board_clock_hz(void) { return td_rp2350_clock.core_hz != 0u ? td_rp2350_clock.core_hz : TD_CPU_HZ; }
