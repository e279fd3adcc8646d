/*
 * td_port.h's timer on DWT CYCCNT, for real boards: the count is core clock *cycles*.
 *
 * CYCCNT is 32 bits (about 9 s at 480 MHz); it is extended to 64 bits by noticing, at each
 * read, that it went backwards. SysTick interrupts every 2^24 cycles only to take such a read,
 * so a wrap is never missed even while nobody measures. (QEMU does not model CYCCNT: it reads
 * 0 there; virtual boards use td_systick_timer.c.)
 */
#include "td_board_config.h"
#include "td_cortex_m.h"
#include "td_port.h"

static volatile uint32_t td_dwt_high;
static volatile uint32_t td_dwt_last;
static td_timer_info td_dwt_info;

/*
 * The clock the core really runs at: TD_CPU_HZ, unless the board's clock set-up fell back to
 * a slower one (the STM32F4 family defines this from what its PLL set-up achieved), so HELLO
 * reports the clock the cycles were counted at.
 */
__attribute__((weak)) uint32_t td_board_clock_hz(void) { return (uint32_t)TD_CPU_HZ; }

void SysTick_Handler(void) { (void)td_timer_now(); }

void td_timer_init(void) {
  td_dwt_info.unit = TD_TIMER_UNIT_CYCLES;
  td_dwt_info.tick_hz = td_board_clock_hz();
  td_dwt_info.units_per_tick_num = 1u;
  td_dwt_info.units_per_tick_den = 1u;
  TD_DEMCR |= TD_DEMCR_TRCENA;
  TD_DWT_LAR = 0xC5ACCE55u; /* needed on Cortex-M7, ignored elsewhere */
  TD_DWT_CYCCNT = 0;
  TD_DWT_CTRL |= TD_DWT_CTRL_CYCCNTENA;
  td_dwt_high = 0;
  td_dwt_last = 0;
  TD_SYST_CSR = 0;
  TD_SYST_RVR = 0x00FFFFFFu;
  TD_SYST_CVR = 0;
  TD_SYST_CSR = TD_SYST_CSR_ENABLE | TD_SYST_CSR_TICKINT | TD_SYST_CSR_CLKSOURCE_CPU;
}

/*
 * SysTick restarts with the count: its interrupt (a read every 2^24 cycles) then strikes a run at the same points
 * run after run, so the stack its frame may add to the run's is the same each time.
 */
void td_timer_restart(void) {
  td_interrupts_disable();
  TD_DWT_CYCCNT = 0;
  td_dwt_high = 0;
  td_dwt_last = 0;
  TD_SYST_CVR = 0;
  TD_SCB_ICSR = TD_SCB_ICSR_PENDSTCLR;
  td_interrupts_enable();
}

uint64_t td_timer_now(void) {
  uint32_t primask;
  __asm__ volatile("mrs %0, primask" : "=r"(primask));
  td_interrupts_disable();
  uint32_t count = TD_DWT_CYCCNT;
  if (count < td_dwt_last) td_dwt_high++;
  td_dwt_last = count;
  uint64_t now = ((uint64_t)td_dwt_high << 32) | count;
  if (!primask) td_interrupts_enable();
  return now;
}

const td_timer_info *td_timer_describe(void) { return &td_dwt_info; }

uint64_t td_timer_ticks_to_units(uint64_t ticks) { return ticks; }
