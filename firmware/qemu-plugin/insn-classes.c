/*
 * insn-classes: a QEMU TCG plugin that counts the Thumb/Thumb-2 instructions a Cortex-M core
 * executes, by class, inside a window that opens when the code at `begin=` runs and closes when
 * the code at `end=` runs (the profiler's td_estimate_window_open/close markers around each RUN
 * inference). Each closed window appends one JSON line to `out=`, so the host reads the counts of
 * the runs it cares about without stopping QEMU. The cycle tables (src/core/common/boards/
 * cycle-tables.ts) turn these counts into an estimate of cycles on a given core.
 *
 * How it counts:
 * - Classes are decided once per instruction at translation time from its encoding (ARMv7-M/
 *   ARMv8-M Architecture Reference Manual, "Thumb instruction set encoding"), and summed per
 *   translation block; a block's sums are added each time the block runs (one callback per block,
 *   not per instruction). A block runs to its end unless an exception is taken inside it, which
 *   the firmware does not do during an inference.
 * - Branches: QEMU ends a block at every instruction that writes the PC, so the next block's
 *   address tells whether the previous block's last instruction changed the flow ("taken": the
 *   core refills its pipeline) or fell through.
 * - A single load right after another single load or store in the same block counts as
 *   `load_pipelined` (Cortex-M3/M4 overlap the address phase with the previous access), without
 *   checking register dependencies.
 * - Loads from the `flash=LO-HI` range (weights and constants) go through a small line-buffer model:
 *   a 4-line LRU per line size (8, 16, 32 bytes); a miss is a read the flash's wait states apply to.
 *
 * Plugin API version 1 (QEMU 4.2 to 8.1; Debian 12's QEMU 7.2). The few declarations it needs are
 * written below rather than including qemu-plugin.h, which Debian does not package.
 * Build: gcc -shared -fPIC -O2 -o insn-classes.so insn-classes.c
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- The plugin ABI, version 1 (declarations of the functions QEMU exports to plugins). ---- */
typedef uint64_t qemu_plugin_id_t;
typedef uint32_t qemu_plugin_meminfo_t;
struct qemu_plugin_tb;
struct qemu_plugin_insn;
enum qemu_plugin_cb_flags { QEMU_PLUGIN_CB_NO_REGS, QEMU_PLUGIN_CB_R_REGS, QEMU_PLUGIN_CB_RW_REGS };
enum qemu_plugin_mem_rw { QEMU_PLUGIN_MEM_R = 1, QEMU_PLUGIN_MEM_W, QEMU_PLUGIN_MEM_RW };
typedef void (*qemu_plugin_vcpu_tb_trans_cb_t)(qemu_plugin_id_t id, struct qemu_plugin_tb *tb);
typedef void (*qemu_plugin_vcpu_udata_cb_t)(unsigned int vcpu_index, void *userdata);
typedef void (*qemu_plugin_vcpu_mem_cb_t)(unsigned int vcpu_index, qemu_plugin_meminfo_t info, uint64_t vaddr, void *userdata);
typedef void (*qemu_plugin_udata_cb_t)(qemu_plugin_id_t id, void *userdata);
void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id, qemu_plugin_vcpu_tb_trans_cb_t cb);
void qemu_plugin_register_vcpu_tb_exec_cb(struct qemu_plugin_tb *tb, qemu_plugin_vcpu_udata_cb_t cb, enum qemu_plugin_cb_flags flags, void *userdata);
void qemu_plugin_register_vcpu_mem_cb(struct qemu_plugin_insn *insn, qemu_plugin_vcpu_mem_cb_t cb, enum qemu_plugin_cb_flags flags, enum qemu_plugin_mem_rw rw, void *userdata);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id, qemu_plugin_udata_cb_t cb, void *userdata);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
uint64_t qemu_plugin_tb_vaddr(const struct qemu_plugin_tb *tb);
struct qemu_plugin_insn *qemu_plugin_tb_get_insn(const struct qemu_plugin_tb *tb, size_t idx);
const void *qemu_plugin_insn_data(const struct qemu_plugin_insn *insn);
size_t qemu_plugin_insn_size(const struct qemu_plugin_insn *insn);
uint64_t qemu_plugin_insn_vaddr(const struct qemu_plugin_insn *insn);
void qemu_plugin_outs(const char *string);

