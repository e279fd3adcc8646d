/*
 * Interrupt-driven reception shared by every UART driver (td_port.h's td_serial_*): the UART's
 * receive interrupt moves each byte into a ring that the runtime drains from its main loop, so
 * the core sleeps in WFI while the host is silent. Transmission stays polled (td_board_write).
 *
 * A driver's serial.c includes this header once and then defines the two hooks declared below;
 * everything else (ring, handler, td_serial_*) is here:
 *   td_uart_rx_enable()     turns the peripheral's receive interrupt on (the NVIC is done here);
 *   td_uart_rx_take(&byte)  1 and the byte when one is waiting (clearing what raised the
 *                           interrupt), else 0; a hardware overrun it sees is counted with
 *                           td_serial_count_overrun().
 * The handler is UART0_RX_IRQHandler, which common/src/td_startup.c puts at TD_UART0_RX_IRQ.
 *
 * Single producer (the interrupt), single consumer (the main loop): free-running 32-bit head and
 * tail, each written by one side only, so no locking.
 */
#ifndef TD_SERIAL_RING_H
#define TD_SERIAL_RING_H

#include <stdint.h>

#include "td_board_config.h"
#include "td_cortex_m.h"
#include "td_port.h"

#ifndef TD_SERIAL_RING_BYTES
#define TD_SERIAL_RING_BYTES 4096u
#endif
#if (TD_SERIAL_RING_BYTES & (TD_SERIAL_RING_BYTES - 1u)) != 0
#error "TD_SERIAL_RING_BYTES must be a power of two"
#endif

static volatile uint8_t td_serial_ring[TD_SERIAL_RING_BYTES];
static volatile uint32_t td_serial_head; /* written by the interrupt */
static volatile uint32_t td_serial_tail; /* written by the main loop */
static volatile uint32_t td_serial_overrun_count;

static void td_uart_rx_enable(void);
static int td_uart_rx_take(uint8_t *byte);

static inline void td_serial_count_overrun(void) { td_serial_overrun_count++; }

void UART0_RX_IRQHandler(void) {
  uint8_t byte;
  while (td_uart_rx_take(&byte)) {
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
  /* NVIC first (its pending state cleared), then the peripheral's interrupt. */
  td_nvic_enable(TD_UART0_RX_IRQ);
  td_uart_rx_enable();
  td_interrupts_enable();
  /* A byte that was already waiting may have raised no interrupt (edge-triggered UARTs): take it now. */
  td_interrupts_disable();
  UART0_RX_IRQHandler();
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

void td_serial_hold(void) { td_nvic_mask(TD_UART0_RX_IRQ); }

void td_serial_release(void) { td_nvic_unmask(TD_UART0_RX_IRQ); }

#endif /* TD_SERIAL_RING_H */
