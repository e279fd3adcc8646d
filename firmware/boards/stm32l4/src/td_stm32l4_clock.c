/*
 * Clock set-up of the STM32L4+ family at register level (RM0432 §5.1.8, §6.2.5): from the 4 MHz
 * MSI of reset, voltage range 1 and, above 80 MHz, range 1 boost mode (PWR_CR5.R1MODE = 0); the
 * flash wait states for the target clock with prefetch and the ART's caches on; the main PLL from
 * MSI to TD_CPU_HZ on its R output; the switch made with the AHB divided by 2 for a microsecond,
 * as the reference manual asks when going above 80 MHz; APB1 and APB2 undivided (up to 120 MHz).
 *
 * Every ready flag is waited for a bounded number of polls. When one never comes, or the flash
 * latency does not read back, the core stays on (or goes back to) MSI at 4 MHz and
 * td_stm32l4_clock says so and why; td_board_clock_hz() gives the timer the clock really reached.
 */
#include "td_stm32l4.h"

volatile td_stm32l4_clock_state td_stm32l4_clock;

static int td_wait_flag(volatile uint32_t *reg, uint32_t mask, uint32_t value) { return td_wait_bits(reg, mask, value, TD_READY_POLLS); }

/* SYSCLK back to MSI with the buses undivided, PLL off (its settings change only while it is off). */
static void td_switch_to_msi(void) {
  TD_RCC_CFGR = (TD_RCC_CFGR & ~(TD_RCC_CFGR_SW_MASK | TD_RCC_CFGR_HPRE_MASK | TD_RCC_CFGR_PPRE_MASK)) | TD_RCC_CFGR_SW_MSI;
  (void)td_wait_flag(&TD_RCC_CFGR, TD_RCC_CFGR_SWS_MASK, 0u);
  TD_RCC_CR &= ~TD_RCC_CR_PLLON;
  (void)td_wait_flag(&TD_RCC_CR, TD_RCC_CR_PLLRDY, 0u);
}

static void td_stay_on_msi(td_stm32l4_clock_status status) {
  td_switch_to_msi();
  /* The wait states set so far are kept: more than 4 MHz needs is harmless. */
  td_stm32_clock_record(&td_stm32l4_clock, (uint32_t)status, TD_STM32L4_MSI_HZ, TD_STM32L4_MSI_HZ, TD_STM32L4_MSI_HZ);
}

void td_stm32l4_clock_init(void) {
  TD_RCC_CR |= TD_RCC_CR_MSION;
  if (!td_wait_flag(&TD_RCC_CR, TD_RCC_CR_MSIRDY, TD_RCC_CR_MSIRDY)) {
    td_stay_on_msi(TD_STM32L4_CLOCK_MSI_NOT_READY);
    return;
  }

  /* Range 1, then (above 80 MHz) its boost mode. */
  TD_RCC_APB1ENR1 |= TD_RCC_APB1ENR1_PWREN;
  (void)TD_RCC_APB1ENR1; /* the enable takes effect before the PWR access */
  TD_PWR_CR1 = (TD_PWR_CR1 & ~TD_PWR_CR1_VOS_MASK) | TD_PWR_CR1_VOS_RANGE1;
  if (!td_wait_flag(&TD_PWR_SR2, TD_PWR_SR2_VOSF, 0u)) {
    td_stay_on_msi(TD_STM32L4_CLOCK_VOLTAGE_NOT_READY);
    return;
  }
#if TD_STM32L4_BOOST
  TD_PWR_CR5 &= ~TD_PWR_CR5_R1MODE;
#endif

  /* Wait states before the faster clock, with prefetch and the ART's caches. */
  TD_FLASH_ACR = (TD_FLASH_ACR & ~TD_FLASH_ACR_LATENCY_MASK) | (TD_STM32L4_FLASH_LATENCY) | TD_FLASH_ACR_PRFTEN | TD_FLASH_ACR_ICEN | TD_FLASH_ACR_DCEN;
  if ((TD_FLASH_ACR & TD_FLASH_ACR_LATENCY_MASK) != (TD_STM32L4_FLASH_LATENCY)) {
    td_stay_on_msi(TD_STM32L4_CLOCK_FLASH_LATENCY_NOT_SET);
    return;
  }

  /* Main PLL from MSI: VCO in = 4 MHz / M, VCO out = in * N, SYSCLK = out / R (R output enabled). */
  td_switch_to_msi(); /* a debugger's reset may leave the PLL running */
  TD_RCC_PLLCFGR = TD_RCC_PLLCFGR_SRC_MSI | ((TD_STM32L4_PLL_M - 1u) << 4) | ((TD_STM32L4_PLL_N) << 8) | (((TD_STM32L4_PLL_R / 2u) - 1u) << 25) |
                   TD_RCC_PLLCFGR_PLLREN;
  TD_RCC_CR |= TD_RCC_CR_PLLON;
  if (!td_wait_flag(&TD_RCC_CR, TD_RCC_CR_PLLRDY, TD_RCC_CR_PLLRDY)) {
    td_stay_on_msi(TD_STM32L4_CLOCK_PLL_NOT_LOCKED);
    return;
  }

#if TD_STM32L4_BOOST
  /* Above 80 MHz: switch with HCLK = SYSCLK / 2, wait at least 1 µs, then undivided (RM0432 §5.1.8). */
  TD_RCC_CFGR = (TD_RCC_CFGR & ~TD_RCC_CFGR_HPRE_MASK) | TD_RCC_CFGR_HPRE_DIV2;
#endif
  TD_RCC_CFGR = (TD_RCC_CFGR & ~TD_RCC_CFGR_SW_MASK) | TD_RCC_CFGR_SW_PLL;
  if (!td_wait_flag(&TD_RCC_CFGR, TD_RCC_CFGR_SWS_MASK, TD_RCC_CFGR_SWS_PLL)) {
    td_stay_on_msi(TD_STM32L4_CLOCK_SWITCH_NOT_DONE);
    return;
  }
#if TD_STM32L4_BOOST
  td_spin(200u); /* ≥ 1 µs at 60 MHz */
#endif
  TD_RCC_CFGR &= ~(TD_RCC_CFGR_HPRE_MASK | TD_RCC_CFGR_PPRE_MASK);
  td_stm32_clock_record(&td_stm32l4_clock, TD_STM32L4_CLOCK_PLL, TD_CPU_HZ, TD_CPU_HZ, TD_CPU_HZ);
}

/* The timer's clock: what the core really runs at, so cycles become the right milliseconds. */
uint32_t td_board_clock_hz(void) { return td_stm32l4_clock.core_hz != 0u ? td_stm32l4_clock.core_hz : TD_CPU_HZ; }