__attribute__((visibility("default"))) int qemu_plugin_version = 1;

/* ---- Classes (names are the keys of the JSON line; cycle-tables.ts prices each). ---- */
enum insn_class {
  C_ALU, C_IT, C_MUL, C_MUL_LONG, C_MAC, C_SIMD, C_DIVIDE,
  C_LOAD, C_LOAD_PIPELINED, C_STORE, C_LOAD_DUAL, C_STORE_DUAL, C_LOAD_MULTIPLE, C_STORE_MULTIPLE,
  C_BRANCH, C_CALL, C_TABLE_BRANCH,
  C_VFP_ALU, C_VFP_MAC, C_VFP_DIVIDE, C_VFP_LOAD, C_VFP_STORE, C_VFP_LOAD_MULTIPLE, C_VFP_STORE_MULTIPLE, C_VFP_MOVE,
  C_VECTOR, C_SYSTEM,
  C_COUNT
};
static const char *const class_names[C_COUNT] = {
  "alu", "it", "mul", "mul_long", "mac", "simd", "divide",
  "load", "load_pipelined", "store", "load_dual", "store_dual", "load_multiple", "store_multiple",
  "branch", "call", "table_branch",
  "vfp_alu", "vfp_mac", "vfp_divide", "vfp_load", "vfp_store", "vfp_load_multiple", "vfp_store_multiple", "vfp_move",
  "vector", "system",
};

typedef struct {
  uint8_t cls;
  uint8_t registers;   /* registers (words) moved by LDM/STM/PUSH/POP/VLDM/VSTM */
  bool writes_pc;      /* may change the flow: the block ends here */
} decoded;

static unsigned popcount16(uint32_t v) { return (unsigned)__builtin_popcount(v & 0xFFFFu); }

static bool is_single_memory(uint8_t cls) { return cls == C_LOAD || cls == C_LOAD_PIPELINED || cls == C_STORE; }
static bool is_load(uint8_t cls) {
  return cls == C_LOAD || cls == C_LOAD_PIPELINED || cls == C_LOAD_DUAL || cls == C_LOAD_MULTIPLE || cls == C_TABLE_BRANCH ||
         cls == C_VFP_LOAD || cls == C_VFP_LOAD_MULTIPLE;
}

/* Coprocessor space (VFP on cp10/cp11; anything else, e.g. MVE, is `vector`). */
static decoded decode_coprocessor(uint32_t hw1, uint32_t hw2) {
  decoded d = {C_VECTOR, 0, false};
  uint32_t coproc = (hw2 >> 8) & 0xF;
  if ((hw1 & 0xEF00) == 0xEF00) return d; /* 0xEFxx/0xFFxx: Advanced SIMD / MVE space */
  if (coproc != 10 && coproc != 11) return d;
  if ((hw1 & 0x0E00) == 0x0C00) { /* extension register load/store, 64-bit transfers */
    if ((hw1 & 0x0FE0) == 0x0C40) { d.cls = C_VFP_MOVE; return d; } /* VMOV two core registers */
    bool load = (hw1 >> 4) & 1;
    bool p = (hw1 >> 8) & 1, w = (hw1 >> 5) & 1;
    if (p && !w) { d.cls = load ? C_VFP_LOAD : C_VFP_STORE; d.registers = coproc == 11 ? 2 : 1; return d; }
    uint32_t imm8 = hw2 & 0xFF; /* words moved */
    d.cls = load ? C_VFP_LOAD_MULTIPLE : C_VFP_STORE_MULTIPLE;
    d.registers = (uint8_t)(imm8 > 255 ? 255 : imm8);
    return d;
  }
  if ((hw1 & 0x0F00) == 0x0E00) {
    if (hw2 & 0x10) { d.cls = C_VFP_MOVE; return d; } /* VMOV core<->S, VMRS/VMSR */
    uint32_t opc1 = ((hw1 >> 4) & 0xB);
    switch (opc1) {
      case 0x0: case 0x1: case 0x9: case 0xA: d.cls = C_VFP_MAC; break;  /* VMLA/VMLS/VNMLA/VNMLS/VFMA/VFMS/VFNMA/VFNMS */
      case 0x8: d.cls = C_VFP_DIVIDE; break;                              /* VDIV */
      case 0xB: {
        uint32_t opc2 = hw1 & 0xF, opc3 = (hw2 >> 6) & 3;
        d.cls = (opc2 == 1 && opc3 == 3) ? C_VFP_DIVIDE : C_VFP_ALU;      /* VSQRT prices like VDIV */
        break;
      }
      default: d.cls = C_VFP_ALU; break;                                  /* VMUL/VNMUL/VADD/VSUB */
    }
    return d;
  }
  return d;
}

