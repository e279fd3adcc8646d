/*
 * nRF52 family registers TinyDeploy's board support touches (nRF52840 Product Specification v1.7:
 * CLOCK §6.4, NVMC §6.10, GPIO §6.9, UARTE §6.34), at register level, no vendor SDK. The core
 * runs at 64 MHz from reset on the internal HFINT oscillator; the set-up starts the HFXO crystal,
 * which the UART's baud rate and the cycle counts then follow, and turns the flash cache on.
 * board.h gives the UART's pins.
 */
#ifndef TD_NRF52_H
#define TD_NRF52_H

#include <stdint.h>

#include "td_board_config.h"
#include "td_cortex_m.h"
#include "td_wait.h"

#define TD_NRF52_REG(address) TD_REG32(address)

/* CLOCK (0x40000000). */
#define TD_CLOCK_TASKS_HFCLKSTART TD_NRF52_REG(0x40000000u)
#define TD_CLOCK_EVENTS_HFCLKSTARTED TD_NRF52_REG(0x40000100u)
#define TD_CLOCK_HFCLKSTAT TD_NRF52_REG(0x4000040Cu)
#define TD_CLOCK_HFCLKSTAT_SRC_XTAL (1u << 0)
#define TD_CLOCK_HFCLKSTAT_RUNNING (1u << 16)

/* NVMC (0x4001E000): the flash instruction cache. */
#define TD_NVMC_ICACHECNF TD_NRF52_REG(0x4001E540u)
#define TD_NVMC_ICACHECNF_CACHEEN (1u << 0)

/* GPIO port 0 (0x50000000). */
#define TD_P0_OUTSET TD_NRF52_REG(0x50000508u)
#define TD_P0_DIRSET TD_NRF52_REG(0x50000518u)
#define TD_P0_PIN_CNF(pin) TD_NRF52_REG(0x50000700u + 4u * (pin))
#define TD_PIN_CNF_OUTPUT 1u                /* DIR output, input buffer connected */
#define TD_PIN_CNF_INPUT_PULLUP (3u << 2)   /* DIR input, input connected, pull-up */

/* UARTE (EasyDMA UART): tasks, events, shortcuts, interrupts, pins, baud rate, DMA buffers. */
typedef struct {
  volatile uint32_t tasks_startrx, tasks_stoprx, tasks_starttx, tasks_stoptx;
  uint32_t reserved0[7];
  volatile uint32_t tasks_flushrx;
  uint32_t reserved1[52];
  volatile uint32_t events_cts, events_ncts, events_rxdrdy, reserved2, events_endrx;
  uint32_t reserved3[2];
  volatile uint32_t events_txdrdy, events_endtx, events_error;
  uint32_t reserved4[7];
  volatile uint32_t events_rxto, reserved5, events_rxstarted, events_txstarted, reserved6, events_txstopped;
  uint32_t reserved7[41];
  volatile uint32_t shorts;
  uint32_t reserved8[63];
  volatile uint32_t inten, intenset, intenclr;
  uint32_t reserved9[93];
  volatile uint32_t errorsrc;
  uint32_t reserved10[31];
  volatile uint32_t enable, reserved11, psel_rts, psel_txd, psel_cts, psel_rxd;
  uint32_t reserved12[3];
  volatile uint32_t baudrate;
  uint32_t reserved13[3];
  volatile uint32_t rxd_ptr, rxd_maxcnt, rxd_amount, reserved14, txd_ptr, txd_maxcnt, txd_amount;
  uint32_t reserved15[7];
  volatile uint32_t config;
} td_nrf52_uarte_registers;
#define TD_NRF52_UARTE(base) ((td_nrf52_uarte_registers *)(uintptr_t)(base))
#define TD_UARTE_SHORTS_ENDRX_STARTRX (1u << 5)
#define TD_UARTE_INT_ENDRX (1u << 4)
#define TD_UARTE_ENABLE 8u
#define TD_UARTE_BAUD_115200 0x01D7E000u

typedef enum {
  TD_NRF52_CLOCK_HFXO = 0,
  TD_NRF52_CLOCK_HFXO_NOT_STARTED = 1, /* still 64 MHz, on HFINT: ±1.5 % instead of the crystal's ±40 ppm */
} td_nrf52_clock_status;

typedef struct {
  uint32_t status; /* td_nrf52_clock_status */
  uint32_t core_hz;
} td_nrf52_clock_state;

extern volatile td_nrf52_clock_state td_nrf52_clock;

void td_nrf52_clock_init(void);

/* The UARTE's receiver (td_nrf52_board.c): 1 and the byte when one has arrived, else 0. */
int td_nrf52_uart_take(uint8_t *byte);

#if !defined(TD_NRF52_UART_TX_PIN) || !defined(TD_NRF52_UART_RX_PIN)
#error "board.h gives the UART's pins on port 0: TD_NRF52_UART_TX_PIN, TD_NRF52_UART_RX_PIN"
#endif
/* HFXO starts in about 0.3 ms (PS §5.4.3, 32 MHz crystal): a generous bound at 64 MHz. */
#ifndef TD_NRF52_HFXO_POLLS
#define TD_NRF52_HFXO_POLLS (10u * TD_READY_POLLS)
#endif

#endif /* TD_NRF52_H */
