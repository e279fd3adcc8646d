/*
 * Interrupt-driven reception on an STM32F4 USART (td_port.h's td_serial_*): the shared ring of
 * ../../common/include/td_serial_ring.h, fed by the USART's RXNE interrupt.
 */
#include "td_serial_ring.h"
#include "td_stm32f4.h"

#define TD_SERIAL_USART TD_STM32F4_USART(TD_UART0_BASE)

static void td_uart_rx_enable(void) {
  TD_SERIAL_USART->cr1 |= TD_USART_CR1_UE | TD_USART_CR1_TE | TD_USART_CR1_RE | TD_USART_CR1_RXNEIE;
}

static int td_uart_rx_take(uint8_t *byte) {
  /* Reading SR then DR clears RXNE and ORE. */
  uint32_t status = TD_SERIAL_USART->sr;
  if (!(status & (TD_USART_SR_RXNE | TD_USART_SR_ORE))) return 0;
  *byte = (uint8_t)TD_SERIAL_USART->dr;
  if (status & TD_USART_SR_ORE) td_serial_count_overrun();
  return (status & TD_USART_SR_RXNE) != 0u;
}
