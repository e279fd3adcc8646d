/*
 * TinyDeploy board stm32f746g-disco: ST STM32F746G-DISCO, an STM32F746NG (Cortex-M7) at 216 MHz
 * with I- and D-caches on, running the STM32F7 family code of ../stm32f7/. Flash 1 MiB at
 * 0x08000000 (AXIM); DTCM + SRAM1 + SRAM2 320 KiB contiguous at 0x20000000. 25 MHz crystal on
 * HSE (X2). USART1 at 0x40011000 (receive interrupt 37) on PA9 TX / PB7 RX AF7, wired to the
 * ST-LINK's virtual COM port (UM1907).
 */
#ifndef TD_BOARD_H
#define TD_BOARD_H

#include <stddef.h>
#include <stdint.h>

#define TD_BOARD_ID "stm32f746g-disco"
#define TD_CPU_HZ 216000000u
#define TD_UART0_BASE 0x40011000u
#define TD_UART0_RX_IRQ 37
/* External interrupts of the STM32F746 (RM0385 table 40: 0 … 97). */
#define TD_IRQ_COUNT 98

/* HSE 25 MHz / 25 = 1 MHz, × 432 = 432 MHz, / 2 = 216 MHz, / 9 = 48 MHz; from HSI: 16 / 8 × 216 / 2. */
#define TD_STM32F7_HSE_HZ 25000000u
#define TD_STM32F7_HSE_PLL_M 25u
#define TD_STM32F7_HSE_PLL_N 432u
#define TD_STM32F7_HSI_PLL_M 8u
#define TD_STM32F7_HSI_PLL_N 216u
#define TD_STM32F7_PLL_P 2u
#define TD_STM32F7_PLL_Q 9u
/* 7 wait states at 216 MHz and 2.7–3.6 V (RM0385 table 5), over-drive on. */
#define TD_STM32F7_FLASH_LATENCY 7u
#define TD_STM32F7_OVERDRIVE 1
/* APB1 ≤ 54 MHz, APB2 ≤ 108 MHz. */
#define TD_STM32F7_APB1_DIV 4u
#define TD_STM32F7_APB2_DIV 2u
/* USART1: APB2, RCC_APB2ENR bit 4, PA9 TX / PB7 RX, AF7. */
#define TD_STM32F7_UART_APB 2
#define TD_STM32F7_UART_ENABLE_BIT 4
#define TD_STM32F7_UART_TX_PORT 0
#define TD_STM32F7_UART_TX_PIN 9
#define TD_STM32F7_UART_RX_PORT 1
#define TD_STM32F7_UART_RX_PIN 7
#define TD_STM32F7_UART_AF 7u

#include "td_board_api.h"

#endif /* TD_BOARD_H */
