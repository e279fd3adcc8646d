/*
 * td_board_api.h for the nRF52 family: clock (td_nrf52_clock.c), UARTE0 on the board's pins at
 * 115200 8N1, and semihosting exit. The UARTE moves data with EasyDMA, from and to RAM only:
 *   transmit: bytes are copied into a RAM buffer, sent with STARTTX, and ENDTX waited for;
 *   receive: a one-byte RAM buffer with the ENDRX → STARTRX shortcut, so the receiver restarts
 *   by itself after each byte and ENDRX means "a byte is in the buffer"; the next byte overwrites
 *   it no sooner than one character time (87 µs at 115200 baud), ample for the interrupt
 *   (td_nrf52_serial.c) or td_board_read_byte to take it.
 * On the nRF52840-DK the J-Link OB's virtual COM port is on P0.06 (TX) and P0.08 (RX).
 */
#include "td_nrf52.h"
#include "td_semihosting.h"

#define TD_BOARD_UARTE TD_NRF52_UARTE(TD_UART0_BASE)

static volatile uint8_t td_nrf52_rx_byte;
static uint8_t td_nrf52_tx_buffer[64];

void td_board_init(void) {
  td_nrf52_clock_init();

  TD_P0_OUTSET = 1u << (TD_NRF52_UART_TX_PIN); /* idle high before the pin becomes an output */
  TD_P0_PIN_CNF(TD_NRF52_UART_TX_PIN) = TD_PIN_CNF_OUTPUT;
  TD_P0_PIN_CNF(TD_NRF52_UART_RX_PIN) = TD_PIN_CNF_INPUT_PULLUP;

  TD_BOARD_UARTE->enable = 0;
  TD_BOARD_UARTE->psel_txd = TD_NRF52_UART_TX_PIN; /* port 0, connected */
  TD_BOARD_UARTE->psel_rxd = TD_NRF52_UART_RX_PIN;
  TD_BOARD_UARTE->psel_rts = 0xFFFFFFFFu; /* not connected */
  TD_BOARD_UARTE->psel_cts = 0xFFFFFFFFu;
  TD_BOARD_UARTE->baudrate = TD_UARTE_BAUD_115200;
  TD_BOARD_UARTE->config = 0; /* no parity, one stop bit, no flow control */
  TD_BOARD_UARTE->enable = TD_UARTE_ENABLE;

  TD_BOARD_UARTE->rxd_ptr = (uint32_t)(uintptr_t)&td_nrf52_rx_byte;
  TD_BOARD_UARTE->rxd_maxcnt = 1;
  TD_BOARD_UARTE->shorts = TD_UARTE_SHORTS_ENDRX_STARTRX;
  TD_BOARD_UARTE->events_endrx = 0;
  TD_BOARD_UARTE->tasks_startrx = 1;
}

int td_nrf52_uart_take(uint8_t *byte) {
  if (TD_BOARD_UARTE->events_error) {
    TD_BOARD_UARTE->errorsrc = TD_BOARD_UARTE->errorsrc; /* write 1 to clear */
    TD_BOARD_UARTE->events_error = 0;
  }
  if (!TD_BOARD_UARTE->events_endrx) return 0;
  TD_BOARD_UARTE->events_endrx = 0;
  (void)TD_BOARD_UARTE->events_endrx; /* the clear lands before the interrupt returns */
  *byte = td_nrf52_rx_byte;
  return 1;
}

void td_board_write(const void *data, size_t length) {
  const uint8_t *bytes = (const uint8_t *)data;
  while (length > 0u) {
    size_t chunk = length < sizeof td_nrf52_tx_buffer ? length : sizeof td_nrf52_tx_buffer;
    for (size_t i = 0; i < chunk; i++) td_nrf52_tx_buffer[i] = bytes[i];
    TD_BOARD_UARTE->txd_ptr = (uint32_t)(uintptr_t)td_nrf52_tx_buffer;
    TD_BOARD_UARTE->txd_maxcnt = (uint32_t)chunk;
    TD_BOARD_UARTE->events_endtx = 0;
    TD_BOARD_UARTE->tasks_starttx = 1;
    while (!TD_BOARD_UARTE->events_endtx) {
    }
    bytes += chunk;
    length -= chunk;
  }
}

/* UARTE BAUDRATE values (nRF52840 PS §6.34.10): the rates SET_BAUD may pick. */
static const struct {
  uint32_t baud, value;
} td_nrf52_baud_rates[] = {
    {115200u, TD_UARTE_BAUD_115200}, {230400u, 0x03AFB000u}, {460800u, 0x07400000u}, {921600u, 0x0F000000u}, {1000000u, 0x10000000u},
};

/* td_board_write returns once ENDTX came: the transmitter is done, so the rate can change at once. */
int td_board_set_baud(uint32_t baud, int apply) {
  for (size_t i = 0; i < sizeof td_nrf52_baud_rates / sizeof td_nrf52_baud_rates[0]; i++) {
    if (td_nrf52_baud_rates[i].baud != baud) continue;
    if (apply) TD_BOARD_UARTE->baudrate = td_nrf52_baud_rates[i].value;
    return 1;
  }
  return 0;
}

uint8_t td_board_read_byte(void) {
  uint8_t byte;
  while (!td_nrf52_uart_take(&byte)) {
  }
  return byte;
}

void td_board_exit(int status) { td_semihosting_exit(status); }
