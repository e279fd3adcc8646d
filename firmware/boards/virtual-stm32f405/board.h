/*
 * TinyDeploy board virtual-stm32f405: QEMU's netduinoplus2 machine, an STM32F405 (Cortex-M4F),
 * running the STM32F4 family code of ../stm32f4/ — the same start-up, clock and USART code as
 * nucleo-f446re. Flash at 0x08000000 (aliased at 0), SRAM at 0x20000000; USART1 at 0x40011000
 * (receive interrupt 37) is the USART QEMU connects to its first -serial, on PA9/PA10 AF7.
 *
 * QEMU does not model the RCC: the PLL never reports lock, so td_stm32f4_clock_init leaves the
 * core on HSI and says so in td_stm32f4_clock. QEMU clocks SysTick at its fixed 168 MHz
 * whatever the RCC says, so under -icount shift=0 one SysTick tick is 1e9 / 168e6 instructions.
 */
#ifndef TD_BOARD_H
#define TD_BOARD_H

#include <stddef.h>
#include <stdint.h>

#define TD_BOARD_ID "virtual-stm32f405"
/* STM32F405 at its 168 MHz maximum (and QEMU's SysTick clock for netduinoplus2). */
#define TD_CPU_HZ 168000000u
#define TD_UART0_BASE 0x40011000u
#define TD_UART0_RX_IRQ 37
/* External interrupts of the STM32F405 (RM0090 table 61: 0 … 81). */
#define TD_IRQ_COUNT 82

/* HSI 16 MHz / 8 = 2 MHz VCO input, × 168 = 336 MHz, / 2 = 168 MHz; / 7 = 48 MHz for USB. */
#define TD_STM32F4_PLL_M 8u
#define TD_STM32F4_PLL_N 168u
#define TD_STM32F4_PLL_P 2u
#define TD_STM32F4_PLL_Q 7u
/* 5 wait states at 168 MHz and 2.7–3.6 V (RM0090 table 10); regulator scale 1 (PWR_CR VOS = 1). */
#define TD_STM32F4_FLASH_LATENCY 5u
#define TD_STM32F4_PWR_VOS (1u << 14)
#define TD_STM32F4_OVERDRIVE 0
/* APB1 ≤ 42 MHz, APB2 ≤ 84 MHz. */
#define TD_STM32F4_APB1_DIV 4u
#define TD_STM32F4_APB2_DIV 2u
/* USART1: APB2, RCC_APB2ENR bit 4, PA9 TX / PA10 RX, AF7. */
#define TD_STM32F4_UART_APB 2
#define TD_STM32F4_UART_ENABLE_BIT 4
#define TD_STM32F4_UART_PORT 0
#define TD_STM32F4_UART_TX_PIN 9
#define TD_STM32F4_UART_RX_PIN 10
#define TD_STM32F4_UART_AF 7u

#include "td_board_api.h"

#endif /* TD_BOARD_H */
