/*
 * Test firmware for the virtual-board back end (src/core/node/devices/qemu): the smallest
 * program that exercises what the profiler relies on — interrupt-driven UART reception, WFI
 * while idle, polled transmission and the SysTick instruction counter.
 *
 *   any byte       is echoed back unchanged
 *   0x01 ("time")  restarts the timer, runs a fixed workload and answers "T<ticks>\n"
 *                  (decimal ticks; the host multiplies by 1e9 / tick_hz for instructions)
 *   0x02 ("info")  answers "I<board id> <tick_hz>\n"
 *
 * Built with -DTD_ECHO_SILENT it receives but never answers: a board that does not respond.
 * Built with -DTD_ECHO_FAULT it reads unmapped memory at start-up: a bus fault that escalates
 * to HardFault, where the core then stays.
 */
#include <stdint.h>

#include "board.h"
#include "td_port.h"

#ifndef TD_BOARD_ID
#define TD_BOARD_ID "unknown"
#endif

static void write_decimal(uint64_t value) {
  char digits[24];
  int count = 0;
  do {
    digits[count++] = (char)('0' + (int)(value % 10u));
    value /= 10u;
  } while (value != 0u);
  while (count > 0) td_board_write(&digits[--count], 1);
}

static void write_text(const char *text) {
  while (*text) td_board_write(text++, 1);
}

/* A workload whose instruction count depends only on the code: a loop the compiler must keep. */
static uint32_t workload(void) {
  volatile uint32_t accumulator = 0;
  for (uint32_t i = 0; i < 100000u; i++) accumulator += i ^ (accumulator >> 3);
  return accumulator;
}

int main(void) {
#ifdef TD_ECHO_FAULT
  (void)*(volatile uint32_t *)0xF0000000u;
#endif
  td_board_init();
  td_timer_init();
  td_serial_init();
  for (;;) {
    uint8_t byte;
    if (!td_serial_read(&byte)) {
      td_serial_wait();
      continue;
    }
#ifdef TD_ECHO_SILENT
    (void)byte;
#else
    if (byte == 0x01u) {
      td_timer_restart();
      uint64_t begin = td_timer_now();
      (void)workload();
      uint64_t end = td_timer_now();
      write_text("T");
      write_decimal(end - begin);
      write_text("\n");
    } else if (byte == 0x02u) {
      write_text("I" TD_BOARD_ID " ");
      write_decimal(td_timer_describe()->tick_hz);
      write_text("\n");
    } else {
      td_board_write(&byte, 1);
    }
#endif
  }
}
