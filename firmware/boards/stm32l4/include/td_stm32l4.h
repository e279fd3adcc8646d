/*
 * STM32L4 / L4+ family registers TinyDeploy's board support touches (RM0432 for the STM32L4R5/S5,
 * L4+), at register level, no vendor SDK: RCC, PWR, the flash interface, GPIO ports and the
 * LPUART/USART kernel clock. The board's board.h chooses the clock tree and the profiler's UART
 * with the constants checked at the end of this file.
 */
#ifndef TD_STM32L4_H
#define TD_STM32L4_H

#include <stdint.h>

#include "td_board_config.h"
#include "td_cortex_m.h"
#include "td_stm32_clock.h"
#include "td_stm32_gpio.h"
#include "td_stm32_usart.h"
#include "td_wait.h"

#define TD_STM32L4_REG(address) TD_REG32(address)

/* RCC (0x40021000). */
#define TD_RCC_CR TD_STM32L4_REG(0x40021000u)
#define TD_RCC_CFGR TD_STM32L4_REG(0x40021008u)
#define TD_RCC_PLLCFGR TD_STM32L4_REG(0x4002100Cu)
#define TD_RCC_AHB2ENR TD_STM32L4_REG(0x4002104Cu)
#define TD_RCC_APB1ENR1 TD_STM32L4_REG(0x40021058u)
#define TD_RCC_APB1ENR2 TD_STM32L4_REG(0x4002105Cu)
#define TD_RCC_APB2ENR TD_STM32L4_REG(0x40021060u)
#define TD_RCC_CCIPR TD_STM32L4_REG(0x40021088u)
#define TD_RCC_CR_MSION (1u << 0)
#define TD_RCC_CR_MSIRDY (1u << 1)
#define TD_RCC_CR_PLLON (1u << 24)
#define TD_RCC_CR_PLLRDY (1u << 25)
#define TD_RCC_CFGR_SW_MASK 3u
#define TD_RCC_CFGR_SW_MSI 0u
#define TD_RCC_CFGR_SW_PLL 3u
#define TD_RCC_CFGR_SWS_MASK (3u << 2)
#define TD_RCC_CFGR_SWS_PLL (3u << 2)
#define TD_RCC_CFGR_HPRE_MASK (0xFu << 4)
#define TD_RCC_CFGR_HPRE_DIV2 (8u << 4)
#define TD_RCC_CFGR_PPRE_MASK ((7u << 8) | (7u << 11))
#define TD_RCC_PLLCFGR_SRC_MSI 1u
#define TD_RCC_PLLCFGR_PLLREN (1u << 24)
#define TD_RCC_APB1ENR1_PWREN (1u << 28)

/* PWR (0x40007000): voltage scaling range and, on the L4+, range 1 boost mode (above 80 MHz). */
#define TD_PWR_CR1 TD_STM32L4_REG(0x40007000u)
#define TD_PWR_CR2 TD_STM32L4_REG(0x40007004u)
#define TD_PWR_SR2 TD_STM32L4_REG(0x40007014u)
#define TD_PWR_CR5 TD_STM32L4_REG(0x40007080u)
#define TD_PWR_CR1_VOS_MASK (3u << 9)
#define TD_PWR_CR1_VOS_RANGE1 (1u << 9)
#define TD_PWR_CR2_IOSV (1u << 9) /* VDDIO2 valid: PG2..PG15 usable */
#define TD_PWR_SR2_VOSF (1u << 10)
#define TD_PWR_CR5_R1MODE (1u << 8) /* 1: range 1 normal, 0: range 1 boost */

/* Flash interface (0x40022000): wait states, prefetch and the ART's instruction and data caches. */
#define TD_FLASH_ACR TD_STM32L4_REG(0x40022000u)
#define TD_FLASH_ACR_LATENCY_MASK 0xFu
#define TD_FLASH_ACR_PRFTEN (1u << 8)
#define TD_FLASH_ACR_ICEN (1u << 9)
#define TD_FLASH_ACR_DCEN (1u << 10)

/* GPIO port n at 0x48000000 + 0x400 n (A = 0), on AHB2. */
#define TD_STM32L4_GPIO(port) ((td_stm32_gpio_registers *)(uintptr_t)(0x48000000u + 0x400u * (port)))

/* The 4 MHz MSI the core runs on after reset (MSIRANGE 6) and after a fallback. */
#define TD_STM32L4_MSI_HZ 4000000u

/* How td_stm32l4_clock_init ended: anything but PLL means the core stayed on MSI at 4 MHz. */
typedef enum {
  TD_STM32L4_CLOCK_PLL = 0,
  TD_STM32L4_CLOCK_MSI_NOT_READY = 1,
  TD_STM32L4_CLOCK_VOLTAGE_NOT_READY = 2,
  TD_STM32L4_CLOCK_FLASH_LATENCY_NOT_SET = 3,
  TD_STM32L4_CLOCK_PLL_NOT_LOCKED = 4,
  TD_STM32L4_CLOCK_SWITCH_NOT_DONE = 5,
} td_stm32l4_clock_status;

typedef td_stm32_clock_state td_stm32l4_clock_state;

/* What the clock set-up achieved; the host can read it by symbol over a debugger. */
extern volatile td_stm32l4_clock_state td_stm32l4_clock;

void td_stm32l4_clock_init(void);

/* ---- what board.h must give --------------------------------------------------------------- */

#if !defined(TD_STM32L4_PLL_M) || !defined(TD_STM32L4_PLL_N) || !defined(TD_STM32L4_PLL_R)
#error "board.h gives the PLL factors TD_STM32L4_PLL_M, _N, _R (MSI 4 MHz / M * N / R = TD_CPU_HZ)"
#endif
#if (TD_STM32L4_MSI_HZ / TD_STM32L4_PLL_M * TD_STM32L4_PLL_N / TD_STM32L4_PLL_R) != TD_CPU_HZ
#error "MSI 4 MHz / TD_STM32L4_PLL_M * TD_STM32L4_PLL_N / TD_STM32L4_PLL_R is not TD_CPU_HZ"
#endif
#if !defined(TD_STM32L4_FLASH_LATENCY) || !defined(TD_STM32L4_BOOST)
#error "board.h gives TD_STM32L4_FLASH_LATENCY (wait states at TD_CPU_HZ) and TD_STM32L4_BOOST (1 above 80 MHz: range 1 boost)"
#endif
#if !defined(TD_STM32L4_UART_LPUART) || !defined(TD_STM32L4_UART_ENR) || !defined(TD_STM32L4_UART_ENABLE_BIT) || \
    !defined(TD_STM32L4_UART_APB) || !defined(TD_STM32L4_UART_PORT) || !defined(TD_STM32L4_UART_TX_PIN) || \
    !defined(TD_STM32L4_UART_RX_PIN) || !defined(TD_STM32L4_UART_AF) || !defined(TD_STM32L4_UART_VDDIO2)
#error "board.h gives the profiler UART: LPUART or not, its RCC enable register and bit, bus, GPIO port, TX/RX pins, alternate function, and whether the port is powered by VDDIO2"
#endif
#ifndef TD_STM32L4_BAUD
#define TD_STM32L4_BAUD 115200u
#endif

#endif /* TD_STM32L4_H */
