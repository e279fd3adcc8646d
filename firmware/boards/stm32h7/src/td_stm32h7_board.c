/*
 * td_board_init for the STM32H7 family: clocks and caches (td_stm32h7_clock.c), the USART's pins
 * in their alternate function, the USART (on APB1, its kernel clock the reset choice of
 * RCC_D2CCIP2R: PCLK1) at TD_STM32H7_BAUD 8N1. Write, read and exit are
 * ../../common/src/td_stm32_usart_board.c. On NUCLEO-H743ZI2: USART3 on PD8/PD9 AF7, the
 * STLINK-V3E's virtual COM port.
 */
#include "td_stm32h7.h"

void td_board_init(void) {
  td_stm32h7_clock_init();

  TD_RCC_AHB4ENR |= 1u << (TD_STM32H7_UART_PORT);
  TD_RCC_APB1LENR |= 1u << (TD_STM32H7_UART_ENABLE_BIT);
  (void)TD_RCC_APB1LENR;
  td_stm32_gpio_registers *gpio = TD_STM32H7_GPIO(TD_STM32H7_UART_PORT);
  td_stm32_pin_alternate(gpio, TD_STM32H7_UART_TX_PIN, TD_STM32H7_UART_AF);
  td_stm32_pin_alternate(gpio, TD_STM32H7_UART_RX_PIN, TD_STM32H7_UART_AF);
  td_stm32_usart_clock_hz = td_stm32h7_clock.apb1_hz;
  td_stm32_usart_start(TD_STM32_USART(TD_UART0_BASE), td_stm32_usart_brr(td_stm32h7_clock.apb1_hz, TD_STM32H7_BAUD, 0));
}
