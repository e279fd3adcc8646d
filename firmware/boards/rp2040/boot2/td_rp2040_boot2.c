/*
 * TinyDeploy's RP2040 second-stage boot (boot2) for the Pico's Winbond W25Q flash (W25Q16JV;
 * W25Q080 and others of the family alike), written from the RP2040 datasheet §2.8.1 (boot
 * sequence), §4.10 (SSI, the Synopsys DW_apb_ssi with its XIP extension) and the W25Q16JV
 * datasheet (status register 2's QE bit, Fast Read Quad I/O EBh with continuous read mode).
 *
 * The bootrom copies the first 256 bytes of flash to SRAM at 0x20041F00, checks the CRC32 of the
 * first 252 against the last 4 (polynomial 0x04C11DB7, initial value 0xFFFFFFFF, no reflection,
 * no final XOR) and jumps there in Thumb state. TinyDeploy compiles this file for that address,
 * pads it to 252 bytes and appends the CRC (src/core/node/toolchain/boot2.ts), giving the
 * `.boot2` section the linker script puts first in flash.
 *
 * What it does:
 *   1. QSPI pads: SCLK at 8 mA with fast slew (clean edges at 62.5 MHz).
 *   2. SSI off; SCK = clk_sys / TD_BOOT2_CLKDIV (62.5 MHz once clk_sys runs at 125 MHz, within the
 *      W25Q's 133 MHz for EBh); RX sampled one clk_sys cycle late for that speed.
 *   3. Standard SPI, 8-bit frames: read status register 2 (35h); if QE is clear, write enable
 *      (06h), write status register 2 (31h: 0x02) and poll status register 1 (05h) until BUSY
 *      clears. QE is non-volatile: this happens once per board.
 *   4. Quad SPI, 32-bit frames in EEPROM-read mode: one EBh read, command on one line, then the
 *      24-bit address and the mode byte A0h on four lines, 4 dummy clocks: the flash enters
 *      continuous read mode.
 *   5. XIP: the SSI now sends only the address and A0h (no command) for every cache miss.
 *   6. The application's vector table at 0x10000100: VTOR, MSP, jump to its reset handler.
 *
 * No data, no absolute calls: the code is position-independent (literal pools are read
 * PC-relative, calls are BL), compiled with -Os -fno-toplevel-reorder so td_boot2 comes first,
 * and fits the 252 bytes (boot2.ts checks both).
 */
#include <stdint.h>

#define TD_REG(address) (*(volatile uint32_t *)(address))

/* The SSI's registers up to DR0 (word offsets reachable from one base register). */
typedef struct {
  volatile uint32_t ctrlr0, ctrlr1, ssienr, mwcr, ser, baudr, txftlr, rxftlr, txflr, rxflr, sr, imr, isr, risr;
  volatile uint32_t txoicr, rxoicr, rxuicr, msticr, icr, dmacr, dmatdlr, dmardlr, idr, ssi_version_id, dr0;
} td_ssi_registers;
#define TD_SSI ((td_ssi_registers *)0x18000000u)
#define TD_SSI_RX_SAMPLE_DLY TD_REG(0x180000F0u)
#define TD_SSI_SPI_CTRLR0 TD_REG(0x180000F4u)
#define TD_SSI_SR_BUSY (1u << 0)
#define TD_SSI_SR_TFE (1u << 2)

#define TD_PADS_QSPI_SCLK TD_REG(0x40020004u)

/* CTRLR0 fields: DFS_32 (frame bits - 1) at 16, TMOD at 8 (0 transmit and receive, 3 EEPROM read), SPI_FRF at 21 (2 quad). */
#define TD_CTRLR0_STANDARD_8BIT (7u << 16)
#define TD_CTRLR0_QUAD_32BIT_EEPROM ((2u << 21) | (31u << 16) | (3u << 8))
/* SPI_CTRLR0 fields: TRANS_TYPE at 0, ADDR_L (4-bit units) at 2, INST_L at 8 (0 none, 2 8-bit), WAIT_CYCLES at 11, XIP_CMD at 24. */
#define TD_SPI_ADDR_32BIT (8u << 2)
#define TD_SPI_WAIT_4 (4u << 11)
#define TD_SPI_CMD_1LINE_ADDR_4LINES (1u | (2u << 8))
#define TD_SPI_ALL_4LINES_NO_CMD (2u | (0u << 8))

