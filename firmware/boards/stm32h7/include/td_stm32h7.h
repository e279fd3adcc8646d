/*
 * STM32H7 family registers TinyDeploy's board support touches (RM0433 for the STM32H742/743/
 * 750/753), at register level, no vendor SDK: RCC (PLL1, the D1/D2/D3 domain prescalers), PWR
 * (LDO supply, voltage scaling), SYSCFG (over-drive: VOS0), the flash interface and GPIO ports.
 * The USART is the ISR/RDR/TDR one of ../../common/include/td_stm32_usart.h. board.h chooses
 * the clock tree and the profiler's USART with the constants checked at the end of this file.
 */
#ifndef TD_STM32H7_H
#define TD_STM32H7_H

#include <stdint.h>

#include "td_board_config.h"
#include "td_cortex_m.h"
#include "td_stm32_clock.h"
#include "td_stm32_gpio.h"
#include "td_stm32_usart.h"
#include "td_wait.h"

#define TD_STM32H7_REG(address) TD_REG32(address)

/* RCC (0x58024400). */
#define TD_RCC_BASE 0x58024400u
#define TD_RCC_CR TD_STM32H7_REG(0x58024400u)
#define TD_RCC_CFGR TD_STM32H7_REG(0x58024410u)
#define TD_RCC_D1CFGR TD_STM32H7_REG(0x58024418u)
#define TD_RCC_D2CFGR TD_STM32H7_REG(0x5802441Cu)
#define TD_RCC_D3CFGR TD_STM32H7_REG(0x58024420u)
#define TD_RCC_PLLCKSELR TD_STM32H7_REG(0x58024428u)
#define TD_RCC_PLLCFGR TD_STM32H7_REG(0x5802442Cu)
#define TD_RCC_PLL1DIVR TD_STM32H7_REG(0x58024430u)
#define TD_RCC_AHB4ENR TD_STM32H7_REG(0x580244E0u)
#define TD_RCC_APB1LENR TD_STM32H7_REG(0x580244E8u)
#define TD_RCC_APB4ENR TD_STM32H7_REG(0x580244F4u)
#define TD_RCC_CR_HSION (1u << 0)
#define TD_RCC_CR_HSIRDY (1u << 2)
#define TD_RCC_CR_HSIDIV_MASK (3u << 3)
#define TD_RCC_CR_PLL1ON (1u << 24)
#define TD_RCC_CR_PLL1RDY (1u << 25)
#define TD_RCC_CFGR_SW_MASK 7u
#define TD_RCC_CFGR_SW_HSI 0u
#define TD_RCC_CFGR_SW_PLL1 3u
#define TD_RCC_CFGR_SWS_MASK (7u << 3)
#define TD_RCC_CFGR_SWS_PLL1 (3u << 3)
#define TD_RCC_PLLCKSELR_SRC_MASK 3u
#define TD_RCC_PLLCKSELR_DIVM1_MASK (0x3Fu << 4)
#define TD_RCC_PLLCFGR_PLL1_MASK (0xFu | (7u << 16)) /* FRACEN, VCOSEL, RGE; DIVP1EN, DIVQ1EN, DIVR1EN */
#define TD_RCC_PLLCFGR_DIV1EN (7u << 16)
#define TD_RCC_APB4ENR_SYSCFGEN (1u << 1)

/* PWR (0x58024800): the supply (LDO on NUCLEO-H743ZI2), VOS scale and its ready flags. */
#define TD_PWR_CSR1 TD_STM32H7_REG(0x58024804u)
#define TD_PWR_CR3 TD_STM32H7_REG(0x5802480Cu)
#define TD_PWR_D3CR TD_STM32H7_REG(0x58024818u)
#define TD_PWR_CSR1_ACTVOSRDY (1u << 13)
#define TD_PWR_CR3_SUPPLY_MASK 7u /* BYPASS, LDOEN, SCUEN */
#define TD_PWR_CR3_LDOEN (1u << 1)
#define TD_PWR_D3CR_VOS_MASK (3u << 14)
#define TD_PWR_D3CR_VOS_SCALE1 (3u << 14)
#define TD_PWR_D3CR_VOSRDY (1u << 13)

