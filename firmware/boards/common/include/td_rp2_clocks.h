/*
 * The clock blocks the RP2040 and RP2350 share (RP2040 datasheet §2.15-2.18, RP2350 datasheet
 * §8.1-8.6): crystal oscillator (XOSC), PLL and the glitchless clock muxes of CLOCKS, at the
 * same register offsets on both chips; each family gives the base addresses. Every wait is
 * bounded (td_wait.h): the callers fall back to the clock they already run on when one fails.
 */
#ifndef TD_RP2_CLOCKS_H
#define TD_RP2_CLOCKS_H

#include <stdint.h>

#include "td_cortex_m.h"
#include "td_wait.h"

#define TD_RP2_REG(base, offset) TD_REG32((base) + (offset))
/* Atomic set and clear aliases of every APB register. */
#define TD_RP2_SET(base, offset) TD_RP2_REG((base) + 0x2000u, offset)
#define TD_RP2_CLR(base, offset) TD_RP2_REG((base) + 0x3000u, offset)

/* XOSC: CTRL, STATUS, STARTUP. */
#define TD_XOSC_CTRL 0x00u
#define TD_XOSC_STATUS 0x04u
#define TD_XOSC_STARTUP 0x0Cu
#define TD_XOSC_CTRL_RANGE_1_15MHZ 0xAA0u
#define TD_XOSC_CTRL_ENABLE (0xFABu << 12)
#define TD_XOSC_STATUS_STABLE (1u << 31)

/* PLL: CS (REFDIV, LOCK), PWR (power-downs), FBDIV_INT, PRIM (post dividers). */
#define TD_PLL_CS 0x00u
#define TD_PLL_PWR 0x04u
#define TD_PLL_FBDIV_INT 0x08u
#define TD_PLL_PRIM 0x0Cu
#define TD_PLL_CS_LOCK (1u << 31)
#define TD_PLL_PWR_PD (1u << 0)
#define TD_PLL_PWR_POSTDIVPD (1u << 3)
#define TD_PLL_PWR_VCOPD (1u << 5)

/* CLOCKS: clk_ref, clk_sys, clk_peri (CTRL, DIV, SELECTED each). */
#define TD_CLK_REF_CTRL 0x30u
#define TD_CLK_REF_SELECTED 0x38u
#define TD_CLK_SYS_CTRL 0x3Cu
#define TD_CLK_SYS_SELECTED 0x44u
#define TD_CLK_PERI_CTRL 0x48u
#define TD_CLK_REF_SRC_XOSC 2u
#define TD_CLK_SYS_SRC_AUX 1u
#define TD_CLK_SYS_AUXSRC_MASK (7u << 5) /* 0: pll_sys */
#define TD_CLK_PERI_ENABLE (1u << 11)    /* AUXSRC 0: clk_sys */

/* RESETS: RESET, RESET_DONE. */
#define TD_RESETS_RESET 0x00u
#define TD_RESETS_DONE 0x08u

/* Takes the blocks of `mask` out of reset; 1 when they report done. */
static inline int td_rp2_unreset(uint32_t resets_base, uint32_t mask) {
  TD_RP2_CLR(resets_base, TD_RESETS_RESET) = mask;
  return td_wait_bits(&TD_RP2_REG(resets_base, TD_RESETS_DONE), mask, mask, TD_READY_POLLS);
}

/* Starts the 12 MHz crystal; 1 when stable. */
static inline int td_rp2_xosc_start(uint32_t xosc_base, uint32_t crystal_hz) {
  TD_RP2_REG(xosc_base, TD_XOSC_CTRL) = TD_XOSC_CTRL_RANGE_1_15MHZ;
  TD_RP2_REG(xosc_base, TD_XOSC_STARTUP) = ((crystal_hz / 1000u) + 128u) / 256u; /* about 1 ms, in units of 256 cycles */
  TD_RP2_SET(xosc_base, TD_XOSC_CTRL) = TD_XOSC_CTRL_ENABLE;
  return td_wait_bits(&TD_RP2_REG(xosc_base, TD_XOSC_STATUS), TD_XOSC_STATUS_STABLE, TD_XOSC_STATUS_STABLE, 4u * TD_READY_POLLS);
}

/* PLL (already reset) from the 12 MHz reference: VCO = ref / refdiv × fbdiv, out = VCO / post1 / post2; 1 when locked. */
static inline int td_rp2_pll_start(uint32_t pll_base, uint32_t refdiv, uint32_t fbdiv, uint32_t post1, uint32_t post2) {
  TD_RP2_REG(pll_base, TD_PLL_CS) = refdiv;
  TD_RP2_REG(pll_base, TD_PLL_FBDIV_INT) = fbdiv;
  TD_RP2_CLR(pll_base, TD_PLL_PWR) = TD_PLL_PWR_PD | TD_PLL_PWR_VCOPD;
  if (!td_wait_bits(&TD_RP2_REG(pll_base, TD_PLL_CS), TD_PLL_CS_LOCK, TD_PLL_CS_LOCK, TD_READY_POLLS)) return 0;
  TD_RP2_REG(pll_base, TD_PLL_PRIM) = (post1 << 16) | (post2 << 12);
  TD_RP2_CLR(pll_base, TD_PLL_PWR) = TD_PLL_PWR_POSTDIVPD;
  return 1;
}

