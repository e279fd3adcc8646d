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

void td_board_exit(int status) { td_semihosting_exit(status); }
