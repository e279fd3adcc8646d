/*
 * Arm PrimeCell PL011 UART (Arm DDI 0183), the UART of the RP2040 and RP2350: FIFOs on, 8N1,
 * receive and receive-timeout interrupts (a byte left in the FIFO below its trigger level still
 * raises one after 32 bit times). Polled transmit and receive, and the hooks of the shared
 * receive ring (td_serial_ring.h).
 */
#ifndef TD_PL011_H
#define TD_PL011_H

#include <stdint.h>

typedef struct {
  volatile uint32_t dr, rsr;
  uint32_t reserved0[4];
  volatile uint32_t fr, reserved1, ilpr, ibrd, fbrd, lcr_h, cr, ifls, imsc, ris, mis, icr, dmacr;
} td_pl011_registers;
#define TD_PL011(base) ((td_pl011_registers *)(uintptr_t)(base))

#define TD_PL011_DR_OE (1u << 11)
#define TD_PL011_FR_RXFE (1u << 4)
#define TD_PL011_FR_BUSY (1u << 3)
#define TD_PL011_FR_TXFF (1u << 5)
#define TD_PL011_LCR_H_FEN (1u << 4)
#define TD_PL011_LCR_H_WLEN_8 (3u << 5)
#define TD_PL011_CR_UARTEN (1u << 0)
#define TD_PL011_CR_TXE (1u << 8)
#define TD_PL011_CR_RXE (1u << 9)
#define TD_PL011_IMSC_RXIM (1u << 4)
#define TD_PL011_IMSC_RTIM (1u << 6)

/* The UART clock, as the family's td_board_init gave it (for SET_BAUD). */
extern uint32_t td_pl011_clock_hz;

/* The baud divisor in 1/64ths (IBRD.FBRD) from the UART clock, rounded; LCR_H's write latches it. */
static inline void td_pl011_start(td_pl011_registers *uart, uint32_t clock_hz, uint32_t baud) {
  uint32_t div128 = (8u * clock_hz) / baud; /* 128 × clock / (16 × baud) */
  uint32_t ibrd = div128 >> 7;
  uint32_t fbrd = ((div128 & 0x7Fu) + 1u) / 2u;
  if (ibrd == 0u) {
    ibrd = 1u;
    fbrd = 0u;
  } else if (ibrd >= 0xFFFFu) {
    ibrd = 0xFFFFu;
    fbrd = 0u;
  }
  uart->cr = 0;
  uart->ibrd = ibrd;
  uart->fbrd = fbrd;
  uart->lcr_h = TD_PL011_LCR_H_WLEN_8 | TD_PL011_LCR_H_FEN;
  uart->cr = TD_PL011_CR_UARTEN | TD_PL011_CR_TXE | TD_PL011_CR_RXE;
}

static inline void td_pl011_write(td_pl011_registers *uart, const uint8_t *bytes, uint32_t length) {
  for (uint32_t i = 0; i < length; i++) {
    while (uart->fr & TD_PL011_FR_TXFF) {
    }
    uart->dr = bytes[i];
  }
}

static inline uint8_t td_pl011_read(td_pl011_registers *uart) {
  while (uart->fr & TD_PL011_FR_RXFE) {
  }
  return (uint8_t)uart->dr;
}

static inline void td_pl011_rx_interrupt_on(td_pl011_registers *uart) {
  uart->icr = TD_PL011_IMSC_RXIM | TD_PL011_IMSC_RTIM;
  uart->imsc |= TD_PL011_IMSC_RXIM | TD_PL011_IMSC_RTIM;
}

/* 1 and the next byte of the receive FIFO (emptying it clears both interrupts), else 0; *overrun when the FIFO overflowed before this byte. */
static inline int td_pl011_take(td_pl011_registers *uart, uint8_t *byte, int *overrun) {
  *overrun = 0;
  if (uart->fr & TD_PL011_FR_RXFE) return 0;
  uint32_t data = uart->dr;
  *overrun = (data & TD_PL011_DR_OE) != 0u;
  *byte = (uint8_t)data;
  return 1;
}

#endif /* TD_PL011_H */
