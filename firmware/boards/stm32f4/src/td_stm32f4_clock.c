/*
 * Clock set-up of the STM32F4 family, what CMSIS's SystemInit and HAL's SystemClock_Config do
 * for a Nucleo board, at register level: from the 16 MHz HSI, the main PLL to TD_CPU_HZ
 * (board.h: M, N, P, Q), the regulator scale and over-drive the frequency needs, the flash wait
 * states for it with the ART accelerator on (prefetch, instruction and data caches), the AHB at
 * the core clock and the APB buses divided into their limits, then SYSCLK switched to the PLL.
 *
 * Every wait on a ready flag is bounded (TD_STM32F4_READY_POLLS). When one never comes, or the
 * flash latency does not read back, the core stays on (or goes back to) HSI at 16 MHz with zero
 * wait states and the buses undivided, and td_stm32f4_clock says so and why. This is the path
 * QEMU's netduinoplus2 takes: its RCC, PWR and flash interface are not modelled (reads 0,
 * writes ignored), so the same code runs there and on the NUCLEO boards.
 */
#include "td_stm32f4.h"

volatile td_stm32f4_clock_state td_stm32f4_clock;

static int td_wait_flag(volatile uint32_t *reg, uint32_t mask, uint32_t value) {
  return td_wait_bits(reg, mask, value, TD_STM32F4_READY_POLLS);
}

/* SYSCLK back to HSI with the buses undivided, PLL off (PLL settings can change only while it is off). */
static void td_switch_to_hsi(void) {
  TD_RCC_CFGR = (TD_RCC_CFGR & ~(TD_RCC_CFGR_SW_MASK | TD_RCC_CFGR_PRESCALERS_MASK)) | TD_RCC_CFGR_SW_HSI;
  (void)td_wait_flag(&TD_RCC_CFGR, TD_RCC_CFGR_SWS_MASK, 0u);
  TD_RCC_CR &= ~TD_RCC_CR_PLLON;
  (void)td_wait_flag(&TD_RCC_CR, TD_RCC_CR_PLLRDY, 0u);
}

static void td_stay_on_hsi(td_stm32f4_clock_status status) {
  td_switch_to_hsi();
  TD_FLASH_ACR = TD_FLASH_ACR_PRFTEN | TD_FLASH_ACR_ICEN | TD_FLASH_ACR_DCEN; /* 0 wait states */
  td_stm32_clock_record(&td_stm32f4_clock, (uint32_t)status, TD_STM32F4_HSI_HZ, TD_STM32F4_HSI_HZ, TD_STM32F4_HSI_HZ);
}

void td_stm32f4_clock_init(void) {
  /* HSI is on after reset; make sure, and that it is stable, before feeding the PLL from it. */
  TD_RCC_CR |= TD_RCC_CR_HSION;
  if (!td_wait_flag(&TD_RCC_CR, TD_RCC_CR_HSIRDY, TD_RCC_CR_HSIRDY)) {
    td_stay_on_hsi(TD_STM32F4_CLOCK_HSI_NOT_READY);
    return;
  }

  /* Regulator scale 1 (the highest frequencies need it). */
  TD_RCC_APB1ENR |= TD_RCC_APB1ENR_PWREN;
  (void)TD_RCC_APB1ENR; /* the enable takes effect before the PWR access */
  TD_PWR_CR = (TD_PWR_CR & ~TD_PWR_CR_VOS_MASK) | (TD_STM32F4_PWR_VOS);

  /* Main PLL from HSI: VCO in = 16 MHz / M, VCO out = in * N, SYSCLK = out / P, 48 MHz domain = out / Q. */
  td_switch_to_hsi(); /* a debugger's reset may leave the PLL running */
  uint32_t keep = TD_RCC_PLLCFGR & (7u << 28); /* PLLR of the STM32F446, reserved elsewhere: left as is */
  TD_RCC_PLLCFGR = keep | (TD_STM32F4_PLL_Q << 24) | (((TD_STM32F4_PLL_P / 2u) - 1u) << 16) | (TD_STM32F4_PLL_N << 6) | TD_STM32F4_PLL_M;
  TD_RCC_CR |= TD_RCC_CR_PLLON;
  if (!td_wait_flag(&TD_RCC_CR, TD_RCC_CR_PLLRDY, TD_RCC_CR_PLLRDY)) {
    td_stay_on_hsi(TD_STM32F4_CLOCK_PLL_NOT_LOCKED);
    return;
  }

#if TD_STM32F4_OVERDRIVE
  /* Above 168 MHz (STM32F42x/F446): over-drive on, then switched in (RM0390 §5.1.4). */
  TD_PWR_CR |= TD_PWR_CR_ODEN;
  if (!td_wait_flag(&TD_PWR_CSR, TD_PWR_CSR_ODRDY, TD_PWR_CSR_ODRDY)) {
    td_stay_on_hsi(TD_STM32F4_CLOCK_OVERDRIVE_NOT_READY);
    return;
  }
  TD_PWR_CR |= TD_PWR_CR_ODSWEN;
  if (!td_wait_flag(&TD_PWR_CSR, TD_PWR_CSR_ODSWRDY, TD_PWR_CSR_ODSWRDY)) {
    td_stay_on_hsi(TD_STM32F4_CLOCK_OVERDRIVE_NOT_READY);
    return;
  }
#endif

  /* Wait states before the faster clock, with the ART accelerator's caches reset and enabled. */
  TD_FLASH_ACR = TD_FLASH_ACR_ICRST | TD_FLASH_ACR_DCRST;
  TD_FLASH_ACR = (TD_STM32F4_FLASH_LATENCY) | TD_FLASH_ACR_PRFTEN | TD_FLASH_ACR_ICEN | TD_FLASH_ACR_DCEN;
  if ((TD_FLASH_ACR & TD_FLASH_ACR_LATENCY_MASK) != (TD_STM32F4_FLASH_LATENCY)) {
    td_stay_on_hsi(TD_STM32F4_CLOCK_FLASH_LATENCY_NOT_SET);
    return;
  }

  /* AHB = SYSCLK; APB1 and APB2 divided into their limits; then SYSCLK from the PLL. */
  TD_RCC_CFGR = (TD_RCC_CFGR & ~TD_RCC_CFGR_PRESCALERS_MASK) | (td_stm32_apb_prescaler(TD_STM32F4_APB1_DIV) << 10) |
                (td_stm32_apb_prescaler(TD_STM32F4_APB2_DIV) << 13);
  TD_RCC_CFGR = (TD_RCC_CFGR & ~TD_RCC_CFGR_SW_MASK) | TD_RCC_CFGR_SW_PLL;
  if (!td_wait_flag(&TD_RCC_CFGR, TD_RCC_CFGR_SWS_MASK, TD_RCC_CFGR_SWS_PLL)) {
    td_stay_on_hsi(TD_STM32F4_CLOCK_SWITCH_NOT_DONE);
    return;
  }
  td_stm32_clock_record(&td_stm32f4_clock, TD_STM32F4_CLOCK_PLL, TD_CPU_HZ, TD_CPU_HZ / TD_STM32F4_APB1_DIV, TD_CPU_HZ / TD_STM32F4_APB2_DIV);
}

/* The DWT timer's clock (td_dwt_timer.c): what the core really runs at, so cycles become the right milliseconds. */
uint32_t td_board_clock_hz(void) { return td_stm32f4_clock.core_hz != 0u ? td_stm32f4_clock.core_hz : TD_CPU_HZ; }
