/*
 * Interrupt-driven reception on a CMSDK APB UART (td_port.h's td_serial_*): the receive
 * interrupt moves each byte into a ring that the runtime drains from its main loop, so the
 * core sleeps in WFI while the host is silent. Transmission stays polled (td_board_write).
 *
 * The ring is single-producer (the interrupt) / single-consumer (the main loop): head and tail
 * are free-running 32-bit counters, each written by one side only, so no locking is needed.
 */
#include "td_board_config.h"
#include "td_cmsdk_uart.h"
#include "td_cortex_m.h"
#include "td_port.h"

#ifndef TD_SERIAL_RING_BYTES
#define TD_SERIAL_RING_BYTES 4096u
#endif
#if (TD_SERIAL_RING_BYTES & (TD_SERIAL_RING_BYTES - 1u)) != 0
#error "TD_SERIAL_RING_BYTES must be a power of two"
#endif

#define TD_SERIAL_UART TD_CMSDK_UART(TD_UART0_BASE)

static volatile uint8_t td_serial_ring[TD_SERIAL_RING_BYTES];
static volatile uint32_t td_serial_head; /* written by the interrupt */
static volatile uint32_t td_serial_tail; /* written by the main loop */
static volatile uint32_t td_serial_overrun_count;

void UART0_RX_IRQHandler(void) {
  /* Clear first: a byte that lands while draining raises the interrupt again. */
  TD_SERIAL_UART->interrupt = TD_CMSDK_UART_INTERRUPT_RX;
  while (TD_SERIAL_UART->state & TD_CMSDK_UART_STATE_RX_FULL) {
    uint8_t byte = (uint8_t)TD_SERIAL_UART->data;
    uint32_t head = td_serial_head;
    if (head - td_serial_tail < TD_SERIAL_RING_BYTES) {
      td_serial_ring[head & (TD_SERIAL_RING_BYTES - 1u)] = byte;
      td_serial_head = head + 1u;
    } else {
      td_serial_overrun_count++;
    }
  }
  if (TD_SERIAL_UART->state & TD_CMSDK_UART_STATE_RX_OVERRUN) {
    TD_SERIAL_UART->state = TD_CMSDK_UART_STATE_RX_OVERRUN; /* write 1 to clear */
    td_serial_overrun_count++;
  }
}

void td_serial_init(void) {
  td_serial_head = 0;
  td_serial_tail = 0;
  td_serial_overrun_count = 0;
  /* Bytes that arrived before now (the host's first retries) are received normally. */
  TD_SERIAL_UART->interrupt = TD_CMSDK_UART_INTERRUPT_RX;
  TD_SERIAL_UART->control |= TD_CMSDK_UART_CONTROL_TX_ENABLE | TD_CMSDK_UART_CONTROL_RX_ENABLE |
                             TD_CMSDK_UART_CONTROL_RX_INTERRUPT;
  td_nvic_enable(TD_UART0_RX_IRQ);
  td_interrupts_enable();
  if (TD_SERIAL_UART->state & TD_CMSDK_UART_STATE_RX_FULL) {
    /* A byte that was already waiting raised no interrupt (the enable came after it). */
    td_interrupts_disable();
    UART0_RX_IRQHandler();
    td_interrupts_enable();
  }
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
