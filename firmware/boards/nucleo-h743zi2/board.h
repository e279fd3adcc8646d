/*
 * TinyDeploy board nucleo-h743zi2: ST NUCLEO-H743ZI2, an STM32H743ZI (Cortex-M7, revision V) at
 * 480 MHz in VOS0 with I- and D-caches on, running the STM32H7 family code of ../stm32h7/. Flash
 * 2 MiB at 0x08000000; data, arena and stack in the 512 KiB AXI SRAM at 0x24000000. USART3 at
 * 0x40004800 (receive interrupt 39) on PD8 TX / PD9 RX AF7, wired to the STLINK-V3E's virtual COM
 * port (UM2407).
 */
#ifndef TD_BOARD_H
#define TD_BOARD_H

#include <stddef.h>
#include <stdint.h>

#define TD_BOARD_ID "nucleo-h743zi2"
#define TD_CPU_HZ 480000000u
#define TD_UART0_BASE 0x40004800u
#define TD_UART0_RX_IRQ 39
/* External interrupts of the STM32H743 (RM0433 table 143: 0 … 149). */
#define TD_IRQ_COUNT 150

/* HSI 64 MHz / 4 = 16 MHz (input range 8–16 MHz: RGE 3), × 60 = 960 MHz wide VCO, / P 2 = 480 MHz; Q, R / 4. */
#define TD_STM32H7_PLL_M 4u
#define TD_STM32H7_PLL_N 60u
#define TD_STM32H7_PLL_P 2u
#define TD_STM32H7_PLL_Q 4u
#define TD_STM32H7_PLL_R 4u
#define TD_STM32H7_PLL_RGE 3u
/* AXI at 240 MHz in VOS0: 4 wait states, WRHIGHFREQ 2 (RM0433 table 17). */
#define TD_STM32H7_FLASH_LATENCY 4u
#define TD_STM32H7_FLASH_WRHIGHFREQ 2u
#define TD_STM32H7_VOS0 1
/* USART3: RCC_APB1LENR bit 18, port D, PD8 TX / PD9 RX, AF7. */
#define TD_STM32H7_UART_ENABLE_BIT 18
#define TD_STM32H7_UART_PORT 3
#define TD_STM32H7_UART_TX_PIN 8
#define TD_STM32H7_UART_RX_PIN 9
#define TD_STM32H7_UART_AF 7u

#include "td_board_api.h"

#endif /* TD_BOARD_H */