static decoded decode32(uint32_t hw1, uint32_t hw2) {
  decoded d = {C_ALU, 0, false};
  uint32_t op1 = (hw1 >> 11) & 3;
  if (op1 == 1) {
    if ((hw1 & 0xFE40) == 0xE800) { /* LDM/STM/PUSH.W/POP.W (and RFE/SRS) */
      bool load = (hw1 >> 4) & 1;
      d.cls = load ? C_LOAD_MULTIPLE : C_STORE_MULTIPLE;
      d.registers = (uint8_t)popcount16(hw2);
      d.writes_pc = load && (hw2 & 0x8000);
      return d;
    }
    if ((hw1 & 0xFE40) == 0xE840) { /* load/store dual, exclusive, table branch */
      bool p = (hw1 >> 8) & 1, w = (hw1 >> 5) & 1, load = (hw1 >> 4) & 1;
      if (p || w) { d.cls = load ? C_LOAD_DUAL : C_STORE_DUAL; d.registers = 2; return d; }
      if ((hw1 & 0xFFF0) == 0xE8D0 && ((hw2 >> 4) & 0xE) == 0) { d.cls = C_TABLE_BRANCH; d.writes_pc = true; return d; }
      d.cls = load ? C_LOAD : C_STORE; /* LDREX/STREX */
      return d;
    }
    if ((hw1 & 0xEE00) == 0xEA00) { d.cls = C_ALU; return d; } /* data processing, shifted register */
    return decode_coprocessor(hw1, hw2);
  }
  if (op1 == 2) {
    if (!(hw2 & 0x8000)) { d.cls = C_ALU; return d; } /* data processing, immediate */
    if (hw2 & 0x4000) { d.cls = C_CALL; d.writes_pc = true; return d; } /* BL (BLX imm absent on M) */
    if (hw2 & 0x1000) { d.cls = C_BRANCH; d.writes_pc = true; return d; } /* B.W */
    if (((hw1 >> 7) & 7) != 7) { d.cls = C_BRANCH; d.writes_pc = true; return d; } /* B<c>.W */
    d.cls = C_SYSTEM; /* MSR, MRS, hints, barriers */
    return d;
  }
  /* op1 == 3 */
  if ((hw1 & 0xFE00) == 0xF800) { /* load/store single */
    bool load = (hw1 >> 4) & 1;
    uint32_t rt = (hw2 >> 12) & 0xF;
    if (!load) { d.cls = C_STORE; return d; }
    if (rt == 15 && ((hw1 >> 5) & 3) != 2) { d.cls = C_SYSTEM; return d; } /* PLD/PLI hints */
    d.cls = C_LOAD;
    d.writes_pc = rt == 15;
    return d;
  }
  if ((hw1 & 0xFF00) == 0xFA00) { /* data processing, register */
    if ((hw1 & 0x0080) && (hw2 & 0xF000) == 0xF000 && !(hw2 & 0x0080)) { d.cls = C_SIMD; return d; } /* parallel add/sub, signed and unsigned */
    if ((hw1 & 0xFFF0) == 0xFAA0 && ((hw2 >> 4) & 0xF) == 0x8) { d.cls = C_SIMD; return d; }             /* SEL */
    d.cls = C_ALU; /* shifts, extends (SXTB16 …), REV, CLZ, QADD */
    return d;
  }
  if ((hw1 & 0xFF80) == 0xFB00) { /* multiply, multiply accumulate, absolute difference */
    uint32_t op = (hw1 >> 4) & 7;
    if (op == 0) d.cls = C_MUL;        /* MUL/MLA/MLS */
    else if (op == 7) d.cls = C_SIMD;  /* USAD8/USADA8 */
    else d.cls = C_MAC;                /* SMLAxy, SMLAD/SMUAD, SMLAWy, SMLSD, SMMLA/SMMUL/SMMLS */
    return d;
  }
  if ((hw1 & 0xFF80) == 0xFB80) { /* long multiply, long MAC, divide */
    uint32_t op = (hw1 >> 4) & 7, op2 = (hw2 >> 4) & 0xF;
    d.cls = ((op == 1 || op == 3) && op2 == 0xF) ? C_DIVIDE : C_MUL_LONG;
    return d;
  }
  if ((hw1 & 0xEC00) == 0xEC00) return decode_coprocessor(hw1, hw2);
  d.cls = C_SYSTEM;
  return d;
}