/* clk_ref from the crystal; 1 when the mux reports it. */
static inline int td_rp2_clk_ref_to_xosc(uint32_t clocks_base) {
  TD_RP2_REG(clocks_base, TD_CLK_REF_CTRL) = (TD_RP2_REG(clocks_base, TD_CLK_REF_CTRL) & ~3u) | TD_CLK_REF_SRC_XOSC;
  return td_wait_bits(&TD_RP2_REG(clocks_base, TD_CLK_REF_SELECTED), 0xFu, 1u << TD_CLK_REF_SRC_XOSC, TD_READY_POLLS);
}

/* clk_sys through its glitchless mux: to clk_ref first, its aux mux to pll_sys, then to aux; 1 when selected. */
static inline int td_rp2_clk_sys_to_pll(uint32_t clocks_base) {
  TD_RP2_CLR(clocks_base, TD_CLK_SYS_CTRL) = 1u;
  if (!td_wait_bits(&TD_RP2_REG(clocks_base, TD_CLK_SYS_SELECTED), 3u, 1u, TD_READY_POLLS)) return 0;
  TD_RP2_CLR(clocks_base, TD_CLK_SYS_CTRL) = TD_CLK_SYS_AUXSRC_MASK;
  TD_RP2_SET(clocks_base, TD_CLK_SYS_CTRL) = TD_CLK_SYS_SRC_AUX;
  return td_wait_bits(&TD_RP2_REG(clocks_base, TD_CLK_SYS_SELECTED), 3u, 2u, TD_READY_POLLS);
}

/* clk_sys back on clk_ref (after a PLL that did not lock). */
static inline void td_rp2_clk_sys_to_ref(uint32_t clocks_base) {
  TD_RP2_CLR(clocks_base, TD_CLK_SYS_CTRL) = 1u;
  (void)td_wait_bits(&TD_RP2_REG(clocks_base, TD_CLK_SYS_SELECTED), 3u, 1u, TD_READY_POLLS);
}

/* clk_peri (the UARTs' clock) from clk_sys, enabled. */
static inline void td_rp2_clk_peri_from_sys(uint32_t clocks_base) {
  TD_RP2_REG(clocks_base, TD_CLK_PERI_CTRL) = 0;
  td_spin(10u); /* the disable takes a few cycles of the old clock */
  TD_RP2_REG(clocks_base, TD_CLK_PERI_CTRL) = TD_CLK_PERI_ENABLE;
}

/* How td_rp2_clock_init ended, and the clocks it left: the family's td_<family>_clock record. */
typedef enum {
  TD_RP2_CLOCK_PLL = 0,
  TD_RP2_CLOCK_XOSC_NOT_STABLE = 1, /* stays on the ring oscillator */
  TD_RP2_CLOCK_PLL_NOT_LOCKED = 2,  /* clk_sys on the crystal */
  TD_RP2_CLOCK_SWITCH_NOT_DONE = 3, /* clk_sys on the crystal: its mux never reported the PLL */
} td_rp2_clock_status;

typedef struct {
  uint32_t status; /* td_rp2_clock_status */
  uint32_t core_hz;
  uint32_t peri_hz;
} td_rp2_clock_state;

/* A chip's blocks and the clock to reach. */
typedef struct {
  uint32_t clocks_base, resets_base, xosc_base, pll_sys_base, pll_sys_reset;
  uint32_t rosc_hz, xosc_hz;
  uint32_t refdiv, fbdiv, postdiv1, postdiv2, target_hz;
} td_rp2_clock_plan;

static inline void td_rp2_clock_done(volatile td_rp2_clock_state *state, const td_rp2_clock_plan *plan, td_rp2_clock_status status, uint32_t hz) {
  td_rp2_clk_peri_from_sys(plan->clocks_base);
  state->status = (uint32_t)status;
  state->core_hz = hz;
  state->peri_hz = hz;
}

/*
 * The crystal started, clk_ref moved onto it, PLL_SYS reset and locked at xosc / REFDIV × FBDIV
 * then divided by POSTDIV1 × POSTDIV2, clk_sys moved onto it through its glitchless mux, and
 * clk_peri (the UARTs' clock) fed from clk_sys. clk_sys leaves PLL_SYS first, so a debugger's reset
 * that left it running on the PLL is handled. Without a stable crystal the core stays on the ring
 * oscillator; without a PLL lock (or its mux's answer) it runs from the crystal.
 */
static inline void td_rp2_clock_init(volatile td_rp2_clock_state *state, const td_rp2_clock_plan *plan) {
  td_rp2_clk_sys_to_ref(plan->clocks_base);
  if (!td_rp2_xosc_start(plan->xosc_base, plan->xosc_hz) || !td_rp2_clk_ref_to_xosc(plan->clocks_base)) {
    td_rp2_clock_done(state, plan, TD_RP2_CLOCK_XOSC_NOT_STABLE, plan->rosc_hz);
    return;
  }
  TD_RP2_SET(plan->resets_base, TD_RESETS_RESET) = plan->pll_sys_reset;
  if (!td_rp2_unreset(plan->resets_base, plan->pll_sys_reset) ||
      !td_rp2_pll_start(plan->pll_sys_base, plan->refdiv, plan->fbdiv, plan->postdiv1, plan->postdiv2)) {
    td_rp2_clock_done(state, plan, TD_RP2_CLOCK_PLL_NOT_LOCKED, plan->xosc_hz);
    return;
  }
  if (!td_rp2_clk_sys_to_pll(plan->clocks_base)) {
    td_rp2_clk_sys_to_ref(plan->clocks_base);
    td_rp2_clock_done(state, plan, TD_RP2_CLOCK_SWITCH_NOT_DONE, plan->xosc_hz);
    return;
  }
  td_rp2_clock_done(state, plan, TD_RP2_CLOCK_PLL, plan->target_hz);
}

#endif /* TD_RP2_CLOCKS_H */
