/*
 * td_board_init for the STM32L4+ family: clocks (td_stm32l4_clock.c), VDDIO2 declared valid when
 * the UART's port needs it (port G on the L4R5), the UART's pins in their alternate function, and
 * the LPUART or USART at TD_STM32L4_BAUD 8N1 on its bus clock (the reset choice of RCC_CCIPR).
 * Write, read and exit are ../../common/src/td_stm32_usart_board.c. On NUCLEO-L4R5ZI the UART is
 * LPUART1 on PG7/PG8 AF8, the ST-LINK's virtual COM port.
 */
#include "td_stm32l4.h"

void td_board_init(void) {
  td_stm32l4_clock_init();

#if TD_STM32L4_UART_VDDIO2
  TD_PWR_CR2 |= TD_PWR_CR2_IOSV; /* PWR's clock is on since the clock set-up */
#endif
  TD_RCC_AHB2ENR |= 1u << (TD_STM32L4_UART_PORT);
  TD_STM32L4_REG(0x40021000u + (TD_STM32L4_UART_ENR)) |= 1u << (TD_STM32L4_UART_ENABLE_BIT);
  (void)TD_RCC_AHB2ENR;
  td_stm32_gpio_registers *gpio = TD_STM32L4_GPIO(TD_STM32L4_UART_PORT);
  td_stm32_pin_alternate(gpio, TD_STM32L4_UART_TX_PIN, TD_STM32L4_UART_AF);
  td_stm32_pin_alternate(gpio, TD_STM32L4_UART_RX_PIN, TD_STM32L4_UART_AF);

  uint32_t bus_hz = (TD_STM32L4_UART_APB) == 1 ? td_stm32l4_clock.apb1_hz : td_stm32l4_clock.apb2_hz;
  td_stm32_usart_clock_hz = bus_hz;
  td_stm32_usart_is_lpuart = TD_STM32L4_UART_LPUART;
  td_stm32_usart_start(TD_STM32_USART(TD_UART0_BASE), td_stm32_usart_brr(bus_hz, TD_STM32L4_BAUD, TD_STM32L4_UART_LPUART));
}
