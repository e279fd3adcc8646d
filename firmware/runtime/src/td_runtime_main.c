/*
 * Entry point of the profiler firmware: paint the stack first (so the high-water covers
 * everything after), bring up the UART and the timer, then serve the host forever.
 */
#include "board.h"
#include "td_port.h"
#include "td_runtime.h"

int main(void) {
  td_stack_paint();
  td_board_init();
  td_timer_init();
  td_serial_init();
  td_server_run();
}