static decoded decode16(uint32_t hw) {
  decoded d = {C_ALU, 0, false};
  uint32_t top5 = hw >> 11;
  if ((hw & 0xFC00) == 0x4000) { d.cls = ((hw & 0xFFC0) == 0x4340) ? C_MUL : C_ALU; return d; }
  if ((hw & 0xFC00) == 0x4400) { /* special data processing, BX/BLX */
    if ((hw & 0xFF00) == 0x4700) { d.cls = (hw & 0x80) ? C_CALL : C_BRANCH; d.writes_pc = true; return d; }
    uint32_t rd = (hw & 7) | ((hw >> 4) & 8);
    if (((hw >> 8) & 3) != 1 && rd == 15) { d.cls = C_BRANCH; d.writes_pc = true; }
    return d;
  }
  if (top5 == 0x09) { d.cls = C_LOAD; return d; }                       /* LDR literal */
  if ((hw & 0xF000) == 0x5000) { d.cls = (((hw >> 9) & 7) >= 3) ? C_LOAD : C_STORE; return d; }
  if ((hw & 0xE000) == 0x6000 || (hw & 0xF000) == 0x8000 || (hw & 0xF000) == 0x9000) {
    d.cls = (hw & 0x0800) ? C_LOAD : C_STORE;
    return d;
  }
  if ((hw & 0xF000) == 0xB000) { /* miscellaneous */
    if ((hw & 0x0500) == 0x0100) { d.cls = C_BRANCH; d.writes_pc = true; return d; } /* CBZ/CBNZ */
    if ((hw & 0x0E00) == 0x0400) { d.cls = C_STORE_MULTIPLE; d.registers = (uint8_t)(popcount16(hw & 0xFF) + ((hw >> 8) & 1)); return d; } /* PUSH */
    if ((hw & 0x0E00) == 0x0C00) { /* POP */
      d.cls = C_LOAD_MULTIPLE;
      d.registers = (uint8_t)(popcount16(hw & 0xFF) + ((hw >> 8) & 1));
      d.writes_pc = (hw >> 8) & 1;
      return d;
    }
    if ((hw & 0x0F00) == 0x0F00) { d.cls = (hw & 0xF) ? C_IT : C_SYSTEM; return d; } /* IT, hints */
    if ((hw & 0x0FE0) == 0x0660 || (hw & 0x0F00) == 0x0E00) { d.cls = C_SYSTEM; return d; } /* CPS, BKPT */
    return d; /* ADD/SUB SP, extends, REV */
  }
  if ((hw & 0xF000) == 0xC000) { d.cls = (hw & 0x0800) ? C_LOAD_MULTIPLE : C_STORE_MULTIPLE; d.registers = (uint8_t)popcount16(hw & 0xFF); return d; }
  if ((hw & 0xF000) == 0xD000) {
    uint32_t cond = (hw >> 8) & 0xF;
    if (cond >= 0xE) { d.cls = C_SYSTEM; return d; } /* UDF, SVC */
    d.cls = C_BRANCH; d.writes_pc = true;
    return d;
  }
  if (top5 == 0x1C) { d.cls = C_BRANCH; d.writes_pc = true; return d; } /* B */
  return d; /* shifts, add/sub, move/compare immediate, ADR, ADD SP */
}

