/*
 * Clock set-up of the RP2040 at register level (datasheet §2.15.6): the sequence the RP2350 shares,
 * td_rp2_clock_init of ../../common/include/td_rp2_clocks.h, on the RP2040's blocks: the 12 MHz
 * crystal, PLL_SYS at 12 MHz / REFDIV × FBDIV / POSTDIV1 / POSTDIV2 (VCO 1500 MHz, 125 MHz on the
 * Pico), clk_sys and clk_peri on it. XIP flash is set up by the boot2 stage
 * (../boot2/td_rp2040_boot2.c) before any of this runs.
 *
 * Every wait is bounded: without a stable crystal the core stays on the ring oscillator (about
 * 6.5 MHz); without a PLL lock it runs from the crystal at 12 MHz; td_rp2040_clock says which.
 */
#include "td_rp2040.h"

volatile td_rp2040_clock_state td_rp2040_clock;

void td_rp2040_clock_init(void) {
  static const td_rp2_clock_plan plan = {
      .clocks_base = TD_RP2040_CLOCKS_BASE,
      .resets_base = TD_RP2040_RESETS_BASE,
      .xosc_base = TD_RP2040_XOSC_BASE,
      .pll_sys_base = TD_RP2040_PLL_SYS_BASE,
      .pll_sys_reset = TD_RP2040_RESET_PLL_SYS,
      .rosc_hz = TD_RP2040_ROSC_HZ,
      .xosc_hz = TD_RP2040_XOSC_HZ,
      .refdiv = TD_RP2040_PLL_REFDIV,
      .fbdiv = TD_RP2040_PLL_FBDIV,
      .postdiv1 = TD_RP2040_PLL_POSTDIV1,
      .postdiv2 = TD_RP2040_PLL_POSTDIV2,
      .target_hz = TD_CPU_HZ,
  };
  td_rp2_clock_init(&td_rp2040_clock, &plan);
}

/* SysTick's clock (td_systick_timer.c counting cycles): what the core really runs at. */
uint32_t td_board_clock_hz(void) { return td_rp2040_clock.core_hz != 0u ? td_rp2040_clock.core_hz : TD_CPU_HZ; }
