/*
 * Clock set-up of the STM32F7 family at register level (RM0385 §4.1.4, §5.3): the board's HSE
 * crystal started (bounded wait; without it the PLL runs from the 16 MHz HSI to the same
 * frequency), regulator scale 1, the main PLL to TD_CPU_HZ, over-drive on and switched in (above
 * 180 MHz), the flash wait states for it with the ART accelerator and prefetch on, APB1 and APB2
 * divided into their limits, SYSCLK switched to the PLL; then the Cortex-M7's instruction and data
 * caches on (../../common/include/td_cortex_m7.h), whatever the clock.
 *
 * Every wait is bounded: when a flag never comes the core stays on (or goes back to) HSI at 16 MHz
 * with the buses undivided, and td_stm32f7_clock says so and why.
 */
#include "td_cortex_m7.h"
#include "td_stm32f7.h"

volatile td_stm32f7_clock_state td_stm32f7_clock;

static int td_wait_flag(volatile uint32_t *reg, uint32_t mask, uint32_t value) { return td_wait_bits(reg, mask, value, TD_READY_POLLS); }

static void td_switch_to_hsi(void) {
  TD_RCC_CFGR = (TD_RCC_CFGR & ~(TD_RCC_CFGR_SW_MASK | TD_RCC_CFGR_PRESCALERS_MASK)) | TD_RCC_CFGR_SW_HSI;
  (void)td_wait_flag(&TD_RCC_CFGR, TD_RCC_CFGR_SWS_MASK, 0u);
  TD_RCC_CR &= ~TD_RCC_CR_PLLON;
  (void)td_wait_flag(&TD_RCC_CR, TD_RCC_CR_PLLRDY, 0u);
}

static void td_stay_on_hsi(td_stm32f7_clock_status status) {
  td_switch_to_hsi();
  td_stm32_clock_record(&td_stm32f7_clock, (uint32_t)status, TD_STM32F7_HSI_HZ, TD_STM32F7_HSI_HZ, TD_STM32F7_HSI_HZ);
}

static void td_stm32f7_pll_init(void) {
  TD_RCC_CR |= TD_RCC_CR_HSION;
  if (!td_wait_flag(&TD_RCC_CR, TD_RCC_CR_HSIRDY, TD_RCC_CR_HSIRDY)) {
    td_stay_on_hsi(TD_STM32F7_CLOCK_HSI_NOT_READY);
    return;
  }
  TD_RCC_APB1ENR |= TD_RCC_APB1ENR_PWREN;
  (void)TD_RCC_APB1ENR;
  TD_PWR_CR1 |= TD_PWR_CR1_VOS_SCALE1;

  td_switch_to_hsi(); /* a debugger's reset may leave the PLL running */
  TD_RCC_CR |= TD_RCC_CR_HSEON;
  int hse = td_wait_bits(&TD_RCC_CR, TD_RCC_CR_HSERDY, TD_RCC_CR_HSERDY, TD_STM32F7_HSE_POLLS);
  uint32_t pll = (TD_STM32F7_PLL_Q << 24) | (((TD_STM32F7_PLL_P / 2u) - 1u) << 16);
  if (hse) {
    pll |= TD_RCC_PLLCFGR_SRC_HSE | (TD_STM32F7_HSE_PLL_N << 6) | TD_STM32F7_HSE_PLL_M;
  } else {
    TD_RCC_CR &= ~TD_RCC_CR_HSEON;
    pll |= (TD_STM32F7_HSI_PLL_N << 6) | TD_STM32F7_HSI_PLL_M;
  }
  TD_RCC_PLLCFGR = pll;
  TD_RCC_CR |= TD_RCC_CR_PLLON;
  if (!td_wait_flag(&TD_RCC_CR, TD_RCC_CR_PLLRDY, TD_RCC_CR_PLLRDY)) {
    td_stay_on_hsi(TD_STM32F7_CLOCK_PLL_NOT_LOCKED);
    return;
  }

#if TD_STM32F7_OVERDRIVE
  TD_PWR_CR1 |= TD_PWR_CR1_ODEN;
  if (!td_wait_flag(&TD_PWR_CSR1, TD_PWR_CSR1_ODRDY, TD_PWR_CSR1_ODRDY)) {
    td_stay_on_hsi(TD_STM32F7_CLOCK_OVERDRIVE_NOT_READY);
    return;
  }
  TD_PWR_CR1 |= TD_PWR_CR1_ODSWEN;
  if (!td_wait_flag(&TD_PWR_CSR1, TD_PWR_CSR1_ODSWRDY, TD_PWR_CSR1_ODSWRDY)) {
    td_stay_on_hsi(TD_STM32F7_CLOCK_OVERDRIVE_NOT_READY);
    return;
  }
#endif

  /* ART reset while disabled, then wait states, ART and prefetch. */
  TD_FLASH_ACR = TD_FLASH_ACR_ARTRST;
  TD_FLASH_ACR = (TD_STM32F7_FLASH_LATENCY) | TD_FLASH_ACR_ARTEN | TD_FLASH_ACR_PRFTEN;
  if ((TD_FLASH_ACR & TD_FLASH_ACR_LATENCY_MASK) != (TD_STM32F7_FLASH_LATENCY)) {
    td_stay_on_hsi(TD_STM32F7_CLOCK_FLASH_LATENCY_NOT_SET);
    return;
  }

  TD_RCC_CFGR = (TD_RCC_CFGR & ~TD_RCC_CFGR_PRESCALERS_MASK) | (td_stm32_apb_prescaler(TD_STM32F7_APB1_DIV) << 10) |
                (td_stm32_apb_prescaler(TD_STM32F7_APB2_DIV) << 13);
  TD_RCC_CFGR = (TD_RCC_CFGR & ~TD_RCC_CFGR_SW_MASK) | TD_RCC_CFGR_SW_PLL;
  if (!td_wait_flag(&TD_RCC_CFGR, TD_RCC_CFGR_SWS_MASK, TD_RCC_CFGR_SWS_PLL)) {
    td_stay_on_hsi(TD_STM32F7_CLOCK_SWITCH_NOT_DONE);
    return;
  }
  td_stm32_clock_record(&td_stm32f7_clock, hse ? TD_STM32F7_CLOCK_PLL_HSE : TD_STM32F7_CLOCK_PLL_HSI, TD_CPU_HZ, TD_CPU_HZ / TD_STM32F7_APB1_DIV,
                        TD_CPU_HZ / TD_STM32F7_APB2_DIV);
}

void td_stm32f7_clock_init(void) {
  td_stm32f7_pll_init();
  td_cortex_m7_caches_enable();
}

uint32_t td_board_clock_hz(void) { return td_stm32f7_clock.core_hz != 0u ? td_stm32f7_clock.core_hz : TD_CPU_HZ; }
