/*
 * Interrupt-driven reception on an STM32 USART/LPUART with ISR/RDR (F7, H7, L4): the shared ring
 * of ../include/td_serial_ring.h, fed by the RXNE interrupt; an overrun is cleared and counted.
 */
#include "td_serial_ring.h"
#include "td_stm32_usart.h"

#define TD_SERIAL_USART TD_STM32_USART(TD_UART0_BASE)

static void td_uart_rx_enable(void) { td_stm32_usart_rx_interrupt_on(TD_SERIAL_USART); }

static int td_uart_rx_take(uint8_t *byte) {
  int overrun;
  int taken = td_stm32_usart_take(TD_SERIAL_USART, byte, &overrun);
  if (overrun) td_serial_count_overrun();
  return taken;
}
