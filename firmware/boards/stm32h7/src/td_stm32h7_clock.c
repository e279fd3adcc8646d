/*
 * Clock set-up of the STM32H7 family at register level (RM0433 §6.6.2, §8.5): the LDO supply
 * (written once after power-on), voltage scale 1 and, above 400 MHz, over-drive (VOS0); PLL1 from
 * the 64 MHz HSI to TD_CPU_HZ on its P output; the flash wait states and programming delay for
 * the AXI clock (TD_CPU_HZ / 2); the domain prescalers: CPU undivided, AXI/AHB / 2 and every APB
 * / 2 (at 480 MHz: 240 MHz and 120 MHz, their limits); SYSCLK switched to PLL1; then the
 * Cortex-M7's instruction and data caches on (../../common/include/td_cortex_m7.h).
 *
 * Every wait is bounded: when a flag never comes the core stays on (or goes back to) HSI at 64 MHz
 * with the domains undivided, and td_stm32h7_clock says so and why.
 */
#include "td_cortex_m7.h"
#include "td_stm32h7.h"

volatile td_stm32h7_clock_state td_stm32h7_clock;

static int td_wait_flag(volatile uint32_t *reg, uint32_t mask, uint32_t value) { return td_wait_bits(reg, mask, value, TD_READY_POLLS); }

static void td_switch_to_hsi(void) {
  TD_RCC_CFGR = (TD_RCC_CFGR & ~TD_RCC_CFGR_SW_MASK) | TD_RCC_CFGR_SW_HSI;
  (void)td_wait_flag(&TD_RCC_CFGR, TD_RCC_CFGR_SWS_MASK, 0u);
  TD_RCC_D1CFGR = 0; /* CPU, AXI/AHB and APB3 undivided */
  TD_RCC_D2CFGR = 0;
  TD_RCC_D3CFGR = 0;
  TD_RCC_CR &= ~TD_RCC_CR_PLL1ON;
  (void)td_wait_flag(&TD_RCC_CR, TD_RCC_CR_PLL1RDY, 0u);
}

static void td_stay_on_hsi(td_stm32h7_clock_status status) {
  td_switch_to_hsi();
  td_stm32_clock_record(&td_stm32h7_clock, (uint32_t)status, TD_STM32H7_HSI_HZ, TD_STM32H7_HSI_HZ, TD_STM32H7_HSI_HZ);
}

static void td_stm32h7_pll_init(void) {
  /* LDO supply, then wait until the regulator's voltage level is the one asked. */
  TD_PWR_CR3 = (TD_PWR_CR3 & ~TD_PWR_CR3_SUPPLY_MASK) | TD_PWR_CR3_LDOEN;
  if (!td_wait_flag(&TD_PWR_CSR1, TD_PWR_CSR1_ACTVOSRDY, TD_PWR_CSR1_ACTVOSRDY)) {
    td_stay_on_hsi(TD_STM32H7_CLOCK_SUPPLY_NOT_READY);
    return;
  }
  TD_PWR_D3CR = (TD_PWR_D3CR & ~TD_PWR_D3CR_VOS_MASK) | TD_PWR_D3CR_VOS_SCALE1;
  if (!td_wait_flag(&TD_PWR_D3CR, TD_PWR_D3CR_VOSRDY, TD_PWR_D3CR_VOSRDY)) {
    td_stay_on_hsi(TD_STM32H7_CLOCK_VOLTAGE_NOT_READY);
    return;
  }
#if TD_STM32H7_VOS0
  TD_RCC_APB4ENR |= TD_RCC_APB4ENR_SYSCFGEN;
  (void)TD_RCC_APB4ENR;
  TD_SYSCFG_PWRCR |= TD_SYSCFG_PWRCR_ODEN;
  if (!td_wait_flag(&TD_PWR_D3CR, TD_PWR_D3CR_VOSRDY, TD_PWR_D3CR_VOSRDY)) {
    td_stay_on_hsi(TD_STM32H7_CLOCK_VOLTAGE_NOT_READY);
    return;
  }
#endif

  TD_RCC_CR = (TD_RCC_CR & ~TD_RCC_CR_HSIDIV_MASK) | TD_RCC_CR_HSION;
  if (!td_wait_flag(&TD_RCC_CR, TD_RCC_CR_HSIRDY, TD_RCC_CR_HSIRDY)) {
    td_stay_on_hsi(TD_STM32H7_CLOCK_HSI_NOT_READY);
    return;
  }

  /* PLL1 from HSI: ref = 64 MHz / M in range RGE, wide VCO = ref × N, P, Q, R outputs on. */
  td_switch_to_hsi(); /* a debugger's reset may leave PLL1 running */
  TD_RCC_PLLCKSELR = (TD_RCC_PLLCKSELR & ~(TD_RCC_PLLCKSELR_SRC_MASK | TD_RCC_PLLCKSELR_DIVM1_MASK)) | ((TD_STM32H7_PLL_M) << 4);
  TD_RCC_PLLCFGR = (TD_RCC_PLLCFGR & ~TD_RCC_PLLCFGR_PLL1_MASK) | ((TD_STM32H7_PLL_RGE) << 2) | TD_RCC_PLLCFGR_DIV1EN;
  TD_RCC_PLL1DIVR = ((TD_STM32H7_PLL_N) - 1u) | (((TD_STM32H7_PLL_P) - 1u) << 9) | (((TD_STM32H7_PLL_Q) - 1u) << 16) | (((TD_STM32H7_PLL_R) - 1u) << 24);
  TD_RCC_CR |= TD_RCC_CR_PLL1ON;
  if (!td_wait_flag(&TD_RCC_CR, TD_RCC_CR_PLL1RDY, TD_RCC_CR_PLL1RDY)) {
    td_stay_on_hsi(TD_STM32H7_CLOCK_PLL_NOT_LOCKED);
    return;
  }

  uint32_t acr = (TD_STM32H7_FLASH_LATENCY) | ((TD_STM32H7_FLASH_WRHIGHFREQ) << 4);
  TD_FLASH_ACR = acr;
  if ((TD_FLASH_ACR & 0x3Fu) != acr) {
    td_stay_on_hsi(TD_STM32H7_CLOCK_FLASH_LATENCY_NOT_SET);
    return;
  }

  /* D1: CPU / 1, AXI and AHB (HPRE) / 2, APB3 / 2; D2: APB1, APB2 / 2; D3: APB4 / 2. */
  TD_RCC_D1CFGR = 8u | (4u << 4);
  TD_RCC_D2CFGR = (4u << 4) | (4u << 8);
  TD_RCC_D3CFGR = 4u << 4;
  TD_RCC_CFGR = (TD_RCC_CFGR & ~TD_RCC_CFGR_SW_MASK) | TD_RCC_CFGR_SW_PLL1;
  if (!td_wait_flag(&TD_RCC_CFGR, TD_RCC_CFGR_SWS_MASK, TD_RCC_CFGR_SWS_PLL1)) {
    td_stay_on_hsi(TD_STM32H7_CLOCK_SWITCH_NOT_DONE);
    return;
  }
  td_stm32_clock_record(&td_stm32h7_clock, TD_STM32H7_CLOCK_PLL, TD_CPU_HZ, TD_CPU_HZ / 4u, TD_CPU_HZ / 4u);
}

void td_stm32h7_clock_init(void) {
  td_stm32h7_pll_init();
  td_cortex_m7_caches_enable();
}

uint32_t td_board_clock_hz(void) { return td_stm32h7_clock.core_hz != 0u ? td_stm32h7_clock.core_hz : TD_CPU_HZ; }
