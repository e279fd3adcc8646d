/*
 * Interrupt-driven reception on an STM32F4 USART (td_port.h's td_serial_*): the RXNE interrupt
 * moves each byte into a ring the runtime drains from its main loop, so the core sleeps in WFI
 * while the host is silent. Transmission stays polled (td_board_write). The handler is
 * UART0_RX_IRQHandler, which the shared start-up puts at the USART's vector (TD_UART0_RX_IRQ).
 *
 * Single producer (the interrupt), single consumer (the main loop): free-running 32-bit head and
 * tail, each written by one side only, so no locking.
 */
#include "td_cortex_m.h"
#include "td_port.h"
#include "td_stm32f4.h"

#ifndef TD_SERIAL_RING_BYTES
#define TD_SERIAL_RING_BYTES 4096u
#endif
#if (TD_SERIAL_RING_BYTES & (TD_SERIAL_RING_BYTES - 1u)) != 0
#error "TD_SERIAL_RING_BYTES must be a power of two"
#endif

#define TD_SERIAL_USART TD_STM32F4_USART(TD_UART0_BASE)

static volatile uint8_t td_serial_ring[TD_SERIAL_RING_BYTES];
static volatile uint32_t td_serial_head; /* written by the interrupt */
static volatile uint32_t td_serial_tail; /* written by the main loop */
static volatile uint32_t td_serial_overrun_count;

void UART0_RX_IRQHandler(void) {
  uint32_t status;
  /* Reading SR then DR clears RXNE and ORE. */
  while ((status = TD_SERIAL_USART->sr) & (TD_USART_SR_RXNE | TD_USART_SR_ORE)) {
    uint8_t byte = (uint8_t)TD_SERIAL_USART->dr;
    if (status & TD_USART_SR_ORE) td_serial_overrun_count++;
    if (!(status & TD_USART_SR_RXNE)) continue;
    uint32_t head = td_serial_head;
    if (head - td_serial_tail < TD_SERIAL_RING_BYTES) {
      td_serial_ring[head & (TD_SERIAL_RING_BYTES - 1u)] = byte;
      td_serial_head = head + 1u;
    } else {
      td_serial_overrun_count++;
    }
  }
}

void td_serial_init(void) {
  td_serial_head = 0;
  td_serial_tail = 0;
  td_serial_overrun_count = 0;
  /* NVIC first: setting RXNEIE then raises the interrupt for a byte that is already waiting. */
  td_nvic_enable(TD_UART0_RX_IRQ);
  TD_SERIAL_USART->cr1 |= TD_USART_CR1_UE | TD_USART_CR1_TE | TD_USART_CR1_RE | TD_USART_CR1_RXNEIE;
  td_interrupts_enable();
}

int td_serial_read(uint8_t *byte) {
  uint32_t tail = td_serial_tail;
  if (tail == td_serial_head) return 0;
  *byte = td_serial_ring[tail & (TD_SERIAL_RING_BYTES - 1u)];
  td_serial_tail = tail + 1u;
  return 1;
}

void td_serial_wait(void) {
  td_interrupts_disable();
  if (td_serial_tail == td_serial_head) td_wait_for_interrupt();
  td_interrupts_enable();
}

uint32_t td_serial_overruns(void) { return td_serial_overrun_count; }
