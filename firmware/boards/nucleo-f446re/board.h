/*
 * TinyDeploy board nucleo-f446re: ST NUCLEO-F446RE, an STM32F446RE (Cortex-M4F) at 180 MHz,
 * running the STM32F4 family code of ../stm32f4/ (the same code virtual-stm32f405 runs on QEMU).
 * Flash 512 KiB at 0x08000000, SRAM 128 KiB at 0x20000000; USART2 at 0x40004400 (receive
 * interrupt 38) on PA2/PA3 AF7, wired to the ST-LINK's virtual COM port.
 */
#ifndef TD_BOARD_H
#define TD_BOARD_H

#include <stddef.h>
#include <stdint.h>

#define TD_BOARD_ID "nucleo-f446re"
#define TD_CPU_HZ 180000000u
#define TD_UART0_BASE 0x40004400u
#define TD_UART0_RX_IRQ 38
/* External interrupts of the STM32F446 (RM0390 table 38: 0 … 96). */
#define TD_IRQ_COUNT 97

/* HSI 16 MHz / 8 = 2 MHz VCO input, × 180 = 360 MHz, / 2 = 180 MHz; Q = 8 (45 MHz, unused). */
#define TD_STM32F4_PLL_M 8u
#define TD_STM32F4_PLL_N 180u
#define TD_STM32F4_PLL_P 2u
#define TD_STM32F4_PLL_Q 8u
/* 5 wait states at 180 MHz and 2.7–3.6 V (RM0390 table 5); scale 1 (VOS = 11) with over-drive. */
#define TD_STM32F4_FLASH_LATENCY 5u
#define TD_STM32F4_PWR_VOS (3u << 14)
#define TD_STM32F4_OVERDRIVE 1
/* APB1 ≤ 45 MHz, APB2 ≤ 90 MHz. */
#define TD_STM32F4_APB1_DIV 4u
#define TD_STM32F4_APB2_DIV 2u
/* USART2: APB1, RCC_APB1ENR bit 17, PA2 TX / PA3 RX, AF7. */
#define TD_STM32F4_UART_APB 1
#define TD_STM32F4_UART_ENABLE_BIT 17
#define TD_STM32F4_UART_PORT 0
#define TD_STM32F4_UART_TX_PIN 2
#define TD_STM32F4_UART_RX_PIN 3
#define TD_STM32F4_UART_AF 7u

#include "td_board_api.h"

#endif /* TD_BOARD_H */
