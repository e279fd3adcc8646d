/*
 * STM32F7 family registers TinyDeploy's board support touches (RM0385 for the STM32F745/746/756),
 * at register level, no vendor SDK: RCC, PWR (regulator scale, over-drive), the flash interface
 * (wait states, ART accelerator and prefetch on the ITCM path), GPIO ports. The USART is the
 * ISR/RDR/TDR one of ../../common/include/td_stm32_usart.h. The board's board.h chooses the clock
 * tree and the profiler's USART with the constants checked at the end of this file.
 */
#ifndef TD_STM32F7_H
#define TD_STM32F7_H

#include <stdint.h>

#include "td_board_config.h"
#include "td_cortex_m.h"
#include "td_stm32_clock.h"
#include "td_stm32_gpio.h"
#include "td_stm32_usart.h"
#include "td_wait.h"

#define TD_STM32F7_REG(address) TD_REG32(address)

/* RCC (0x40023800). */
#define TD_RCC_CR TD_STM32F7_REG(0x40023800u)
#define TD_RCC_PLLCFGR TD_STM32F7_REG(0x40023804u)
#define TD_RCC_CFGR TD_STM32F7_REG(0x40023808u)
#define TD_RCC_AHB1ENR TD_STM32F7_REG(0x40023830u)
#define TD_RCC_APB1ENR TD_STM32F7_REG(0x40023840u)
#define TD_RCC_APB2ENR TD_STM32F7_REG(0x40023844u)
#define TD_RCC_CR_HSION (1u << 0)
#define TD_RCC_CR_HSIRDY (1u << 1)
#define TD_RCC_CR_HSEON (1u << 16)
#define TD_RCC_CR_HSERDY (1u << 17)
#define TD_RCC_CR_PLLON (1u << 24)
#define TD_RCC_CR_PLLRDY (1u << 25)
#define TD_RCC_PLLCFGR_SRC_HSE (1u << 22)
#define TD_RCC_CFGR_SW_MASK 3u
#define TD_RCC_CFGR_SW_HSI 0u
#define TD_RCC_CFGR_SW_PLL 2u
#define TD_RCC_CFGR_SWS_MASK (3u << 2)
#define TD_RCC_CFGR_SWS_PLL (2u << 2)
#define TD_RCC_CFGR_PRESCALERS_MASK ((0xFu << 4) | (7u << 10) | (7u << 13)) /* HPRE, PPRE1, PPRE2 */
#define TD_RCC_APB1ENR_PWREN (1u << 28)

/* PWR (0x40007000): regulator scale 1 and over-drive, needed above 180 MHz (RM0385 §4.1.4). */
#define TD_PWR_CR1 TD_STM32F7_REG(0x40007000u)
#define TD_PWR_CSR1 TD_STM32F7_REG(0x40007004u)
#define TD_PWR_CR1_VOS_SCALE1 (3u << 14)
#define TD_PWR_CR1_ODEN (1u << 16)
#define TD_PWR_CR1_ODSWEN (1u << 17)
#define TD_PWR_CSR1_ODRDY (1u << 16)
#define TD_PWR_CSR1_ODSWRDY (1u << 17)

/* Flash interface (0x40023C00): wait states, prefetch, ART accelerator. */
#define TD_FLASH_ACR TD_STM32F7_REG(0x40023C00u)
#define TD_FLASH_ACR_LATENCY_MASK 0xFu
#define TD_FLASH_ACR_PRFTEN (1u << 8)
#define TD_FLASH_ACR_ARTEN (1u << 9)
#define TD_FLASH_ACR_ARTRST (1u << 11)

/* GPIO port n at 0x40020000 + 0x400 n (A = 0). */
#define TD_STM32F7_GPIO(port) ((td_stm32_gpio_registers *)(uintptr_t)(0x40020000u + 0x400u * (port)))

#define TD_STM32F7_HSI_HZ 16000000u

/* How td_stm32f7_clock_init ended: PLL (from HSE or, without it, HSI) or a fallback to HSI at 16 MHz. */
typedef enum {
  TD_STM32F7_CLOCK_PLL_HSE = 0,
  TD_STM32F7_CLOCK_PLL_HSI = 1, /* the board's crystal never became ready: same clock, HSI's accuracy */
  TD_STM32F7_CLOCK_HSI_NOT_READY = 2,
  TD_STM32F7_CLOCK_PLL_NOT_LOCKED = 3,
  TD_STM32F7_CLOCK_OVERDRIVE_NOT_READY = 4,
  TD_STM32F7_CLOCK_FLASH_LATENCY_NOT_SET = 5,
  TD_STM32F7_CLOCK_SWITCH_NOT_DONE = 6,
} td_stm32f7_clock_status;

typedef td_stm32_clock_state td_stm32f7_clock_state;

extern volatile td_stm32f7_clock_state td_stm32f7_clock;

void td_stm32f7_clock_init(void);

/* ---- what board.h must give --------------------------------------------------------------- */

#if !defined(TD_STM32F7_HSE_HZ) || !defined(TD_STM32F7_HSE_PLL_M) || !defined(TD_STM32F7_HSE_PLL_N) || \
    !defined(TD_STM32F7_HSI_PLL_M) || !defined(TD_STM32F7_HSI_PLL_N) || !defined(TD_STM32F7_PLL_P) || !defined(TD_STM32F7_PLL_Q)
#error "board.h gives the HSE crystal (TD_STM32F7_HSE_HZ) and the PLL factors from it and from HSI (M, N), P and Q"
#endif
#if (TD_STM32F7_HSE_HZ / TD_STM32F7_HSE_PLL_M * TD_STM32F7_HSE_PLL_N / TD_STM32F7_PLL_P) != TD_CPU_HZ
#error "HSE / TD_STM32F7_HSE_PLL_M * TD_STM32F7_HSE_PLL_N / TD_STM32F7_PLL_P is not TD_CPU_HZ"
#endif
#if (TD_STM32F7_HSI_HZ / TD_STM32F7_HSI_PLL_M * TD_STM32F7_HSI_PLL_N / TD_STM32F7_PLL_P) != TD_CPU_HZ
#error "HSI 16 MHz / TD_STM32F7_HSI_PLL_M * TD_STM32F7_HSI_PLL_N / TD_STM32F7_PLL_P is not TD_CPU_HZ"
#endif
#if !defined(TD_STM32F7_FLASH_LATENCY) || !defined(TD_STM32F7_OVERDRIVE) || !defined(TD_STM32F7_APB1_DIV) || !defined(TD_STM32F7_APB2_DIV)
#error "board.h gives TD_STM32F7_FLASH_LATENCY, TD_STM32F7_OVERDRIVE (0 or 1) and the APB dividers"
#endif
#if !defined(TD_STM32F7_UART_APB) || !defined(TD_STM32F7_UART_ENABLE_BIT) || !defined(TD_STM32F7_UART_TX_PORT) || \
    !defined(TD_STM32F7_UART_TX_PIN) || !defined(TD_STM32F7_UART_RX_PORT) || !defined(TD_STM32F7_UART_RX_PIN) || !defined(TD_STM32F7_UART_AF)
#error "board.h gives the profiler USART's bus (1 or 2), RCC enable bit, TX and RX ports and pins, and alternate function"
#endif
#ifndef TD_STM32F7_BAUD
#define TD_STM32F7_BAUD 115200u
#endif
/* The crystal takes up to a few ms to start: more polls than the other flags. */
#ifndef TD_STM32F7_HSE_POLLS
#define TD_STM32F7_HSE_POLLS (4u * TD_READY_POLLS)
#endif

#endif /* TD_STM32F7_H */
