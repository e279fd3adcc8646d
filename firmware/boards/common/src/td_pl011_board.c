/*
 * td_board_write, td_board_read_byte and td_board_exit for boards whose profiler UART is a PL011
 * (RP2040, RP2350; ../include/td_pl011.h) at TD_UART0_BASE. td_board_init (clocks, resets, pins,
 * the UART's divisor) is the family's.
 */
#include "td_board_config.h"
#include "td_pl011.h"
#include "td_semihosting.h"

void td_board_write(const void *data, size_t length) { td_pl011_write(TD_PL011(TD_UART0_BASE), (const uint8_t *)data, (uint32_t)length); }

uint8_t td_board_read_byte(void) { return td_pl011_read(TD_PL011(TD_UART0_BASE)); }

uint32_t td_pl011_clock_hz;

/*
 * The divisor in 1/64ths, IBRD 1 … 65535 (DDI 0183 §3.3.6), within 2 %. Switched once the
 * transmitter is idle (FR.BUSY clear) by td_pl011_start, which keeps the receive interrupts.
 */
int td_board_set_baud(uint32_t baud, int apply) {
  td_pl011_registers *uart = TD_PL011(TD_UART0_BASE);
  uint32_t div64 = (uint32_t)(((uint64_t)td_pl011_clock_hz * 4u + baud / 2u) / baud); /* 64 × clock / (16 × baud) */
  if (div64 < 64u || (div64 >> 6) >= 0xFFFFu) return 0;
  if (!td_baud_within((uint32_t)(((uint64_t)td_pl011_clock_hz * 4u) / div64), baud)) return 0;
  if (apply) {
    while (uart->fr & TD_PL011_FR_BUSY) {
    }
    uint32_t imsc = uart->imsc;
    td_pl011_start(uart, td_pl011_clock_hz, baud);
    uart->imsc = imsc;
  }
  return 1;
}

void td_board_exit(int status) { td_semihosting_exit(status); }
