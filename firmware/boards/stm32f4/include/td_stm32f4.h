/*
 * STM32F4 family registers TinyDeploy's board support touches (RM0090 for STM32F405/407,
 * RM0390 for STM32F446), at register level, no vendor SDK: RCC, PWR, the flash interface,
 * GPIO and the USART. The board's board.h chooses the clock tree and the profiler's USART
 * with the constants checked at the end of this file.
 */
#ifndef TD_STM32F4_H
#define TD_STM32F4_H

#include <stdint.h>

#include "td_board_config.h"
#include "td_cortex_m.h"
#include "td_stm32_clock.h"
#include "td_stm32_gpio.h"
#include "td_wait.h"

#define TD_STM32F4_REG(address) TD_REG32(address)

/* RCC (0x40023800). */
#define TD_RCC_CR TD_STM32F4_REG(0x40023800u)
#define TD_RCC_PLLCFGR TD_STM32F4_REG(0x40023804u)
#define TD_RCC_CFGR TD_STM32F4_REG(0x40023808u)
#define TD_RCC_AHB1ENR TD_STM32F4_REG(0x40023830u)
#define TD_RCC_APB1ENR TD_STM32F4_REG(0x40023840u)
#define TD_RCC_APB2ENR TD_STM32F4_REG(0x40023844u)
#define TD_RCC_CR_HSION (1u << 0)
#define TD_RCC_CR_HSIRDY (1u << 1)
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

/* PWR (0x40007000): regulator scale and, on STM32F42x/F446, over-drive (needed above 168 MHz). */
#define TD_PWR_CR TD_STM32F4_REG(0x40007000u)
#define TD_PWR_CSR TD_STM32F4_REG(0x40007004u)
#define TD_PWR_CR_VOS_MASK (3u << 14)
#define TD_PWR_CR_ODEN (1u << 16)
#define TD_PWR_CR_ODSWEN (1u << 17)
#define TD_PWR_CSR_ODRDY (1u << 16)
#define TD_PWR_CSR_ODSWRDY (1u << 17)

/* Flash interface (0x40023C00): wait states and the ART accelerator (prefetch, I- and D-cache). */
#define TD_FLASH_ACR TD_STM32F4_REG(0x40023C00u)
#define TD_FLASH_ACR_LATENCY_MASK 0xFu
#define TD_FLASH_ACR_PRFTEN (1u << 8)
#define TD_FLASH_ACR_ICEN (1u << 9)
#define TD_FLASH_ACR_DCEN (1u << 10)
#define TD_FLASH_ACR_ICRST (1u << 11)
#define TD_FLASH_ACR_DCRST (1u << 12)

/* GPIO port n at 0x40020000 + 0x400 n (A = 0). */
#define TD_STM32F4_GPIO(port) ((td_stm32_gpio_registers *)(uintptr_t)(0x40020000u + 0x400u * (port)))

/* USART (USART1 0x40011000, USART2 0x40004400, …). */
typedef struct {
  volatile uint32_t sr, dr, brr, cr1, cr2, cr3, gtpr;
} td_stm32f4_usart_registers;
#define TD_STM32F4_USART(base) ((td_stm32f4_usart_registers *)(uintptr_t)(base))
#define TD_USART_SR_ORE (1u << 3)
#define TD_USART_SR_RXNE (1u << 5)
#define TD_USART_SR_TXE (1u << 7)
#define TD_USART_CR1_RE (1u << 2)
#define TD_USART_CR1_TE (1u << 3)
#define TD_USART_CR1_RXNEIE (1u << 5)
#define TD_USART_CR1_UE (1u << 13)

/* The internal 16 MHz oscillator the core runs on after reset (and after a fallback). */
#define TD_STM32F4_HSI_HZ 16000000u

/*
 * How td_stm32f4_clock_init ended. Anything but TD_STM32F4_CLOCK_PLL means the core kept
 * running on HSI at 16 MHz because a ready flag never came (QEMU does not model the RCC: its
 * registers read 0) or a setting did not stick; the state says which.
 */
typedef enum {
  TD_STM32F4_CLOCK_PLL = 0,
  TD_STM32F4_CLOCK_HSI_NOT_READY = 1,
  TD_STM32F4_CLOCK_PLL_NOT_LOCKED = 2,
  TD_STM32F4_CLOCK_OVERDRIVE_NOT_READY = 3,
  TD_STM32F4_CLOCK_FLASH_LATENCY_NOT_SET = 4,
  TD_STM32F4_CLOCK_SWITCH_NOT_DONE = 5,
} td_stm32f4_clock_status;

typedef td_stm32_clock_state td_stm32f4_clock_state;

/* What the clock set-up achieved; the host can read it by symbol over a debugger. */
extern volatile td_stm32f4_clock_state td_stm32f4_clock;

/* Sets the clock tree of board.h, with bounded waits (see td_stm32f4_clock.c). */
void td_stm32f4_clock_init(void);

/* ---- what board.h must give --------------------------------------------------------------- */

#if !defined(TD_STM32F4_PLL_M) || !defined(TD_STM32F4_PLL_N) || !defined(TD_STM32F4_PLL_P) || !defined(TD_STM32F4_PLL_Q)
#error "board.h gives the PLL factors TD_STM32F4_PLL_M, _N, _P, _Q (HSI 16 MHz / M * N / P = TD_CPU_HZ)"
#endif
#if (TD_STM32F4_HSI_HZ / TD_STM32F4_PLL_M * TD_STM32F4_PLL_N / TD_STM32F4_PLL_P) != TD_CPU_HZ
#error "HSI 16 MHz / TD_STM32F4_PLL_M * TD_STM32F4_PLL_N / TD_STM32F4_PLL_P is not TD_CPU_HZ"
#endif
#if !defined(TD_STM32F4_FLASH_LATENCY) || !defined(TD_STM32F4_PWR_VOS) || !defined(TD_STM32F4_OVERDRIVE)
#error "board.h gives TD_STM32F4_FLASH_LATENCY (wait states at TD_CPU_HZ), TD_STM32F4_PWR_VOS (PWR_CR VOS bits) and TD_STM32F4_OVERDRIVE (0 or 1)"
#endif
#if !defined(TD_STM32F4_APB1_DIV) || !defined(TD_STM32F4_APB2_DIV)
#error "board.h gives TD_STM32F4_APB1_DIV and TD_STM32F4_APB2_DIV (1, 2, 4, 8 or 16)"
#endif
#if !defined(TD_STM32F4_UART_APB) || !defined(TD_STM32F4_UART_ENABLE_BIT) || !defined(TD_STM32F4_UART_PORT) || \
    !defined(TD_STM32F4_UART_TX_PIN) || !defined(TD_STM32F4_UART_RX_PIN) || !defined(TD_STM32F4_UART_AF)
#error "board.h gives the profiler USART's bus (TD_STM32F4_UART_APB 1 or 2), its RCC enable bit, GPIO port, TX/RX pins and alternate function"
#endif
#ifndef TD_STM32F4_BAUD
#define TD_STM32F4_BAUD 115200u
#endif
/* Polls of a ready flag before giving up (each a few cycles: milliseconds at 16 MHz). */
#ifndef TD_STM32F4_READY_POLLS
#define TD_STM32F4_READY_POLLS TD_READY_POLLS
#endif

#endif /* TD_STM32F4_H */