/* SYSCFG (0x58000400): PWRCR.ODEN on top of scale 1 is VOS0 (revision V silicon: up to 480 MHz). */
#define TD_SYSCFG_PWRCR TD_STM32H7_REG(0x5800042Cu)
#define TD_SYSCFG_PWRCR_ODEN (1u << 0)

/* Flash interface (0x52002000): wait states and programming delay for the AXI clock. */
#define TD_FLASH_ACR TD_STM32H7_REG(0x52002000u)
#define TD_FLASH_ACR_LATENCY_MASK 0xFu

/* GPIO port n at 0x58020000 + 0x400 n (A = 0), on AHB4. */
#define TD_STM32H7_GPIO(port) ((td_stm32_gpio_registers *)(uintptr_t)(0x58020000u + 0x400u * (port)))

/* The 64 MHz HSI the core runs on after reset (HSIDIV /1) and after a fallback. */
#define TD_STM32H7_HSI_HZ 64000000u

typedef enum {
  TD_STM32H7_CLOCK_PLL = 0,
  TD_STM32H7_CLOCK_SUPPLY_NOT_READY = 1,
  TD_STM32H7_CLOCK_VOLTAGE_NOT_READY = 2,
  TD_STM32H7_CLOCK_HSI_NOT_READY = 3,
  TD_STM32H7_CLOCK_PLL_NOT_LOCKED = 4,
  TD_STM32H7_CLOCK_FLASH_LATENCY_NOT_SET = 5,
  TD_STM32H7_CLOCK_SWITCH_NOT_DONE = 6,
} td_stm32h7_clock_status;

typedef td_stm32_clock_state td_stm32h7_clock_state;

extern volatile td_stm32h7_clock_state td_stm32h7_clock;

void td_stm32h7_clock_init(void);

/* ---- what board.h must give --------------------------------------------------------------- */

#if !defined(TD_STM32H7_PLL_M) || !defined(TD_STM32H7_PLL_N) || !defined(TD_STM32H7_PLL_P) || !defined(TD_STM32H7_PLL_Q) || \
    !defined(TD_STM32H7_PLL_R) || !defined(TD_STM32H7_PLL_RGE)
#error "board.h gives PLL1's factors TD_STM32H7_PLL_M, _N, _P, _Q, _R (HSI 64 MHz / M * N / P = TD_CPU_HZ) and its input range _RGE"
#endif
#if (TD_STM32H7_HSI_HZ / TD_STM32H7_PLL_M * TD_STM32H7_PLL_N / TD_STM32H7_PLL_P) != TD_CPU_HZ
#error "HSI 64 MHz / TD_STM32H7_PLL_M * TD_STM32H7_PLL_N / TD_STM32H7_PLL_P is not TD_CPU_HZ"
#endif
#if !defined(TD_STM32H7_FLASH_LATENCY) || !defined(TD_STM32H7_FLASH_WRHIGHFREQ) || !defined(TD_STM32H7_VOS0)
#error "board.h gives TD_STM32H7_FLASH_LATENCY, TD_STM32H7_FLASH_WRHIGHFREQ (RM0433 table 17) and TD_STM32H7_VOS0 (1 above 400 MHz)"
#endif
#if !defined(TD_STM32H7_UART_ENABLE_BIT) || !defined(TD_STM32H7_UART_PORT) || !defined(TD_STM32H7_UART_TX_PIN) || \
    !defined(TD_STM32H7_UART_RX_PIN) || !defined(TD_STM32H7_UART_AF)
#error "board.h gives the profiler USART (on APB1L): RCC_APB1LENR bit, GPIO port, TX/RX pins and alternate function"
#endif
#ifndef TD_STM32H7_BAUD
#define TD_STM32H7_BAUD 115200u
#endif

#endif /* TD_STM32H7_H */