/* ---- Counting ---- */
typedef struct {
  uint64_t vaddr;
  uint64_t fallthrough;   /* address after the block's last instruction */
  bool ends_with_pc_write;
  uint32_t instructions;
  uint32_t registers_loaded, registers_stored;
  uint16_t counts[C_COUNT];
} block_info;

#define LINE_SIZES 3
#define LINE_WAYS 4
static const unsigned line_bytes[LINE_SIZES] = {8, 16, 32};

static struct {
  uint64_t instructions, registers_loaded, registers_stored, taken, not_taken, flash_loads;
  uint64_t classes[C_COUNT];
  uint64_t line_misses[LINE_SIZES];
} totals;
static uint64_t lines[LINE_SIZES][LINE_WAYS];
static bool enabled;
static uint64_t windows;
static const block_info *previous;
static uint64_t begin_address = UINT64_MAX, end_address = UINT64_MAX, flash_low = 1, flash_high = 0;
static char *out_path;

static void write_window(void) {
  FILE *out = fopen(out_path, "a");
  if (!out) return;
  fprintf(out, "{\"window\":%" PRIu64 ",\"instructions\":%" PRIu64 ",\"classes\":{", windows, totals.instructions);
  for (int c = 0; c < C_COUNT; c++) fprintf(out, "%s\"%s\":%" PRIu64, c ? "," : "", class_names[c], totals.classes[c]);
  fprintf(out, "},\"registersLoaded\":%" PRIu64 ",\"registersStored\":%" PRIu64 ",\"taken\":%" PRIu64 ",\"notTaken\":%" PRIu64,
          totals.registers_loaded, totals.registers_stored, totals.taken, totals.not_taken);
  fprintf(out, ",\"flashLoads\":%" PRIu64 ",\"flashLineMisses\":{\"8\":%" PRIu64 ",\"16\":%" PRIu64 ",\"32\":%" PRIu64 "}}\n",
          totals.flash_loads, totals.line_misses[0], totals.line_misses[1], totals.line_misses[2]);
  fclose(out);
}

static void block_exec(unsigned int vcpu, void *userdata) {
  (void)vcpu;
  const block_info *block = userdata;
  if (block->vaddr == begin_address && !enabled) {
    enabled = true;
    previous = NULL;
    memset(&totals, 0, sizeof totals);
    memset(lines, 0xFF, sizeof lines);
  } else if (block->vaddr == end_address && enabled) {
    if (previous && previous->ends_with_pc_write) totals.taken++;
    enabled = false;
    windows++;
    write_window();
    return;
  }
  if (!enabled) return;
  if (previous && previous->ends_with_pc_write) {
    if (block->vaddr == previous->fallthrough) totals.not_taken++;
    else totals.taken++;
  }
  previous = block;
  totals.instructions += block->instructions;
  totals.registers_loaded += block->registers_loaded;
  totals.registers_stored += block->registers_stored;
  for (int c = 0; c < C_COUNT; c++) totals.classes[c] += block->counts[c];
}

static void load_exec(unsigned int vcpu, qemu_plugin_meminfo_t info, uint64_t vaddr, void *userdata) {
  (void)vcpu; (void)info; (void)userdata;
  if (!enabled || vaddr < flash_low || vaddr > flash_high) return;
  totals.flash_loads++;
  for (int s = 0; s < LINE_SIZES; s++) {
    uint64_t line = vaddr / line_bytes[s];
    int hit = -1;
    for (int w = 0; w < LINE_WAYS; w++) if (lines[s][w] == line) { hit = w; break; }
    if (hit < 0) { totals.line_misses[s]++; hit = LINE_WAYS - 1; }
    for (int w = hit; w > 0; w--) lines[s][w] = lines[s][w - 1]; /* most recent first */
    lines[s][0] = line;
  }
}

