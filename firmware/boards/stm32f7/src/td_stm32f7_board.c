/*
 * td_board_init for the STM32F7 family: clocks and caches (td_stm32f7_clock.c), the USART's TX and
 * RX pins in their alternate function (on the STM32F746G-DISCO they are on different ports: PA9
 * and PB7), the USART at TD_STM32F7_BAUD 8N1 from its APB clock (the reset choice of
 * RCC_DCKCFGR2). Write, read and exit are ../../common/src/td_stm32_usart_board.c.
 */
#include "td_stm32f7.h"

void td_board_init(void) {
  td_stm32f7_clock_init();

  TD_RCC_AHB1ENR |= (1u << (TD_STM32F7_UART_TX_PORT)) | (1u << (TD_STM32F7_UART_RX_PORT));
#if TD_STM32F7_UART_APB == 1
  TD_RCC_APB1ENR |= 1u << (TD_STM32F7_UART_ENABLE_BIT);
  uint32_t bus_hz = td_stm32f7_clock.apb1_hz;
#else
  TD_RCC_APB2ENR |= 1u << (TD_STM32F7_UART_ENABLE_BIT);
  uint32_t bus_hz = td_stm32f7_clock.apb2_hz;
#endif
  (void)TD_RCC_AHB1ENR;
  td_stm32_pin_alternate(TD_STM32F7_GPIO(TD_STM32F7_UART_TX_PORT), TD_STM32F7_UART_TX_PIN, TD_STM32F7_UART_AF);
  td_stm32_pin_alternate(TD_STM32F7_GPIO(TD_STM32F7_UART_RX_PORT), TD_STM32F7_UART_RX_PIN, TD_STM32F7_UART_AF);
  td_stm32_usart_clock_hz = bus_hz;
  td_stm32_usart_start(TD_STM32_USART(TD_UART0_BASE), td_stm32_usart_brr(bus_hz, TD_STM32F7_BAUD, 0));
}
