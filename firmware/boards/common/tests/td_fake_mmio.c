/*
 * A register file for running a family's clock set-up on the host (compiled with
 * -DTD_CLOCK_HEADER='"td_<family>.h"', -DTD_CLOCK_INIT=<its init function> and
 * -DTD_CLOCK_STATE=<its state record>): registers hold what was
 * written (0 at first), and the bits given on the command line as ADDRESS:MASK read as set, as a
 * ready flag of hardware that answers. Every other ready flag never comes, as on an emulator that
 * does not model the clock controller. The program calls TD_CLOCK_INIT() once and prints
 *   accesses <n>
 *   state <word> <word> ...   (TD_CLOCK_STATE, the family's record of what it reached)
 * and stops with status 3 after TD_FAKE_MMIO_LIMIT accesses: a wait that is not bounded.
 */
#include <stdio.h>
#include <stdlib.h>

#include TD_CLOCK_HEADER

#define TD_FAKE_MMIO_REGISTERS 4096
#define TD_FAKE_MMIO_LIMIT 100000000ull

typedef struct {
  uintptr_t address;
  uint32_t forced;
  int used;
  volatile uint32_t value;
} td_fake_register;

static td_fake_register td_registers[TD_FAKE_MMIO_REGISTERS];
static unsigned long long td_accesses;

static td_fake_register *td_find(uintptr_t address) {
  for (size_t i = (address >> 2) % TD_FAKE_MMIO_REGISTERS;; i = (i + 1) % TD_FAKE_MMIO_REGISTERS) {
    if (!td_registers[i].used) {
      td_registers[i].used = 1;
      td_registers[i].address = address;
      return &td_registers[i];
    }
    if (td_registers[i].address == address) return &td_registers[i];
  }
}

volatile uint32_t *td_fake_mmio(uintptr_t address) {
  if (++td_accesses > TD_FAKE_MMIO_LIMIT) {
    printf("accesses %llu\nunbounded wait at 0x%08lx\n", td_accesses, (unsigned long)address);
    exit(3);
  }
  td_fake_register *reg = td_find(address);
  reg->value |= reg->forced;
  return &reg->value;
}

int main(int argc, char **argv) {
  for (int i = 1; i < argc; i++) {
    unsigned long address, mask;
    if (sscanf(argv[i], "%lx:%lx", &address, &mask) != 2) return 2;
    td_find((uintptr_t)address)->forced |= (uint32_t)mask;
  }
  TD_CLOCK_INIT();
  printf("accesses %llu\nstate", td_accesses);
  const volatile uint32_t *state = (const volatile uint32_t *)&TD_CLOCK_STATE;
  for (size_t i = 0; i < sizeof TD_CLOCK_STATE / sizeof(uint32_t); i++) printf(" %lu", (unsigned long)state[i]);
  printf("\n");
  return 0;
}