#define TD_FLASH_READ_STATUS1 0x05u
#define TD_FLASH_READ_STATUS2 0x35u
#define TD_FLASH_WRITE_ENABLE 0x06u
#define TD_FLASH_WRITE_STATUS2 0x31u
#define TD_FLASH_QUAD_IO_READ 0xEBu
#define TD_FLASH_CONTINUOUS_READ 0xA0u
#define TD_FLASH_STATUS2_QE 0x02u

#ifndef TD_BOOT2_CLKDIV
#define TD_BOOT2_CLKDIV 2u
#endif

#define TD_VTOR TD_REG(0xE000ED08u)
#define TD_APP_VECTORS 0x10000100u

static uint32_t td_ssi_transfer(uint32_t count, uint32_t first, uint32_t second);

__attribute__((section(".text.td_boot2"), noreturn, used)) void td_boot2(void) {
  TD_PADS_QSPI_SCLK = (2u << 4) | 1u; /* 8 mA, fast slew */

  td_ssi_registers *ssi = TD_SSI;
  ssi->ssienr = 0;
  ssi->baudr = TD_BOOT2_CLKDIV;
  TD_SSI_RX_SAMPLE_DLY = 1;
  ssi->ser = 1;

  /* Standard SPI, 8-bit frames: every byte sent shifts one in. */
  ssi->ctrlr0 = TD_CTRLR0_STANDARD_8BIT;
  ssi->ssienr = 1;
  if (!(td_ssi_transfer(2, TD_FLASH_READ_STATUS2, 0) & TD_FLASH_STATUS2_QE)) {
    (void)td_ssi_transfer(1, TD_FLASH_WRITE_ENABLE, 0);
    (void)td_ssi_transfer(2, TD_FLASH_WRITE_STATUS2, TD_FLASH_STATUS2_QE);
    while (td_ssi_transfer(2, TD_FLASH_READ_STATUS1, 0) & 1u) {
    }
  }

  /* One Fast Read Quad I/O with the continuous-read mode byte: the flash stays in that mode. */
  ssi->ssienr = 0;
  ssi->ctrlr0 = TD_CTRLR0_QUAD_32BIT_EEPROM;
  ssi->ctrlr1 = 0; /* one data frame */
  TD_SSI_SPI_CTRLR0 = TD_SPI_ADDR_32BIT | TD_SPI_WAIT_4 | TD_SPI_CMD_1LINE_ADDR_4LINES;
  ssi->ssienr = 1;
  /* Command, then address 0 with mode A0h in its low byte; the frame read back is dropped when the SSI is disabled. */
  (void)td_ssi_transfer(0, TD_FLASH_QUAD_IO_READ, TD_FLASH_CONTINUOUS_READ);

  /* XIP from now on: address and mode byte on four lines, no command. */
  ssi->ssienr = 0;
  TD_SSI_SPI_CTRLR0 = ((uint32_t)TD_FLASH_CONTINUOUS_READ << 24) | TD_SPI_ADDR_32BIT | TD_SPI_WAIT_4 | TD_SPI_ALL_4LINES_NO_CMD;
  ssi->ssienr = 1;

  /* Into the application: its vector table, its stack, its reset handler. */
  const volatile uint32_t *vectors = (const volatile uint32_t *)TD_APP_VECTORS;
  TD_VTOR = TD_APP_VECTORS;
  __asm__ volatile("msr msp, %0\n\tbx %1" : : "r"(vectors[0]), "r"(vectors[1]) : "memory");
  __builtin_unreachable();
}

/*
 * Sends `first`, and `second` unless count is 1 (count 0 sends both and reads nothing back),
 * waits until the SSI is idle, reads back `count` frames and returns the last.
 */
__attribute__((section(".text.td_boot2"), noinline)) static uint32_t td_ssi_transfer(uint32_t count, uint32_t first, uint32_t second) {
  td_ssi_registers *ssi = TD_SSI;
  ssi->dr0 = first;
  if (count != 1u) ssi->dr0 = second;
  while ((ssi->sr & (TD_SSI_SR_TFE | TD_SSI_SR_BUSY)) != TD_SSI_SR_TFE) {
  }
  uint32_t last = 0;
  for (uint32_t i = 0; i < count; i++) last = ssi->dr0;
  return last;
}
