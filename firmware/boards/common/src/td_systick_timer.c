/*
 * td_port.h's timer on SysTick, for QEMU's virtual boards, where DWT CYCCNT reads 0.
 *
 * Under `-icount shift=0` QEMU executes one instruction per nanosecond of virtual time, and
 * SysTick (clocked by the core clock, TD_CPU_HZ) decrements once per 1e9 / TD_CPU_HZ
 * nanoseconds: 40 instructions per tick at mps2's 25 MHz, 31.25 at mps3-an547's 32 MHz. The
 * count is therefore in *instructions* (emulated), at a resolution of one tick.
 *
 * The 24-bit counter is extended to 64 bits by counting wraps in SysTick_Handler (one every
 * 2^24 ticks, about 671 million instructions on mps2). With RVR = 2^24 - 1 the counter runs
 * R, R-1, …, 1, 0, R, … and the interrupt fires on reaching 0, so the ticks elapsed in the
 * current period are (-CVR) mod 2^24 and `wraps * 2^24 + that` is monotonic.
 *
 * td_timer_restart writes CVR, which restarts QEMU's counter at the current virtual time: the
 * phase is then fixed against the instruction stream, and identical code measured after a
 * restart gives identical tick counts run after run.
 *
 * On a real core without the DWT cycle counter (Cortex-M0+: RP2040) the board's board.h defines
 * TD_SYSTICK_COUNTS_CYCLES: SysTick on the processor clock then counts core *cycles*, one per
 * tick, at the clock the board's set-up really reached (td_board_clock_hz).
 */
#include "td_board_config.h"
#include "td_cortex_m.h"
#include "td_port.h"

#define TD_SYSTICK_MASK 0x00FFFFFFu

static volatile uint32_t td_systick_wraps;
static td_timer_info td_systick_info;

/* The core clock after the board's set-up; a family whose set-up can fall back defines the one it reached. */
__attribute__((weak)) uint32_t td_board_clock_hz(void) { return (uint32_t)TD_CPU_HZ; }

void SysTick_Handler(void) { td_systick_wraps++; }

#ifndef TD_SYSTICK_COUNTS_CYCLES
static uint32_t td_gcd(uint32_t a, uint32_t b) {
  while (b != 0u) {
    uint32_t r = a % b;
    a = b;
    b = r;
  }
  return a;
}
#endif

void td_timer_init(void) {
#ifdef TD_SYSTICK_COUNTS_CYCLES
  td_systick_info.unit = TD_TIMER_UNIT_CYCLES;
  td_systick_info.tick_hz = td_board_clock_hz();
  td_systick_info.units_per_tick_num = 1u;
  td_systick_info.units_per_tick_den = 1u;
#else
  uint32_t divisor = td_gcd(1000000000u, (uint32_t)TD_CPU_HZ);
  td_systick_info.unit = TD_TIMER_UNIT_INSTRUCTIONS;
  td_systick_info.tick_hz = (uint32_t)TD_CPU_HZ;
  td_systick_info.units_per_tick_num = 1000000000u / divisor;
  td_systick_info.units_per_tick_den = (uint32_t)TD_CPU_HZ / divisor;
#endif

  TD_SYST_CSR = 0;
  TD_SYST_RVR = TD_SYSTICK_MASK;
  TD_SYST_CVR = 0;
  td_systick_wraps = 0;
  TD_SYST_CSR = TD_SYST_CSR_ENABLE | TD_SYST_CSR_TICKINT | TD_SYST_CSR_CLKSOURCE_CPU;
}

void td_timer_restart(void) {
  td_interrupts_disable();
  TD_SYST_CVR = 0;
  TD_SCB_ICSR = TD_SCB_ICSR_PENDSTCLR;
  td_systick_wraps = 0;
  td_interrupts_enable();
}

uint64_t td_timer_now(void) {
  uint32_t wraps, current, pending;
  do {
    wraps = td_systick_wraps;
    current = TD_SYST_CVR;
    pending = TD_SCB_ICSR & TD_SCB_ICSR_PENDSTSET;
  } while (wraps != td_systick_wraps);
  uint32_t elapsed = (0u - current) & TD_SYSTICK_MASK;
  /* Wrapped but the handler has not run yet (interrupts masked): count that wrap here. */
  if (pending && elapsed < (TD_SYSTICK_MASK >> 1)) wraps++;
  return ((uint64_t)wraps << 24) + elapsed;
}

const td_timer_info *td_timer_describe(void) { return &td_systick_info; }

/*
 * n / d by shift and subtract: a 64-bit `/` would link libgcc's __udivmoddi4 (700 bytes of
 * flash) for a conversion that runs only when the host reads results, never while an op is
 * timed. d is 1 on mps2 (40 instructions per tick), 4 on mps3-an547.
 */
static uint64_t td_divide_u64(uint64_t n, uint32_t d) {
  if (d == 1u) return n;
  uint64_t quotient = 0, remainder = 0;
  for (int bit = 63; bit >= 0; bit--) {
    remainder = (remainder << 1) | ((n >> bit) & 1u);
    if (remainder >= d) {
      remainder -= d;
      quotient |= (uint64_t)1 << bit;
    }
  }
  return quotient;
}

uint64_t td_timer_ticks_to_units(uint64_t ticks) {
  uint32_t den = td_systick_info.units_per_tick_den;
  return td_divide_u64(ticks * td_systick_info.units_per_tick_num + den / 2u, den);
}