static void block_translated(qemu_plugin_id_t id, struct qemu_plugin_tb *tb) {
  (void)id;
  size_t n = qemu_plugin_tb_n_insns(tb);
  block_info *block = calloc(1, sizeof *block);
  if (!block) return;
  block->vaddr = qemu_plugin_tb_vaddr(tb);
  uint8_t last_class = C_COUNT;
  for (size_t i = 0; i < n; i++) {
    struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
    const uint8_t *bytes = qemu_plugin_insn_data(insn);
    uint32_t hw1 = (uint32_t)bytes[0] | ((uint32_t)bytes[1] << 8);
    /* The width comes from the first halfword: QEMU 7.2 also hands over the next halfword of a
     * 16-bit instruction near the end of a 1 KiB page (it peeked at it for the page check). */
    size_t size = (hw1 >> 11) >= 0x1D && qemu_plugin_insn_size(insn) >= 4 ? 4 : 2;
    decoded d = size == 4 ? decode32(hw1, (uint32_t)bytes[2] | ((uint32_t)bytes[3] << 8)) : decode16(hw1);
    if (d.cls == C_LOAD && is_single_memory(last_class)) d.cls = C_LOAD_PIPELINED;
    block->counts[d.cls]++;
    if (d.cls == C_LOAD_MULTIPLE || d.cls == C_VFP_LOAD_MULTIPLE) block->registers_loaded += d.registers;
    if (d.cls == C_STORE_MULTIPLE || d.cls == C_VFP_STORE_MULTIPLE) block->registers_stored += d.registers;
    /* QEMU 7.2 calls no callback registered for QEMU_PLUGIN_MEM_R alone (checked on Debian's 7.2):
     * register for both directions; only loads get one, so every call is a read. */
    if (is_load(d.cls)) qemu_plugin_register_vcpu_mem_cb(insn, load_exec, QEMU_PLUGIN_CB_NO_REGS, QEMU_PLUGIN_MEM_RW, NULL);
    last_class = d.cls;
    block->instructions++;
    if (i == n - 1) {
      block->ends_with_pc_write = d.writes_pc;
      block->fallthrough = qemu_plugin_insn_vaddr(insn) + size;
    }
  }
  qemu_plugin_register_vcpu_tb_exec_cb(tb, block_exec, QEMU_PLUGIN_CB_NO_REGS, block);
}

static void at_exit(qemu_plugin_id_t id, void *userdata) {
  (void)id; (void)userdata;
  if (enabled) { windows++; write_window(); } /* a window still open: its counts so far */
}

static uint64_t parse_number(const char *text) { return strtoull(text, NULL, 0); }

__attribute__((visibility("default"))) int qemu_plugin_install(qemu_plugin_id_t id, const void *info, int argc, char **argv) {
  (void)info;
  for (int i = 0; i < argc; i++) {
    const char *arg = argv[i];
    if (strncmp(arg, "out=", 4) == 0) out_path = strdup(arg + 4);
    else if (strncmp(arg, "begin=", 6) == 0) begin_address = parse_number(arg + 6) & ~(uint64_t)1;
    else if (strncmp(arg, "end=", 4) == 0) end_address = parse_number(arg + 4) & ~(uint64_t)1;
    else if (strncmp(arg, "flash=", 6) == 0) {
      char *dash = strchr(arg + 6, '-');
      if (!dash) { qemu_plugin_outs("insn-classes: flash= wants LOW-HIGH\n"); return -1; }
      flash_low = parse_number(arg + 6);
      flash_high = parse_number(dash + 1);
    } else {
      char message[256];
      snprintf(message, sizeof message, "insn-classes: unknown argument %s\n", arg);
      qemu_plugin_outs(message);
      return -1;
    }
  }
  if (!out_path || begin_address == UINT64_MAX || end_address == UINT64_MAX) {
    qemu_plugin_outs("insn-classes: needs out=PATH, begin=ADDRESS and end=ADDRESS\n");
    return -1;
  }
  qemu_plugin_register_vcpu_tb_trans_cb(id, block_translated);
  qemu_plugin_register_atexit_cb(id, at_exit, NULL);
  return 0;
}
