/* The bad-input matrix, in C99, over the public API only.
 *
 * Every row of a table (CASES for 2-D, CASES_1D, CASES_3D) is one layer (edits to that
 * rank's BASE), one input shape and an optional output_size, with the status the header
 * promises and the stage where it must appear:
 *   AT_CREATE  convt_create and convt_conv_weight_from_transposed fail;
 *   AT_SHAPE   the layer is created, then convt_output_shape, convt_workspace_size,
 *              convt_selected_algorithm and convt_run all fail the same way;
 *   AT_RUN     the shape is valid (and checked), only convt_run fails (buffers);
 *   GOOD       everything succeeds and exactly the output is written.
 * Each row runs twice (GEMM_COL2IM with a bias, REFERENCE without) unless it sets the
 * algorithm itself. Every failure must give the exact status, a convt_last_error() that
 * contains each '|'-separated piece of `msg`, no write to any result (outputs sit between
 * guard regions, everything pre-filled with a NaN sentinel) and *out_handle == NULL.
 * Every success must leave convt_last_error() alone, and a GOOD run must write exactly the
 * output and nothing around it, with REFERENCE's values and those of the naive oracle here
 * (the header's rules written out again: PyTorch's and ONNX's trims, either layout, the
 * activations in double). The rows cover the 0.4 fields (padding_kind, padding_end, layout,
 * activation and its parameters) at every rank.
 * The library gets input_shape and output_size as copies of exactly 2 + rank and rank
 * entries on the heap (a read past them shows under AddressSanitizer), and output_shape
 * with guard entries after its 2 + rank (a write past them shows in every build).
 * NULLS covers each pointer argument at every rank, STRUCT_SIZES
 * convt_get_params/convt_params_init; then a 0.1 caller's 168-byte struct (garbage in its
 * padding and past it), and every struct_size from 168 to 216 (a 0.4 field is read only
 * when the size covers all of it: checked by behaviour and by convt_get_params).
 * Output: one line per failed check (row's file:line, case, what differed), the number of
 * cases, then "N passed, M failed" (checks); exit status 1 if any failed.
 *
 * Rows marked "LIBRARY BUG" assert the documented behaviour and fail until convt is fixed.
 */
#include <convt/convt.h>

#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- Checks and reporting ------------------------------------------------------------ */

static int g_passed, g_failed, g_cases, g_failed_cases;
static int g_line;             /* the table row being run */
static const char* g_name;     /* its name */
static const char* g_variant;  /* "gemm+bias", "reference", ... */
static int g_case_failed;

static void check(int ok, const char* fmt, ...) {
  va_list ap;
  if (ok) {
    ++g_passed;
    return;
  }
  ++g_failed;
  g_case_failed = 1;
  printf("%s:%d: [%s%s%s] ", "test_bad_input.c", g_line, g_name, g_variant ? ", " : "",
         g_variant ? g_variant : "");
  va_start(ap, fmt);
  vprintf(fmt, ap);
  va_end(ap);
  putchar('\n');
}

static void begin_case(int line, const char* name, const char* variant) {
  g_line = line, g_name = name, g_variant = variant, g_case_failed = 0;
  ++g_cases;
}
static void end_case(void) { g_failed_cases += g_case_failed; }

/* A failing call that sets a known message, so a later failure that forgets to set its
 * own message is caught, and a success that overwrites it too. */
static char g_primed[1024];
static void prime(void) {
  convt_params p;
  convt_handle* h = NULL;
  memset(&p, 0, sizeof p);
  p.struct_size = 3;
  convt_create(&p, NULL, NULL, &h);
  snprintf(g_primed, sizeof g_primed, "%s", convt_last_error());
}

/* The status, and the message: every '|'-separated piece of want_msg for a failure, the
 * primed message unchanged for a success. */
static void check_status(const char* call, convt_status got, convt_status want,
                         const char* want_msg) {
  const char* msg = convt_last_error();
  check(got == want, "%s returned %s, expected %s (message: \"%s\")", call,
        convt_status_string(got), convt_status_string(want), msg);
  if (got != want) return;
  if (want == CONVT_OK) {
    check(strcmp(msg, g_primed) == 0, "%s succeeded but changed convt_last_error() to \"%s\"",
          call, msg);
    return;
  }
  check(msg[0] != '\0' && strcmp(msg, g_primed) != 0, "%s did not set convt_last_error()",
        call);
  while (want_msg && *want_msg) {
    const char* bar = strchr(want_msg, '|');
    const size_t n = bar ? (size_t)(bar - want_msg) : strlen(want_msg);
    char piece[256];
    snprintf(piece, sizeof piece, "%.*s", (int)n, want_msg);
    check(strstr(msg, piece) != NULL, "%s: message \"%s\" lacks \"%s\"", call, msg, piece);
    want_msg += n + (bar ? 1 : 0);
  }
}

/* ---- Buffers ------------------------------------------------------------------------- */

#define GUARD 64      /* floats before and after each output buffer */
#define OUT_CAP 4096  /* floats inside the output buffer */
#define IN_CAP 4096
#define W_CAP 4096
#define WS_CAP 65536  /* bytes */
#define WS_GUARD 256
#define TOO_BIG "output_capacity is 4096 floats" /* a legal output larger than OUT_CAP */

static const uint32_t SENTINEL = 0x7fa5a5a5u; /* a NaN no computation produces */

static float out_mem[GUARD + OUT_CAP + GUARD], ref_mem[OUT_CAP];
static float cw_mem[GUARD + W_CAP + GUARD];
static float* const out_buf = out_mem + GUARD;
static float* const cw_buf = cw_mem + GUARD;
static float input[IN_CAP], input_copy[IN_CAP], weight[W_CAP], bias[W_CAP];
static double ws_mem[(WS_CAP + WS_GUARD) / sizeof(double)];

static void fill(float* p, size_t n) {
  size_t i;
  for (i = 0; i < n; ++i) memcpy(&p[i], &SENTINEL, sizeof SENTINEL);
}
static int is_sentinel(const float* p) {
  uint32_t u;
  memcpy(&u, p, sizeof u);
  return u == SENTINEL;
}

/* Checks that exactly inner[0, n) of a guarded buffer (GUARD floats either side of cap)
 * was written. */
static void check_written(const char* what, float* inner, size_t cap, size_t n) {
  long i, first_in = 0, first_out = 0, count_in = 0, count_out = 0;
  for (i = -GUARD; i < (long)(cap + GUARD); ++i) {
    const int inside = i >= 0 && (size_t)i < n;
    if (inside && is_sentinel(&inner[i]) && count_in++ == 0) first_in = i;
    if (!inside && !is_sentinel(&inner[i]) && count_out++ == 0) first_out = i;
  }
  check(count_in == 0, "%s: %ld of the %zu output floats were not written, first at index %ld",
        what, count_in, n, first_in);
  check(count_out == 0, "%s: %ld floats outside the %zu to write were changed, first at index %ld%s",
        what, count_out, n, first_out,
        first_out < 0 || first_out >= (long)cap ? " (a guard region, outside the buffer)" : "");
}

/* ---- The layer ----------------------------------------------------------------------- */

/* Room after the struct, so a struct_size larger than the library's is still readable. */
typedef struct {
  convt_params p;
  unsigned char tail[64];
} params_box;

/* E_K0 .. E_K2 set kernel_size[0 .. 2], and so on: entry i is the caller's dimension i,
 * (L) in 1-D, (H, W) in 2-D, (D, H, W) in 3-D. */
enum field {
  E_END = 0, E_IN, E_OUT, E_K0, E_K1, E_K2, E_S0, E_S1, E_S2, E_P0, E_P1, E_P2,
  E_OP0, E_OP1, E_OP2, E_D0, E_D1, E_D2, E_GROUPS, E_THREADS, E_ALGO, E_DIMS, E_STRUCT_SIZE,
  /* the 0.4 fields: padding_end[0 .. 2], padding_kind, layout, activation, and (from the
   * edit's x) activation_alpha and activation_beta */
  E_PE0, E_PE1, E_PE2, E_KIND, E_LAYOUT, E_ACT, E_ALPHA, E_BETA
};
/* The 2-D table names entries 0 and 1 by their dimensions. */
#define E_KH E_K0
#define E_KW E_K1
#define E_SH E_S0
#define E_SW E_S1
#define E_PH E_P0
#define E_PW E_P1
#define E_OPH E_OP0
#define E_OPW E_OP1
#define E_DH E_D0
#define E_DW E_D1
#define E_PEH E_PE0
#define E_PEW E_PE1
#define MAX_EDITS 10
typedef struct {
  enum field f;
  int64_t v;
  double x; /* E_ALPHA, E_BETA: the float to set (NaN and the infinities included) */
} edit;
#define ALPHA(a) {E_ALPHA, 0, (a)}
#define BETA(b) {E_BETA, 0, (b)}

/* BASE of each rank: in 4, out 6, kernel 3, stride 2, padding 0, output_padding 0,
 * dilation 1 in each of its spatial_dims dimensions, groups 1, one thread. It gives
 *   1-D: (1, 4, 5)       -> (1, 6, 11);        output_size 11..12
 *   2-D: (1, 4, 5, 5)    -> (1, 6, 11, 11);    output_size 11..12 in each dimension
 *   3-D: (1, 4, 2, 3, 4) -> (1, 6, 5, 7, 9);   output_size 5..6, 7..8, 9..10 */
static void make_params(params_box* b, int rank, int32_t algorithm, const edit* e) {
  int i, k;
  memset(b, 0, sizeof *b);
  convt_params_init(&b->p, sizeof b->p);
  b->p.spatial_dims = rank;
  b->p.algorithm = algorithm;
  b->p.num_threads = 1;
  b->p.in_channels = 4;
  b->p.out_channels = 6;
  for (i = 0; i < rank; ++i) b->p.kernel_size[i] = 3, b->p.stride[i] = 2;
  for (k = 0; e && k < MAX_EDITS && e->f != E_END; ++k, ++e) {
    switch (e->f) {
      case E_IN: b->p.in_channels = e->v; break;
      case E_OUT: b->p.out_channels = e->v; break;
      case E_K0: case E_K1: case E_K2: b->p.kernel_size[e->f - E_K0] = e->v; break;
      case E_S0: case E_S1: case E_S2: b->p.stride[e->f - E_S0] = e->v; break;
      case E_P0: case E_P1: case E_P2: b->p.padding[e->f - E_P0] = e->v; break;
      case E_OP0: case E_OP1: case E_OP2: b->p.output_padding[e->f - E_OP0] = e->v; break;
      case E_D0: case E_D1: case E_D2: b->p.dilation[e->f - E_D0] = e->v; break;
      case E_GROUPS: b->p.groups = e->v; break;
      case E_THREADS: b->p.num_threads = (int32_t)e->v; break;
      case E_ALGO: b->p.algorithm = (int32_t)e->v; break;
      case E_DIMS: b->p.spatial_dims = (int32_t)e->v; break;
      case E_STRUCT_SIZE: b->p.struct_size = (size_t)e->v; break;
      case E_PE0: case E_PE1: case E_PE2: b->p.padding_end[e->f - E_PE0] = e->v; break;
      case E_KIND: b->p.padding_kind = (int32_t)e->v; break;
      case E_LAYOUT: b->p.layout = (int32_t)e->v; break;
      case E_ACT: b->p.activation = (int32_t)e->v; break;
      case E_ALPHA: b->p.activation_alpha = (float)e->x; break;
      case E_BETA: b->p.activation_beta = (float)e->x; break;
      case E_END: break;
    }
  }
}

static int edits_algorithm(const edit* e) {
  int k;
  for (k = 0; k < MAX_EDITS && e->f != E_END; ++k, ++e)
    if (e->f == E_ALGO) return 1;
  return 0;
}

/* Whether the row asks for more than one thread: skipped where threads cannot start
 * (CONVT_TEST_NO_THREADS, set under qemu-user: tools/qemu-aarch64-run). */
static int asks_for_threads(const edit* e) {
  int k;
  for (k = 0; e && k < MAX_EDITS && e->f != E_END; ++k, ++e)
    if (e->f == E_THREADS && e->v > 1) return 1;
  return 0;
}

/* The product of n entries as a double: only to tell "fits our buffers" from "does not". */
static double product(const int64_t* v, int n) {
  double r = 1;
  int i;
  for (i = 0; i < n; ++i) r *= (double)v[i];
  return r;
}

/* ---- The matrix ---------------------------------------------------------------------- */

enum { OK = CONVT_OK, INV = CONVT_ERROR_INVALID_ARGUMENT, UNS = CONVT_ERROR_UNSUPPORTED,
       OVF = CONVT_ERROR_SIZE_OVERFLOW };
enum stage { AT_NONE = 0, AT_CREATE, AT_SHAPE, AT_RUN };
enum option {
  NONE = 0,
  CAP_SHORT = 1,   /* output_capacity one float short */
  CAP_ZERO = 2,    /* output_capacity 0 */
  NULL_BUFS = 4,   /* input and output NULL, output_capacity 0 */
  WS_EXACT = 8,    /* a caller workspace of exactly convt_workspace_size bytes */
  WS_SHORT = 16,   /* ... one byte short */
  WS_ZERO = 32,    /* a caller workspace pointer with workspace_size 0 */
  MAY_NOT_RUN = 64, /* a forced algorithm that may not run this rank yet: "cannot run this
                       layer" at create is a skip, not a failure */
  NULL_INPUT = 128,  /* input NULL (output and its capacity as usual) */
  NULL_OUTPUT = 256  /* output NULL (capacity as usual) */
};

typedef struct {
  int line;
  const char* name;
  edit e[MAX_EDITS];    /* changes to BASE; ends at E_END, at the latest in the last entry */
  int64_t in[5];        /* input_shape: 2 + rank entries */
  const int64_t* size;  /* output_size, or NULL */
  convt_status st;      /* expected status */
  enum stage at;        /* where it must fail */
  const char* msg;      /* '|'-separated pieces of the expected message */
  int64_t out[3];       /* expected output sizes (rank entries) when the shape is valid */
  int opt;              /* enum option */
} run_case;

#define L __LINE__
#define IN0 {1, 4, 5, 5}
#define IN1 {1, 4, 5}
#define IN3 {1, 4, 2, 3, 4}
#define NOSZ NULL
#define SZ(h, w) ((const int64_t[2]){h, w})
#define SZ1(l) ((const int64_t[1]){l})
#define SZ3(d, h, w) ((const int64_t[3]){d, h, w})
#define GOOD(h, w) OK, AT_NONE, NULL, {h, w}
#define GOOD1(l) OK, AT_NONE, NULL, {l}
#define GOOD3(d, h, w) OK, AT_NONE, NULL, {d, h, w}
#define BAD(st, at, msg) st, at, msg, {0}
#define BAD_RUN(h, w, st, msg) st, AT_RUN, msg, {h, w} /* shape (h, w) valid, run fails */
#define BAD_RUN1(l, st, msg) st, AT_RUN, msg, {l}
#define BAD_RUN3(d, h, w, st, msg) st, AT_RUN, msg, {d, h, w}

#define P31 ((int64_t)1 << 31)
#define P40 ((int64_t)1 << 40)
#define MAX INT64_MAX
#define MIN INT64_MIN
#define S31 "2147483648"
#define S40 "1099511627776"
#define SMAX "9223372036854775807"
#define SMIN "-9223372036854775808"

/* The 0.4 fields' edits. */
#define KIND(k) {E_KIND, CONVT_PADDING_##k}
#define ACT(a) {E_ACT, CONVT_ACTIVATION_##a}
#define ALGO(a) {E_ALGO, CONVT_ALGORITHM_##a}
#define LAST {E_LAYOUT, CONVT_LAYOUT_CHANNELS_LAST}
#define INF INFINITY
#define ONNX_OP "output_padding must be >= 0 and smaller than stride under ONNX padding (padding_kind "

static const run_case CASES[] = {
    {L, "base layer", {{E_END}}, IN0, NOSZ, GOOD(11, 11)},

    /* ---- in_channels / out_channels / groups ---- */
    {L, "in_channels 0", {{E_IN, 0}}, IN0, NOSZ, BAD(INV, AT_CREATE, "in_channels: 0")},
    {L, "in_channels -1", {{E_IN, -1}}, IN0, NOSZ, BAD(INV, AT_CREATE, "in_channels: -1")},
    {L, "in_channels 1", {{E_IN, 1}}, {1, 1, 5, 5}, NOSZ, GOOD(11, 11)},
    {L, "in_channels 2^31", {{E_IN, P31}}, IN0, NOSZ,
     BAD(UNS, AT_CREATE, "in_channels/groups = " S31 "|BLAS int")},
    {L, "in_channels 2^40", {{E_IN, P40}}, IN0, NOSZ,
     BAD(UNS, AT_CREATE, "in_channels/groups = " S40 "|BLAS int")},
    {L, "in_channels INT64_MAX", {{E_IN, MAX}}, IN0, NOSZ,
     BAD(OVF, AT_CREATE, "weight size|overflow")},
    {L, "in_channels INT64_MIN", {{E_IN, MIN}}, IN0, NOSZ,
     BAD(INV, AT_CREATE, "in_channels: " SMIN)},
    {L, "out_channels 0", {{E_OUT, 0}}, IN0, NOSZ, BAD(INV, AT_CREATE, "out_channels: 0")},
    {L, "out_channels -1", {{E_OUT, -1}}, IN0, NOSZ, BAD(INV, AT_CREATE, "out_channels: -1")},
    {L, "out_channels 1", {{E_OUT, 1}}, IN0, NOSZ, GOOD(11, 11)},
    {L, "out_channels 2^31", {{E_OUT, P31}}, IN0, NOSZ,
     BAD(UNS, AT_CREATE, "out_channels/groups * kernel size = 19327352832|BLAS int")},
    {L, "out_channels 2^40", {{E_OUT, P40}}, IN0, NOSZ,
     BAD(UNS, AT_CREATE, "out_channels/groups * kernel size = 9895604649984|BLAS int")},
    {L, "out_channels INT64_MAX", {{E_OUT, MAX}}, IN0, NOSZ,
     BAD(OVF, AT_CREATE, "weight size|overflow")},
    {L, "out_channels INT64_MIN", {{E_OUT, MIN}}, IN0, NOSZ,
     BAD(INV, AT_CREATE, "out_channels: " SMIN)},
    {L, "groups 0", {{E_GROUPS, 0}}, IN0, NOSZ, BAD(INV, AT_CREATE, "groups: 0")},
    {L, "groups -1", {{E_GROUPS, -1}}, IN0, NOSZ, BAD(INV, AT_CREATE, "groups: -1")},
    {L, "groups 1", {{E_GROUPS, 1}}, IN0, NOSZ, GOOD(11, 11)},
    {L, "groups 2 (divides 4 and 6)", {{E_GROUPS, 2}}, IN0, NOSZ, GOOD(11, 11)},
    {L, "groups 3 does not divide in_channels 4", {{E_GROUPS, 3}}, IN0, NOSZ,
     BAD(INV, AT_CREATE, "in_channels must be divisible by groups|in_channels: 4 groups: 3")},
    {L, "groups 4 does not divide out_channels 6", {{E_GROUPS, 4}}, IN0, NOSZ,
     BAD(INV, AT_CREATE, "out_channels must be divisible by groups|out_channels: 6 groups: 4")},
    {L, "groups 6 divides out 6, not in 4", {{E_GROUPS, 6}}, IN0, NOSZ,
     BAD(INV, AT_CREATE, "in_channels must be divisible by groups|groups: 6")},
    {L, "groups 4 = in = out (depthwise)", {{E_GROUPS, 4}, {E_OUT, 4}}, IN0, NOSZ, GOOD(11, 11)},
    {L, "groups 2^31", {{E_GROUPS, P31}}, IN0, NOSZ,
     BAD(INV, AT_CREATE, "divisible by groups|groups: " S31)},
    {L, "groups 2^40", {{E_GROUPS, P40}}, IN0, NOSZ,
     BAD(INV, AT_CREATE, "divisible by groups|groups: " S40)},
    {L, "groups INT64_MAX", {{E_GROUPS, MAX}}, IN0, NOSZ,
     BAD(INV, AT_CREATE, "divisible by groups|groups: " SMAX)},
    {L, "groups INT64_MIN", {{E_GROUPS, MIN}}, IN0, NOSZ, BAD(INV, AT_CREATE, "groups: " SMIN)},

    /* ---- kernel_size ---- */
    {L, "kernel_h 0", {{E_KH, 0}}, IN0, NOSZ, BAD(INV, AT_CREATE, "kernel_height: 0")},
    {L, "kernel_h -1", {{E_KH, -1}}, IN0, NOSZ, BAD(INV, AT_CREATE, "kernel_height: -1")},
    {L, "kernel_h 1", {{E_KH, 1}}, IN0, NOSZ, GOOD(9, 11)},
    {L, "kernel_h 2^31", {{E_KH, P31}}, IN0, NOSZ,
     BAD(UNS, AT_CREATE, "kernel size = 38654705664|BLAS int")},
    {L, "kernel_h 2^40", {{E_KH, P40}}, IN0, NOSZ,
     BAD(UNS, AT_CREATE, "kernel size = 19791209299968|BLAS int")},
    {L, "kernel_h INT64_MAX", {{E_KH, MAX}}, IN0, NOSZ, BAD(OVF, AT_CREATE, "kernel size|overflow")},
    {L, "kernel_h INT64_MIN", {{E_KH, MIN}}, IN0, NOSZ,
     BAD(INV, AT_CREATE, "kernel_height: " SMIN)},
    {L, "kernel_w 0", {{E_KW, 0}}, IN0, NOSZ, BAD(INV, AT_CREATE, "kernel_width: 0")},
    {L, "kernel_w -1", {{E_KW, -1}}, IN0, NOSZ, BAD(INV, AT_CREATE, "kernel_width: -1")},
    {L, "kernel_w 1", {{E_KW, 1}}, IN0, NOSZ, GOOD(11, 9)},
    {L, "kernel_w 2^31", {{E_KW, P31}}, IN0, NOSZ,
     BAD(UNS, AT_CREATE, "kernel size = 38654705664|BLAS int")},
    {L, "kernel_w 2^40", {{E_KW, P40}}, IN0, NOSZ,
     BAD(UNS, AT_CREATE, "kernel size = 19791209299968|BLAS int")},
    {L, "kernel_w INT64_MAX", {{E_KW, MAX}}, IN0, NOSZ, BAD(OVF, AT_CREATE, "kernel size|overflow")},
    {L, "kernel_w INT64_MIN", {{E_KW, MIN}}, IN0, NOSZ, BAD(INV, AT_CREATE, "kernel_width: " SMIN)},

    /* ---- stride: legal at any size >= 1; a large one makes the output too large ---- */
    {L, "stride_h 0", {{E_SH, 0}}, IN0, NOSZ, BAD(INV, AT_CREATE, "stride_height: 0")},
    {L, "stride_h -1", {{E_SH, -1}}, IN0, NOSZ, BAD(INV, AT_CREATE, "stride_height: -1")},
    {L, "stride_h 1", {{E_SH, 1}}, IN0, NOSZ, GOOD(7, 11)},
    {L, "stride_h 2^31", {{E_SH, P31}}, IN0, NOSZ, BAD_RUN(4 * P31 + 3, 11, INV, TOO_BIG)},
    {L, "stride_h 2^40", {{E_SH, P40}}, IN0, NOSZ, BAD_RUN(4 * P40 + 3, 11, INV, TOO_BIG)},
    {L, "stride_h INT64_MAX", {{E_SH, MAX}}, IN0, NOSZ,
     BAD(OVF, AT_SHAPE, "(input - 1) * stride|overflow")},
    {L, "stride_h INT64_MIN", {{E_SH, MIN}}, IN0, NOSZ, BAD(INV, AT_CREATE, "stride_height: " SMIN)},
    {L, "stride_w 0", {{E_SW, 0}}, IN0, NOSZ, BAD(INV, AT_CREATE, "stride_width: 0")},
    {L, "stride_w -1", {{E_SW, -1}}, IN0, NOSZ, BAD(INV, AT_CREATE, "stride_width: -1")},
    {L, "stride_w 1", {{E_SW, 1}}, IN0, NOSZ, GOOD(11, 7)},
    {L, "stride_w 2^31", {{E_SW, P31}}, IN0, NOSZ, BAD_RUN(11, 4 * P31 + 3, INV, TOO_BIG)},
    {L, "stride_w 2^40", {{E_SW, P40}}, IN0, NOSZ, BAD_RUN(11, 4 * P40 + 3, INV, TOO_BIG)},
    {L, "stride_w INT64_MAX", {{E_SW, MAX}}, IN0, NOSZ,
     BAD(OVF, AT_SHAPE, "(input - 1) * stride|overflow")},
    {L, "stride_w INT64_MIN", {{E_SW, MIN}}, IN0, NOSZ, BAD(INV, AT_CREATE, "stride_width: " SMIN)},

    /* ---- padding: out = 8 - 2*padding + 3 ---- */
    {L, "padding_h 0", {{E_PH, 0}}, IN0, NOSZ, GOOD(11, 11)},
    {L, "padding_h -1", {{E_PH, -1}}, IN0, NOSZ, BAD(INV, AT_CREATE, "padding_height: -1")},
    {L, "padding_h 1", {{E_PH, 1}}, IN0, NOSZ, GOOD(9, 11)},
    {L, "padding_h 2^31", {{E_PH, P31}}, IN0, NOSZ,
     BAD(INV, AT_SHAPE, "Output size is too small|(-4294967285 x 11)")},
    {L, "padding_h 2^40", {{E_PH, P40}}, IN0, NOSZ,
     BAD(INV, AT_SHAPE, "Output size is too small|(-2199023255541 x 11)")},
    {L, "padding_h INT64_MAX", {{E_PH, MAX}}, IN0, NOSZ, BAD(OVF, AT_CREATE, "2 * padding|overflow")},
    {L, "padding_h INT64_MIN", {{E_PH, MIN}}, IN0, NOSZ,
     BAD(INV, AT_CREATE, "padding_height: " SMIN)},
    {L, "padding_w 0", {{E_PW, 0}}, IN0, NOSZ, GOOD(11, 11)},
    {L, "padding_w -1", {{E_PW, -1}}, IN0, NOSZ, BAD(INV, AT_CREATE, "padding_width: -1")},
    {L, "padding_w 1", {{E_PW, 1}}, IN0, NOSZ, GOOD(11, 9)},
    {L, "padding_w 2^31", {{E_PW, P31}}, IN0, NOSZ,
     BAD(INV, AT_SHAPE, "Output size is too small|(11 x -4294967285)")},
    {L, "padding_w 2^40", {{E_PW, P40}}, IN0, NOSZ,
     BAD(INV, AT_SHAPE, "Output size is too small|(11 x -2199023255541)")},
    {L, "padding_w INT64_MAX", {{E_PW, MAX}}, IN0, NOSZ, BAD(OVF, AT_CREATE, "2 * padding|overflow")},
    {L, "padding_w INT64_MIN", {{E_PW, MIN}}, IN0, NOSZ, BAD(INV, AT_CREATE, "padding_width: " SMIN)},
    {L, "padding INT64_MAX/2: 2*padding fits", {{E_PH, MAX / 2}}, IN0, NOSZ,
     BAD(INV, AT_SHAPE, "Output size is too small|(-9223372036854775795 x 11)")},
    {L, "padding INT64_MAX/2+1: 2*padding overflows", {{E_PH, MAX / 2 + 1}}, IN0, NOSZ,
     BAD(OVF, AT_CREATE, "2 * padding|overflow")},

    /* ---- output_padding: >= 0 and < stride or < dilation, checked per run ---- */
    {L, "output_padding_h 0", {{E_OPH, 0}}, IN0, NOSZ, GOOD(11, 11)},
    {L, "output_padding_h -1", {{E_OPH, -1}}, IN0, NOSZ,
     BAD(INV, AT_SHAPE, "negative output_padding|output_padding_height: -1")},
    {L, "output_padding_h 1 (< stride 2)", {{E_OPH, 1}}, IN0, NOSZ, GOOD(12, 11)},
    {L, "output_padding_h 2 (= stride 2, > dilation 1)", {{E_OPH, 2}}, IN0, NOSZ,
     BAD(INV, AT_SHAPE, "smaller than either stride or dilation|output_padding_height: 2")},
    {L, "output_padding_h 2^31", {{E_OPH, P31}}, IN0, NOSZ,
     BAD(INV, AT_SHAPE, "stride or dilation|output_padding_height: " S31)},
    {L, "output_padding_h 2^40", {{E_OPH, P40}}, IN0, NOSZ,
     BAD(INV, AT_SHAPE, "stride or dilation|output_padding_height: " S40)},
    {L, "output_padding_h INT64_MAX", {{E_OPH, MAX}}, IN0, NOSZ,
     BAD(INV, AT_SHAPE, "stride or dilation|output_padding_height: " SMAX)},
    {L, "output_padding_h INT64_MIN", {{E_OPH, MIN}}, IN0, NOSZ,
     BAD(INV, AT_SHAPE, "negative output_padding|output_padding_height: " SMIN)},
    {L, "output_padding_w 0", {{E_OPW, 0}}, IN0, NOSZ, GOOD(11, 11)},
    {L, "output_padding_w -1", {{E_OPW, -1}}, IN0, NOSZ,
     BAD(INV, AT_SHAPE, "negative output_padding|output_padding_width: -1")},
    {L, "output_padding_w 1 (< stride 2)", {{E_OPW, 1}}, IN0, NOSZ, GOOD(11, 12)},
    {L, "output_padding_w 2 (= stride 2, > dilation 1)", {{E_OPW, 2}}, IN0, NOSZ,
     BAD(INV, AT_SHAPE, "smaller than either stride or dilation|output_padding_width: 2")},
    {L, "output_padding_w 2^31", {{E_OPW, P31}}, IN0, NOSZ,
     BAD(INV, AT_SHAPE, "stride or dilation|output_padding_width: " S31)},
    {L, "output_padding_w 2^40", {{E_OPW, P40}}, IN0, NOSZ,
     BAD(INV, AT_SHAPE, "stride or dilation|output_padding_width: " S40)},
    {L, "output_padding_w INT64_MAX", {{E_OPW, MAX}}, IN0, NOSZ,
     BAD(INV, AT_SHAPE, "stride or dilation|output_padding_width: " SMAX)},
    {L, "output_padding_w INT64_MIN", {{E_OPW, MIN}}, IN0, NOSZ,
     BAD(INV, AT_SHAPE, "negative output_padding|output_padding_width: " SMIN)},
    {L, "output_padding 2 < dilation 3, stride 1", {{E_SH, 1}, {E_DH, 3}, {E_OPH, 2}}, IN0, NOSZ,
     GOOD(13, 11)},
    {L, "output_padding 3 = dilation 3 > stride 1", {{E_SH, 1}, {E_DH, 3}, {E_OPH, 3}}, IN0, NOSZ,
     BAD(INV, AT_SHAPE, "output_padding_height: 3|stride_height: 1|dilation_height: 3")},
    {L, "output_padding 3 = stride 3 = dilation 3", {{E_SW, 3}, {E_DW, 3}, {E_OPW, 3}}, IN0, NOSZ,
     BAD(INV, AT_SHAPE, "output_padding_width: 3|stride_width: 3|dilation_width: 3")},
    {L, "output_padding 2 < stride 3 = dilation 3", {{E_SW, 3}, {E_DW, 3}, {E_OPW, 2}}, IN0, NOSZ,
     GOOD(11, 21)},
    {L, "invalid output_padding is ignored with output_size", {{E_OPH, 5}}, IN0, SZ(12, 11),
     GOOD(12, 11)},
    {L, "negative output_padding is ignored with output_size", {{E_OPW, -1}}, IN0, SZ(11, 12),
     GOOD(11, 12)},
    {L, "output_padding INT64_MIN x2 ignored with output_size", {{E_OPH, MIN}, {E_OPW, MIN}}, IN0,
     SZ(12, 11), GOOD(12, 11)},
    {L, "N 0, negative output_padding", {{E_OPH, -1}}, {0, 4, 5, 5}, NOSZ,
     BAD(INV, AT_SHAPE, "output_padding_height: -1"), NULL_BUFS},

    /* ---- dilation: out = 8 + 2*dilation + 1 ---- */
    {L, "dilation_h 0", {{E_DH, 0}}, IN0, NOSZ, BAD(INV, AT_CREATE, "dilation_height: 0")},
    {L, "dilation_h -1", {{E_DH, -1}}, IN0, NOSZ, BAD(INV, AT_CREATE, "dilation_height: -1")},
    {L, "dilation_h 1", {{E_DH, 1}}, IN0, NOSZ, GOOD(11, 11)},
    {L, "dilation_h 2^31", {{E_DH, P31}}, IN0, NOSZ, BAD_RUN(2 * P31 + 9, 11, INV, TOO_BIG)},
    {L, "dilation_h 2^40", {{E_DH, P40}}, IN0, NOSZ, BAD_RUN(2 * P40 + 9, 11, INV, TOO_BIG)},
    {L, "dilation_h INT64_MAX", {{E_DH, MAX}}, IN0, NOSZ,
     BAD(OVF, AT_CREATE, "dilation * (kernel_size - 1)|overflow")},
    {L, "dilation_h INT64_MIN", {{E_DH, MIN}}, IN0, NOSZ,
     BAD(INV, AT_CREATE, "dilation_height: " SMIN)},
    {L, "dilation_w 0", {{E_DW, 0}}, IN0, NOSZ, BAD(INV, AT_CREATE, "dilation_width: 0")},
    {L, "dilation_w -1", {{E_DW, -1}}, IN0, NOSZ, BAD(INV, AT_CREATE, "dilation_width: -1")},
    {L, "dilation_w 1", {{E_DW, 1}}, IN0, NOSZ, GOOD(11, 11)},
    {L, "dilation_w 2^31", {{E_DW, P31}}, IN0, NOSZ, BAD_RUN(11, 2 * P31 + 9, INV, TOO_BIG)},
    {L, "dilation_w 2^40", {{E_DW, P40}}, IN0, NOSZ, BAD_RUN(11, 2 * P40 + 9, INV, TOO_BIG)},
    {L, "dilation_w INT64_MAX", {{E_DW, MAX}}, IN0, NOSZ,
     BAD(OVF, AT_CREATE, "dilation * (kernel_size - 1)|overflow")},
    {L, "dilation_w INT64_MIN", {{E_DW, MIN}}, IN0, NOSZ,
     BAD(INV, AT_CREATE, "dilation_width: " SMIN)},

    /* ---- num_threads, algorithm, spatial_dims, struct_size ---- */
    {L, "num_threads -1", {{E_THREADS, -1}}, IN0, NOSZ, BAD(INV, AT_CREATE, "num_threads: -1")},
    {L, "num_threads INT32_MIN", {{E_THREADS, INT32_MIN}}, IN0, NOSZ,
     BAD(INV, AT_CREATE, "num_threads: -2147483648")},
    {L, "num_threads 0 (library default)", {{E_THREADS, 0}}, IN0, NOSZ, GOOD(11, 11)},
    {L, "num_threads 1", {{E_THREADS, 1}}, IN0, NOSZ, GOOD(11, 11)},
    {L, "num_threads 2", {{E_THREADS, 2}}, {3, 4, 5, 5}, NOSZ, GOOD(11, 11)},
    {L, "num_threads INT32_MAX (capped)", {{E_THREADS, INT32_MAX}}, IN0, NOSZ, GOOD(11, 11)},
    {L, "algorithm AUTO", {{E_ALGO, CONVT_ALGORITHM_AUTO}}, IN0, NOSZ, GOOD(11, 11)},
    {L, "algorithm GEMM_COL2IM", {{E_ALGO, CONVT_ALGORITHM_GEMM_COL2IM}}, IN0, NOSZ, GOOD(11, 11)},
    {L, "algorithm REFERENCE", {{E_ALGO, CONVT_ALGORITHM_REFERENCE}}, IN0, NOSZ, GOOD(11, 11)},
    {L, "algorithm SUBPIXEL", {{E_ALGO, CONVT_ALGORITHM_SUBPIXEL}}, IN0, NOSZ, GOOD(11, 11)},
    {L, "algorithm DEPTHWISE on a grouped layer", {{E_ALGO, CONVT_ALGORITHM_DEPTHWISE}}, IN0,
     NOSZ, BAD(UNS, AT_CREATE, "algorithm depthwise cannot run this layer")},
    {L, "algorithm POINTWISE on a 3x3 layer", {{E_ALGO, CONVT_ALGORITHM_POINTWISE}}, IN0, NOSZ,
     BAD(UNS, AT_CREATE, "algorithm pointwise cannot run this layer")},
    {L, "algorithm 6", {{E_ALGO, 6}}, IN0, NOSZ, BAD(INV, AT_CREATE, "algorithm: 6")},
    {L, "algorithm 99", {{E_ALGO, 99}}, IN0, NOSZ, BAD(INV, AT_CREATE, "algorithm: 99")},
    {L, "algorithm -1", {{E_ALGO, -1}}, IN0, NOSZ, BAD(INV, AT_CREATE, "algorithm: -1")},
    {L, "algorithm INT32_MAX", {{E_ALGO, INT32_MAX}}, IN0, NOSZ,
     BAD(INV, AT_CREATE, "algorithm: 2147483647")},
    {L, "algorithm INT32_MIN", {{E_ALGO, INT32_MIN}}, IN0, NOSZ,
     BAD(INV, AT_CREATE, "algorithm: -2147483648")},
    {L, "spatial_dims 0", {{E_DIMS, 0}}, IN0, NOSZ, BAD(INV, AT_CREATE, "spatial_dims: 0")},
    {L, "spatial_dims -1", {{E_DIMS, -1}}, IN0, NOSZ, BAD(INV, AT_CREATE, "spatial_dims: -1")},
    {L, "spatial_dims 4", {{E_DIMS, 4}}, IN0, NOSZ, BAD(INV, AT_CREATE, "spatial_dims: 4")},
    {L, "spatial_dims INT32_MAX", {{E_DIMS, INT32_MAX}}, IN0, NOSZ,
     BAD(INV, AT_CREATE, "spatial_dims: 2147483647")},
    {L, "spatial_dims INT32_MIN", {{E_DIMS, INT32_MIN}}, IN0, NOSZ,
     BAD(INV, AT_CREATE, "spatial_dims: -2147483648")},
    {L, "struct_size 0", {{E_STRUCT_SIZE, 0}}, IN0, NOSZ, BAD(INV, AT_CREATE, "struct_size is 0,")},
    {L, "struct_size 8", {{E_STRUCT_SIZE, 8}}, IN0, NOSZ, BAD(INV, AT_CREATE, "struct_size is 8,")},
    {L, "struct_size V0_1 - 8", {{E_STRUCT_SIZE, CONVT_PARAMS_SIZE_V0_1 - 8}}, IN0, NOSZ,
     BAD(INV, AT_CREATE, "struct_size is 160,")},
    {L, "struct_size V0_1 - 1", {{E_STRUCT_SIZE, CONVT_PARAMS_SIZE_V0_1 - 1}}, IN0, NOSZ,
     BAD(INV, AT_CREATE, "struct_size is 167,")},
    {L, "struct_size V0_1", {{E_STRUCT_SIZE, CONVT_PARAMS_SIZE_V0_1}}, IN0, NOSZ, GOOD(11, 11)},
    {L, "struct_size sizeof + 1 (newer caller)", {{E_STRUCT_SIZE, sizeof(convt_params) + 1}}, IN0,
     NOSZ, BAD(UNS, AT_CREATE, "struct_size is 217,|newer convt")},
    {L, "struct_size sizeof + 64", {{E_STRUCT_SIZE, sizeof(convt_params) + 64}}, IN0, NOSZ,
     BAD(UNS, AT_CREATE, "struct_size is 280,|newer convt")},
    {L, "struct_size SIZE_MAX", {{E_STRUCT_SIZE, -1}}, IN0, NOSZ,
     BAD(UNS, AT_CREATE, "struct_size is 18446744073709551615,")},

    /* ---- input_shape N, C, H, W ---- */
    {L, "N 0: empty output, nothing written", {{E_END}}, {0, 4, 5, 5}, NOSZ, GOOD(11, 11)},
    {L, "N -1", {{E_END}}, {-1, 4, 5, 5}, NOSZ, BAD(INV, AT_SHAPE, "batch size|input[-1, 4, 5, 5]")},
    {L, "N 1", {{E_END}}, {1, 4, 5, 5}, NOSZ, GOOD(11, 11)},
    {L, "N 2^31", {{E_END}}, {P31, 4, 5, 5}, NOSZ, BAD_RUN(11, 11, INV, TOO_BIG)},
    {L, "N 2^40", {{E_END}}, {P40, 4, 5, 5}, NOSZ, BAD_RUN(11, 11, INV, TOO_BIG)},
    {L, "N INT64_MAX", {{E_END}}, {MAX, 4, 5, 5}, NOSZ, BAD(OVF, AT_SHAPE, "input size|overflow")},
    {L, "N INT64_MIN", {{E_END}}, {MIN, 4, 5, 5}, NOSZ,
     BAD(INV, AT_SHAPE, "batch size|input[" SMIN ", 4, 5, 5]")},
    {L, "C 0", {{E_END}}, {1, 0, 5, 5}, NOSZ,
     BAD(INV, AT_SHAPE, "to have 4 channels, but got 0 channels")},
    {L, "C -1", {{E_END}}, {1, -1, 5, 5}, NOSZ,
     BAD(INV, AT_SHAPE, "to have 4 channels, but got -1 channels")},
    {L, "C 1", {{E_END}}, {1, 1, 5, 5}, NOSZ,
     BAD(INV, AT_SHAPE, "to have 4 channels, but got 1 channels")},
    {L, "C 3", {{E_END}}, {1, 3, 5, 5}, NOSZ,
     BAD(INV, AT_SHAPE, "to have 4 channels, but got 3 channels")},
    {L, "C 5", {{E_END}}, {1, 5, 5, 5}, NOSZ,
     BAD(INV, AT_SHAPE, "to have 4 channels, but got 5 channels")},
    {L, "C 2^31", {{E_END}}, {1, P31, 5, 5}, NOSZ,
     BAD(INV, AT_SHAPE, "to have 4 channels, but got " S31 " channels")},
    {L, "C 2^40", {{E_END}}, {1, P40, 5, 5}, NOSZ,
     BAD(INV, AT_SHAPE, "to have 4 channels, but got " S40 " channels")},
    {L, "C INT64_MAX", {{E_END}}, {1, MAX, 5, 5}, NOSZ,
     BAD(INV, AT_SHAPE, "to have 4 channels, but got " SMAX " channels")},
    {L, "C INT64_MIN", {{E_END}}, {1, MIN, 5, 5}, NOSZ,
     BAD(INV, AT_SHAPE, "to have 4 channels, but got " SMIN " channels")},
    {L, "H 0", {{E_END}}, {1, 4, 0, 5}, NOSZ, BAD(INV, AT_SHAPE, "height and width|input[1, 4, 0, 5]")},
    {L, "H -1", {{E_END}}, {1, 4, -1, 5}, NOSZ,
     BAD(INV, AT_SHAPE, "height and width|input[1, 4, -1, 5]")},
    {L, "H 1", {{E_END}}, {1, 4, 1, 5}, NOSZ, GOOD(3, 11)},
    {L, "H 2^31", {{E_END}}, {1, 4, P31, 5}, NOSZ,
     BAD(UNS, AT_SHAPE, "input size per channel|= 10737418240|BLAS int")},
    {L, "H 2^40", {{E_END}}, {1, 4, P40, 5}, NOSZ,
     BAD(UNS, AT_SHAPE, "input size per channel|= 5497558138880|BLAS int")},
    {L, "H INT64_MAX", {{E_END}}, {1, 4, MAX, 5}, NOSZ,
     BAD(OVF, AT_SHAPE, "(input - 1) * stride|overflow")},
    {L, "H INT64_MIN", {{E_END}}, {1, 4, MIN, 5}, NOSZ,
     BAD(INV, AT_SHAPE, "height and width|input[1, 4, " SMIN ", 5]")},
    {L, "W 0", {{E_END}}, {1, 4, 5, 0}, NOSZ, BAD(INV, AT_SHAPE, "height and width|input[1, 4, 5, 0]")},
    {L, "W -1", {{E_END}}, {1, 4, 5, -1}, NOSZ,
     BAD(INV, AT_SHAPE, "height and width|input[1, 4, 5, -1]")},
    {L, "W 1", {{E_END}}, {1, 4, 5, 1}, NOSZ, GOOD(11, 3)},
    {L, "W 2^31", {{E_END}}, {1, 4, 5, P31}, NOSZ,
     BAD(UNS, AT_SHAPE, "input size per channel|= 10737418240|BLAS int")},
    {L, "W 2^40", {{E_END}}, {1, 4, 5, P40}, NOSZ,
     BAD(UNS, AT_SHAPE, "input size per channel|= 5497558138880|BLAS int")},
    {L, "W INT64_MAX", {{E_END}}, {1, 4, 5, MAX}, NOSZ,
     BAD(OVF, AT_SHAPE, "(input - 1) * stride|overflow")},
    {L, "W INT64_MIN", {{E_END}}, {1, 4, 5, MIN}, NOSZ,
     BAD(INV, AT_SHAPE, "height and width|input[1, 4, 5, " SMIN "]")},
    {L, "H*W = INT32_MAX: legal, output too large", {{E_END}}, {1, 4, INT32_MAX, 1}, NOSZ,
     BAD_RUN(4294967295, 3, INV, TOO_BIG)},
    {L, "H*W = 2^31: beyond a BLAS int", {{E_END}}, {1, 4, P31, 1}, NOSZ,
     BAD(UNS, AT_SHAPE, "input size per channel|= " S31 "|BLAS int")},

    /* ---- output_size: valid 11..12 in each dimension for the base input ---- */
    {L, "output_size H 0", {{E_END}}, IN0, SZ(0, 11),
     BAD(INV, AT_SHAPE, "output size of [0, 11]|from [11, 11] to [12, 12]")},
    {L, "output_size H -1", {{E_END}}, IN0, SZ(-1, 11), BAD(INV, AT_SHAPE, "output size of [-1, 11]")},
    {L, "output_size H 1", {{E_END}}, IN0, SZ(1, 11), BAD(INV, AT_SHAPE, "output size of [1, 11]")},
    {L, "output_size H 10 (min - 1)", {{E_END}}, IN0, SZ(10, 11),
     BAD(INV, AT_SHAPE, "output size of [10, 11]|from [11, 11] to [12, 12]")},
    {L, "output_size H 11 (min)", {{E_END}}, IN0, SZ(11, 11), GOOD(11, 11)},
    {L, "output_size H 12 (max)", {{E_END}}, IN0, SZ(12, 11), GOOD(12, 11)},
    {L, "output_size H 13 (max + 1)", {{E_END}}, IN0, SZ(13, 11),
     BAD(INV, AT_SHAPE, "output size of [13, 11]|from [11, 11] to [12, 12]")},
    {L, "output_size H 2^31", {{E_END}}, IN0, SZ(P31, 11),
     BAD(INV, AT_SHAPE, "output size of [" S31 ", 11]")},
    {L, "output_size H 2^40", {{E_END}}, IN0, SZ(P40, 11),
     BAD(INV, AT_SHAPE, "output size of [" S40 ", 11]")},
    {L, "output_size H INT64_MAX", {{E_END}}, IN0, SZ(MAX, 11),
     BAD(INV, AT_SHAPE, "output size of [" SMAX ", 11]")},
    {L, "output_size H INT64_MIN", {{E_END}}, IN0, SZ(MIN, 11),
     BAD(INV, AT_SHAPE, "output size of [" SMIN ", 11]")},
    {L, "output_size W 0", {{E_END}}, IN0, SZ(11, 0), BAD(INV, AT_SHAPE, "output size of [11, 0]")},
    {L, "output_size W -1", {{E_END}}, IN0, SZ(11, -1), BAD(INV, AT_SHAPE, "output size of [11, -1]")},
    {L, "output_size W 1", {{E_END}}, IN0, SZ(11, 1), BAD(INV, AT_SHAPE, "output size of [11, 1]")},
    {L, "output_size W 10 (min - 1)", {{E_END}}, IN0, SZ(11, 10),
     BAD(INV, AT_SHAPE, "output size of [11, 10]|from [11, 11] to [12, 12]")},
    {L, "output_size W 11 (min)", {{E_END}}, IN0, SZ(11, 11), GOOD(11, 11)},
    {L, "output_size W 12 (max)", {{E_END}}, IN0, SZ(11, 12), GOOD(11, 12)},
    {L, "output_size W 13 (max + 1)", {{E_END}}, IN0, SZ(11, 13),
     BAD(INV, AT_SHAPE, "output size of [11, 13]|from [11, 11] to [12, 12]")},
    {L, "output_size W 2^31", {{E_END}}, IN0, SZ(11, P31),
     BAD(INV, AT_SHAPE, "output size of [11, " S31 "]")},
    {L, "output_size W 2^40", {{E_END}}, IN0, SZ(11, P40),
     BAD(INV, AT_SHAPE, "output size of [11, " S40 "]")},
    {L, "output_size W INT64_MAX", {{E_END}}, IN0, SZ(11, MAX),
     BAD(INV, AT_SHAPE, "output size of [11, " SMAX "]")},
    {L, "output_size W INT64_MIN", {{E_END}}, IN0, SZ(11, MIN),
     BAD(INV, AT_SHAPE, "output size of [11, " SMIN "]")},
    /* kernel 1, stride 3, padding 2 on 2 rows: min H is 3 - 4 + 1 = 0, so 1..2 are valid */
    {L, "min H 0 without output_size", {{E_KH, 1}, {E_SH, 3}, {E_PH, 2}}, {1, 4, 2, 5}, NOSZ,
     BAD(INV, AT_SHAPE, "Output size is too small|(0 x 11)")},
    {L, "min H 0: output_size 0", {{E_KH, 1}, {E_SH, 3}, {E_PH, 2}}, {1, 4, 2, 5}, SZ(0, 11),
     BAD(INV, AT_SHAPE, "output size of [0, 11]|from [1, 11] to [2, 12]")},
    {L, "min H 0: output_size 1", {{E_KH, 1}, {E_SH, 3}, {E_PH, 2}}, {1, 4, 2, 5}, SZ(1, 11),
     GOOD(1, 11)},
    {L, "min H 0: output_size 2", {{E_KH, 1}, {E_SH, 3}, {E_PH, 2}}, {1, 4, 2, 5}, SZ(2, 11),
     GOOD(2, 11)},
    {L, "min H 0: output_size 3", {{E_KH, 1}, {E_SH, 3}, {E_PH, 2}}, {1, 4, 2, 5}, SZ(3, 11),
     BAD(INV, AT_SHAPE, "output size of [3, 11]|from [1, 11] to [2, 12]")},
    /* stride 2^40 on one row: min H 3, max 2^40 + 2 */
    {L, "stride 2^40, 1 row", {{E_SH, P40}}, {1, 4, 1, 5}, NOSZ, GOOD(3, 11)},
    {L, "stride 2^40, output_size at min", {{E_SH, P40}}, {1, 4, 1, 5}, SZ(3, 11), GOOD(3, 11)},
    {L, "stride 2^40, output_size min - 1", {{E_SH, P40}}, {1, 4, 1, 5}, SZ(2, 11),
     BAD(INV, AT_SHAPE, "output size of [2, 11]|from [3, 11] to [1099511627778, 12]")},
    {L, "stride 2^40, output_size at max", {{E_SH, P40}}, {1, 4, 1, 5}, SZ(P40 + 2, 11),
     BAD_RUN(P40 + 2, 11, INV, TOO_BIG)},
    {L, "stride 2^40, output_size max + 1", {{E_SH, P40}}, {1, 4, 1, 5}, SZ(P40 + 3, 11),
     BAD(INV, AT_SHAPE, "output size of [1099511627779, 11]|to [1099511627778, 12]")},
    {L, "stride INT64_MAX, 1 row", {{E_SH, MAX}}, {1, 4, 1, 5}, NOSZ, GOOD(3, 11)},
    /* Regression: with stride INT64_MAX the largest valid size, min + stride - 1, does not
     * fit in int64; the requested sizes (3, 4) and the output shape do, and 2 is simply out
     * of range (once all SIZE_OVERFLOW "largest output size"). */
    {L, "stride INT64_MAX, output_size min", {{E_SH, MAX}}, {1, 4, 1, 5}, SZ(3, 11), GOOD(3, 11)},
    {L, "stride INT64_MAX, output_size min + 1", {{E_SH, MAX}}, {1, 4, 1, 5}, SZ(4, 11),
     GOOD(4, 11)},
    {L, "stride INT64_MAX, output_size min - 1", {{E_SH, MAX}}, {1, 4, 1, 5}, SZ(2, 11),
     BAD(INV, AT_SHAPE, "output size of [2, 11]")},
    {L, "stride_w INT64_MAX, output_size min", {{E_SW, MAX}}, {1, 4, 5, 1}, SZ(11, 3), GOOD(11, 3)},

    /* ---- legal layers with huge parameters (run and compared with REFERENCE) ---- */
    {L, "dilation INT64_MAX, kernel 1: extent 1", {{E_DH, MAX}, {E_KH, 1}}, IN0, NOSZ, GOOD(9, 11)},
    {L, "dilation 2^40 and padding 2^40 cancel (H)", {{E_DH, P40}, {E_PH, P40}}, IN0, NOSZ,
     GOOD(9, 11)},
    {L, "dilation 2^40 and padding 2^40 cancel (W)", {{E_DW, P40}, {E_PW, P40}}, IN0, NOSZ,
     GOOD(11, 9)},
    {L, "stride_h INT64_MAX, padding 2, kernel 5, 1 row", {{E_SH, MAX}, {E_PH, 2}, {E_KH, 5}},
     {1, 4, 1, 5}, NOSZ, GOOD(1, 11)},
    {L, "stride_h INT64_MAX, padding INT64_MAX/2, 2 rows", {{E_SH, MAX}, {E_PH, MAX / 2}},
     {1, 4, 2, 5}, NOSZ, GOOD(4, 11)},
    /* Regression: for a tap whose offset kw*dilation - padding is <= -2, GEMM + col2im's
     * first valid input column, ceil((-offset) / stride), once overflowed with stride_w near
     * INT64_MAX and scattered taps before the output buffer. */
    {L, "stride_w INT64_MAX, padding 2, kernel 5, 1 column", {{E_SW, MAX}, {E_PW, 2}, {E_KW, 5}},
     {1, 4, 5, 1}, NOSZ, GOOD(11, 1)},
    {L, "stride_w INT64_MAX, padding INT64_MAX/2, 2 columns", {{E_SW, MAX}, {E_PW, MAX / 2}},
     {1, 4, 5, 2}, NOSZ, GOOD(11, 4)},
    {L, "stride_w 2^40 + 1, output_padding 2^40, 1 column", {{E_SW, P40 + 1}, {E_OPW, P40}},
     {1, 4, 5, 1}, NOSZ, BAD_RUN(11, P40 + 3, INV, TOO_BIG)},

    /* ---- sizes that overflow int64 or size_t ---- */
    {L, "weight elements overflow int64", {{E_IN, (int64_t)1 << 32}, {E_OUT, (int64_t)1 << 32},
     {E_KH, 1}, {E_KW, 1}}, IN0, NOSZ, BAD(OVF, AT_CREATE, "weight size|overflow")},
    {L, "weight bytes overflow size_t", {{E_IN, P31}, {E_OUT, P31}, {E_KH, 1}, {E_KW, 1}}, IN0, NOSZ,
     BAD(OVF, AT_CREATE, "weight size in bytes|overflow")},
    {L, "weight 2^20 x 2^20 x 2^12 x 2^12", {{E_IN, 1 << 20}, {E_OUT, 1 << 20}, {E_KH, 1 << 12},
     {E_KW, 1 << 12}}, IN0, NOSZ, BAD(OVF, AT_CREATE, "weight size|overflow")},
    {L, "kernel size 2^32 x 2^32", {{E_KH, (int64_t)1 << 32}, {E_KW, (int64_t)1 << 32}}, IN0, NOSZ,
     BAD(OVF, AT_CREATE, "kernel size|overflow")},
    {L, "kernel extent: dilation 2^62 * (3 - 1)", {{E_DW, (int64_t)1 << 62}}, IN0, NOSZ,
     BAD(OVF, AT_CREATE, "dilation * (kernel_size - 1)|overflow")},
    {L, "kernel extent INT64_MAX fits, output does not", {{E_DW, ((int64_t)1 << 62) - 1}}, IN0, NOSZ,
     BAD(OVF, AT_SHAPE, "output size|overflow")},
    {L, "output_padding INT64_MAX - 1 < stride INT64_MAX: output overflows",
     {{E_SW, MAX}, {E_OPW, MAX - 1}}, {1, 4, 5, 1}, NOSZ, BAD(OVF, AT_SHAPE, "output size|overflow")},
    {L, "stride 2^31 x 2^31: output H*W overflows", {{E_SH, P31}, {E_SW, P31}}, IN0, NOSZ,
     BAD(OVF, AT_SHAPE, "output size per channel|overflow")},
    {L, "stride 2^40 x 2^40: output H*W overflows", {{E_SH, P40}, {E_SW, P40}}, IN0, NOSZ,
     BAD(OVF, AT_SHAPE, "output size per channel|overflow")},
    {L, "stride 2^29 x 2^29: channels * H*W overflows",
     {{E_SH, (int64_t)1 << 29}, {E_SW, (int64_t)1 << 29}}, IN0, NOSZ,
     BAD(OVF, AT_SHAPE, "output size|overflow")},
    {L, "stride 2^28 x 2^28: output bytes overflow size_t",
     {{E_SH, (int64_t)1 << 28}, {E_SW, (int64_t)1 << 28}}, IN0, NOSZ,
     BAD(OVF, AT_SHAPE, "output size in bytes|overflow")},
    {L, "N 2^53: output bytes overflow size_t", {{E_END}}, {(int64_t)1 << 53, 4, 5, 5}, NOSZ,
     BAD(OVF, AT_SHAPE, "output size in bytes|overflow")},
    {L, "N 2^54: output elements overflow int64", {{E_END}}, {(int64_t)1 << 54, 4, 5, 5}, NOSZ,
     BAD(OVF, AT_SHAPE, "output size|overflow")},
    {L, "N 2^56: input bytes overflow size_t", {{E_END}}, {(int64_t)1 << 56, 4, 5, 5}, NOSZ,
     BAD(OVF, AT_SHAPE, "input size in bytes|overflow")},
    {L, "N 2^61: input elements overflow int64", {{E_END}}, {(int64_t)1 << 61, 4, 5, 5}, NOSZ,
     BAD(OVF, AT_SHAPE, "input size|overflow")},
    {L, "H*W 2^32 x 2^32 overflows", {{E_END}}, {1, 4, (int64_t)1 << 32, (int64_t)1 << 32}, NOSZ,
     BAD(OVF, AT_SHAPE, "input size per channel|overflow")},
    {L, "C*H*W 4 x 2^31 x 2^31 overflows", {{E_END}}, {1, 4, P31, P31}, NOSZ,
     BAD(OVF, AT_SHAPE, "input size|overflow")},

    /* ---- batch 0: valid, empty; otherwise judged as N = 1 ---- */
    {L, "N 0, NULL input and output", {{E_END}}, {0, 4, 5, 5}, NOSZ, GOOD(11, 11), NULL_BUFS},
    {L, "N 0 with output_size", {{E_END}}, {0, 4, 5, 5}, SZ(12, 12), GOOD(12, 12), NULL_BUFS},
    {L, "N 0, wrong channels", {{E_END}}, {0, 3, 5, 5}, NOSZ,
     BAD(INV, AT_SHAPE, "to have 4 channels, but got 3 channels"), NULL_BUFS},
    {L, "N 0, H 0", {{E_END}}, {0, 4, 0, 5}, NOSZ, BAD(INV, AT_SHAPE, "input[0, 4, 0, 5]"), NULL_BUFS},
    {L, "N 0, W -1", {{E_END}}, {0, 4, 5, -1}, NOSZ, BAD(INV, AT_SHAPE, "input[0, 4, 5, -1]")},
    {L, "N 0, output_padding = stride", {{E_OPW, 2}}, {0, 4, 5, 5}, NOSZ,
     BAD(INV, AT_SHAPE, "output_padding_width: 2"), NULL_BUFS},
    {L, "N 0, output_size out of range", {{E_END}}, {0, 4, 5, 5}, SZ(11, 13),
     BAD(INV, AT_SHAPE, "output size of [11, 13]"), NULL_BUFS},
    {L, "N 0, output too small", {{E_PH, 6}}, {0, 4, 5, 5}, NOSZ,
     BAD(INV, AT_SHAPE, "Output size is too small")},
    {L, "N 0, input H*W overflows", {{E_END}}, {0, 4, (int64_t)1 << 32, (int64_t)1 << 32}, NOSZ,
     BAD(OVF, AT_SHAPE, "input size per channel|overflow"), NULL_BUFS},
    {L, "N 0, input C*H*W overflows", {{E_END}}, {0, 4, P31, P31}, NOSZ,
     BAD(OVF, AT_SHAPE, "input size|overflow")},
    {L, "N 0, output H*W overflows", {{E_SH, P40}, {E_SW, P40}}, {0, 4, 5, 5}, NOSZ,
     BAD(OVF, AT_SHAPE, "output size per channel|overflow"), NULL_BUFS},
    {L, "N 0, input H*W beyond a BLAS int", {{E_END}}, {0, 4, P31, 5}, NOSZ,
     BAD(UNS, AT_SHAPE, "input size per channel|= 10737418240")},

    /* ---- buffers: output_capacity, caller workspace ---- */
    {L, "output_capacity one short", {{E_END}}, IN0, NOSZ,
     BAD_RUN(11, 11, INV, "output_capacity is 725 floats"), CAP_SHORT},
    {L, "output_capacity 0", {{E_END}}, IN0, NOSZ,
     BAD_RUN(11, 11, INV, "output_capacity is 0 floats"), CAP_ZERO},
    {L, "output_capacity one short, with output_size", {{E_END}}, IN0, SZ(12, 12),
     BAD_RUN(12, 12, INV, "output_capacity is 863 floats"), CAP_SHORT},
    {L, "output_capacity one short, N 3", {{E_END}}, {3, 4, 5, 5}, NOSZ,
     BAD_RUN(11, 11, INV, "output_capacity is 2177 floats"), CAP_SHORT},
    {L, "workspace exact (gemm)", {{E_ALGO, CONVT_ALGORITHM_GEMM_COL2IM}}, IN0, NOSZ,
     GOOD(11, 11), WS_EXACT},
    {L, "workspace one byte short (gemm)", {{E_ALGO, CONVT_ALGORITHM_GEMM_COL2IM}}, IN0, NOSZ,
     BAD_RUN(11, 11, INV, "workspace_size is"), WS_SHORT},
    {L, "workspace one byte short (gemm, 2 threads, N 4)",
     {{E_ALGO, CONVT_ALGORITHM_GEMM_COL2IM}, {E_THREADS, 2}}, {4, 4, 5, 5}, NOSZ,
     BAD_RUN(11, 11, INV, "workspace_size is"), WS_SHORT},
    {L, "workspace one byte short (gemm, output_size)", {{E_ALGO, CONVT_ALGORITHM_GEMM_COL2IM}},
     IN0, SZ(12, 11), BAD_RUN(12, 11, INV, "workspace_size is"), WS_SHORT},
    {L, "workspace one byte short (subpixel)", {{E_ALGO, CONVT_ALGORITHM_SUBPIXEL}}, IN0, NOSZ,
     BAD_RUN(11, 11, INV, "workspace_size is"), WS_SHORT},
    {L, "workspace one byte short (auto)", {{E_ALGO, CONVT_ALGORITHM_AUTO}}, IN0, NOSZ,
     BAD_RUN(11, 11, INV, "workspace_size is"), WS_SHORT},
    {L, "workspace pointer with size 0 (gemm)", {{E_ALGO, CONVT_ALGORITHM_GEMM_COL2IM}}, IN0,
     NOSZ, BAD_RUN(11, 11, INV, "workspace_size is 0 bytes"), WS_ZERO},
    {L, "workspace exact (reference)", {{E_ALGO, CONVT_ALGORITHM_REFERENCE}}, IN0, NOSZ,
     GOOD(11, 11), WS_EXACT},
    {L, "workspace pointer with size 0 (reference needs none)",
     {{E_ALGO, CONVT_ALGORITHM_REFERENCE}}, IN0, NOSZ, GOOD(11, 11), WS_ZERO},
    {L, "workspace short but N 0", {{E_ALGO, CONVT_ALGORITHM_GEMM_COL2IM}}, {0, 4, 5, 5}, NOSZ,
     GOOD(11, 11), WS_ZERO},

    /* ==== The 0.4 fields: padding_kind, padding_end, layout, activation ====
     * BASE per dimension: 11 untrimmed ("full"); SAME_*: T = 3 - 2 = 1, out 10 = in*stride
     * (SAME_UPPER trims it at the end, SAME_LOWER at the begin); under the ONNX kinds
     * output_size is ONNX's output_shape, valid from 1 to stride*in + dilation*(kernel-1) = 12.
     * Every GOOD row's values are also checked against the naive oracle's trims. */

    /* ---- padding_kind ---- */
    {L, "padding_kind SYMMETRIC", {KIND(SYMMETRIC)}, IN0, NOSZ, GOOD(11, 11)},
    {L, "padding_kind EXPLICIT, no pads", {KIND(EXPLICIT)}, IN0, NOSZ, GOOD(11, 11)},
    {L, "padding_kind SAME_UPPER", {KIND(SAME_UPPER)}, IN0, NOSZ, GOOD(10, 10)},
    {L, "padding_kind SAME_LOWER", {KIND(SAME_LOWER)}, IN0, NOSZ, GOOD(10, 10)},
    {L, "padding_kind VALID", {KIND(VALID)}, IN0, NOSZ, GOOD(11, 11)},
    {L, "SAME_UPPER, kernel_h 5: T 3, 1 at the begin", {KIND(SAME_UPPER), {E_KH, 5}}, IN0, NOSZ,
     GOOD(10, 10)},
    {L, "SAME_LOWER, kernel_h 5: T 3, 2 at the begin", {KIND(SAME_LOWER), {E_KH, 5}}, IN0, NOSZ,
     GOOD(10, 10)},
    {L, "SAME_UPPER, stride_w 4: T 0, out = full 19, not in*stride", {KIND(SAME_UPPER), {E_SW, 4}},
     IN0, NOSZ, GOOD(10, 19)},
    {L, "SAME_LOWER, dilation_h 2, output_padding_h 1: T 4", {KIND(SAME_LOWER), {E_DH, 2},
     {E_OPH, 1}}, IN0, NOSZ, GOOD(10, 10)},
    {L, "SAME_UPPER ignores padding, even negative", {KIND(SAME_UPPER), {E_PH, -1}, {E_PW, MIN}},
     IN0, NOSZ, GOOD(10, 10)},
    {L, "VALID ignores padding", {KIND(VALID), {E_PH, 3}, {E_PW, MAX}}, IN0, NOSZ, GOOD(11, 11)},
    {L, "padding_kind -1", {{E_KIND, -1}}, IN0, NOSZ,
     BAD(INV, AT_CREATE, "padding_kind must be a CONVT_PADDING_* value|but got padding_kind: -1")},
    {L, "padding_kind 5", {{E_KIND, 5}}, IN0, NOSZ, BAD(INV, AT_CREATE, "padding_kind: 5")},
    {L, "padding_kind INT32_MAX", {{E_KIND, INT32_MAX}}, IN0, NOSZ,
     BAD(INV, AT_CREATE, "padding_kind: 2147483647")},
    {L, "padding_kind INT32_MIN", {{E_KIND, INT32_MIN}}, IN0, NOSZ,
     BAD(INV, AT_CREATE, "padding_kind: -2147483648")},

    /* ---- padding_end (EXPLICIT: out = 11 - padding - padding_end) ---- */
    {L, "EXPLICIT padding_h 1, padding_end_h 2", {KIND(EXPLICIT), {E_PH, 1}, {E_PEH, 2}}, IN0,
     NOSZ, GOOD(8, 11)},
    {L, "EXPLICIT padding_end_w 3", {KIND(EXPLICIT), {E_PEW, 3}}, IN0, NOSZ, GOOD(11, 8)},
    {L, "EXPLICIT padding_end_h 10: output 1", {KIND(EXPLICIT), {E_PEH, 10}}, IN0, NOSZ,
     GOOD(1, 11)},
    {L, "EXPLICIT padding_w 5 + padding_end_w 5: output 1", {KIND(EXPLICIT), {E_PW, 5},
     {E_PEW, 5}}, IN0, NOSZ, GOOD(11, 1)},
    {L, "EXPLICIT padding_end_h 11: output 0", {KIND(EXPLICIT), {E_PEH, 11}}, IN0, NOSZ,
     BAD(INV, AT_SHAPE, "Calculated output size per channel: (0 x 11). Output size is too small "
                        "(padding_kind EXPLICIT: padding_height: 0 padding_width: 0 "
                        "padding_end_height: 11 padding_end_width: 0)")},
    {L, "EXPLICIT padding_h 11: output 0", {KIND(EXPLICIT), {E_PH, 11}}, IN0, NOSZ,
     BAD(INV, AT_SHAPE, "(0 x 11). Output size is too small|padding_height: 11")},
    {L, "EXPLICIT padding_w 6 + padding_end_w 6: output -1", {KIND(EXPLICIT), {E_PW, 6},
     {E_PEW, 6}}, IN0, NOSZ,
     BAD(INV, AT_SHAPE, "(11 x -1). Output size is too small|padding_width: 6|padding_end_width: 6")},
    {L, "EXPLICIT padding_end_h -1", {KIND(EXPLICIT), {E_PEH, -1}}, IN0, NOSZ,
     BAD(INV, AT_CREATE, "negative padding_end is not supported, but got padding_end_height: -1 "
                         "padding_end_width: 0")},
    {L, "EXPLICIT padding_end_w INT64_MIN", {KIND(EXPLICIT), {E_PEW, MIN}}, IN0, NOSZ,
     BAD(INV, AT_CREATE, "negative padding_end|padding_end_width: " SMIN)},
    {L, "EXPLICIT padding_h -1", {KIND(EXPLICIT), {E_PH, -1}}, IN0, NOSZ,
     BAD(INV, AT_CREATE, "negative padding is not supported|padding_height: -1")},
    {L, "EXPLICIT padding_end_h 2^40", {KIND(EXPLICIT), {E_PEH, P40}}, IN0, NOSZ,
     BAD(INV, AT_SHAPE, "Output size is too small|(-1099511627765 x 11)")},
    {L, "EXPLICIT padding_end_w INT64_MAX", {KIND(EXPLICIT), {E_PEW, MAX}}, IN0, NOSZ,
     BAD(INV, AT_SHAPE, "Output size is too small|(11 x -9223372036854775796)")},
    {L, "EXPLICIT padding_h INT64_MAX (no 2*padding under EXPLICIT)", {KIND(EXPLICIT),
     {E_PH, MAX}}, IN0, NOSZ, BAD(INV, AT_SHAPE, "(-9223372036854775796 x 11)")},
    {L, "EXPLICIT padding 2^62 + padding_end 2^62 - 1 = INT64_MAX fits", {KIND(EXPLICIT),
     {E_PH, (int64_t)1 << 62}, {E_PEH, ((int64_t)1 << 62) - 1}}, IN0, NOSZ,
     BAD(INV, AT_SHAPE, "(-9223372036854775796 x 11)")},
    {L, "EXPLICIT padding 1 + padding_end INT64_MAX overflows", {KIND(EXPLICIT), {E_PH, 1},
     {E_PEH, MAX}}, IN0, NOSZ, BAD(OVF, AT_CREATE, "padding + padding_end|overflow")},
    {L, "EXPLICIT padding_w INT64_MAX + padding_end_w 1 overflows", {KIND(EXPLICIT), {E_PW, MAX},
     {E_PEW, 1}}, IN0, NOSZ, BAD(OVF, AT_CREATE, "padding + padding_end|overflow")},
    {L, "EXPLICIT padding 2^62 + padding_end 2^62 overflows", {KIND(EXPLICIT),
     {E_PH, (int64_t)1 << 62}, {E_PEH, (int64_t)1 << 62}}, IN0, NOSZ,
     BAD(OVF, AT_CREATE, "padding + padding_end|overflow")},
    {L, "EXPLICIT: dilation 2^40 and padding, padding_end 2^40 cancel", {KIND(EXPLICIT),
     {E_DH, P40}, {E_PH, P40}, {E_PEH, P40}}, IN0, NOSZ, GOOD(9, 11)},
    {L, "SYMMETRIC ignores padding_end", {{E_PEH, -1}, {E_PEW, MIN}}, IN0, NOSZ, GOOD(11, 11)},
    {L, "SAME_LOWER ignores padding_end", {KIND(SAME_LOWER), {E_PEH, MAX}, {E_PEW, -1}}, IN0, NOSZ,
     GOOD(10, 10)},
    {L, "VALID ignores padding_end", {KIND(VALID), {E_PEH, MIN}}, IN0, NOSZ, GOOD(11, 11)},
    {L, "EXPLICIT: padding_end[2] past spatial_dims -1, ignored", {KIND(EXPLICIT), {E_PEH, 1},
     {E_PE2, -1}}, IN0, NOSZ, GOOD(10, 11)},
    {L, "EXPLICIT: padding_end[2] INT64_MIN, ignored", {KIND(EXPLICIT), {E_PE2, MIN}}, IN0, NOSZ,
     GOOD(11, 11)},
    {L, "EXPLICIT: padding[2] and padding_end[2] INT64_MAX, ignored", {KIND(EXPLICIT), {E_PH, 1},
     {E_P2, MAX}, {E_PE2, MAX}}, IN0, NOSZ, GOOD(10, 11)},

    /* ---- output_padding under the ONNX kinds: >= 0 and < stride, checked at create ---- */
    {L, "EXPLICIT output_padding_h 1 (< stride 2)", {KIND(EXPLICIT), {E_OPH, 1}}, IN0, NOSZ,
     GOOD(12, 11)},
    {L, "SAME_UPPER output_padding_h 1: T 2", {KIND(SAME_UPPER), {E_OPH, 1}}, IN0, NOSZ,
     GOOD(10, 10)},
    {L, "VALID output_padding_w 1", {KIND(VALID), {E_OPW, 1}}, IN0, NOSZ, GOOD(11, 12)},
    {L, "EXPLICIT output_padding_h 2 = stride", {KIND(EXPLICIT), {E_OPH, 2}}, IN0, NOSZ,
     BAD(INV, AT_CREATE, ONNX_OP "EXPLICIT), but got output_padding_height: 2 "
                         "output_padding_width: 0 stride_height: 2 stride_width: 2")},
    {L, "SYMMETRIC output_padding 2 < dilation 3, stride 1: PyTorch accepts", {KIND(SYMMETRIC),
     {E_SH, 1}, {E_DH, 3}, {E_OPH, 2}}, IN0, NOSZ, GOOD(13, 11)},
    {L, "EXPLICIT output_padding 2 < dilation 3, >= stride 1", {KIND(EXPLICIT), {E_SH, 1},
     {E_DH, 3}, {E_OPH, 2}}, IN0, NOSZ,
     BAD(INV, AT_CREATE, ONNX_OP "EXPLICIT)|output_padding_height: 2|stride_height: 1")},
    {L, "SAME_UPPER output_padding 2 < dilation 3, >= stride 1", {KIND(SAME_UPPER), {E_SH, 1},
     {E_DH, 3}, {E_OPH, 2}}, IN0, NOSZ,
     BAD(INV, AT_CREATE, ONNX_OP "SAME_UPPER)|output_padding_height: 2|stride_height: 1")},
    {L, "SAME_LOWER output_padding 2 < dilation 3, >= stride 1", {KIND(SAME_LOWER), {E_SW, 1},
     {E_DW, 3}, {E_OPW, 2}}, IN0, NOSZ,
     BAD(INV, AT_CREATE, ONNX_OP "SAME_LOWER)|output_padding_width: 2|stride_width: 1")},
    {L, "VALID output_padding 2 < dilation 3, >= stride 1", {KIND(VALID), {E_SW, 1}, {E_DW, 3},
     {E_OPW, 2}}, IN0, NOSZ,
     BAD(INV, AT_CREATE, ONNX_OP "VALID)|output_padding_width: 2|stride_width: 1")},
    {L, "SAME_LOWER output_padding_w -1", {KIND(SAME_LOWER), {E_OPW, -1}}, IN0, NOSZ,
     BAD(INV, AT_CREATE, ONNX_OP "SAME_LOWER)|output_padding_width: -1")},
    {L, "VALID output_padding_h INT64_MAX", {KIND(VALID), {E_OPH, MAX}}, IN0, NOSZ,
     BAD(INV, AT_CREATE, ONNX_OP "VALID)|output_padding_height: " SMAX)},
    {L, "SAME_UPPER output_padding_w INT64_MIN", {KIND(SAME_UPPER), {E_OPW, MIN}}, IN0, NOSZ,
     BAD(INV, AT_CREATE, "output_padding_width: " SMIN)},
    {L, "EXPLICIT output_padding = stride, rejected with output_size too", {KIND(EXPLICIT),
     {E_OPW, 2}}, IN0, SZ(11, 11), BAD(INV, AT_CREATE, ONNX_OP "EXPLICIT)|output_padding_width: 2")},

    /* ---- output_size under the ONNX kinds: 1 .. 12 per dimension ---- */
    {L, "EXPLICIT output_size H 0", {KIND(EXPLICIT)}, IN0, SZ(0, 11),
     BAD(INV, AT_SHAPE, "requested an output size of [0, 11], but valid sizes range from [1, 1] "
                        "to [12, 12] (for an input of [5, 5])")},
    {L, "EXPLICIT output_size H 1", {KIND(EXPLICIT)}, IN0, SZ(1, 11), GOOD(1, 11)},
    {L, "EXPLICIT output_size H 12 (the largest)", {KIND(EXPLICIT)}, IN0, SZ(12, 11),
     GOOD(12, 11)},
    {L, "EXPLICIT output_size H 13 (the largest + 1)", {KIND(EXPLICIT)}, IN0, SZ(13, 11),
     BAD(INV, AT_SHAPE, "output size of [13, 11]|from [1, 1] to [12, 12]")},
    {L, "SAME_UPPER output_size W 0", {KIND(SAME_UPPER)}, IN0, SZ(11, 0),
     BAD(INV, AT_SHAPE, "output size of [11, 0]|from [1, 1] to [12, 12]")},
    {L, "SAME_UPPER output_size W 1", {KIND(SAME_UPPER)}, IN0, SZ(11, 1), GOOD(11, 1)},
    {L, "SAME_UPPER output_size W 12 (the largest)", {KIND(SAME_UPPER)}, IN0, SZ(11, 12),
     GOOD(11, 12)},
    {L, "SAME_UPPER output_size W 13", {KIND(SAME_UPPER)}, IN0, SZ(11, 13),
     BAD(INV, AT_SHAPE, "output size of [11, 13]|to [12, 12]")},
    {L, "SAME_LOWER output_size 0 x 0", {KIND(SAME_LOWER)}, IN0, SZ(0, 0),
     BAD(INV, AT_SHAPE, "output size of [0, 0]")},
    {L, "SAME_LOWER output_size 1 x 1", {KIND(SAME_LOWER)}, IN0, SZ(1, 1), GOOD(1, 1)},
    {L, "SAME_LOWER output_size 12 x 12", {KIND(SAME_LOWER)}, IN0, SZ(12, 12), GOOD(12, 12)},
    {L, "SAME_LOWER output_size H 13", {KIND(SAME_LOWER)}, IN0, SZ(13, 12),
     BAD(INV, AT_SHAPE, "output size of [13, 12]")},
    {L, "VALID output_size 1 x 12", {KIND(VALID)}, IN0, SZ(1, 12), GOOD(1, 12)},
    {L, "VALID output_size W 13", {KIND(VALID)}, IN0, SZ(12, 13),
     BAD(INV, AT_SHAPE, "output size of [12, 13]")},
    {L, "VALID output_size H -1", {KIND(VALID)}, IN0, SZ(-1, 11),
     BAD(INV, AT_SHAPE, "output size of [-1, 11]")},
    {L, "EXPLICIT output_size H INT64_MIN", {KIND(EXPLICIT)}, IN0, SZ(MIN, 11),
     BAD(INV, AT_SHAPE, "output size of [" SMIN ", 11]")},
    {L, "SAME_UPPER output_size W INT64_MAX", {KIND(SAME_UPPER)}, IN0, SZ(11, MAX),
     BAD(INV, AT_SHAPE, "output size of [11, " SMAX "]")},
    {L, "SAME_UPPER output_size H 2: T 9, 4 at the begin", {KIND(SAME_UPPER)}, IN0, SZ(2, 11),
     GOOD(2, 11)},
    {L, "SAME_LOWER output_size H 2: T 9, 5 at the begin", {KIND(SAME_LOWER)}, IN0, SZ(2, 11),
     GOOD(2, 11)},
    {L, "EXPLICIT output_size W 2: T 9, 5 at the begin", {KIND(EXPLICIT)}, IN0, SZ(11, 2),
     GOOD(11, 2)},
    {L, "VALID output_size W 4: T 7", {KIND(VALID)}, IN0, SZ(11, 4), GOOD(11, 4)},
    {L, "EXPLICIT output_size ignores padding and padding_end", {KIND(EXPLICIT), {E_PH, 3},
     {E_PEH, P40}, {E_PW, 20}}, IN0, SZ(7, 11), GOOD(7, 11)},
    {L, "EXPLICIT output 0 without output_size, output_size 1 valid", {KIND(EXPLICIT),
     {E_PEH, 11}}, IN0, SZ(1, 11), GOOD(1, 11)},
    {L, "EXPLICIT output_padding 1: full 12, the largest still 12", {KIND(EXPLICIT), {E_OPH, 1}},
     IN0, SZ(12, 11), GOOD(12, 11)},
    {L, "EXPLICIT output_padding 1: 13 still invalid", {KIND(EXPLICIT), {E_OPH, 1}}, IN0,
     SZ(13, 11), BAD(INV, AT_SHAPE, "output size of [13, 11]|to [12, 12]")},
    /* larger than full: extended at the end, those positions hold the bias */
    {L, "EXPLICIT stride_h 3, kernel_h 2: output_size 16 > full 14", {KIND(EXPLICIT), {E_SH, 3},
     {E_KH, 2}}, IN0, SZ(16, 11), GOOD(16, 11)},
    {L, "EXPLICIT stride_h 3, kernel_h 2: output_size 17", {KIND(EXPLICIT), {E_SH, 3}, {E_KH, 2}},
     IN0, SZ(17, 11), BAD(INV, AT_SHAPE, "output size of [17, 11]|to [16, 12]")},
    {L, "SAME_UPPER output_size 12 x 12 > full 11", {KIND(SAME_UPPER)}, IN0, SZ(12, 12),
     GOOD(12, 12)},
    {L, "VALID stride_w 4: output_size 22 > full 19", {KIND(VALID), {E_SW, 4}}, IN0, SZ(11, 22),
     GOOD(11, 22)},
    {L, "VALID stride_w 4: output_size 23", {KIND(VALID), {E_SW, 4}}, IN0, SZ(11, 23),
     BAD(INV, AT_SHAPE, "output size of [11, 23]|to [12, 22]")},
    /* huge strides */
    {L, "SAME_UPPER stride_h 2^40, 1 row: output_size 1", {KIND(SAME_UPPER), {E_SH, P40}},
     {1, 4, 1, 5}, SZ(1, 11), GOOD(1, 11)},
    {L, "SAME_UPPER stride_h 2^40, 1 row: the largest output_size", {KIND(SAME_UPPER),
     {E_SH, P40}}, {1, 4, 1, 5}, SZ(P40 + 2, 11), BAD_RUN(P40 + 2, 11, INV, TOO_BIG)},
    {L, "SAME_UPPER stride_h 2^40, 1 row: the largest + 1", {KIND(SAME_UPPER), {E_SH, P40}},
     {1, 4, 1, 5}, SZ(P40 + 3, 11),
     BAD(INV, AT_SHAPE, "output size of [1099511627779, 11]|to [1099511627778, 12]")},
    {L, "VALID stride_w INT64_MAX, 1 column", {KIND(VALID), {E_SW, MAX}}, {1, 4, 5, 1}, NOSZ,
     GOOD(11, 3)},
    {L, "SAME_UPPER stride_w INT64_MAX, 1 column: T 0", {KIND(SAME_UPPER), {E_SW, MAX}},
     {1, 4, 5, 1}, NOSZ, GOOD(10, 3)},
    /* Regression: the largest size, stride*in + dilation*(kernel-1), past int64: every
     * smaller size is valid (once all SIZE_OVERFLOW "output size" or "stride * input") */
    {L, "EXPLICIT stride_h INT64_MAX, 1 row: output_size 3", {KIND(EXPLICIT), {E_SH, MAX}},
     {1, 4, 1, 5}, SZ(3, 11), GOOD(3, 11)},
    {L, "EXPLICIT stride_h INT64_MAX, 1 row: output_size 4 > full 3", {KIND(EXPLICIT),
     {E_SH, MAX}}, {1, 4, 1, 5}, SZ(4, 11), GOOD(4, 11)},
    {L, "SAME_LOWER stride_w 2^62, 2 columns: output_size 5", {KIND(SAME_LOWER),
     {E_SW, (int64_t)1 << 62}}, {1, 4, 5, 2}, SZ(11, 5), GOOD(11, 5)},
    {L, "VALID stride_w 2^62, 2 columns: output_size 2^62 + 4 > full: output overflows",
     {KIND(VALID), {E_SW, (int64_t)1 << 62}}, {1, 4, 5, 2}, SZ(11, ((int64_t)1 << 62) + 4),
     BAD(OVF, AT_SHAPE, "output size|overflow")},
    {L, "SAME_LOWER stride_w 2^62, 2 columns: output_size 0", {KIND(SAME_LOWER),
     {E_SW, (int64_t)1 << 62}}, {1, 4, 5, 2}, SZ(11, 0),
     BAD(INV, AT_SHAPE, "output size of [11, 0]|to [12, 4611686018427387907 + 4611686018427387903]")},
    {L, "EXPLICIT stride_h INT64_MAX, 1 row: output_size 0", {KIND(EXPLICIT), {E_SH, MAX}},
     {1, 4, 1, 5}, SZ(0, 11),
     BAD(INV, AT_SHAPE, "output size of [0, 11], but valid sizes range from [1, 1] to [3 + "
                        "9223372036854775806, 12]")},
    {L, "N 0, EXPLICIT output_size 13", {KIND(EXPLICIT)}, {0, 4, 5, 5}, SZ(13, 11),
     BAD(INV, AT_SHAPE, "output size of [13, 11]"), NULL_BUFS},
    {L, "N 0, SAME_LOWER output_size 12 x 12", {KIND(SAME_LOWER)}, {0, 4, 5, 5}, SZ(12, 12),
     GOOD(12, 12), NULL_BUFS},
    {L, "N 0, EXPLICIT output 0", {KIND(EXPLICIT), {E_PEW, 11}}, {0, 4, 5, 5}, NOSZ,
     BAD(INV, AT_SHAPE, "Output size is too small"), NULL_BUFS},

    /* ---- layout ---- */
    {L, "layout CHANNELS_FIRST", {{E_LAYOUT, CONVT_LAYOUT_CHANNELS_FIRST}}, IN0, NOSZ, GOOD(11, 11)},
    {L, "layout CHANNELS_LAST", {LAST}, IN0, NOSZ, GOOD(11, 11)},
    {L, "CHANNELS_LAST, N 3, output_size", {LAST}, {3, 4, 5, 5}, SZ(12, 11), GOOD(12, 11)},
    {L, "CHANNELS_LAST, groups 2", {LAST, {E_GROUPS, 2}}, IN0, NOSZ, GOOD(11, 11)},
    {L, "CHANNELS_LAST, depthwise, AUTO", {LAST, ALGO(AUTO), {E_GROUPS, 4}, {E_OUT, 4}}, IN0, NOSZ,
     GOOD(11, 11)},
    {L, "CHANNELS_LAST, SUBPIXEL", {LAST, ALGO(SUBPIXEL)}, IN0, NOSZ, GOOD(11, 11)},
    {L, "CHANNELS_LAST, SUBPIXEL, SAME_LOWER, output_padding_w 1", {LAST, ALGO(SUBPIXEL),
     KIND(SAME_LOWER), {E_OPW, 1}}, IN0, NOSZ, GOOD(10, 10)},
    {L, "CHANNELS_LAST, DEPTHWISE", {LAST, ALGO(DEPTHWISE), {E_GROUPS, 4}, {E_OUT, 4}}, IN0, NOSZ,
     GOOD(11, 11)},
    {L, "CHANNELS_LAST, POINTWISE", {LAST, ALGO(POINTWISE), {E_KH, 1}, {E_KW, 1}, {E_SH, 1},
     {E_SW, 1}}, IN0, NOSZ, GOOD(5, 5)},
    {L, "CHANNELS_LAST, POINTWISE, groups 2, RELU", {LAST, ALGO(POINTWISE), {E_KH, 1}, {E_KW, 1},
     {E_SH, 1}, {E_SW, 1}, {E_GROUPS, 2}, ACT(RELU)}, IN0, NOSZ, GOOD(5, 5)},
    {L, "CHANNELS_LAST, 2 threads, N 3", {LAST, {E_THREADS, 2}}, {3, 4, 5, 5}, NOSZ, GOOD(11, 11)},
    {L, "layout 2", {{E_LAYOUT, 2}}, IN0, NOSZ,
     BAD(INV, AT_CREATE, "layout must be CONVT_LAYOUT_CHANNELS_FIRST (0) or "
                         "CONVT_LAYOUT_CHANNELS_LAST (1), but got layout: 2")},
    {L, "layout -1", {{E_LAYOUT, -1}}, IN0, NOSZ, BAD(INV, AT_CREATE, "layout: -1")},
    {L, "layout INT32_MAX", {{E_LAYOUT, INT32_MAX}}, IN0, NOSZ,
     BAD(INV, AT_CREATE, "layout: 2147483647")},
    {L, "layout INT32_MIN", {{E_LAYOUT, INT32_MIN}}, IN0, NOSZ,
     BAD(INV, AT_CREATE, "layout: -2147483648")},
    /* channels last: buffers */
    {L, "CHANNELS_LAST: NULL input", {LAST}, IN0, NOSZ, BAD_RUN(11, 11, INV, "input is NULL"),
     NULL_INPUT},
    {L, "CHANNELS_LAST: NULL output", {LAST}, IN0, NOSZ, BAD_RUN(11, 11, INV, "output is NULL"),
     NULL_OUTPUT},
    {L, "CHANNELS_LAST: NULL input and output", {LAST}, IN0, NOSZ,
     BAD_RUN(11, 11, INV, "is NULL"), NULL_INPUT | NULL_OUTPUT},
    {L, "CHANNELS_LAST: N 0, NULL input and output", {LAST}, {0, 4, 5, 5}, NOSZ, GOOD(11, 11),
     NULL_BUFS},
    {L, "CHANNELS_LAST: output_capacity one short", {LAST}, IN0, NOSZ,
     BAD_RUN(11, 11, INV, "output_capacity is 725 floats"), CAP_SHORT},
    {L, "CHANNELS_LAST: output_capacity 0", {LAST}, IN0, NOSZ,
     BAD_RUN(11, 11, INV, "output_capacity is 0 floats"), CAP_ZERO},
    {L, "CHANNELS_LAST: output_capacity one short, N 3, output_size", {LAST}, {3, 4, 5, 5},
     SZ(12, 12), BAD_RUN(12, 12, INV, "output_capacity is 2591 floats"), CAP_SHORT},
    {L, "CHANNELS_LAST: output_capacity one short, SAME_UPPER", {LAST, KIND(SAME_UPPER)}, IN0,
     NOSZ, BAD_RUN(10, 10, INV, "output_capacity is 599 floats"), CAP_SHORT},
    {L, "CHANNELS_LAST: workspace exact (gemm)", {LAST, ALGO(GEMM_COL2IM)}, IN0, NOSZ,
     GOOD(11, 11), WS_EXACT},
    {L, "CHANNELS_LAST: workspace one byte short (gemm)", {LAST, ALGO(GEMM_COL2IM)}, IN0, NOSZ,
     BAD_RUN(11, 11, INV, "workspace_size is"), WS_SHORT},
    {L, "CHANNELS_LAST: workspace one byte short (subpixel)", {LAST, ALGO(SUBPIXEL)}, IN0, NOSZ,
     BAD_RUN(11, 11, INV, "workspace_size is"), WS_SHORT},
    {L, "CHANNELS_LAST: workspace one byte short (reference)", {LAST, ALGO(REFERENCE)}, IN0, NOSZ,
     BAD_RUN(11, 11, INV, "workspace_size is"), WS_SHORT},
    {L, "CHANNELS_LAST: workspace exact (depthwise)", {LAST, ALGO(DEPTHWISE), {E_GROUPS, 4},
     {E_OUT, 4}}, IN0, NOSZ, GOOD(11, 11), WS_EXACT},
    {L, "CHANNELS_LAST: workspace one byte short (auto, 2 threads, N 3)", {LAST, ALGO(AUTO),
     {E_THREADS, 2}}, {3, 4, 5, 5}, NOSZ, BAD_RUN(11, 11, INV, "workspace_size is"), WS_SHORT},
    {L, "CHANNELS_LAST: workspace pointer with size 0 (gemm)", {LAST, ALGO(GEMM_COL2IM)}, IN0,
     NOSZ, BAD_RUN(11, 11, INV, "workspace_size is 0 bytes"), WS_ZERO},

    /* ---- activation ---- */
    {L, "activation NONE", {ACT(NONE)}, IN0, NOSZ, GOOD(11, 11)},
    {L, "activation RELU", {ACT(RELU)}, IN0, NOSZ, GOOD(11, 11)},
    {L, "activation LEAKY_RELU 0.125", {ACT(LEAKY_RELU), ALPHA(0.125)}, IN0, NOSZ, GOOD(11, 11)},
    {L, "activation CLAMP [-0.5, 0.75]", {ACT(CLAMP), ALPHA(-0.5), BETA(0.75)}, IN0, NOSZ,
     GOOD(11, 11)},
    {L, "activation TANH", {ACT(TANH)}, IN0, NOSZ, GOOD(11, 11)},
    {L, "activation SIGMOID", {ACT(SIGMOID)}, IN0, NOSZ, GOOD(11, 11)},
    {L, "activation ELU 1.5", {ACT(ELU), ALPHA(1.5)}, IN0, NOSZ, GOOD(11, 11)},
    {L, "activation GELU", {ACT(GELU)}, IN0, NOSZ, GOOD(11, 11)},
    {L, "activation -1", {{E_ACT, -1}}, IN0, NOSZ,
     BAD(INV, AT_CREATE, "activation must be a CONVT_ACTIVATION_* value|but got activation: -1")},
    {L, "activation 8", {{E_ACT, 8}}, IN0, NOSZ, BAD(INV, AT_CREATE, "activation: 8")},
    {L, "activation INT32_MAX", {{E_ACT, INT32_MAX}}, IN0, NOSZ,
     BAD(INV, AT_CREATE, "activation: 2147483647")},
    {L, "activation INT32_MIN", {{E_ACT, INT32_MIN}}, IN0, NOSZ,
     BAD(INV, AT_CREATE, "activation: -2147483648")},
    {L, "LEAKY_RELU alpha NaN", {ACT(LEAKY_RELU), ALPHA(NAN)}, IN0, NOSZ,
     BAD(INV, AT_CREATE, "activation_alpha must be a number for LEAKY_RELU, but got "
                         "activation_alpha: nan")},
    {L, "CLAMP alpha NaN", {ACT(CLAMP), ALPHA(NAN), BETA(1)}, IN0, NOSZ,
     BAD(INV, AT_CREATE, "activation_alpha must be a number for CLAMP|activation_alpha: nan")},
    {L, "ELU alpha NaN", {ACT(ELU), ALPHA(NAN)}, IN0, NOSZ,
     BAD(INV, AT_CREATE, "activation_alpha must be a number for ELU|activation_alpha: nan")},
    {L, "CLAMP beta NaN", {ACT(CLAMP), ALPHA(-1), BETA(NAN)}, IN0, NOSZ,
     BAD(INV, AT_CREATE, "activation_beta must be a number for CLAMP, but got activation_beta: "
                         "nan")},
    {L, "CLAMP alpha and beta NaN", {ACT(CLAMP), ALPHA(NAN), BETA(NAN)}, IN0, NOSZ,
     BAD(INV, AT_CREATE, "must be a number for CLAMP|: nan")},
    {L, "CLAMP alpha 1 > beta 0.5", {ACT(CLAMP), ALPHA(1), BETA(0.5)}, IN0, NOSZ,
     BAD(INV, AT_CREATE, "CLAMP needs activation_alpha (min) <= activation_beta (max), but got "
                         "activation_alpha: 1 activation_beta: 0.5")},
    {L, "CLAMP alpha +inf > beta -inf", {ACT(CLAMP), ALPHA(INF), BETA(-INF)}, IN0, NOSZ,
     BAD(INV, AT_CREATE, "activation_alpha: inf activation_beta: -inf")},
    {L, "CLAMP alpha 0 > beta -inf", {ACT(CLAMP), ALPHA(0), BETA(-INF)}, IN0, NOSZ,
     BAD(INV, AT_CREATE, "activation_alpha: 0 activation_beta: -inf")},
    {L, "CLAMP alpha 0 = beta 0 (the defaults): every output 0", {ACT(CLAMP)}, IN0, NOSZ,
     GOOD(11, 11)},
    {L, "CLAMP alpha = beta = 0.5", {ACT(CLAMP), ALPHA(0.5), BETA(0.5)}, IN0, NOSZ, GOOD(11, 11)},
    {L, "CLAMP [-inf, +inf]: no change", {ACT(CLAMP), ALPHA(-INF), BETA(INF)}, IN0, NOSZ,
     GOOD(11, 11)},
    {L, "CLAMP [-inf, 0]", {ACT(CLAMP), ALPHA(-INF), BETA(0)}, IN0, NOSZ, GOOD(11, 11)},
    {L, "CLAMP [0, +inf]", {ACT(CLAMP), ALPHA(0), BETA(INF)}, IN0, NOSZ, GOOD(11, 11)},
    {L, "CLAMP [+inf, +inf]: every output +inf", {ACT(CLAMP), ALPHA(INF), BETA(INF)}, IN0, NOSZ,
     GOOD(11, 11)},
    {L, "CLAMP [-inf, -inf]: every output -inf", {ACT(CLAMP), ALPHA(-INF), BETA(-INF)}, IN0, NOSZ,
     GOOD(11, 11)},
    {L, "LEAKY_RELU alpha +inf", {ACT(LEAKY_RELU), ALPHA(INF)}, IN0, NOSZ, GOOD(11, 11)},
    {L, "LEAKY_RELU alpha -inf", {ACT(LEAKY_RELU), ALPHA(-INF)}, IN0, NOSZ, GOOD(11, 11)},
    {L, "ELU alpha +inf", {ACT(ELU), ALPHA(INF)}, IN0, NOSZ, GOOD(11, 11)},
    {L, "RELU ignores alpha and beta NaN", {ACT(RELU), ALPHA(NAN), BETA(NAN)}, IN0, NOSZ,
     GOOD(11, 11)},
    {L, "LEAKY_RELU ignores beta NaN", {ACT(LEAKY_RELU), ALPHA(0.5), BETA(NAN)}, IN0, NOSZ,
     GOOD(11, 11)},
    {L, "ELU ignores beta NaN", {ACT(ELU), ALPHA(1), BETA(NAN)}, IN0, NOSZ, GOOD(11, 11)},
    {L, "NONE, TANH, SIGMOID, GELU ignore alpha and beta", {ACT(GELU), ALPHA(NAN), BETA(-INF)}, IN0,
     NOSZ, GOOD(11, 11)},
    {L, "NONE ignores alpha NaN", {ACT(NONE), ALPHA(NAN), BETA(NAN)}, IN0, NOSZ, GOOD(11, 11)},
    {L, "TANH ignores alpha +inf > beta", {ACT(TANH), ALPHA(INF), BETA(0)}, IN0, NOSZ,
     GOOD(11, 11)},
    {L, "SIGMOID, 2 threads, N 3", {ACT(SIGMOID), {E_THREADS, 2}}, {3, 4, 5, 5}, NOSZ,
     GOOD(11, 11)},

    /* ---- together ---- */
    {L, "SAME_LOWER, CHANNELS_LAST, GELU, groups 2, output_padding_h 1", {KIND(SAME_LOWER), LAST,
     ACT(GELU), {E_GROUPS, 2}, {E_OPH, 1}}, IN0, NOSZ, GOOD(10, 10)},
    {L, "EXPLICIT, CHANNELS_LAST, CLAMP, output_size past full", {KIND(EXPLICIT), LAST, ACT(CLAMP),
     ALPHA(-0.5), BETA(0.5), {E_PH, 1}, {E_PEW, 2}}, {2, 4, 5, 5}, SZ(12, 12), GOOD(12, 12)},
    {L, "VALID, CHANNELS_LAST, LEAKY_RELU, depthwise, SUBPIXEL", {KIND(VALID), LAST,
     ACT(LEAKY_RELU), ALPHA(0.25), {E_GROUPS, 4}, {E_OUT, 4}, ALGO(SUBPIXEL)}, IN0, NOSZ,
     GOOD(11, 11)},
    {L, "SAME_UPPER, ELU, dilation 2, N 3, 2 threads", {KIND(SAME_UPPER), ACT(ELU), ALPHA(0.5),
     {E_DW, 2}, {E_THREADS, 2}}, {3, 4, 5, 5}, NOSZ, GOOD(10, 10)},
    {L, "EXPLICIT pads, CHANNELS_LAST, TANH, DEPTHWISE", {KIND(EXPLICIT), {E_PH, 2}, {E_PEW, 1},
     LAST, ACT(TANH), {E_GROUPS, 4}, {E_OUT, 4}, ALGO(DEPTHWISE)}, IN0, NOSZ, GOOD(9, 10)},
};

/* ---- 1-D: BASE with spatial_dims 1; (1, 4, 5) -> (1, 6, 11), output_size 11..12 ---- */
static const run_case CASES_1D[] = {
    {L, "base layer", {{E_END}}, IN1, NOSZ, GOOD1(11)},

    /* channels and groups */
    {L, "in_channels 0", {{E_IN, 0}}, IN1, NOSZ,
     BAD(INV, AT_CREATE, "in_channels must be positive, but got in_channels: 0")},
    {L, "in_channels 2^31", {{E_IN, P31}}, IN1, NOSZ,
     BAD(UNS, AT_CREATE, "in_channels/groups = " S31 "|BLAS int")},
    {L, "in_channels INT64_MAX", {{E_IN, MAX}}, IN1, NOSZ,
     BAD(OVF, AT_CREATE, "weight size|overflow")},
    {L, "out_channels -1", {{E_OUT, -1}}, IN1, NOSZ, BAD(INV, AT_CREATE, "out_channels: -1")},
    {L, "out_channels 2^31", {{E_OUT, P31}}, IN1, NOSZ,
     BAD(UNS, AT_CREATE, "out_channels/groups * kernel size = 6442450944|BLAS int")},
    {L, "out_channels 2^40", {{E_OUT, P40}}, IN1, NOSZ,
     BAD(UNS, AT_CREATE, "out_channels/groups * kernel size = 3298534883328|BLAS int")},
    {L, "groups 3 does not divide in_channels 4", {{E_GROUPS, 3}}, IN1, NOSZ,
     BAD(INV, AT_CREATE,
         "in_channels must be divisible by groups, but got in_channels: 4 groups: 3")},
    {L, "groups 2", {{E_GROUPS, 2}}, IN1, NOSZ, GOOD1(11)},
    {L, "groups 4 = in = out (depthwise)", {{E_GROUPS, 4}, {E_OUT, 4}}, IN1, NOSZ, GOOD1(11)},

    /* kernel_size[0] */
    {L, "kernel 0", {{E_K0, 0}}, IN1, NOSZ,
     BAD(INV, AT_CREATE, "kernel size should be greater than zero, but got kernel_width: 0")},
    {L, "kernel -1", {{E_K0, -1}}, IN1, NOSZ, BAD(INV, AT_CREATE, "kernel_width: -1")},
    {L, "kernel 1", {{E_K0, 1}}, IN1, NOSZ, GOOD1(9)},
    {L, "kernel 2^31", {{E_K0, P31}}, IN1, NOSZ,
     BAD(UNS, AT_CREATE, "kernel size = 12884901888|BLAS int")},
    {L, "kernel 2^40", {{E_K0, P40}}, IN1, NOSZ,
     BAD(UNS, AT_CREATE, "kernel size = 6597069766656|BLAS int")},
    {L, "kernel INT64_MAX", {{E_K0, MAX}}, IN1, NOSZ, BAD(OVF, AT_CREATE, "weight size|overflow")},
    {L, "kernel INT64_MIN", {{E_K0, MIN}}, IN1, NOSZ, BAD(INV, AT_CREATE, "kernel_width: " SMIN)},

    /* stride[0] */
    {L, "stride 0", {{E_S0, 0}}, IN1, NOSZ,
     BAD(INV, AT_CREATE, "stride should be greater than zero, but got stride_width: 0")},
    {L, "stride -1", {{E_S0, -1}}, IN1, NOSZ, BAD(INV, AT_CREATE, "stride_width: -1")},
    {L, "stride 1", {{E_S0, 1}}, IN1, NOSZ, GOOD1(7)},
    {L, "stride 2^31", {{E_S0, P31}}, IN1, NOSZ, BAD_RUN1(4 * P31 + 3, INV, TOO_BIG)},
    {L, "stride 2^40", {{E_S0, P40}}, IN1, NOSZ, BAD_RUN1(4 * P40 + 3, INV, TOO_BIG)},
    {L, "stride INT64_MAX", {{E_S0, MAX}}, IN1, NOSZ,
     BAD(OVF, AT_SHAPE, "(input - 1) * stride|overflow")},
    {L, "stride INT64_MIN", {{E_S0, MIN}}, IN1, NOSZ, BAD(INV, AT_CREATE, "stride_width: " SMIN)},

    /* padding[0]: out = 8 - 2*padding + 3 */
    {L, "padding -1", {{E_P0, -1}}, IN1, NOSZ,
     BAD(INV, AT_CREATE, "negative padding is not supported, but got padding_width: -1")},
    {L, "padding 1", {{E_P0, 1}}, IN1, NOSZ, GOOD1(9)},
    {L, "padding 5: output 1", {{E_P0, 5}}, IN1, NOSZ, GOOD1(1)},
    {L, "padding 6: output too small", {{E_P0, 6}}, IN1, NOSZ,
     BAD(INV, AT_SHAPE, "Given input size per channel: (5). Calculated output size per channel: "
                        "(-1). Output size is too small")},
    {L, "padding 2^31", {{E_P0, P31}}, IN1, NOSZ,
     BAD(INV, AT_SHAPE, "Output size is too small|(-4294967285)")},
    {L, "padding 2^40", {{E_P0, P40}}, IN1, NOSZ,
     BAD(INV, AT_SHAPE, "Output size is too small|(-2199023255541)")},
    {L, "padding INT64_MAX", {{E_P0, MAX}}, IN1, NOSZ, BAD(OVF, AT_CREATE, "2 * padding|overflow")},
    {L, "padding INT64_MIN", {{E_P0, MIN}}, IN1, NOSZ, BAD(INV, AT_CREATE, "padding_width: " SMIN)},

    /* output_padding[0] */
    {L, "output_padding -1", {{E_OP0, -1}}, IN1, NOSZ,
     BAD(INV, AT_SHAPE,
         "negative output_padding is not supported, but got output_padding_width: -1")},
    {L, "output_padding 1 (< stride 2)", {{E_OP0, 1}}, IN1, NOSZ, GOOD1(12)},
    {L, "output_padding 2 (= stride 2, > dilation 1)", {{E_OP0, 2}}, IN1, NOSZ,
     BAD(INV, AT_SHAPE, "output padding must be smaller than either stride or dilation, but got "
                        "output_padding_width: 2 stride_width: 2 dilation_width: 1")},
    {L, "output_padding 2^31", {{E_OP0, P31}}, IN1, NOSZ,
     BAD(INV, AT_SHAPE, "stride or dilation|output_padding_width: " S31)},
    {L, "output_padding 2^40", {{E_OP0, P40}}, IN1, NOSZ,
     BAD(INV, AT_SHAPE, "stride or dilation|output_padding_width: " S40)},
    {L, "output_padding INT64_MAX", {{E_OP0, MAX}}, IN1, NOSZ,
     BAD(INV, AT_SHAPE, "stride or dilation|output_padding_width: " SMAX)},
    {L, "output_padding INT64_MIN", {{E_OP0, MIN}}, IN1, NOSZ,
     BAD(INV, AT_SHAPE, "negative output_padding|output_padding_width: " SMIN)},
    {L, "output_padding 2 < dilation 3, stride 1", {{E_S0, 1}, {E_D0, 3}, {E_OP0, 2}}, IN1, NOSZ,
     GOOD1(13)},
    {L, "output_padding 3 = dilation 3 > stride 1", {{E_S0, 1}, {E_D0, 3}, {E_OP0, 3}}, IN1, NOSZ,
     BAD(INV, AT_SHAPE, "output_padding_width: 3 stride_width: 1 dilation_width: 3")},
    {L, "invalid output_padding is ignored with output_size", {{E_OP0, 5}}, IN1, SZ1(12),
     GOOD1(12)},
    {L, "output_padding INT64_MIN ignored with output_size", {{E_OP0, MIN}}, IN1, SZ1(11),
     GOOD1(11)},

    /* dilation[0]: out = 8 + 2*dilation + 1 */
    {L, "dilation 0", {{E_D0, 0}}, IN1, NOSZ,
     BAD(INV, AT_CREATE, "dilation should be greater than zero, but got dilation_width: 0")},
    {L, "dilation -1", {{E_D0, -1}}, IN1, NOSZ, BAD(INV, AT_CREATE, "dilation_width: -1")},
    {L, "dilation 2", {{E_D0, 2}}, IN1, NOSZ, GOOD1(13)},
    {L, "dilation 2^31", {{E_D0, P31}}, IN1, NOSZ, BAD_RUN1(2 * P31 + 9, INV, TOO_BIG)},
    {L, "dilation 2^40", {{E_D0, P40}}, IN1, NOSZ, BAD_RUN1(2 * P40 + 9, INV, TOO_BIG)},
    {L, "dilation INT64_MAX", {{E_D0, MAX}}, IN1, NOSZ,
     BAD(OVF, AT_CREATE, "dilation * (kernel_size - 1)|overflow")},
    {L, "dilation INT64_MIN", {{E_D0, MIN}}, IN1, NOSZ,
     BAD(INV, AT_CREATE, "dilation_width: " SMIN)},

    /* algorithms and threads (sub-pixel, when it cannot run 1-D, is a skip) */
    {L, "num_threads 2", {{E_THREADS, 2}}, {3, 4, 5}, NOSZ, GOOD1(11)},
    {L, "algorithm AUTO", {{E_ALGO, CONVT_ALGORITHM_AUTO}}, IN1, NOSZ, GOOD1(11)},
    {L, "algorithm SUBPIXEL", {{E_ALGO, CONVT_ALGORITHM_SUBPIXEL}}, IN1, NOSZ, GOOD1(11),
     MAY_NOT_RUN},
    {L, "algorithm DEPTHWISE on a depthwise layer", {{E_ALGO, CONVT_ALGORITHM_DEPTHWISE},
     {E_GROUPS, 4}, {E_OUT, 4}}, IN1, NOSZ, GOOD1(11)},
    {L, "algorithm DEPTHWISE on a dense layer", {{E_ALGO, CONVT_ALGORITHM_DEPTHWISE}}, IN1, NOSZ,
     BAD(UNS, AT_CREATE, "algorithm depthwise cannot run this layer")},
    {L, "algorithm POINTWISE on a 1x1 layer", {{E_ALGO, CONVT_ALGORITHM_POINTWISE}, {E_K0, 1},
     {E_S0, 1}}, IN1, NOSZ, GOOD1(5)},
    {L, "algorithm POINTWISE on a kernel of 3", {{E_ALGO, CONVT_ALGORITHM_POINTWISE}}, IN1, NOSZ,
     BAD(UNS, AT_CREATE, "algorithm pointwise cannot run this layer")},

    /* input_shape N, C, L */
    {L, "N 0: empty output, nothing written", {{E_END}}, {0, 4, 5}, NOSZ, GOOD1(11)},
    {L, "N 0, NULL input and output", {{E_END}}, {0, 4, 5}, NOSZ, GOOD1(11), NULL_BUFS},
    {L, "N -1", {{E_END}}, {-1, 4, 5}, NOSZ,
     BAD(INV, AT_SHAPE, "batch size must be >= 0, but got input[-1, 4, 5]")},
    {L, "N 2^31", {{E_END}}, {P31, 4, 5}, NOSZ, BAD_RUN1(11, INV, TOO_BIG)},
    {L, "N INT64_MAX", {{E_END}}, {MAX, 4, 5}, NOSZ, BAD(OVF, AT_SHAPE, "input size|overflow")},
    {L, "N INT64_MIN", {{E_END}}, {MIN, 4, 5}, NOSZ,
     BAD(INV, AT_SHAPE, "batch size|input[" SMIN ", 4, 5]")},
    {L, "C 3", {{E_END}}, {1, 3, 5}, NOSZ,
     BAD(INV, AT_SHAPE, "Given transposed=1, weight of size [4, 6, 3], expected input[1, 3, 5] to "
                        "have 4 channels, but got 3 channels instead")},
    {L, "C 0", {{E_END}}, {1, 0, 5}, NOSZ, BAD(INV, AT_SHAPE, "but got 0 channels")},
    {L, "C INT64_MAX", {{E_END}}, {1, MAX, 5}, NOSZ,
     BAD(INV, AT_SHAPE, "but got " SMAX " channels")},
    {L, "L 0", {{E_END}}, {1, 4, 0}, NOSZ,
     BAD(INV, AT_SHAPE, "input width must be at least 1, but got input[1, 4, 0]")},
    {L, "L -1", {{E_END}}, {1, 4, -1}, NOSZ, BAD(INV, AT_SHAPE, "input width|input[1, 4, -1]")},
    {L, "L 1", {{E_END}}, {1, 4, 1}, NOSZ, GOOD1(3)},
    {L, "L 2^31", {{E_END}}, {1, 4, P31}, NOSZ,
     BAD(UNS, AT_SHAPE, "input size per channel (" S31 ") = " S31 " must be at most 2147483647")},
    {L, "L 2^40", {{E_END}}, {1, 4, P40}, NOSZ,
     BAD(UNS, AT_SHAPE, "input size per channel|= " S40 "|BLAS int")},
    {L, "L INT64_MAX", {{E_END}}, {1, 4, MAX}, NOSZ,
     BAD(OVF, AT_SHAPE, "(input - 1) * stride|overflow")},
    {L, "L INT64_MIN", {{E_END}}, {1, 4, MIN}, NOSZ,
     BAD(INV, AT_SHAPE, "input width|input[1, 4, " SMIN "]")},
    {L, "L INT32_MAX: legal, output too large", {{E_END}}, {1, 4, INT32_MAX}, NOSZ,
     BAD_RUN1(4294967295, INV, TOO_BIG)},

    /* output_size: valid 11..12 */
    {L, "output_size 0", {{E_END}}, IN1, SZ1(0),
     BAD(INV, AT_SHAPE, "requested an output size of [0], but valid sizes range from [11] to [12] "
                        "(for an input of [5])")},
    {L, "output_size -1", {{E_END}}, IN1, SZ1(-1), BAD(INV, AT_SHAPE, "output size of [-1]")},
    {L, "output_size 10 (min - 1)", {{E_END}}, IN1, SZ1(10),
     BAD(INV, AT_SHAPE, "output size of [10]|from [11] to [12]")},
    {L, "output_size 11 (min)", {{E_END}}, IN1, SZ1(11), GOOD1(11)},
    {L, "output_size 12 (max)", {{E_END}}, IN1, SZ1(12), GOOD1(12)},
    {L, "output_size 13 (max + 1)", {{E_END}}, IN1, SZ1(13),
     BAD(INV, AT_SHAPE, "output size of [13]|from [11] to [12]")},
    {L, "output_size 2^31", {{E_END}}, IN1, SZ1(P31),
     BAD(INV, AT_SHAPE, "output size of [" S31 "]")},
    {L, "output_size 2^40", {{E_END}}, IN1, SZ1(P40),
     BAD(INV, AT_SHAPE, "output size of [" S40 "]")},
    {L, "output_size INT64_MAX", {{E_END}}, IN1, SZ1(MAX),
     BAD(INV, AT_SHAPE, "output size of [" SMAX "]")},
    {L, "output_size INT64_MIN", {{E_END}}, IN1, SZ1(MIN),
     BAD(INV, AT_SHAPE, "output size of [" SMIN "]")},
    /* kernel 1, stride 3, padding 2 on 2 pixels: min 0, so 1..2 are valid */
    {L, "min 0 without output_size", {{E_K0, 1}, {E_S0, 3}, {E_P0, 2}}, {1, 4, 2}, NOSZ,
     BAD(INV, AT_SHAPE, "Output size is too small|(0)")},
    {L, "min 0: output_size 0", {{E_K0, 1}, {E_S0, 3}, {E_P0, 2}}, {1, 4, 2}, SZ1(0),
     BAD(INV, AT_SHAPE, "output size of [0]|from [1] to [2]")},
    {L, "min 0: output_size 1", {{E_K0, 1}, {E_S0, 3}, {E_P0, 2}}, {1, 4, 2}, SZ1(1), GOOD1(1)},
    {L, "min 0: output_size 2", {{E_K0, 1}, {E_S0, 3}, {E_P0, 2}}, {1, 4, 2}, SZ1(2), GOOD1(2)},
    {L, "min 0: output_size 3", {{E_K0, 1}, {E_S0, 3}, {E_P0, 2}}, {1, 4, 2}, SZ1(3),
     BAD(INV, AT_SHAPE, "output size of [3]|from [1] to [2]")},
    /* stride INT64_MAX on one pixel: min 3, max 3 + INT64_MAX - 1 (beyond int64) */
    {L, "stride INT64_MAX, 1 pixel", {{E_S0, MAX}}, {1, 4, 1}, NOSZ, GOOD1(3)},
    {L, "stride INT64_MAX, output_size min", {{E_S0, MAX}}, {1, 4, 1}, SZ1(3), GOOD1(3)},
    {L, "stride INT64_MAX, output_size min + 1", {{E_S0, MAX}}, {1, 4, 1}, SZ1(4), GOOD1(4)},
    {L, "stride INT64_MAX, output_size min - 1", {{E_S0, MAX}}, {1, 4, 1}, SZ1(2),
     BAD(INV, AT_SHAPE, "output size of [2]|from [3] to [3 + 9223372036854775806]")},

    /* legal layers with huge parameters (run and compared with REFERENCE) */
    {L, "dilation INT64_MAX, kernel 1: extent 1", {{E_D0, MAX}, {E_K0, 1}}, IN1, NOSZ, GOOD1(9)},
    {L, "dilation 2^40 and padding 2^40 cancel", {{E_D0, P40}, {E_P0, P40}}, IN1, NOSZ, GOOD1(9)},
    {L, "stride INT64_MAX, padding 2, kernel 5, 1 pixel", {{E_S0, MAX}, {E_P0, 2}, {E_K0, 5}},
     {1, 4, 1}, NOSZ, GOOD1(1)},
    {L, "stride INT64_MAX, padding INT64_MAX/2, 2 pixels", {{E_S0, MAX}, {E_P0, MAX / 2}},
     {1, 4, 2}, NOSZ, GOOD1(4)},

    /* sizes that overflow int64 or size_t */
    {L, "weight elements overflow int64", {{E_IN, (int64_t)1 << 32}, {E_OUT, (int64_t)1 << 32},
     {E_K0, 1}}, IN1, NOSZ, BAD(OVF, AT_CREATE, "weight size|overflow")},
    {L, "weight bytes overflow size_t", {{E_IN, P31}, {E_OUT, P31}, {E_K0, 1}}, IN1, NOSZ,
     BAD(OVF, AT_CREATE, "weight size in bytes|overflow")},
    {L, "kernel extent: dilation 2^62 * (3 - 1)", {{E_D0, (int64_t)1 << 62}}, IN1, NOSZ,
     BAD(OVF, AT_CREATE, "dilation * (kernel_size - 1)|overflow")},
    {L, "kernel extent INT64_MAX fits, output does not", {{E_D0, ((int64_t)1 << 62) - 1}}, IN1,
     NOSZ, BAD(OVF, AT_SHAPE, "output size|overflow")},
    {L, "output_padding INT64_MAX - 1 < stride INT64_MAX: output overflows",
     {{E_S0, MAX}, {E_OP0, MAX - 1}}, {1, 4, 1}, NOSZ, BAD(OVF, AT_SHAPE, "output size|overflow")},
    {L, "N 2^56: output bytes overflow size_t", {{E_END}}, {(int64_t)1 << 56, 4, 5}, NOSZ,
     BAD(OVF, AT_SHAPE, "output size in bytes|overflow")},
    {L, "N 2^57: output elements overflow int64", {{E_END}}, {(int64_t)1 << 57, 4, 5}, NOSZ,
     BAD(OVF, AT_SHAPE, "output size overflows")},
    {L, "N 2^58: input bytes overflow size_t", {{E_END}}, {(int64_t)1 << 58, 4, 5}, NOSZ,
     BAD(OVF, AT_SHAPE, "input size in bytes|overflow")},
    {L, "N 2^59: input elements overflow int64", {{E_END}}, {(int64_t)1 << 59, 4, 5}, NOSZ,
     BAD(OVF, AT_SHAPE, "input size overflows")},
    {L, "N 0, L INT64_MAX", {{E_END}}, {0, 4, MAX}, NOSZ,
     BAD(OVF, AT_SHAPE, "(input - 1) * stride|overflow"), NULL_BUFS},
    {L, "N 0, output_size out of range", {{E_END}}, {0, 4, 5}, SZ1(13),
     BAD(INV, AT_SHAPE, "output size of [13]"), NULL_BUFS},

    /* buffers */
    {L, "output_capacity one short", {{E_END}}, IN1, NOSZ,
     BAD_RUN1(11, INV, "output_capacity is 65 floats"), CAP_SHORT},
    {L, "output_capacity 0", {{E_END}}, IN1, NOSZ,
     BAD_RUN1(11, INV, "output_capacity is 0 floats"), CAP_ZERO},
    {L, "output_capacity one short, with output_size", {{E_END}}, IN1, SZ1(12),
     BAD_RUN1(12, INV, "output_capacity is 71 floats"), CAP_SHORT},
    {L, "output_capacity one short, N 3", {{E_END}}, {3, 4, 5}, NOSZ,
     BAD_RUN1(11, INV, "output_capacity is 197 floats"), CAP_SHORT},
    {L, "workspace exact (gemm)", {{E_ALGO, CONVT_ALGORITHM_GEMM_COL2IM}}, IN1, NOSZ, GOOD1(11),
     WS_EXACT},
    {L, "workspace one byte short (gemm)", {{E_ALGO, CONVT_ALGORITHM_GEMM_COL2IM}}, IN1, NOSZ,
     BAD_RUN1(11, INV, "workspace_size is"), WS_SHORT},
    {L, "workspace one byte short (gemm, 2 threads, N 4)",
     {{E_ALGO, CONVT_ALGORITHM_GEMM_COL2IM}, {E_THREADS, 2}}, {4, 4, 5}, NOSZ,
     BAD_RUN1(11, INV, "workspace_size is"), WS_SHORT},
    {L, "workspace one byte short (subpixel)", {{E_ALGO, CONVT_ALGORITHM_SUBPIXEL}}, IN1, NOSZ,
     BAD_RUN1(11, INV, "workspace_size is"), WS_SHORT | MAY_NOT_RUN},
    {L, "workspace pointer with size 0 (gemm)", {{E_ALGO, CONVT_ALGORITHM_GEMM_COL2IM}}, IN1, NOSZ,
     BAD_RUN1(11, INV, "workspace_size is 0 bytes"), WS_ZERO},

    /* ==== The 0.4 fields: full 11, SAME_* 10, ONNX output_size 1..12 ==== */
    {L, "padding_kind EXPLICIT", {KIND(EXPLICIT)}, IN1, NOSZ, GOOD1(11)},
    {L, "padding_kind SAME_UPPER", {KIND(SAME_UPPER)}, IN1, NOSZ, GOOD1(10)},
    {L, "padding_kind SAME_LOWER", {KIND(SAME_LOWER)}, IN1, NOSZ, GOOD1(10)},
    {L, "padding_kind VALID", {KIND(VALID)}, IN1, NOSZ, GOOD1(11)},
    {L, "SAME_UPPER kernel 6: T 4", {KIND(SAME_UPPER), {E_K0, 6}}, IN1, NOSZ, GOOD1(10)},
    {L, "SAME_LOWER kernel 5: T 3, 2 at the begin", {KIND(SAME_LOWER), {E_K0, 5}}, IN1, NOSZ,
     GOOD1(10)},
    {L, "SAME_UPPER stride 5: T 0, out = full 23", {KIND(SAME_UPPER), {E_S0, 5}}, IN1, NOSZ,
     GOOD1(23)},
    {L, "padding_kind -1", {{E_KIND, -1}}, IN1, NOSZ,
     BAD(INV, AT_CREATE, "padding_kind must be a CONVT_PADDING_* value (SYMMETRIC 0, EXPLICIT 1, "
                         "SAME_UPPER 2, SAME_LOWER 3, VALID 4), but got padding_kind: -1")},
    {L, "padding_kind 5", {{E_KIND, 5}}, IN1, NOSZ, BAD(INV, AT_CREATE, "padding_kind: 5")},
    {L, "padding_kind INT32_MAX", {{E_KIND, INT32_MAX}}, IN1, NOSZ,
     BAD(INV, AT_CREATE, "padding_kind: 2147483647")},
    {L, "padding_kind INT32_MIN", {{E_KIND, INT32_MIN}}, IN1, NOSZ,
     BAD(INV, AT_CREATE, "padding_kind: -2147483648")},

    /* padding_end */
    {L, "EXPLICIT padding 3, padding_end 1 (EnCodec-like)", {KIND(EXPLICIT), {E_P0, 3},
     {E_PE0, 1}}, IN1, NOSZ, GOOD1(7)},
    {L, "EXPLICIT padding_end 10: output 1", {KIND(EXPLICIT), {E_PE0, 10}}, IN1, NOSZ, GOOD1(1)},
    {L, "EXPLICIT padding_end 11: output 0", {KIND(EXPLICIT), {E_PE0, 11}}, IN1, NOSZ,
     BAD(INV, AT_SHAPE, "Given input size per channel: (5). Calculated output size per channel: "
                        "(0). Output size is too small (padding_kind EXPLICIT: padding_width: 0 "
                        "padding_end_width: 11)")},
    {L, "EXPLICIT padding 6 + padding_end 6: output -1", {KIND(EXPLICIT), {E_P0, 6}, {E_PE0, 6}},
     IN1, NOSZ, BAD(INV, AT_SHAPE, "(-1). Output size is too small|padding_width: 6")},
    {L, "EXPLICIT padding_end -1", {KIND(EXPLICIT), {E_PE0, -1}}, IN1, NOSZ,
     BAD(INV, AT_CREATE, "negative padding_end is not supported, but got padding_end_width: -1")},
    {L, "EXPLICIT padding_end INT64_MIN", {KIND(EXPLICIT), {E_PE0, MIN}}, IN1, NOSZ,
     BAD(INV, AT_CREATE, "padding_end_width: " SMIN)},
    {L, "EXPLICIT padding_end 2^40", {KIND(EXPLICIT), {E_PE0, P40}}, IN1, NOSZ,
     BAD(INV, AT_SHAPE, "Output size is too small|(-1099511627765)")},
    {L, "EXPLICIT padding_end INT64_MAX", {KIND(EXPLICIT), {E_PE0, MAX}}, IN1, NOSZ,
     BAD(INV, AT_SHAPE, "Output size is too small|(-9223372036854775796)")},
    {L, "EXPLICIT padding 1 + padding_end INT64_MAX overflows", {KIND(EXPLICIT), {E_P0, 1},
     {E_PE0, MAX}}, IN1, NOSZ, BAD(OVF, AT_CREATE, "padding + padding_end|overflow")},
    {L, "EXPLICIT padding INT64_MAX + padding_end INT64_MAX overflows", {KIND(EXPLICIT),
     {E_P0, MAX}, {E_PE0, MAX}}, IN1, NOSZ, BAD(OVF, AT_CREATE, "padding + padding_end|overflow")},
    {L, "SYMMETRIC ignores padding_end", {{E_PE0, MIN}}, IN1, NOSZ, GOOD1(11)},
    {L, "SAME_UPPER ignores padding_end", {KIND(SAME_UPPER), {E_PE0, -1}}, IN1, NOSZ, GOOD1(10)},
    {L, "EXPLICIT: padding_end[1], [2] past spatial_dims -1 and INT64_MIN, ignored",
     {KIND(EXPLICIT), {E_PE0, 2}, {E_PE1, -1}, {E_PE2, MIN}}, IN1, NOSZ, GOOD1(9)},
    {L, "EXPLICIT: padding_end[1], [2] INT64_MAX, ignored", {KIND(EXPLICIT), {E_PE1, MAX},
     {E_PE2, MAX}, {E_P1, MAX}}, IN1, NOSZ, GOOD1(11)},

    /* output_padding under the ONNX kinds */
    {L, "EXPLICIT output_padding 1", {KIND(EXPLICIT), {E_OP0, 1}}, IN1, NOSZ, GOOD1(12)},
    {L, "SAME_LOWER output_padding 1: T 2", {KIND(SAME_LOWER), {E_OP0, 1}}, IN1, NOSZ, GOOD1(10)},
    {L, "EXPLICIT output_padding 2 = stride", {KIND(EXPLICIT), {E_OP0, 2}}, IN1, NOSZ,
     BAD(INV, AT_CREATE, ONNX_OP "EXPLICIT), but got output_padding_width: 2 stride_width: 2")},
    {L, "EXPLICIT output_padding 2 < dilation 3, >= stride 1", {KIND(EXPLICIT), {E_S0, 1},
     {E_D0, 3}, {E_OP0, 2}}, IN1, NOSZ,
     BAD(INV, AT_CREATE, ONNX_OP "EXPLICIT), but got output_padding_width: 2 stride_width: 1")},
    {L, "SAME_UPPER output_padding 2 < dilation 3, >= stride 1", {KIND(SAME_UPPER), {E_S0, 1},
     {E_D0, 3}, {E_OP0, 2}}, IN1, NOSZ, BAD(INV, AT_CREATE, ONNX_OP "SAME_UPPER)")},
    {L, "SAME_LOWER output_padding 2 < dilation 3, >= stride 1", {KIND(SAME_LOWER), {E_S0, 1},
     {E_D0, 3}, {E_OP0, 2}}, IN1, NOSZ, BAD(INV, AT_CREATE, ONNX_OP "SAME_LOWER)")},
    {L, "VALID output_padding 2 < dilation 3, >= stride 1", {KIND(VALID), {E_S0, 1}, {E_D0, 3},
     {E_OP0, 2}}, IN1, NOSZ, BAD(INV, AT_CREATE, ONNX_OP "VALID)")},
    {L, "VALID output_padding -1", {KIND(VALID), {E_OP0, -1}}, IN1, NOSZ,
     BAD(INV, AT_CREATE, "output_padding_width: -1")},
    {L, "SAME_UPPER output_padding INT64_MAX", {KIND(SAME_UPPER), {E_OP0, MAX}}, IN1, NOSZ,
     BAD(INV, AT_CREATE, "output_padding_width: " SMAX)},

    /* output_size under the ONNX kinds: 1..12 */
    {L, "EXPLICIT output_size 0", {KIND(EXPLICIT)}, IN1, SZ1(0),
     BAD(INV, AT_SHAPE, "requested an output size of [0], but valid sizes range from [1] to [12] "
                        "(for an input of [5])")},
    {L, "EXPLICIT output_size 1", {KIND(EXPLICIT)}, IN1, SZ1(1), GOOD1(1)},
    {L, "EXPLICIT output_size 12 (the largest)", {KIND(EXPLICIT)}, IN1, SZ1(12), GOOD1(12)},
    {L, "EXPLICIT output_size 13", {KIND(EXPLICIT)}, IN1, SZ1(13),
     BAD(INV, AT_SHAPE, "output size of [13]|from [1] to [12]")},
    {L, "SAME_UPPER output_size 0", {KIND(SAME_UPPER)}, IN1, SZ1(0),
     BAD(INV, AT_SHAPE, "output size of [0]")},
    {L, "SAME_UPPER output_size 1", {KIND(SAME_UPPER)}, IN1, SZ1(1), GOOD1(1)},
    {L, "SAME_UPPER output_size 4: T 7, 3 at the begin", {KIND(SAME_UPPER)}, IN1, SZ1(4),
     GOOD1(4)},
    {L, "SAME_UPPER output_size 12", {KIND(SAME_UPPER)}, IN1, SZ1(12), GOOD1(12)},
    {L, "SAME_UPPER output_size 13", {KIND(SAME_UPPER)}, IN1, SZ1(13),
     BAD(INV, AT_SHAPE, "output size of [13]")},
    {L, "SAME_LOWER output_size 1", {KIND(SAME_LOWER)}, IN1, SZ1(1), GOOD1(1)},
    {L, "SAME_LOWER output_size 4: T 7, 4 at the begin", {KIND(SAME_LOWER)}, IN1, SZ1(4),
     GOOD1(4)},
    {L, "SAME_LOWER output_size 12", {KIND(SAME_LOWER)}, IN1, SZ1(12), GOOD1(12)},
    {L, "SAME_LOWER output_size -1", {KIND(SAME_LOWER)}, IN1, SZ1(-1),
     BAD(INV, AT_SHAPE, "output size of [-1]")},
    {L, "VALID output_size 1", {KIND(VALID)}, IN1, SZ1(1), GOOD1(1)},
    {L, "VALID output_size 12", {KIND(VALID)}, IN1, SZ1(12), GOOD1(12)},
    {L, "VALID output_size 13", {KIND(VALID)}, IN1, SZ1(13), BAD(INV, AT_SHAPE, "[13]")},
    {L, "VALID output_size INT64_MAX", {KIND(VALID)}, IN1, SZ1(MAX),
     BAD(INV, AT_SHAPE, "output size of [" SMAX "]")},
    {L, "EXPLICIT output_size ignores padding and padding_end", {KIND(EXPLICIT), {E_P0, 9},
     {E_PE0, 9}}, IN1, SZ1(6), GOOD1(6)},
    {L, "EXPLICIT stride 4, kernel 2: output_size 21 > full 18 (the largest)", {KIND(EXPLICIT),
     {E_S0, 4}, {E_K0, 2}}, IN1, SZ1(21), GOOD1(21)},
    {L, "EXPLICIT stride 4, kernel 2: output_size 22", {KIND(EXPLICIT), {E_S0, 4}, {E_K0, 2}}, IN1,
     SZ1(22), BAD(INV, AT_SHAPE, "output size of [22]|from [1] to [21]")},
    {L, "VALID dilation 3, output_padding 1: output_size 16 > full 15", {KIND(VALID), {E_D0, 3},
     {E_OP0, 1}}, IN1, SZ1(16), GOOD1(16)},
    {L, "EXPLICIT stride INT64_MAX, 1 pixel: output_size 2", {KIND(EXPLICIT), {E_S0, MAX}},
     {1, 4, 1}, SZ1(2), GOOD1(2)},
    {L, "SAME_UPPER stride INT64_MAX, 1 pixel: output_size 5 > full 3", {KIND(SAME_UPPER),
     {E_S0, MAX}}, {1, 4, 1}, SZ1(5), GOOD1(5)},
    {L, "N 0, VALID output_size 0", {KIND(VALID)}, {0, 4, 5}, SZ1(0),
     BAD(INV, AT_SHAPE, "output size of [0]"), NULL_BUFS},

    /* layout */
    {L, "CHANNELS_LAST (NLC)", {LAST}, IN1, NOSZ, GOOD1(11)},
    {L, "CHANNELS_LAST, N 3, output_size 12", {LAST}, {3, 4, 5}, SZ1(12), GOOD1(12)},
    {L, "CHANNELS_LAST, groups 2", {LAST, {E_GROUPS, 2}}, IN1, NOSZ, GOOD1(11)},
    {L, "CHANNELS_LAST, SUBPIXEL", {LAST, ALGO(SUBPIXEL)}, IN1, NOSZ, GOOD1(11), MAY_NOT_RUN},
    {L, "CHANNELS_LAST, DEPTHWISE", {LAST, ALGO(DEPTHWISE), {E_GROUPS, 4}, {E_OUT, 4}}, IN1, NOSZ,
     GOOD1(11)},
    {L, "CHANNELS_LAST, POINTWISE", {LAST, ALGO(POINTWISE), {E_K0, 1}, {E_S0, 1}}, IN1, NOSZ,
     GOOD1(5)},
    {L, "CHANNELS_LAST, AUTO, 2 threads, N 3", {LAST, ALGO(AUTO), {E_THREADS, 2}}, {3, 4, 5}, NOSZ,
     GOOD1(11)},
    {L, "layout 2", {{E_LAYOUT, 2}}, IN1, NOSZ,
     BAD(INV, AT_CREATE, "layout must be CONVT_LAYOUT_CHANNELS_FIRST (0) or "
                         "CONVT_LAYOUT_CHANNELS_LAST (1), but got layout: 2")},
    {L, "layout -1", {{E_LAYOUT, -1}}, IN1, NOSZ, BAD(INV, AT_CREATE, "layout: -1")},
    {L, "layout INT32_MAX", {{E_LAYOUT, INT32_MAX}}, IN1, NOSZ,
     BAD(INV, AT_CREATE, "layout: 2147483647")},
    {L, "layout INT32_MIN", {{E_LAYOUT, INT32_MIN}}, IN1, NOSZ,
     BAD(INV, AT_CREATE, "layout: -2147483648")},
    {L, "CHANNELS_LAST: NULL input", {LAST}, IN1, NOSZ, BAD_RUN1(11, INV, "input is NULL"),
     NULL_INPUT},
    {L, "CHANNELS_LAST: NULL output", {LAST}, IN1, NOSZ, BAD_RUN1(11, INV, "output is NULL"),
     NULL_OUTPUT},
    {L, "CHANNELS_LAST: N 0, NULL input and output", {LAST}, {0, 4, 5}, NOSZ, GOOD1(11),
     NULL_BUFS},
    {L, "CHANNELS_LAST: output_capacity one short", {LAST}, IN1, NOSZ,
     BAD_RUN1(11, INV, "output_capacity is 65 floats"), CAP_SHORT},
    {L, "CHANNELS_LAST: output_capacity 0", {LAST}, IN1, NOSZ,
     BAD_RUN1(11, INV, "output_capacity is 0 floats"), CAP_ZERO},
    {L, "CHANNELS_LAST: workspace exact (gemm)", {LAST, ALGO(GEMM_COL2IM)}, IN1, NOSZ, GOOD1(11),
     WS_EXACT},
    {L, "CHANNELS_LAST: workspace one byte short (gemm)", {LAST, ALGO(GEMM_COL2IM)}, IN1, NOSZ,
     BAD_RUN1(11, INV, "workspace_size is"), WS_SHORT},
    {L, "CHANNELS_LAST: workspace one byte short (reference)", {LAST, ALGO(REFERENCE)}, IN1, NOSZ,
     BAD_RUN1(11, INV, "workspace_size is"), WS_SHORT},
    {L, "CHANNELS_LAST: workspace one byte short (subpixel)", {LAST, ALGO(SUBPIXEL)}, IN1, NOSZ,
     BAD_RUN1(11, INV, "workspace_size is"), WS_SHORT | MAY_NOT_RUN},

    /* activation */
    {L, "RELU", {ACT(RELU)}, IN1, NOSZ, GOOD1(11)},
    {L, "LEAKY_RELU 0.2", {ACT(LEAKY_RELU), ALPHA(0.2)}, IN1, NOSZ, GOOD1(11)},
    {L, "CLAMP [-1, 1]", {ACT(CLAMP), ALPHA(-1), BETA(1)}, IN1, NOSZ, GOOD1(11)},
    {L, "TANH", {ACT(TANH)}, IN1, NOSZ, GOOD1(11)},
    {L, "SIGMOID", {ACT(SIGMOID)}, IN1, NOSZ, GOOD1(11)},
    {L, "ELU 1", {ACT(ELU), ALPHA(1)}, IN1, NOSZ, GOOD1(11)},
    {L, "GELU", {ACT(GELU)}, IN1, NOSZ, GOOD1(11)},
    {L, "activation -1", {{E_ACT, -1}}, IN1, NOSZ,
     BAD(INV, AT_CREATE, "activation must be a CONVT_ACTIVATION_* value (NONE 0, RELU 1, "
                         "LEAKY_RELU 2, CLAMP 3, TANH 4, SIGMOID 5, ELU 6, GELU 7), but got "
                         "activation: -1")},
    {L, "activation 8", {{E_ACT, 8}}, IN1, NOSZ, BAD(INV, AT_CREATE, "activation: 8")},
    {L, "activation INT32_MAX", {{E_ACT, INT32_MAX}}, IN1, NOSZ,
     BAD(INV, AT_CREATE, "activation: 2147483647")},
    {L, "activation INT32_MIN", {{E_ACT, INT32_MIN}}, IN1, NOSZ,
     BAD(INV, AT_CREATE, "activation: -2147483648")},
    {L, "LEAKY_RELU alpha NaN", {ACT(LEAKY_RELU), ALPHA(NAN)}, IN1, NOSZ,
     BAD(INV, AT_CREATE, "for LEAKY_RELU, but got activation_alpha: nan")},
    {L, "CLAMP alpha NaN", {ACT(CLAMP), ALPHA(NAN)}, IN1, NOSZ,
     BAD(INV, AT_CREATE, "for CLAMP, but got activation_alpha: nan")},
    {L, "ELU alpha NaN", {ACT(ELU), ALPHA(NAN)}, IN1, NOSZ,
     BAD(INV, AT_CREATE, "for ELU, but got activation_alpha: nan")},
    {L, "CLAMP beta NaN", {ACT(CLAMP), BETA(NAN)}, IN1, NOSZ,
     BAD(INV, AT_CREATE, "activation_beta must be a number for CLAMP, but got activation_beta: "
                         "nan")},
    {L, "CLAMP alpha 0.25 > beta -0.25", {ACT(CLAMP), ALPHA(0.25), BETA(-0.25)}, IN1, NOSZ,
     BAD(INV, AT_CREATE, "activation_alpha: 0.25 activation_beta: -0.25")},
    {L, "CLAMP alpha +inf > beta 1", {ACT(CLAMP), ALPHA(INF), BETA(1)}, IN1, NOSZ,
     BAD(INV, AT_CREATE, "activation_alpha: inf activation_beta: 1")},
    {L, "CLAMP [-inf, 0.5]", {ACT(CLAMP), ALPHA(-INF), BETA(0.5)}, IN1, NOSZ, GOOD1(11)},
    {L, "CLAMP [-0.5, +inf]", {ACT(CLAMP), ALPHA(-0.5), BETA(INF)}, IN1, NOSZ, GOOD1(11)},
    {L, "CLAMP [+inf, +inf]", {ACT(CLAMP), ALPHA(INF), BETA(INF)}, IN1, NOSZ, GOOD1(11)},
    {L, "LEAKY_RELU alpha -inf", {ACT(LEAKY_RELU), ALPHA(-INF)}, IN1, NOSZ, GOOD1(11)},
    {L, "ELU alpha -inf", {ACT(ELU), ALPHA(-INF)}, IN1, NOSZ, GOOD1(11)},
    {L, "SIGMOID ignores alpha and beta NaN", {ACT(SIGMOID), ALPHA(NAN), BETA(NAN)}, IN1, NOSZ,
     GOOD1(11)},

    /* together */
    {L, "EXPLICIT (3, 2), CHANNELS_LAST, ELU, N 2", {KIND(EXPLICIT), {E_P0, 3}, {E_PE0, 2}, LAST,
     ACT(ELU), ALPHA(1)}, {2, 4, 5}, NOSZ, GOOD1(6)},
    {L, "SAME_UPPER, CHANNELS_LAST, TANH, depthwise, DEPTHWISE", {KIND(SAME_UPPER), LAST,
     ACT(TANH), {E_GROUPS, 4}, {E_OUT, 4}, ALGO(DEPTHWISE)}, IN1, NOSZ, GOOD1(10)},
    {L, "SAME_LOWER, output_size past full, GELU, SUBPIXEL", {KIND(SAME_LOWER), ACT(GELU),
     ALGO(SUBPIXEL)}, IN1, SZ1(12), GOOD1(12), MAY_NOT_RUN},
};

/* ---- 3-D: BASE with spatial_dims 3; (1, 4, 2, 3, 4) -> (1, 6, 5, 7, 9), output_size 5..6,
 * 7..8, 9..10. Entries 0, 1, 2 are depth, height, width. ---- */
static const run_case CASES_3D[] = {
    {L, "base layer", {{E_END}}, IN3, NOSZ, GOOD3(5, 7, 9)},

    /* channels and groups */
    {L, "in_channels -1", {{E_IN, -1}}, IN3, NOSZ, BAD(INV, AT_CREATE, "in_channels: -1")},
    {L, "in_channels 2^40", {{E_IN, P40}}, IN3, NOSZ,
     BAD(UNS, AT_CREATE, "in_channels/groups = " S40 "|BLAS int")},
    {L, "out_channels 0", {{E_OUT, 0}}, IN3, NOSZ, BAD(INV, AT_CREATE, "out_channels: 0")},
    {L, "out_channels 2^31", {{E_OUT, P31}}, IN3, NOSZ,
     BAD(UNS, AT_CREATE, "out_channels/groups * kernel size = 57982058496|BLAS int")},
    {L, "out_channels INT64_MAX", {{E_OUT, MAX}}, IN3, NOSZ,
     BAD(OVF, AT_CREATE, "weight size|overflow")},
    {L, "groups 4 does not divide out_channels 6", {{E_GROUPS, 4}}, IN3, NOSZ,
     BAD(INV, AT_CREATE, "out_channels must be divisible by groups, but got out_channels: 6 "
                         "groups: 4")},
    {L, "groups 2", {{E_GROUPS, 2}}, IN3, NOSZ, GOOD3(5, 7, 9)},
    {L, "groups 4 = in = out (depthwise)", {{E_GROUPS, 4}, {E_OUT, 4}}, IN3, NOSZ, GOOD3(5, 7, 9)},

    /* kernel_size per dimension */
    {L, "kernel_d 0", {{E_K0, 0}}, IN3, NOSZ,
     BAD(INV, AT_CREATE, "kernel size should be greater than zero, but got kernel_depth: 0 "
                         "kernel_height: 3 kernel_width: 3")},
    {L, "kernel_h 0", {{E_K1, 0}}, IN3, NOSZ,
     BAD(INV, AT_CREATE, "kernel_depth: 3 kernel_height: 0 kernel_width: 3")},
    {L, "kernel_w -1", {{E_K2, -1}}, IN3, NOSZ,
     BAD(INV, AT_CREATE, "kernel_depth: 3 kernel_height: 3 kernel_width: -1")},
    {L, "kernel_d 1", {{E_K0, 1}}, IN3, NOSZ, GOOD3(3, 7, 9)},
    {L, "kernel_h 1", {{E_K1, 1}}, IN3, NOSZ, GOOD3(5, 5, 9)},
    {L, "kernel_w 1", {{E_K2, 1}}, IN3, NOSZ, GOOD3(5, 7, 7)},
    {L, "kernel_d 2^31", {{E_K0, P31}}, IN3, NOSZ,
     BAD(UNS, AT_CREATE, "kernel size = 115964116992|BLAS int")},
    {L, "kernel_h 2^31", {{E_K1, P31}}, IN3, NOSZ,
     BAD(UNS, AT_CREATE, "kernel size = 115964116992|BLAS int")},
    {L, "kernel_w 2^40", {{E_K2, P40}}, IN3, NOSZ,
     BAD(UNS, AT_CREATE, "kernel size = 59373627899904|BLAS int")},
    {L, "kernel_d INT64_MAX", {{E_K0, MAX}}, IN3, NOSZ,
     BAD(OVF, AT_CREATE, "kernel size|overflow")},
    {L, "kernel_w INT64_MAX", {{E_K2, MAX}}, IN3, NOSZ,
     BAD(OVF, AT_CREATE, "kernel size|overflow")},
    {L, "kernel_h INT64_MIN", {{E_K1, MIN}}, IN3, NOSZ,
     BAD(INV, AT_CREATE, "kernel_height: " SMIN)},

    /* stride per dimension */
    {L, "stride_d 0", {{E_S0, 0}}, IN3, NOSZ,
     BAD(INV, AT_CREATE, "stride should be greater than zero, but got stride_depth: 0 "
                         "stride_height: 2 stride_width: 2")},
    {L, "stride_h -1", {{E_S1, -1}}, IN3, NOSZ, BAD(INV, AT_CREATE, "stride_height: -1")},
    {L, "stride_w INT64_MIN", {{E_S2, MIN}}, IN3, NOSZ,
     BAD(INV, AT_CREATE, "stride_width: " SMIN)},
    {L, "stride_d 1", {{E_S0, 1}}, IN3, NOSZ, GOOD3(4, 7, 9)},
    {L, "stride_h 1", {{E_S1, 1}}, IN3, NOSZ, GOOD3(5, 5, 9)},
    {L, "stride_w 1", {{E_S2, 1}}, IN3, NOSZ, GOOD3(5, 7, 6)},
    {L, "stride_d 2^31", {{E_S0, P31}}, IN3, NOSZ, BAD_RUN3(P31 + 3, 7, 9, INV, TOO_BIG)},
    {L, "stride_h 2^31", {{E_S1, P31}}, IN3, NOSZ, BAD_RUN3(5, 2 * P31 + 3, 9, INV, TOO_BIG)},
    {L, "stride_w 2^40", {{E_S2, P40}}, IN3, NOSZ, BAD_RUN3(5, 7, 3 * P40 + 3, INV, TOO_BIG)},
    {L, "stride_d INT64_MAX", {{E_S0, MAX}}, IN3, NOSZ, BAD(OVF, AT_SHAPE, "output size|overflow")},
    {L, "stride_h INT64_MAX", {{E_S1, MAX}}, IN3, NOSZ,
     BAD(OVF, AT_SHAPE, "(input - 1) * stride|overflow")},
    {L, "stride_w INT64_MAX", {{E_S2, MAX}}, IN3, NOSZ,
     BAD(OVF, AT_SHAPE, "(input - 1) * stride|overflow")},

    /* padding per dimension: out - 2*padding */
    {L, "padding_d -1", {{E_P0, -1}}, IN3, NOSZ,
     BAD(INV, AT_CREATE, "negative padding is not supported, but got padding_depth: -1 "
                         "padding_height: 0 padding_width: 0")},
    {L, "padding_w INT64_MIN", {{E_P2, MIN}}, IN3, NOSZ,
     BAD(INV, AT_CREATE, "padding_width: " SMIN)},
    {L, "padding_d 1", {{E_P0, 1}}, IN3, NOSZ, GOOD3(3, 7, 9)},
    {L, "padding_h 1", {{E_P1, 1}}, IN3, NOSZ, GOOD3(5, 5, 9)},
    {L, "padding_w 4: one pixel wide", {{E_P2, 4}}, IN3, NOSZ, GOOD3(5, 7, 1)},
    {L, "padding_d 3: output too small", {{E_P0, 3}}, IN3, NOSZ,
     BAD(INV, AT_SHAPE, "Given input size per channel: (2 x 3 x 4). Calculated output size per "
                        "channel: (-1 x 7 x 9). Output size is too small")},
    {L, "padding_d 2^31", {{E_P0, P31}}, IN3, NOSZ,
     BAD(INV, AT_SHAPE, "Output size is too small|(-4294967291 x 7 x 9)")},
    {L, "padding_h 2^31", {{E_P1, P31}}, IN3, NOSZ,
     BAD(INV, AT_SHAPE, "Output size is too small|(5 x -4294967289 x 9)")},
    {L, "padding_w 2^40", {{E_P2, P40}}, IN3, NOSZ,
     BAD(INV, AT_SHAPE, "Output size is too small|(5 x 7 x -2199023255543)")},
    {L, "padding_h INT64_MAX", {{E_P1, MAX}}, IN3, NOSZ,
     BAD(OVF, AT_CREATE, "2 * padding|overflow")},

    /* output_padding per dimension */
    {L, "output_padding_d 1", {{E_OP0, 1}}, IN3, NOSZ, GOOD3(6, 7, 9)},
    {L, "output_padding_h 1", {{E_OP1, 1}}, IN3, NOSZ, GOOD3(5, 8, 9)},
    {L, "output_padding_w 1", {{E_OP2, 1}}, IN3, NOSZ, GOOD3(5, 7, 10)},
    {L, "output_padding 1 1 1", {{E_OP0, 1}, {E_OP1, 1}, {E_OP2, 1}}, IN3, NOSZ, GOOD3(6, 8, 10)},
    {L, "output_padding_d 2 (= stride 2, > dilation 1)", {{E_OP0, 2}}, IN3, NOSZ,
     BAD(INV, AT_SHAPE, "output padding must be smaller than either stride or dilation, but got "
                        "output_padding_depth: 2 output_padding_height: 0 output_padding_width: 0 "
                        "stride_depth: 2 stride_height: 2 stride_width: 2 dilation_depth: 1 "
                        "dilation_height: 1 dilation_width: 1")},
    {L, "output_padding_h 2^31", {{E_OP1, P31}}, IN3, NOSZ,
     BAD(INV, AT_SHAPE, "stride or dilation|output_padding_height: " S31)},
    {L, "output_padding_w INT64_MAX", {{E_OP2, MAX}}, IN3, NOSZ,
     BAD(INV, AT_SHAPE, "stride or dilation|output_padding_width: " SMAX)},
    {L, "output_padding_w -1", {{E_OP2, -1}}, IN3, NOSZ,
     BAD(INV, AT_SHAPE, "negative output_padding is not supported, but got output_padding_depth: "
                        "0 output_padding_height: 0 output_padding_width: -1")},
    {L, "output_padding_d INT64_MIN", {{E_OP0, MIN}}, IN3, NOSZ,
     BAD(INV, AT_SHAPE, "negative output_padding|output_padding_depth: " SMIN)},
    {L, "output_padding_w 2 < dilation 3, stride 1", {{E_S2, 1}, {E_D2, 3}, {E_OP2, 2}}, IN3, NOSZ,
     GOOD3(5, 7, 12)},
    {L, "output_padding_h 3 = dilation 3 > stride 1", {{E_S1, 1}, {E_D1, 3}, {E_OP1, 3}}, IN3,
     NOSZ, BAD(INV, AT_SHAPE, "output_padding_height: 3|stride_height: 1|dilation_height: 3")},
    {L, "invalid output_padding is ignored with output_size", {{E_OP1, 5}}, IN3, SZ3(5, 8, 9),
     GOOD3(5, 8, 9)},
    {L, "output_padding INT64_MIN x3 ignored with output_size",
     {{E_OP0, MIN}, {E_OP1, MIN}, {E_OP2, MIN}}, IN3, SZ3(6, 8, 10), GOOD3(6, 8, 10)},

    /* dilation per dimension: out + 2*(dilation - 1) */
    {L, "dilation_d 0", {{E_D0, 0}}, IN3, NOSZ,
     BAD(INV, AT_CREATE, "dilation should be greater than zero, but got dilation_depth: 0 "
                         "dilation_height: 1 dilation_width: 1")},
    {L, "dilation_w -1", {{E_D2, -1}}, IN3, NOSZ, BAD(INV, AT_CREATE, "dilation_width: -1")},
    {L, "dilation_h 2", {{E_D1, 2}}, IN3, NOSZ, GOOD3(5, 9, 9)},
    {L, "dilation_d 2^31", {{E_D0, P31}}, IN3, NOSZ, BAD_RUN3(2 * P31 + 3, 7, 9, INV, TOO_BIG)},
    {L, "dilation_h 2^40", {{E_D1, P40}}, IN3, NOSZ, BAD_RUN3(5, 2 * P40 + 5, 9, INV, TOO_BIG)},
    {L, "dilation_w INT64_MAX", {{E_D2, MAX}}, IN3, NOSZ,
     BAD(OVF, AT_CREATE, "dilation * (kernel_size - 1)|overflow")},
    {L, "dilation_d INT64_MIN", {{E_D0, MIN}}, IN3, NOSZ,
     BAD(INV, AT_CREATE, "dilation_depth: " SMIN)},

    /* algorithms and threads (sub-pixel, when it cannot run 3-D, is a skip) */
    {L, "num_threads 2", {{E_THREADS, 2}}, {2, 4, 2, 3, 4}, NOSZ, GOOD3(5, 7, 9)},
    {L, "algorithm AUTO", {{E_ALGO, CONVT_ALGORITHM_AUTO}}, IN3, NOSZ, GOOD3(5, 7, 9)},
    {L, "algorithm SUBPIXEL", {{E_ALGO, CONVT_ALGORITHM_SUBPIXEL}}, IN3, NOSZ, GOOD3(5, 7, 9),
     MAY_NOT_RUN},
    {L, "algorithm DEPTHWISE on a depthwise layer", {{E_ALGO, CONVT_ALGORITHM_DEPTHWISE},
     {E_GROUPS, 4}, {E_OUT, 4}}, IN3, NOSZ, GOOD3(5, 7, 9)},
    {L, "algorithm DEPTHWISE on a dense layer", {{E_ALGO, CONVT_ALGORITHM_DEPTHWISE}}, IN3, NOSZ,
     BAD(UNS, AT_CREATE, "algorithm depthwise cannot run this layer")},
    {L, "algorithm POINTWISE on a 1x1x1 layer", {{E_ALGO, CONVT_ALGORITHM_POINTWISE}, {E_K0, 1},
     {E_K1, 1}, {E_K2, 1}, {E_S0, 1}}, {1, 4, 2, 3, 4}, NOSZ, BAD(UNS, AT_CREATE,
     "algorithm pointwise cannot run this layer")}, /* strides (1, 2, 2) */
    {L, "algorithm POINTWISE on a kernel of 3 in W only", {{E_ALGO, CONVT_ALGORITHM_POINTWISE},
     {E_K0, 1}, {E_K1, 1}, {E_S0, 1}, {E_S1, 1}}, IN3, NOSZ,
     BAD(UNS, AT_CREATE, "algorithm pointwise cannot run this layer")},

    /* input_shape N, C, D, H, W */
    {L, "N 0: empty output, nothing written", {{E_END}}, {0, 4, 2, 3, 4}, NOSZ, GOOD3(5, 7, 9)},
    {L, "N 0, NULL input and output", {{E_END}}, {0, 4, 2, 3, 4}, NOSZ, GOOD3(5, 7, 9), NULL_BUFS},
    {L, "N -1", {{E_END}}, {-1, 4, 2, 3, 4}, NOSZ,
     BAD(INV, AT_SHAPE, "batch size must be >= 0, but got input[-1, 4, 2, 3, 4]")},
    {L, "N 2^40", {{E_END}}, {P40, 4, 2, 3, 4}, NOSZ, BAD_RUN3(5, 7, 9, INV, TOO_BIG)},
    {L, "N INT64_MAX", {{E_END}}, {MAX, 4, 2, 3, 4}, NOSZ,
     BAD(OVF, AT_SHAPE, "input size|overflow")},
    {L, "C 5", {{E_END}}, {1, 5, 2, 3, 4}, NOSZ,
     BAD(INV, AT_SHAPE, "Given transposed=1, weight of size [4, 6, 3, 3, 3], expected input[1, 5, "
                        "2, 3, 4] to have 4 channels, but got 5 channels instead")},
    {L, "C INT64_MIN", {{E_END}}, {1, MIN, 2, 3, 4}, NOSZ,
     BAD(INV, AT_SHAPE, "but got " SMIN " channels")},
    {L, "D 0", {{E_END}}, {1, 4, 0, 3, 4}, NOSZ,
     BAD(INV, AT_SHAPE, "input depth, height and width must be at least 1, but got input[1, 4, 0, "
                        "3, 4]")},
    {L, "H -1", {{E_END}}, {1, 4, 2, -1, 4}, NOSZ,
     BAD(INV, AT_SHAPE, "input depth, height and width|input[1, 4, 2, -1, 4]")},
    {L, "W INT64_MIN", {{E_END}}, {1, 4, 2, 3, MIN}, NOSZ,
     BAD(INV, AT_SHAPE, "input depth, height and width|input[1, 4, 2, 3, " SMIN "]")},
    {L, "D 1", {{E_END}}, {1, 4, 1, 3, 4}, NOSZ, GOOD3(3, 7, 9)},
    {L, "H 1", {{E_END}}, {1, 4, 2, 1, 4}, NOSZ, GOOD3(5, 3, 9)},
    {L, "W 1", {{E_END}}, {1, 4, 2, 3, 1}, NOSZ, GOOD3(5, 7, 3)},
    {L, "D 2^31", {{E_END}}, {1, 4, P31, 3, 4}, NOSZ,
     BAD(UNS, AT_SHAPE, "input size per channel (" S31 " x 3 x 4) = 25769803776 must be at most "
                        "2147483647")},
    {L, "H 2^31", {{E_END}}, {1, 4, 2, P31, 4}, NOSZ,
     BAD(UNS, AT_SHAPE, "input size per channel|= 17179869184|BLAS int")},
    {L, "W 2^40", {{E_END}}, {1, 4, 2, 3, P40}, NOSZ,
     BAD(UNS, AT_SHAPE, "input size per channel|= 6597069766656|BLAS int")},
    {L, "D INT64_MAX", {{E_END}}, {1, 4, MAX, 3, 4}, NOSZ,
     BAD(OVF, AT_SHAPE, "(input - 1) * stride|overflow")},
    {L, "W INT64_MAX", {{E_END}}, {1, 4, 2, 3, MAX}, NOSZ,
     BAD(OVF, AT_SHAPE, "(input - 1) * stride|overflow")},

    /* output_size: per dimension, each end of its range */
    {L, "output_size D 4 (min - 1)", {{E_END}}, IN3, SZ3(4, 7, 9),
     BAD(INV, AT_SHAPE, "requested an output size of [4, 7, 9], but valid sizes range from [5, 7, "
                        "9] to [6, 8, 10] (for an input of [2, 3, 4])")},
    {L, "output_size D 5 (min)", {{E_END}}, IN3, SZ3(5, 7, 9), GOOD3(5, 7, 9)},
    {L, "output_size D 6 (max)", {{E_END}}, IN3, SZ3(6, 7, 9), GOOD3(6, 7, 9)},
    {L, "output_size D 7 (max + 1)", {{E_END}}, IN3, SZ3(7, 7, 9),
     BAD(INV, AT_SHAPE, "output size of [7, 7, 9]|from [5, 7, 9] to [6, 8, 10]")},
    {L, "output_size H 6 (min - 1)", {{E_END}}, IN3, SZ3(5, 6, 9),
     BAD(INV, AT_SHAPE, "output size of [5, 6, 9]|from [5, 7, 9] to [6, 8, 10]")},
    {L, "output_size H 8 (max)", {{E_END}}, IN3, SZ3(5, 8, 9), GOOD3(5, 8, 9)},
    {L, "output_size H 9 (max + 1)", {{E_END}}, IN3, SZ3(5, 9, 9),
     BAD(INV, AT_SHAPE, "output size of [5, 9, 9]")},
    {L, "output_size W 8 (min - 1)", {{E_END}}, IN3, SZ3(5, 7, 8),
     BAD(INV, AT_SHAPE, "output size of [5, 7, 8]")},
    {L, "output_size W 10 (max)", {{E_END}}, IN3, SZ3(5, 7, 10), GOOD3(5, 7, 10)},
    {L, "output_size W 11 (max + 1)", {{E_END}}, IN3, SZ3(5, 7, 11),
     BAD(INV, AT_SHAPE, "output size of [5, 7, 11]")},
    {L, "output_size every max", {{E_END}}, IN3, SZ3(6, 8, 10), GOOD3(6, 8, 10)},
    {L, "output_size D 0", {{E_END}}, IN3, SZ3(0, 7, 9),
     BAD(INV, AT_SHAPE, "output size of [0, 7, 9]")},
    {L, "output_size H -1", {{E_END}}, IN3, SZ3(5, -1, 9),
     BAD(INV, AT_SHAPE, "output size of [5, -1, 9]")},
    {L, "output_size W 2^31", {{E_END}}, IN3, SZ3(5, 7, P31),
     BAD(INV, AT_SHAPE, "output size of [5, 7, " S31 "]")},
    {L, "output_size D 2^40", {{E_END}}, IN3, SZ3(P40, 7, 9),
     BAD(INV, AT_SHAPE, "output size of [" S40 ", 7, 9]")},
    {L, "output_size H INT64_MAX", {{E_END}}, IN3, SZ3(5, MAX, 9),
     BAD(INV, AT_SHAPE, "output size of [5, " SMAX ", 9]")},
    {L, "output_size W INT64_MIN", {{E_END}}, IN3, SZ3(5, 7, MIN),
     BAD(INV, AT_SHAPE, "output size of [5, 7, " SMIN "]")},
    /* H: kernel 1, stride 3, padding 2 on 2 rows: min 0, so 1..2 are valid */
    {L, "min H 0 without output_size", {{E_K1, 1}, {E_S1, 3}, {E_P1, 2}}, {1, 4, 2, 2, 4}, NOSZ,
     BAD(INV, AT_SHAPE, "Output size is too small|(5 x 0 x 9)")},
    {L, "min H 0: output_size 0", {{E_K1, 1}, {E_S1, 3}, {E_P1, 2}}, {1, 4, 2, 2, 4}, SZ3(5, 0, 9),
     BAD(INV, AT_SHAPE, "output size of [5, 0, 9]|from [5, 1, 9] to [6, 2, 10]")},
    {L, "min H 0: output_size 1", {{E_K1, 1}, {E_S1, 3}, {E_P1, 2}}, {1, 4, 2, 2, 4}, SZ3(5, 1, 9),
     GOOD3(5, 1, 9)},
    {L, "min H 0: output_size 2", {{E_K1, 1}, {E_S1, 3}, {E_P1, 2}}, {1, 4, 2, 2, 4}, SZ3(6, 2, 10),
     GOOD3(6, 2, 10)},
    /* stride INT64_MAX on one column: min 3, max beyond int64 */
    {L, "stride_w INT64_MAX, 1 column, output_size min", {{E_S2, MAX}}, {1, 4, 2, 3, 1},
     SZ3(5, 7, 3), GOOD3(5, 7, 3)},
    {L, "stride_w INT64_MAX, 1 column, output_size min + 1", {{E_S2, MAX}}, {1, 4, 2, 3, 1},
     SZ3(5, 7, 4), GOOD3(5, 7, 4)},

    /* legal layers with huge parameters (run and compared with REFERENCE) */
    {L, "dilation_d INT64_MAX, kernel_d 1: extent 1", {{E_D0, MAX}, {E_K0, 1}}, IN3, NOSZ,
     GOOD3(3, 7, 9)},
    {L, "dilation_h 2^40 and padding_h 2^40 cancel", {{E_D1, P40}, {E_P1, P40}}, IN3, NOSZ,
     GOOD3(5, 5, 9)},
    {L, "stride_w INT64_MAX, padding 2, kernel 5, 1 column", {{E_S2, MAX}, {E_P2, 2}, {E_K2, 5}},
     {1, 4, 2, 3, 1}, NOSZ, GOOD3(5, 7, 1)},
    {L, "stride_d INT64_MAX, padding INT64_MAX/2, depth 2", {{E_S0, MAX}, {E_P0, MAX / 2}}, IN3,
     NOSZ, GOOD3(4, 7, 9)},

    /* sizes that overflow int64 or size_t although each dimension fits */
    {L, "weight elements overflow int64", {{E_IN, (int64_t)1 << 32}, {E_OUT, (int64_t)1 << 32},
     {E_K0, 1}, {E_K1, 1}, {E_K2, 1}}, IN3, NOSZ, BAD(OVF, AT_CREATE, "weight size|overflow")},
    {L, "kernel volume 2^22 x 2^22 x 2^22 overflows",
     {{E_K0, (int64_t)1 << 22}, {E_K1, (int64_t)1 << 22}, {E_K2, (int64_t)1 << 22}}, IN3, NOSZ,
     BAD(OVF, AT_CREATE, "kernel size overflows")},
    {L, "kernel volume 2^11 x 2^11 x 2^10: beyond a BLAS int",
     {{E_K0, 1 << 11}, {E_K1, 1 << 11}, {E_K2, 1 << 10}}, IN3, NOSZ,
     BAD(UNS, AT_CREATE, "kernel size = 25769803776|BLAS int")},
    {L, "input volume 2^22 x 2^22 x 2^22 overflows", {{E_END}},
     {1, 4, (int64_t)1 << 22, (int64_t)1 << 22, (int64_t)1 << 22}, NOSZ,
     BAD(OVF, AT_SHAPE, "input size per channel overflows")},
    {L, "input C * volume 4 x 2^61 overflows", {{E_END}},
     {1, 4, (int64_t)1 << 20, (int64_t)1 << 20, (int64_t)1 << 21}, NOSZ,
     BAD(OVF, AT_SHAPE, "input size overflows")},
    {L, "input bytes 4 x 2^60 x 4 overflow size_t", {{E_END}},
     {1, 4, (int64_t)1 << 20, (int64_t)1 << 20, (int64_t)1 << 20}, NOSZ,
     BAD(OVF, AT_SHAPE, "input size in bytes|overflow")},
    {L, "input volume 2^11 x 2^11 x 2^11: beyond a BLAS int", {{E_END}}, {1, 4, 2048, 2048, 2048},
     NOSZ, BAD(UNS, AT_SHAPE, "input size per channel (2048 x 2048 x 2048) = 8589934592")},
    {L, "strides 2^21: output volume overflows",
     {{E_S0, (int64_t)1 << 21}, {E_S1, (int64_t)1 << 21}, {E_S2, (int64_t)1 << 21}}, IN3, NOSZ,
     BAD(OVF, AT_SHAPE, "output size per channel overflows")},
    {L, "strides 2^20: output elements overflow",
     {{E_S0, (int64_t)1 << 20}, {E_S1, (int64_t)1 << 20}, {E_S2, (int64_t)1 << 20}}, IN3, NOSZ,
     BAD(OVF, AT_SHAPE, "output size overflows")},
    {L, "strides 2^19: output bytes overflow size_t",
     {{E_S0, (int64_t)1 << 19}, {E_S1, (int64_t)1 << 19}, {E_S2, (int64_t)1 << 19}}, IN3, NOSZ,
     BAD(OVF, AT_SHAPE, "output size in bytes|overflow")},
    {L, "N 2^52: output bytes overflow size_t", {{E_END}}, {(int64_t)1 << 52, 4, 2, 3, 4}, NOSZ,
     BAD(OVF, AT_SHAPE, "output size in bytes|overflow")},
    {L, "N 2^53: output elements overflow int64", {{E_END}}, {(int64_t)1 << 53, 4, 2, 3, 4}, NOSZ,
     BAD(OVF, AT_SHAPE, "output size overflows")},
    {L, "N 2^56: input bytes overflow size_t", {{E_END}}, {(int64_t)1 << 56, 4, 2, 3, 4}, NOSZ,
     BAD(OVF, AT_SHAPE, "input size in bytes|overflow")},
    {L, "N 2^57: input elements overflow int64", {{E_END}}, {(int64_t)1 << 57, 4, 2, 3, 4}, NOSZ,
     BAD(OVF, AT_SHAPE, "input size overflows")},
    {L, "N 0, input volume overflows", {{E_END}},
     {0, 4, (int64_t)1 << 22, (int64_t)1 << 22, (int64_t)1 << 22}, NOSZ,
     BAD(OVF, AT_SHAPE, "input size per channel overflows"), NULL_BUFS},
    {L, "N 0, output volume overflows",
     {{E_S0, (int64_t)1 << 21}, {E_S1, (int64_t)1 << 21}, {E_S2, (int64_t)1 << 21}},
     {0, 4, 2, 3, 4}, NOSZ, BAD(OVF, AT_SHAPE, "output size per channel overflows"), NULL_BUFS},
    {L, "N 0, wrong channels", {{E_END}}, {0, 3, 2, 3, 4}, NOSZ,
     BAD(INV, AT_SHAPE, "to have 4 channels, but got 3 channels"), NULL_BUFS},
    {L, "N 0 with output_size", {{E_END}}, {0, 4, 2, 3, 4}, SZ3(6, 8, 10), GOOD3(6, 8, 10),
     NULL_BUFS},

    /* buffers */
    {L, "output_capacity one short", {{E_END}}, IN3, NOSZ,
     BAD_RUN3(5, 7, 9, INV, "output_capacity is 1889 floats"), CAP_SHORT},
    {L, "output_capacity 0", {{E_END}}, IN3, NOSZ,
     BAD_RUN3(5, 7, 9, INV, "output_capacity is 0 floats"), CAP_ZERO},
    {L, "output_capacity one short, with output_size", {{E_END}}, IN3, SZ3(6, 8, 10),
     BAD_RUN3(6, 8, 10, INV, "output_capacity is 2879 floats"), CAP_SHORT},
    {L, "output_capacity one short, N 2", {{E_END}}, {2, 4, 2, 3, 4}, NOSZ,
     BAD_RUN3(5, 7, 9, INV, "output_capacity is 3779 floats"), CAP_SHORT},
    {L, "workspace exact (gemm)", {{E_ALGO, CONVT_ALGORITHM_GEMM_COL2IM}}, IN3, NOSZ,
     GOOD3(5, 7, 9), WS_EXACT},
    {L, "workspace one byte short (gemm)", {{E_ALGO, CONVT_ALGORITHM_GEMM_COL2IM}}, IN3, NOSZ,
     BAD_RUN3(5, 7, 9, INV, "workspace_size is"), WS_SHORT},
    {L, "workspace one byte short (gemm, 2 threads, N 2)",
     {{E_ALGO, CONVT_ALGORITHM_GEMM_COL2IM}, {E_THREADS, 2}}, {2, 4, 2, 3, 4}, NOSZ,
     BAD_RUN3(5, 7, 9, INV, "workspace_size is"), WS_SHORT},
    {L, "workspace one byte short (subpixel)", {{E_ALGO, CONVT_ALGORITHM_SUBPIXEL}}, IN3, NOSZ,
     BAD_RUN3(5, 7, 9, INV, "workspace_size is"), WS_SHORT | MAY_NOT_RUN},
    {L, "workspace one byte short (auto)", {{E_ALGO, CONVT_ALGORITHM_AUTO}}, IN3, NOSZ,
     BAD_RUN3(5, 7, 9, INV, "workspace_size is"), WS_SHORT},
    {L, "workspace pointer with size 0 (reference needs none)",
     {{E_ALGO, CONVT_ALGORITHM_REFERENCE}}, IN3, NOSZ, GOOD3(5, 7, 9), WS_ZERO},

    /* ==== The 0.4 fields: full (5, 7, 9), SAME_* (4, 6, 8), ONNX output_size from 1 to
     * (6, 8, 10) ==== */
    {L, "padding_kind EXPLICIT", {KIND(EXPLICIT)}, IN3, NOSZ, GOOD3(5, 7, 9)},
    {L, "padding_kind SAME_UPPER", {KIND(SAME_UPPER)}, IN3, NOSZ, GOOD3(4, 6, 8)},
    {L, "padding_kind SAME_LOWER", {KIND(SAME_LOWER)}, IN3, NOSZ, GOOD3(4, 6, 8)},
    {L, "padding_kind VALID", {KIND(VALID)}, IN3, NOSZ, GOOD3(5, 7, 9)},
    {L, "SAME_LOWER kernel_w 5, output_padding_d 1", {KIND(SAME_LOWER), {E_K2, 5}, {E_OP0, 1}},
     IN3, NOSZ, GOOD3(4, 6, 8)},
    {L, "SAME_UPPER stride_h 3: T 0, full 9", {KIND(SAME_UPPER), {E_S1, 3}}, IN3, NOSZ,
     GOOD3(4, 9, 8)},
    {L, "padding_kind -1", {{E_KIND, -1}}, IN3, NOSZ, BAD(INV, AT_CREATE, "padding_kind: -1")},
    {L, "padding_kind 5", {{E_KIND, 5}}, IN3, NOSZ, BAD(INV, AT_CREATE, "padding_kind: 5")},
    {L, "padding_kind INT32_MAX", {{E_KIND, INT32_MAX}}, IN3, NOSZ,
     BAD(INV, AT_CREATE, "padding_kind: 2147483647")},
    {L, "padding_kind INT32_MIN", {{E_KIND, INT32_MIN}}, IN3, NOSZ,
     BAD(INV, AT_CREATE, "padding_kind: -2147483648")},

    /* padding_end per dimension */
    {L, "EXPLICIT padding (1, 0, 2), padding_end (0, 3, 1)", {KIND(EXPLICIT), {E_P0, 1}, {E_P2, 2},
     {E_PE1, 3}, {E_PE2, 1}}, IN3, NOSZ, GOOD3(4, 4, 6)},
    {L, "EXPLICIT padding_end_d 4: depth 1", {KIND(EXPLICIT), {E_PE0, 4}}, IN3, NOSZ,
     GOOD3(1, 7, 9)},
    {L, "EXPLICIT padding_end_h 7: height 0", {KIND(EXPLICIT), {E_PE1, 7}}, IN3, NOSZ,
     BAD(INV, AT_SHAPE, "Given input size per channel: (2 x 3 x 4). Calculated output size per "
                        "channel: (5 x 0 x 9). Output size is too small (padding_kind EXPLICIT: "
                        "padding_depth: 0 padding_height: 0 padding_width: 0 padding_end_depth: 0 "
                        "padding_end_height: 7 padding_end_width: 0)")},
    {L, "EXPLICIT padding_w 5 + padding_end_w 5: width -1", {KIND(EXPLICIT), {E_P2, 5},
     {E_PE2, 5}}, IN3, NOSZ, BAD(INV, AT_SHAPE, "(5 x 7 x -1). Output size is too small")},
    {L, "EXPLICIT padding_end_d -1", {KIND(EXPLICIT), {E_PE0, -1}}, IN3, NOSZ,
     BAD(INV, AT_CREATE, "negative padding_end is not supported, but got padding_end_depth: -1 "
                         "padding_end_height: 0 padding_end_width: 0")},
    {L, "EXPLICIT padding_end_w INT64_MIN", {KIND(EXPLICIT), {E_PE2, MIN}}, IN3, NOSZ,
     BAD(INV, AT_CREATE, "padding_end_width: " SMIN)},
    {L, "EXPLICIT padding_end_h 2^40", {KIND(EXPLICIT), {E_PE1, P40}}, IN3, NOSZ,
     BAD(INV, AT_SHAPE, "(5 x -1099511627769 x 9)")},
    {L, "EXPLICIT padding_end_d INT64_MAX", {KIND(EXPLICIT), {E_PE0, MAX}}, IN3, NOSZ,
     BAD(INV, AT_SHAPE, "(-9223372036854775802 x 7 x 9)")},
    {L, "EXPLICIT padding_w 2 + padding_end_w INT64_MAX overflows", {KIND(EXPLICIT), {E_P2, 2},
     {E_PE2, MAX}}, IN3, NOSZ, BAD(OVF, AT_CREATE, "padding + padding_end|overflow")},
    {L, "EXPLICIT padding_d INT64_MAX + padding_end_d 1 overflows", {KIND(EXPLICIT), {E_P0, MAX},
     {E_PE0, 1}}, IN3, NOSZ, BAD(OVF, AT_CREATE, "padding + padding_end|overflow")},
    {L, "SYMMETRIC ignores padding_end", {{E_PE0, -1}, {E_PE1, MAX}, {E_PE2, MIN}}, IN3, NOSZ,
     GOOD3(5, 7, 9)},
    {L, "VALID ignores padding and padding_end", {KIND(VALID), {E_P1, -3}, {E_PE1, -3}}, IN3, NOSZ,
     GOOD3(5, 7, 9)},

    /* output_padding under the ONNX kinds */
    {L, "EXPLICIT output_padding (1, 1, 1)", {KIND(EXPLICIT), {E_OP0, 1}, {E_OP1, 1}, {E_OP2, 1}},
     IN3, NOSZ, GOOD3(6, 8, 10)},
    {L, "EXPLICIT output_padding_h 2 = stride", {KIND(EXPLICIT), {E_OP1, 2}}, IN3, NOSZ,
     BAD(INV, AT_CREATE, ONNX_OP "EXPLICIT), but got output_padding_depth: 0 "
                         "output_padding_height: 2 output_padding_width: 0 stride_depth: 2 "
                         "stride_height: 2 stride_width: 2")},
    {L, "EXPLICIT output_padding_d 2 < dilation 3, >= stride 1", {KIND(EXPLICIT), {E_S0, 1},
     {E_D0, 3}, {E_OP0, 2}}, IN3, NOSZ,
     BAD(INV, AT_CREATE, ONNX_OP "EXPLICIT)|output_padding_depth: 2|stride_depth: 1")},
    {L, "SAME_UPPER output_padding_h 2 < dilation 3, >= stride 1", {KIND(SAME_UPPER), {E_S1, 1},
     {E_D1, 3}, {E_OP1, 2}}, IN3, NOSZ,
     BAD(INV, AT_CREATE, ONNX_OP "SAME_UPPER)|output_padding_height: 2|stride_height: 1")},
    {L, "SAME_LOWER output_padding_w 2 < dilation 3, >= stride 1", {KIND(SAME_LOWER), {E_S2, 1},
     {E_D2, 3}, {E_OP2, 2}}, IN3, NOSZ,
     BAD(INV, AT_CREATE, ONNX_OP "SAME_LOWER)|output_padding_width: 2|stride_width: 1")},
    {L, "VALID output_padding_d 2 < dilation 3, >= stride 1", {KIND(VALID), {E_S0, 1}, {E_D0, 3},
     {E_OP0, 2}}, IN3, NOSZ, BAD(INV, AT_CREATE, ONNX_OP "VALID)|output_padding_depth: 2")},
    {L, "SAME_LOWER output_padding_h -1", {KIND(SAME_LOWER), {E_OP1, -1}}, IN3, NOSZ,
     BAD(INV, AT_CREATE, "output_padding_height: -1")},

    /* output_size under the ONNX kinds, per dimension */
    {L, "EXPLICIT output_size D 0", {KIND(EXPLICIT)}, IN3, SZ3(0, 7, 9),
     BAD(INV, AT_SHAPE, "requested an output size of [0, 7, 9], but valid sizes range from [1, 1, "
                        "1] to [6, 8, 10] (for an input of [2, 3, 4])")},
    {L, "EXPLICIT output_size D 1", {KIND(EXPLICIT)}, IN3, SZ3(1, 7, 9), GOOD3(1, 7, 9)},
    {L, "EXPLICIT output_size D 6 (the largest)", {KIND(EXPLICIT)}, IN3, SZ3(6, 7, 9),
     GOOD3(6, 7, 9)},
    {L, "EXPLICIT output_size D 7", {KIND(EXPLICIT)}, IN3, SZ3(7, 7, 9),
     BAD(INV, AT_SHAPE, "output size of [7, 7, 9]|to [6, 8, 10]")},
    {L, "SAME_UPPER output_size H 0", {KIND(SAME_UPPER)}, IN3, SZ3(5, 0, 9),
     BAD(INV, AT_SHAPE, "output size of [5, 0, 9]")},
    {L, "SAME_UPPER output_size H 1", {KIND(SAME_UPPER)}, IN3, SZ3(5, 1, 9), GOOD3(5, 1, 9)},
    {L, "SAME_UPPER output_size H 8 (the largest)", {KIND(SAME_UPPER)}, IN3, SZ3(5, 8, 9),
     GOOD3(5, 8, 9)},
    {L, "SAME_UPPER output_size H 9", {KIND(SAME_UPPER)}, IN3, SZ3(5, 9, 9),
     BAD(INV, AT_SHAPE, "output size of [5, 9, 9]")},
    {L, "SAME_LOWER output_size W 0", {KIND(SAME_LOWER)}, IN3, SZ3(5, 7, 0),
     BAD(INV, AT_SHAPE, "output size of [5, 7, 0]")},
    {L, "SAME_LOWER output_size W 1", {KIND(SAME_LOWER)}, IN3, SZ3(5, 7, 1), GOOD3(5, 7, 1)},
    {L, "SAME_LOWER output_size W 10 (the largest)", {KIND(SAME_LOWER)}, IN3, SZ3(5, 7, 10),
     GOOD3(5, 7, 10)},
    {L, "SAME_LOWER output_size W 11", {KIND(SAME_LOWER)}, IN3, SZ3(5, 7, 11),
     BAD(INV, AT_SHAPE, "output size of [5, 7, 11]")},
    {L, "VALID output_size (1, 1, 1)", {KIND(VALID)}, IN3, SZ3(1, 1, 1), GOOD3(1, 1, 1)},
    {L, "VALID output_size (6, 8, 10): every dimension past full", {KIND(VALID)}, IN3,
     SZ3(6, 8, 10), GOOD3(6, 8, 10)},
    {L, "SAME_UPPER output_size (2, 3, 4): T 3, 2, 5", {KIND(SAME_UPPER)}, IN3, SZ3(2, 5, 4),
     GOOD3(2, 5, 4)},
    {L, "SAME_LOWER output_size (2, 5, 4)", {KIND(SAME_LOWER)}, IN3, SZ3(2, 5, 4), GOOD3(2, 5, 4)},
    {L, "VALID output_size D -1", {KIND(VALID)}, IN3, SZ3(-1, 7, 9),
     BAD(INV, AT_SHAPE, "output size of [-1, 7, 9]")},
    {L, "EXPLICIT output_size W INT64_MAX", {KIND(EXPLICIT)}, IN3, SZ3(5, 7, MAX),
     BAD(INV, AT_SHAPE, "output size of [5, 7, " SMAX "]")},
    {L, "EXPLICIT output_size ignores padding and padding_end", {KIND(EXPLICIT), {E_P1, 9},
     {E_PE1, 9}}, IN3, SZ3(5, 3, 9), GOOD3(5, 3, 9)},
    {L, "EXPLICIT stride_d 3, kernel_d 1: output_size 6 > full 4", {KIND(EXPLICIT), {E_S0, 3},
     {E_K0, 1}}, IN3, SZ3(6, 7, 9), GOOD3(6, 7, 9)},
    {L, "EXPLICIT stride_w INT64_MAX, 1 column: output_size 5 > full 3", {KIND(EXPLICIT),
     {E_S2, MAX}}, {1, 4, 2, 3, 1}, SZ3(5, 7, 5), GOOD3(5, 7, 5)},
    {L, "N 0, SAME_UPPER output_size H 9", {KIND(SAME_UPPER)}, {0, 4, 2, 3, 4}, SZ3(5, 9, 9),
     BAD(INV, AT_SHAPE, "output size of [5, 9, 9]"), NULL_BUFS},

    /* layout */
    {L, "CHANNELS_LAST (NDHWC)", {LAST}, IN3, NOSZ, GOOD3(5, 7, 9)},
    {L, "CHANNELS_LAST, output_size", {LAST}, IN3, SZ3(6, 7, 10),
     GOOD3(6, 7, 10)},
    {L, "CHANNELS_LAST, groups 2", {LAST, {E_GROUPS, 2}}, IN3, NOSZ, GOOD3(5, 7, 9)},
    {L, "CHANNELS_LAST, SUBPIXEL", {LAST, ALGO(SUBPIXEL)}, IN3, NOSZ, GOOD3(5, 7, 9), MAY_NOT_RUN},
    {L, "CHANNELS_LAST, DEPTHWISE", {LAST, ALGO(DEPTHWISE), {E_GROUPS, 4}, {E_OUT, 4}}, IN3, NOSZ,
     GOOD3(5, 7, 9)},
    {L, "CHANNELS_LAST, POINTWISE", {LAST, ALGO(POINTWISE), {E_K0, 1}, {E_K1, 1}, {E_K2, 1},
     {E_S0, 1}, {E_S1, 1}, {E_S2, 1}}, IN3, NOSZ, GOOD3(2, 3, 4)},
    {L, "CHANNELS_LAST, AUTO, 2 threads, N 2", {LAST, ALGO(AUTO), {E_THREADS, 2}},
     {2, 4, 2, 3, 4}, NOSZ, GOOD3(5, 7, 9)},
    {L, "layout 2", {{E_LAYOUT, 2}}, IN3, NOSZ, BAD(INV, AT_CREATE, "but got layout: 2")},
    {L, "layout -1", {{E_LAYOUT, -1}}, IN3, NOSZ, BAD(INV, AT_CREATE, "layout: -1")},
    {L, "layout INT32_MAX", {{E_LAYOUT, INT32_MAX}}, IN3, NOSZ,
     BAD(INV, AT_CREATE, "layout: 2147483647")},
    {L, "layout INT32_MIN", {{E_LAYOUT, INT32_MIN}}, IN3, NOSZ,
     BAD(INV, AT_CREATE, "layout: -2147483648")},
    {L, "CHANNELS_LAST: NULL input", {LAST}, IN3, NOSZ, BAD_RUN3(5, 7, 9, INV, "input is NULL"),
     NULL_INPUT},
    {L, "CHANNELS_LAST: NULL output", {LAST}, IN3, NOSZ, BAD_RUN3(5, 7, 9, INV, "output is NULL"),
     NULL_OUTPUT},
    {L, "CHANNELS_LAST: N 0, NULL input and output", {LAST}, {0, 4, 2, 3, 4}, NOSZ,
     GOOD3(5, 7, 9), NULL_BUFS},
    {L, "CHANNELS_LAST: output_capacity one short", {LAST}, IN3, NOSZ,
     BAD_RUN3(5, 7, 9, INV, "output_capacity is 1889 floats"), CAP_SHORT},
    {L, "CHANNELS_LAST: output_capacity 0", {LAST}, IN3, NOSZ,
     BAD_RUN3(5, 7, 9, INV, "output_capacity is 0 floats"), CAP_ZERO},
    {L, "CHANNELS_LAST: workspace exact (gemm)", {LAST, ALGO(GEMM_COL2IM)}, IN3, NOSZ,
     GOOD3(5, 7, 9), WS_EXACT},
    {L, "CHANNELS_LAST: workspace one byte short (gemm)", {LAST, ALGO(GEMM_COL2IM)}, IN3, NOSZ,
     BAD_RUN3(5, 7, 9, INV, "workspace_size is"), WS_SHORT},
    {L, "CHANNELS_LAST: workspace one byte short (reference)", {LAST, ALGO(REFERENCE)}, IN3, NOSZ,
     BAD_RUN3(5, 7, 9, INV, "workspace_size is"), WS_SHORT},

    /* activation */
    {L, "RELU", {ACT(RELU)}, IN3, NOSZ, GOOD3(5, 7, 9)},
    {L, "LEAKY_RELU 0.5", {ACT(LEAKY_RELU), ALPHA(0.5)}, IN3, NOSZ, GOOD3(5, 7, 9)},
    {L, "CLAMP [-0.25, 0.25]", {ACT(CLAMP), ALPHA(-0.25), BETA(0.25)}, IN3, NOSZ, GOOD3(5, 7, 9)},
    {L, "TANH", {ACT(TANH)}, IN3, NOSZ, GOOD3(5, 7, 9)},
    {L, "SIGMOID", {ACT(SIGMOID)}, IN3, NOSZ, GOOD3(5, 7, 9)},
    {L, "ELU 0.5", {ACT(ELU), ALPHA(0.5)}, IN3, NOSZ, GOOD3(5, 7, 9)},
    {L, "GELU", {ACT(GELU)}, IN3, NOSZ, GOOD3(5, 7, 9)},
    {L, "activation -1", {{E_ACT, -1}}, IN3, NOSZ, BAD(INV, AT_CREATE, "activation: -1")},
    {L, "activation 8", {{E_ACT, 8}}, IN3, NOSZ, BAD(INV, AT_CREATE, "activation: 8")},
    {L, "activation INT32_MAX", {{E_ACT, INT32_MAX}}, IN3, NOSZ,
     BAD(INV, AT_CREATE, "activation: 2147483647")},
    {L, "activation INT32_MIN", {{E_ACT, INT32_MIN}}, IN3, NOSZ,
     BAD(INV, AT_CREATE, "activation: -2147483648")},
    {L, "LEAKY_RELU alpha NaN", {ACT(LEAKY_RELU), ALPHA(NAN)}, IN3, NOSZ,
     BAD(INV, AT_CREATE, "for LEAKY_RELU|activation_alpha: nan")},
    {L, "CLAMP alpha NaN", {ACT(CLAMP), ALPHA(NAN), BETA(INF)}, IN3, NOSZ,
     BAD(INV, AT_CREATE, "for CLAMP|activation_alpha: nan")},
    {L, "ELU alpha NaN", {ACT(ELU), ALPHA(NAN)}, IN3, NOSZ,
     BAD(INV, AT_CREATE, "for ELU|activation_alpha: nan")},
    {L, "CLAMP beta NaN", {ACT(CLAMP), ALPHA(-INF), BETA(NAN)}, IN3, NOSZ,
     BAD(INV, AT_CREATE, "activation_beta: nan")},
    {L, "CLAMP alpha 2 > beta 1", {ACT(CLAMP), ALPHA(2), BETA(1)}, IN3, NOSZ,
     BAD(INV, AT_CREATE, "activation_alpha: 2 activation_beta: 1")},
    {L, "CLAMP [-inf, +inf]", {ACT(CLAMP), ALPHA(-INF), BETA(INF)}, IN3, NOSZ, GOOD3(5, 7, 9)},
    {L, "CLAMP [-inf, -inf]", {ACT(CLAMP), ALPHA(-INF), BETA(-INF)}, IN3, NOSZ, GOOD3(5, 7, 9)},
    {L, "LEAKY_RELU alpha +inf", {ACT(LEAKY_RELU), ALPHA(INF)}, IN3, NOSZ, GOOD3(5, 7, 9)},
    {L, "TANH ignores alpha NaN", {ACT(TANH), ALPHA(NAN)}, IN3, NOSZ, GOOD3(5, 7, 9)},

    /* together */
    {L, "SAME_LOWER, CHANNELS_LAST, CLAMP, groups 2", {KIND(SAME_LOWER), LAST, ACT(CLAMP),
     ALPHA(-0.5), BETA(0.5), {E_GROUPS, 2}}, IN3, NOSZ, GOOD3(4, 6, 8)},
    {L, "EXPLICIT, CHANNELS_LAST, GELU, depthwise, output_size", {KIND(EXPLICIT), LAST, ACT(GELU),
     {E_GROUPS, 4}, {E_OUT, 4}}, IN3, SZ3(6, 3, 10), GOOD3(6, 3, 10)},
    {L, "VALID, SIGMOID, SUBPIXEL, output_padding_w 1", {KIND(VALID), ACT(SIGMOID),
     ALGO(SUBPIXEL), {E_OP2, 1}}, IN3, NOSZ, GOOD3(5, 7, 10), MAY_NOT_RUN},
};

/* ---- Running one row ------------------------------------------------------------------ */

static void fill_inputs(void) {
  int i;
  for (i = 0; i < IN_CAP; ++i) input[i] = (float)((i * 5) % 9 - 4) * 0.25f;
  for (i = 0; i < W_CAP; ++i) weight[i] = (float)((i * 7) % 11 - 5) * 0.125f;
  for (i = 0; i < W_CAP; ++i) bias[i] = (float)(i % 3) * 0.5f - 0.5f;
  memcpy(input_copy, input, sizeof input);
}

static void check_input_intact(const char* call) {
  check(memcmp(input, input_copy, sizeof input) == 0, "%s modified its const input", call);
}

/* ---- The naive oracle ----------------------------------------------------------------- */

/* The header's rules written out once more, apart from the library: per dimension the
 * begin trim and the output size from the padding kind (under the ONNX kinds output_size
 * is ONNX's output_shape), the sums in double in either layout, the bias and the
 * activation. Every GOOD run is compared with it as well as with REFERENCE. */

/* a + b, a - b and a * b (a, b >= 0) when they fit int64; 0 when they do not. */
static int add_fits(int64_t a, int64_t b, int64_t* r) {
  if ((b > 0 && a > INT64_MAX - b) || (b < 0 && a < INT64_MIN - b)) return 0;
  *r = a + b;
  return 1;
}
static int sub_fits(int64_t a, int64_t b, int64_t* r) {
  if ((b < 0 && a > INT64_MAX + b) || (b > 0 && a < INT64_MIN + b)) return 0;
  *r = a - b;
  return 1;
}
static int mul_fits(int64_t a, int64_t b, int64_t* r) {
  if (a != 0 && b > INT64_MAX / a) return 0;
  *r = a * b;
  return 1;
}

typedef struct {
  int64_t in, out, k, s, d, begin;
} naive_dim;

/* Dimension i of a run: 0 when one of its sizes does not fit int64. */
static int naive_geometry(const convt_params* p, int i, int64_t in, const int64_t* size,
                          naive_dim* g) {
  const int64_t op = p->output_padding[i];
  int64_t eff, full, t;
  g->in = in, g->k = p->kernel_size[i], g->s = p->stride[i], g->d = p->dilation[i];
  if (!mul_fits(g->d, g->k - 1, &eff) || !add_fits(eff, 1, &eff)) return 0;
  if (p->padding_kind == CONVT_PADDING_SYMMETRIC) { /* PyTorch */
    g->begin = p->padding[i];
    if (size) {
      g->out = size[i];
      return 1;
    }
    if (!mul_fits(in - 1, g->s, &full) || !sub_fits(full, p->padding[i], &full) ||
        !sub_fits(full, p->padding[i], &full) || !add_fits(full, eff, &full) ||
        !add_fits(full, op, &full))
      return 0;
    g->out = full;
    return 1;
  }
  /* ONNX: full = s*(in-1) + output_padding + eff, untrimmed */
  if (!mul_fits(in - 1, g->s, &full) || !add_fits(full, op, &full) || !add_fits(full, eff, &full))
    return 0;
  if (size) {
    g->out = size[i];
    t = full > g->out ? full - g->out : 0;
    g->begin = p->padding_kind == CONVT_PADDING_SAME_UPPER ? t / 2 : t - t / 2;
    return 1;
  }
  switch (p->padding_kind) {
    case CONVT_PADDING_EXPLICIT:
      g->begin = p->padding[i];
      if (!sub_fits(full, p->padding[i], &full) || !sub_fits(full, p->padding_end[i], &full))
        return 0;
      g->out = full;
      return 1;
    case CONVT_PADDING_VALID:
      g->begin = 0, g->out = full;
      return 1;
    default: /* SAME_UPPER, SAME_LOWER: T = max(0, full - in*s) */
      t = eff + op - g->s;
      t = t > 0 ? t : 0;
      g->begin = p->padding_kind == CONVT_PADDING_SAME_UPPER ? t / 2 : t - t / 2;
      g->out = full - t;
      return 1;
  }
}

/* The output index that tap k of input index i reaches, or -1 outside the output. */
static int64_t naive_tap(const naive_dim* g, int64_t i, int64_t k) {
  int64_t o, kd;
  if (!mul_fits(i, g->s, &o) || !mul_fits(k, g->d, &kd)) return -1; /* past every output */
  o -= g->begin;
  if (o > 0 && kd > INT64_MAX - o) return -1;
  o += kd;
  return o >= 0 && o < g->out ? o : -1;
}

static double naive_activation(double y, const convt_params* p) {
  const double a = p->activation_alpha, b = p->activation_beta;
  switch (p->activation) {
    case CONVT_ACTIVATION_RELU: return y < 0 ? 0.0 : y;
    case CONVT_ACTIVATION_LEAKY_RELU: return y >= 0 ? y : a * y;
    case CONVT_ACTIVATION_CLAMP: y = y < a ? a : y; return y > b ? b : y;
    case CONVT_ACTIVATION_TANH: return tanh(y);
    case CONVT_ACTIVATION_SIGMOID: return 1.0 / (1.0 + exp(-y));
    case CONVT_ACTIVATION_ELU: return y > 0 ? y : a * expm1(y);
    case CONVT_ACTIVATION_GELU: return 0.5 * y * erfc(-y / sqrt(2.0)); /* (1 + erf cancels) */
    default: return y;
  }
}

static double naive_mem[OUT_CAP];

/* The run of layer *p on input_shape (the library's layout of x and y), or 0 when a size
 * does not fit; writes the output's spatial sizes to out[0 .. spatial_dims - 1]. */
static int naive_run(const convt_params* p, const int64_t* in_shape, const int64_t* size,
                     const float* x, const float* w, const float* bias, double* y,
                     int64_t* out) {
  const int rank = p->spatial_dims, cl = p->layout == CONVT_LAYOUT_CHANNELS_LAST;
  const int64_t batch = in_shape[0], cin = p->in_channels, cout = p->out_channels;
  const int64_t cin_g = cin / p->groups, cout_g = cout / p->groups;
  naive_dim g[3];
  int64_t vin = 1, vout = 1, kvol = 1, n, c, co, v, i0, i1, i2, k0, k1, k2;
  int i;
  for (i = 0; i < 3; ++i) {
    naive_dim one = {1, 1, 1, 1, 1, 0};
    g[i] = one;
    if (i < rank && !naive_geometry(p, i, in_shape[2 + i], size, &g[i])) return 0;
    if (i < rank) out[i] = g[i].out;
    vin *= g[i].in, vout *= g[i].out, kvol *= g[i].k;
  }
  if ((double)batch * (double)cout * (double)vout > OUT_CAP) return 0;
#define Y_AT(n, c, v) y[cl ? ((n)*vout + (v)) * cout + (c) : ((n)*cout + (c)) * vout + (v)]
  for (n = 0; n < batch; ++n)
    for (co = 0; co < cout; ++co)
      for (v = 0; v < vout; ++v) Y_AT(n, co, v) = bias ? bias[co] : 0.0;
  for (n = 0; n < batch; ++n)
    for (c = 0; c < cin; ++c)
      for (i0 = 0; i0 < g[0].in; ++i0)
        for (i1 = 0; i1 < g[1].in; ++i1)
          for (i2 = 0; i2 < g[2].in; ++i2) {
            const int64_t vi = (i0 * g[1].in + i1) * g[2].in + i2;
            const double xv = x[cl ? (n * vin + vi) * cin + c : (n * cin + c) * vin + vi];
            int64_t col;
            for (col = 0; col < cout_g; ++col) {
              const float* wk = w + (c * cout_g + col) * kvol;
              co = c / cin_g * cout_g + col;
              for (k0 = 0; k0 < g[0].k; ++k0) {
                const int64_t o0 = naive_tap(&g[0], i0, k0);
                if (o0 < 0) continue;
                for (k1 = 0; k1 < g[1].k; ++k1) {
                  const int64_t o1 = naive_tap(&g[1], i1, k1);
                  if (o1 < 0) continue;
                  for (k2 = 0; k2 < g[2].k; ++k2) {
                    const int64_t o2 = naive_tap(&g[2], i2, k2);
                    if (o2 < 0) continue;
                    Y_AT(n, co, (o0 * g[1].out + o1) * g[2].out + o2) +=
                        xv * wk[(k0 * g[1].k + k1) * g[2].k + k2];
                  }
                }
              }
            }
          }
#undef Y_AT
  for (v = 0; v < batch * cout * vout; ++v) y[v] = naive_activation(y[v], p);
  return 1;
}

/* A float result against the oracle's double: NaN for NaN, the same infinity, else within
 * 1e-5 relative (the test's data are dyadic, so the sums are exact in float; only the
 * activations round). */
static int same_value(float got, double want) {
  const float w = (float)want;
  if (want != want) return got != got;
  if (isinf(w)) return got == w;
  return fabs((double)got - want) <= 1e-5 * (1.0 + fabs(want));
}

/* out_buf (n floats) against the oracle, and the row's output sizes against its rules. */
static void compare_with_naive(const convt_params* p, const float* use_bias,
                               const int64_t* in_shape, const int64_t* size,
                               const int64_t* want_out, size_t n) {
  int64_t out[3] = {0, 0, 0};
  size_t i, bad = 0, first = 0;
  int d;
  if (!naive_run(p, in_shape, size, input, weight, use_bias, naive_mem, out)) {
    check(0, "test error: the naive oracle cannot size this run");
    return;
  }
  for (d = 0; d < p->spatial_dims; ++d)
    check(out[d] == want_out[d], "the naive oracle gives output size %lld in dimension %d, the "
          "row expects %lld", (long long)out[d], d, (long long)want_out[d]);
  for (i = 0; i < n; ++i)
    if (!same_value(out_buf[i], naive_mem[i]) && bad++ == 0) first = i;
  check(bad == 0, "convt_run: %zu of %zu outputs differ from the naive oracle, first at %zu: "
        "%.9g vs %.9g", bad, n, first, bad ? out_buf[first] : 0.0, bad ? naive_mem[first] : 0.0);
}

/* The output of a run must match the REFERENCE algorithm's (values, not just bounds). */
static void compare_with_reference(const params_box* b, const float* use_bias,
                                   const int64_t* in_shape, const int64_t* size, size_t n,
                                   size_t capacity) {
  params_box r = *b;
  convt_handle* h = NULL;
  size_t i, bad = 0, first = 0;
  r.p.algorithm = CONVT_ALGORITHM_REFERENCE;
  if (convt_create(&r.p, weight, use_bias, &h) != CONVT_OK) {
    check(0, "could not create the REFERENCE twin: %s", convt_last_error());
    return;
  }
  if (convt_run(h, in_shape, input, size, ref_mem, capacity, NULL, 0) != CONVT_OK) {
    check(0, "REFERENCE twin failed: %s", convt_last_error());
  } else {
    for (i = 0; i < n; ++i) {
      /* (equal infinities, and NaN for NaN, are the same value: activations give both) */
      const float d = out_buf[i] - ref_mem[i], tol = 1e-4f * (1.0f + (ref_mem[i] < 0 ? -ref_mem[i] : ref_mem[i]));
      const int same = out_buf[i] == ref_mem[i] || (out_buf[i] != out_buf[i] && ref_mem[i] != ref_mem[i]);
      if (!same && !(d <= tol && -d <= tol) && bad++ == 0) first = i;
    }
    check(bad == 0, "convt_run: %zu of %zu outputs differ from REFERENCE, first at %zu: %g vs %g",
          bad, n, first, bad ? out_buf[first] : 0.0, bad ? ref_mem[first] : 0.0);
  }
  convt_destroy(h);
}

/* A heap copy of exactly n entries (NULL for none), so that a read past them shows under
 * AddressSanitizer. */
static int64_t* exact_copy(const int64_t* v, int n) {
  int64_t* p;
  if (!v) return NULL;
  p = (int64_t*)malloc((size_t)n * sizeof *p);
  if (!p) {
    fprintf(stderr, "out of memory\n");
    exit(1);
  }
  memcpy(p, v, (size_t)n * sizeof *p);
  return p;
}

#define SHAPE_GUARD 2 /* int64 entries after output_shape's 2 + rank */

/* What may be skipped: a forced algorithm that cannot run this layer at this rank. */
static int g_skipped_not_applicable;

static void run_row(const run_case* c, int rank, int32_t algorithm, int with_bias) {
  params_box b;
  convt_handle* h;
  convt_status st;
  int64_t shape[5 + SHAPE_GUARD];
  int64_t* const in_shape = exact_copy(c->in, 2 + rank);
  int64_t* const size = exact_copy(c->size, rank);
  size_t ws = 0, ws_size = 0, capacity = 0, n = 0;
  int32_t algo;
  void* ws_ptr = NULL;
  const float* use_bias = with_bias ? bias : NULL;
  const int64_t sentinel64 = -7777;
  const size_t sentinel_size = (size_t)0xDEADBEEF;
  const int shape_ok = c->st == CONVT_OK || c->at == AT_RUN;
  char auto_msg[128] = "";
  int i, written_past = 0;

  make_params(&b, rank, algorithm, c->e);
  if (c->e[MAX_EDITS - 1].f != E_END) {
    check(0, "test table error: %d edits leave no room for E_END (MAX_EDITS)", MAX_EDITS);
    goto done;
  }

  /* A layer that must be created: make sure our buffers hold its weight and bias. */
  if (c->at != AT_CREATE &&
      ((double)b.p.in_channels * (double)b.p.out_channels * product(b.p.kernel_size, rank) >
           W_CAP ||
       b.p.out_channels > W_CAP)) {
    check(0, "test table error: the layer's weight does not fit W_CAP");
    goto done;
  }

  /* convt_create and convt_conv_weight_from_transposed judge params alike. */
  h = (convt_handle*)&b; /* must become NULL on failure */
  prime();
  st = convt_create(&b.p, weight, use_bias, &h);
  fill(cw_mem, GUARD + W_CAP + GUARD);
  if ((c->opt & MAY_NOT_RUN) && st == UNS && strstr(convt_last_error(), " cannot run this ")) {
    printf("test_bad_input.c:%d: [%s] skipped: %s\n", c->line, c->name, convt_last_error());
    ++g_skipped_not_applicable;
    goto done;
  }
  if (c->at == AT_CREATE) {
    check_status("convt_create", st, c->st, c->msg);
    check(h == NULL, "convt_create failed but left *out_handle = %p", (void*)h);
    if (st == CONVT_OK && h) convt_destroy(h);
    /* convt_conv_weight_from_transposed ignores the layout and the activation: it judges
     * the params as convt_create judges them with those at their defaults. */
    {
      convt_params q = b.p;
      convt_handle* hq = NULL;
      convt_status want;
      q.layout = CONVT_LAYOUT_CHANNELS_FIRST;
      q.activation = CONVT_ACTIVATION_NONE;
      q.activation_alpha = q.activation_beta = 0.0f;
      /* (A weight past our buffer: judged without one; a valid layer then fails with
       * "weight is NULL", and conv_weight cannot be run on it here.) */
      const int fits = q.groups > 0 && (double)q.in_channels * (double)(q.out_channels / q.groups) *
                                               product(q.kernel_size, rank) <= W_CAP;
      want = convt_create(&q, fits ? weight : NULL, NULL, &hq);
      if (hq) convt_destroy(hq);
      if (!fits && want == INV && strstr(convt_last_error(), "weight is NULL")) goto done;
      prime();
      st = convt_conv_weight_from_transposed(&b.p, weight, cw_buf);
      check_status("convt_conv_weight_from_transposed", st, want,
                   want == c->st ? c->msg : NULL);
      if (st != CONVT_OK) check_written("conv_weight", cw_buf, W_CAP, 0);
    }
    goto done;
  }
  check_status("convt_create", st, CONVT_OK, NULL);
  if (st != CONVT_OK) goto done;
  check(h != NULL && h != (convt_handle*)&b, "convt_create succeeded without a handle");
  prime();
  st = convt_conv_weight_from_transposed(&b.p, weight, cw_buf);
  check_status("convt_conv_weight_from_transposed", st, CONVT_OK, NULL);
  check_written("conv_weight", cw_buf, W_CAP,
                (size_t)((double)b.p.in_channels * (double)(b.p.out_channels / b.p.groups) *
                         product(b.p.kernel_size, rank)));

  /* The three shape queries. */
  for (i = 0; i < 2 + rank + SHAPE_GUARD; ++i) shape[i] = sentinel64;
  prime();
  st = convt_output_shape(h, in_shape, size, shape);
  for (i = 2 + rank; i < 2 + rank + SHAPE_GUARD; ++i) written_past |= shape[i] != sentinel64;
  check(!written_past, "convt_output_shape wrote past the %d entries of output_shape", 2 + rank);
  if (!shape_ok) {
    int untouched = 1;
    for (i = 0; i < 2 + rank; ++i) untouched &= shape[i] == sentinel64;
    check_status("convt_output_shape", st, c->st, c->msg);
    check(untouched, "convt_output_shape failed but wrote output_shape");
  } else {
    int same = shape[0] == c->in[0] && shape[1] == b.p.out_channels;
    char got[160], want[160];
    int gl = 0, wl = 0;
    for (i = 0; i < rank; ++i) same &= shape[2 + i] == c->out[i];
    for (i = 0; i < 2 + rank; ++i) {
      gl += snprintf(got + gl, sizeof got - (size_t)gl, "%s%lld", i ? ", " : "",
                     (long long)shape[i]);
      wl += snprintf(want + wl, sizeof want - (size_t)wl, "%s%lld", i ? ", " : "",
                     (long long)(i == 0 ? c->in[0] : i == 1 ? b.p.out_channels : c->out[i - 2]));
    }
    check_status("convt_output_shape", st, CONVT_OK, NULL);
    check(st != CONVT_OK || same, "convt_output_shape gave (%s), expected (%s)", got, want);
  }
  ws = sentinel_size;
  prime();
  st = convt_workspace_size(h, in_shape, size, &ws);
  check_status("convt_workspace_size", st, shape_ok ? CONVT_OK : c->st, c->msg);
  if (!shape_ok) check(ws == sentinel_size, "convt_workspace_size failed but wrote *bytes");
  algo = -77;
  prime();
  st = convt_selected_algorithm(h, in_shape, size, &algo);
  check_status("convt_selected_algorithm", st, shape_ok ? CONVT_OK : c->st, c->msg);
  if (!shape_ok) {
    check(algo == -77, "convt_selected_algorithm failed but wrote *algorithm");
  } else if (st == CONVT_OK) {
    check(b.p.algorithm == CONVT_ALGORITHM_AUTO
              ? (algo != CONVT_ALGORITHM_AUTO && strcmp(convt_algorithm_name(algo), "unknown") != 0)
              : algo == b.p.algorithm,
          "convt_selected_algorithm gave %d for algorithm %d", algo, b.p.algorithm);
  }

  /* The run: capacity and workspace from the row's options. */
  if (shape_ok && st == CONVT_OK) {
    const double want = (double)c->in[0] * (double)b.p.out_channels * product(c->out, rank);
    n = want <= OUT_CAP ? (size_t)want : 0;
    capacity = want <= OUT_CAP ? n : OUT_CAP;
    if (want <= OUT_CAP && product(c->in, 2 + rank) > IN_CAP) {
      check(0, "test table error: the input does not fit IN_CAP");
      convt_destroy(h);
      goto done;
    }
  } else {
    capacity = OUT_CAP;
  }
  if (c->opt & CAP_SHORT) capacity = n - 1;
  if (c->opt & CAP_ZERO) capacity = 0;
  if (c->opt & CAP_SHORT)
    snprintf(auto_msg, sizeof auto_msg, "output_capacity is %zu floats|but the output has %zu",
             capacity, n);
  if (c->opt & NULL_BUFS) capacity = 0;
  if (c->opt & (WS_EXACT | WS_SHORT | WS_ZERO)) {
    if (shape_ok && ws > WS_CAP) {
      check(0, "test table error: workspace of %zu bytes does not fit WS_CAP", ws);
      convt_destroy(h);
      goto done;
    }
    ws_ptr = ws_mem;
    ws_size = (c->opt & WS_EXACT) ? ws : (c->opt & WS_SHORT) ? ws - 1 : 0;
    memset(ws_mem, 0xA5, sizeof ws_mem);
    if (c->opt & WS_SHORT) {
      check(ws > 0, "test table error: this layer needs no workspace");
      snprintf(auto_msg, sizeof auto_msg, "workspace_size is %zu bytes|needs %zu", ws_size, ws);
    }
  }

  fill(out_mem, GUARD + OUT_CAP + GUARD);
  prime();
  st = convt_run(h, in_shape, (c->opt & (NULL_BUFS | NULL_INPUT)) ? NULL : input, size,
                 (c->opt & (NULL_BUFS | NULL_OUTPUT)) ? NULL : out_buf, capacity, ws_ptr,
                 ws_size);
  check_input_intact("convt_run");
  if (ws_ptr) {
    const unsigned char* p = (const unsigned char*)ws_mem;
    size_t k, changed = 0;
    for (k = ws_size; k < sizeof ws_mem; ++k) changed += p[k] != 0xA5;
    check(changed == 0, "convt_run wrote %zu bytes beyond workspace_size %zu", changed, ws_size);
  }
  if (c->st != CONVT_OK) {
    check_status("convt_run", st, c->st, c->msg);
    if (auto_msg[0]) check_status("convt_run", st, c->st, auto_msg);
    check_written("convt_run failed: output", out_buf, OUT_CAP, 0);
  } else {
    check_status("convt_run", st, CONVT_OK, NULL);
    check_written("convt_run output", out_buf, OUT_CAP, st == CONVT_OK ? n : 0);
    if (st == CONVT_OK && n > 0 && b.p.algorithm != CONVT_ALGORITHM_REFERENCE)
      compare_with_reference(&b, use_bias, in_shape, size, n, capacity);
    if (st == CONVT_OK && n > 0) compare_with_naive(&b.p, use_bias, in_shape, size, c->out, n);
  }
  convt_destroy(h);
done:
  free(in_shape);
  free(size);
}

/* ---- NULL for each pointer argument ------------------------------------------------------ */

enum fn { F_CREATE, F_SHAPE, F_WORKSPACE, F_ALGORITHM, F_RUN, F_GET_PARAMS, F_CONV_WEIGHT,
          F_DESTROY, F_INIT };
#define ARG(i) (1u << (i))

typedef struct {
  int line;
  const char* name;
  enum fn fn;
  unsigned nulls; /* ARG(i): argument i (0-based) is NULL */
  convt_status st;
  const char* msg;
} null_case;

static const null_case NULLS[] = {
    {L, "create: params", F_CREATE, ARG(0), INV, "params is NULL"},
    {L, "create: weight", F_CREATE, ARG(1), INV, "weight is NULL"},
    {L, "create: bias (no bias)", F_CREATE, ARG(2), OK, NULL},
    {L, "create: out_handle", F_CREATE, ARG(3), INV, "out_handle is NULL"},
    {L, "create: all", F_CREATE, ARG(0) | ARG(1) | ARG(2) | ARG(3), INV, "is NULL"},
    {L, "create: params and weight", F_CREATE, ARG(0) | ARG(1), INV, "is NULL"},
    {L, "output_shape: handle", F_SHAPE, ARG(0), INV, "handle is NULL"},
    {L, "output_shape: input_shape", F_SHAPE, ARG(1), INV, "input_shape is NULL"},
    {L, "output_shape: output_size (none)", F_SHAPE, ARG(2), OK, NULL},
    {L, "output_shape: output_shape", F_SHAPE, ARG(3), INV, "output_shape is NULL"},
    {L, "output_shape: all", F_SHAPE, ARG(0) | ARG(1) | ARG(2) | ARG(3), INV, "is NULL"},
    {L, "workspace_size: handle", F_WORKSPACE, ARG(0), INV, "handle is NULL"},
    {L, "workspace_size: input_shape", F_WORKSPACE, ARG(1), INV, "input_shape is NULL"},
    {L, "workspace_size: output_size (none)", F_WORKSPACE, ARG(2), OK, NULL},
    {L, "workspace_size: bytes", F_WORKSPACE, ARG(3), INV, "bytes is NULL"},
    {L, "workspace_size: all", F_WORKSPACE, ARG(0) | ARG(1) | ARG(2) | ARG(3), INV, "is NULL"},
    {L, "selected_algorithm: handle", F_ALGORITHM, ARG(0), INV, "handle is NULL"},
    {L, "selected_algorithm: input_shape", F_ALGORITHM, ARG(1), INV, "input_shape is NULL"},
    {L, "selected_algorithm: output_size (none)", F_ALGORITHM, ARG(2), OK, NULL},
    {L, "selected_algorithm: algorithm", F_ALGORITHM, ARG(3), INV, "algorithm is NULL"},
    {L, "selected_algorithm: all", F_ALGORITHM, ARG(0) | ARG(1) | ARG(2) | ARG(3), INV, "is NULL"},
    {L, "run: handle", F_RUN, ARG(0), INV, "handle is NULL"},
    {L, "run: input_shape", F_RUN, ARG(1), INV, "input_shape is NULL"},
    {L, "run: input", F_RUN, ARG(2), INV, "input is NULL"},
    {L, "run: output_size (none)", F_RUN, ARG(3), OK, NULL},
    {L, "run: output", F_RUN, ARG(4), INV, "output is NULL"},
    {L, "run: workspace (library allocates)", F_RUN, ARG(6), OK, NULL},
    {L, "run: input and output", F_RUN, ARG(2) | ARG(4), INV, "is NULL"},
    {L, "run: all pointers", F_RUN, ARG(0) | ARG(1) | ARG(2) | ARG(3) | ARG(4) | ARG(6), INV,
     "is NULL"},
    {L, "get_params: handle", F_GET_PARAMS, ARG(0), INV, "handle is NULL"},
    {L, "get_params: params", F_GET_PARAMS, ARG(1), INV, "params is NULL"},
    {L, "get_params: both", F_GET_PARAMS, ARG(0) | ARG(1), INV, "is NULL"},
    {L, "conv_weight: params", F_CONV_WEIGHT, ARG(0), INV, "params is NULL"},
    {L, "conv_weight: weight", F_CONV_WEIGHT, ARG(1), INV, "weight is NULL"},
    {L, "conv_weight: conv_weight", F_CONV_WEIGHT, ARG(2), INV, "conv_weight is NULL"},
    {L, "conv_weight: all", F_CONV_WEIGHT, ARG(0) | ARG(1) | ARG(2), INV, "is NULL"},
    {L, "destroy: NULL is a no-op", F_DESTROY, ARG(0), OK, NULL},
    {L, "params_init: NULL is a no-op", F_INIT, ARG(0), OK, NULL},
};

/* BASE's input and its output's size and element count at each rank. */
static const int64_t BASE_IN[4][5] = {{0}, IN1, IN0, IN3};
static const int64_t BASE_OUT[4][3] = {{0}, {11}, {11, 11}, {5, 7, 9}};
static const size_t BASE_OUT_ELEMS[4] = {0, 6 * 11, 6 * 11 * 11, 6 * 5 * 7 * 9};

static void run_null_case(const null_case* c, convt_handle* handle, int rank) {
  int64_t* const in_shape = exact_copy(BASE_IN[rank], 2 + rank);
  int64_t* const size = exact_copy(BASE_OUT[rank], rank);
  params_box b, got;
  convt_handle* h_out = (convt_handle*)&b;
  int64_t shape[5] = {-7, -7, -7, -7, -7};
  size_t bytes = 12345;
  int32_t algo = -77;
  convt_status st = CONVT_OK;
  const unsigned m = c->nulls;
#define P(i, p) ((m & ARG(i)) ? NULL : (p))

  make_params(&b, rank, CONVT_ALGORITHM_GEMM_COL2IM, NULL);
  memset(&got, 0xAB, sizeof got);
  fill(out_mem, GUARD + OUT_CAP + GUARD);
  fill(cw_mem, GUARD + W_CAP + GUARD);
  prime();
  switch (c->fn) {
    case F_CREATE: st = convt_create(P(0, &b.p), P(1, weight), P(2, bias), P(3, &h_out)); break;
    case F_SHAPE: st = convt_output_shape(P(0, handle), P(1, in_shape), P(2, size), P(3, shape)); break;
    case F_WORKSPACE: st = convt_workspace_size(P(0, handle), P(1, in_shape), P(2, size), P(3, &bytes)); break;
    case F_ALGORITHM: st = convt_selected_algorithm(P(0, handle), P(1, in_shape), P(2, size), P(3, &algo)); break;
    case F_RUN:
      st = convt_run(P(0, handle), P(1, in_shape), P(2, input), P(3, size), P(4, out_buf),
                     BASE_OUT_ELEMS[rank],
                     P(6, (void*)ws_mem), (m & ARG(6)) ? 0 : sizeof ws_mem);
      break;
    case F_GET_PARAMS: st = convt_get_params(P(0, handle), P(1, &got.p), sizeof got.p); break;
    case F_CONV_WEIGHT: st = convt_conv_weight_from_transposed(P(0, &b.p), P(1, weight), P(2, cw_buf)); break;
    case F_DESTROY: convt_destroy(NULL); break;
    case F_INIT: convt_params_init(NULL, sizeof(convt_params)); break;
  }
#undef P
  check_status(c->name, st, c->st, c->msg);
  check_input_intact(c->name);
  if (c->fn == F_CREATE && !(m & ARG(3))) {
    if (c->st != CONVT_OK)
      check(h_out == NULL, "convt_create failed but left *out_handle = %p", (void*)h_out);
    else if (h_out && h_out != (convt_handle*)&b)
      convt_destroy(h_out);
  }
  if (c->st == CONVT_OK) goto done;
  check(shape[0] == -7 && shape[1 + rank] == -7, "output_shape written on failure");
  check(bytes == 12345, "*bytes written on failure");
  check(algo == -77, "*algorithm written on failure");
  check_written("output", out_buf, OUT_CAP, 0);
  check_written("conv_weight", cw_buf, W_CAP, 0);
  {
    const unsigned char* p = (const unsigned char*)&got;
    size_t k, changed = 0;
    for (k = 0; k < sizeof got; ++k) changed += p[k] != 0xAB;
    check(changed == 0, "*params written on failure (%zu bytes)", changed);
  }
done:
  free(in_shape);
  free(size);
}

/* ---- struct_size of convt_get_params and convt_params_init -------------------------------- */

typedef struct {
  int line;
  const char* name;
  int init;           /* 1: convt_params_init, 0: convt_get_params */
  size_t struct_size;
  convt_status st;
  const char* msg;
  size_t written;     /* bytes that may change on success */
} size_case;

static const size_case STRUCT_SIZES[] = {
    {L, "get_params struct_size 0", 0, 0, INV, "struct_size is 0,", 0},
    {L, "get_params struct_size 1", 0, 1, INV, "struct_size is 1,", 0},
    {L, "get_params struct_size 8", 0, 8, INV, "struct_size is 8,", 0},
    {L, "get_params struct_size V0_1 - 1", 0, CONVT_PARAMS_SIZE_V0_1 - 1, INV,
     "struct_size is 167,", 0},
    {L, "get_params struct_size V0_1", 0, CONVT_PARAMS_SIZE_V0_1, OK, NULL, CONVT_PARAMS_SIZE_V0_1},
    {L, "get_params struct_size 176 (inside padding_end)", 0, 176, OK, NULL, 176},
    {L, "get_params struct_size 198 (inside layout)", 0, 198, OK, NULL, 198},
    {L, "get_params struct_size 212 (before the tail padding)", 0, 212, OK, NULL, 212},
    {L, "get_params struct_size V0_2", 0, CONVT_PARAMS_SIZE_V0_2, OK, NULL, CONVT_PARAMS_SIZE_V0_2},
    {L, "get_params struct_size sizeof + 64 (newer caller)", 0, sizeof(convt_params) + 64, OK,
     NULL, sizeof(convt_params)},
    {L, "get_params struct_size SIZE_MAX", 0, SIZE_MAX, OK, NULL, sizeof(convt_params)},
    {L, "params_init struct_size 0: no-op", 1, 0, OK, NULL, 0},
    {L, "params_init struct_size 7: no-op", 1, sizeof(size_t) - 1, OK, NULL, 0},
    {L, "params_init struct_size sizeof", 1, sizeof(convt_params), OK, NULL, sizeof(convt_params)},
};

static void run_size_case(const size_case* c, convt_handle* handle) {
  params_box got;
  const unsigned char* p = (const unsigned char*)&got;
  size_t k, changed = 0;
  convt_status st = CONVT_OK;
  memset(&got, 0xAB, sizeof got);
  prime();
  if (c->init)
    convt_params_init(&got.p, c->struct_size);
  else
    st = convt_get_params(handle, &got.p, c->struct_size);
  check_status(c->name, st, c->st, c->msg);
  for (k = c->written; k < sizeof got; ++k) changed += p[k] != 0xAB;
  check(changed == 0, "%zu bytes beyond the first %zu changed", changed, c->written);
  if (c->written >= sizeof(convt_params)) {
    check(got.p.struct_size == sizeof(convt_params), "struct_size set to %zu, expected %zu",
          got.p.struct_size, sizeof(convt_params));
    check(c->init ? got.p.spatial_dims == 2 && got.p.groups == 1
                  : got.p.in_channels == 4 && got.p.out_channels == 6 &&
                        got.p.algorithm == CONVT_ALGORITHM_GEMM_COL2IM,
          "the written parameters are wrong");
  }
}

/* ---- struct_size: a 0.1 caller's 168 bytes, and sizes that end inside a 0.4 field ------ */

/* convt_params as a 0.1 caller compiled it: 168 bytes, of which 164..167 are padding. */
typedef struct {
  size_t struct_size;
  int32_t spatial_dims, algorithm;
  int64_t in_channels, out_channels, kernel_size[3], stride[3], padding[3], output_padding[3],
      dilation[3], groups;
  int32_t num_threads;
} convt_params_v0_1;

/* The 0.4 fields, as the issue lays them out (offset, size), and their names. */
static const struct {
  size_t offset, size;
  const char* name;
} V04_FIELDS[] = {{168, 24, "padding_end"}, {192, 4, "padding_kind"}, {196, 4, "layout"},
                  {200, 4, "activation"},   {204, 4, "activation_alpha"},
                  {208, 4, "activation_beta"}};

static void* checked_malloc(size_t n) {
  void* p = malloc(n);
  if (!p) {
    fprintf(stderr, "out of memory\n");
    exit(1);
  }
  return p;
}

/* The struct's layout is the ABI: the 0.1 prefix, the 0.4 fields at the issue's offsets. */
static void check_layout(void) {
  const size_t offsets[6] = {offsetof(convt_params, padding_end),
                             offsetof(convt_params, padding_kind), offsetof(convt_params, layout),
                             offsetof(convt_params, activation),
                             offsetof(convt_params, activation_alpha),
                             offsetof(convt_params, activation_beta)};
  size_t i;
  begin_case(__LINE__, "convt_params layout", NULL);
  check(sizeof(convt_params) == CONVT_PARAMS_SIZE_V0_2, "sizeof(convt_params) is %zu, not %zu",
        sizeof(convt_params), CONVT_PARAMS_SIZE_V0_2);
  check(sizeof(convt_params_v0_1) == CONVT_PARAMS_SIZE_V0_1 &&
            offsetof(convt_params_v0_1, num_threads) == offsetof(convt_params, num_threads),
        "the 0.1 prefix is %zu bytes", sizeof(convt_params_v0_1));
  for (i = 0; i < 6; ++i)
    check(offsets[i] == V04_FIELDS[i].offset, "%s at offset %zu, not %zu", V04_FIELDS[i].name,
          offsets[i], V04_FIELDS[i].offset);
  end_case();
}

/* Creates a layer from `bytes` (a caller's struct of any size), runs it on in_shape (with
 * output_size `size` or NULL) and compares output_shape and values with the naive oracle
 * on `eff`, the parameters the library must have read; then convt_get_params must return
 * eff's fields. */
static void run_as(const void* bytes, const convt_params* eff, const float* use_bias,
                   const int64_t* in_shape, const int64_t* size) {
  const int rank = eff->spatial_dims;
  convt_handle* h = NULL;
  convt_params got;
  int64_t want_out[3] = {0, 0, 0}, shape[5 + SHAPE_GUARD];
  size_t n = 0;
  int i, same;
  prime();
  check_status("convt_create", convt_create((const convt_params*)bytes, weight, use_bias, &h),
               CONVT_OK, NULL);
  if (!h) return;
  if (!naive_run(eff, in_shape, size, input, weight, use_bias, naive_mem, want_out)) {
    check(0, "test error: the naive oracle cannot size this run");
    convt_destroy(h);
    return;
  }
  for (i = 0; i < 2 + rank + SHAPE_GUARD; ++i) shape[i] = -7;
  check_status("convt_output_shape", convt_output_shape(h, in_shape, size, shape), CONVT_OK, NULL);
  same = shape[0] == in_shape[0] && shape[1] == eff->out_channels && shape[2 + rank] == -7;
  for (i = 0; i < rank; ++i) same &= shape[2 + i] == want_out[i];
  check(same, "output shape (%lld, %lld, %lld, %lld), the oracle's spatial sizes (%lld, %lld)",
        (long long)shape[0], (long long)shape[1], (long long)shape[2], (long long)shape[3],
        (long long)want_out[0], (long long)want_out[1]);
  n = (size_t)(in_shape[0] * eff->out_channels);
  for (i = 0; i < rank; ++i) n *= (size_t)want_out[i];
  fill(out_mem, GUARD + OUT_CAP + GUARD);
  prime();
  check_status("convt_run", convt_run(h, in_shape, input, size, out_buf, n, NULL, 0), CONVT_OK,
               NULL);
  check_written("convt_run output", out_buf, OUT_CAP, n);
  {
    size_t k, bad = 0, first = 0;
    for (k = 0; k < n; ++k)
      if (!same_value(out_buf[k], naive_mem[k]) && bad++ == 0) first = k;
    check(bad == 0, "%zu of %zu outputs differ from the naive oracle, first at %zu: %.9g vs %.9g",
          bad, n, first, bad ? out_buf[first] : 0.0, bad ? naive_mem[first] : 0.0);
  }
  memset(&got, 0xAB, sizeof got);
  check_status("convt_get_params", convt_get_params(h, &got, sizeof got), CONVT_OK, NULL);
  for (i = 0; i < 3; ++i)
    check(got.padding_end[i] == (i < rank ? eff->padding_end[i] : 0),
          "get_params: padding_end[%d] %lld", i, (long long)got.padding_end[i]);
  check(got.padding_kind == eff->padding_kind, "get_params: padding_kind %d, expected %d",
        got.padding_kind, eff->padding_kind);
  check(got.layout == eff->layout, "get_params: layout %d, expected %d", got.layout, eff->layout);
  check(got.activation == eff->activation, "get_params: activation %d, expected %d",
        got.activation, eff->activation);
  check(memcmp(&got.activation_alpha, &eff->activation_alpha, sizeof(float)) == 0 &&
            memcmp(&got.activation_beta, &eff->activation_beta, sizeof(float)) == 0,
        "get_params: activation_alpha %g, activation_beta %g, expected %g, %g",
        got.activation_alpha, got.activation_beta, eff->activation_alpha, eff->activation_beta);
  check(got.struct_size == sizeof(convt_params) && got.in_channels == eff->in_channels &&
            got.groups == eff->groups && got.kernel_size[1] == eff->kernel_size[1] &&
            got.padding[0] == eff->padding[0] && got.output_padding[1] == eff->output_padding[1] &&
            got.dilation[1] == eff->dilation[1] && got.kernel_size[2] == 0,
        "get_params: the 0.1 fields differ");
  convt_destroy(h);
}

/* The layer of the 0.1 tests: in 4, out 6, groups 2, kernel (3, 2), stride (2, 3), padding
 * (1, 0), output_padding (1, 2), dilation (1, 2), one thread; on (2, 4, 5, 4) it gives
 * (2, 6, 10, 14); output_size runs from (9, 12) to (10, 14) as PyTorch's rule has it. */
static void set_v01_layer(convt_params* p, int32_t algorithm) {
  p->spatial_dims = 2, p->algorithm = algorithm;
  p->in_channels = 4, p->out_channels = 6, p->groups = 2;
  p->kernel_size[0] = 3, p->kernel_size[1] = 2;
  p->stride[0] = 2, p->stride[1] = 3;
  p->padding[0] = 1, p->padding[1] = 0;
  p->output_padding[0] = 1, p->output_padding[1] = 2;
  p->dilation[0] = 1, p->dilation[1] = 2;
  p->num_threads = 1;
}
#define SET_V01_FIELDS(q, p)                                                              \
  do {                                                                                    \
    int j_;                                                                               \
    (q)->spatial_dims = (p)->spatial_dims, (q)->algorithm = (p)->algorithm;               \
    (q)->in_channels = (p)->in_channels, (q)->out_channels = (p)->out_channels;           \
    for (j_ = 0; j_ < 2; ++j_) {                                                          \
      (q)->kernel_size[j_] = (p)->kernel_size[j_], (q)->stride[j_] = (p)->stride[j_];     \
      (q)->padding[j_] = (p)->padding[j_];                                                \
      (q)->output_padding[j_] = (p)->output_padding[j_];                                  \
      (q)->dilation[j_] = (p)->dilation[j_];                                              \
    }                                                                                     \
    (q)->groups = (p)->groups, (q)->num_threads = (p)->num_threads;                       \
  } while (0)

/* A 0.1 caller's struct: exactly 168 bytes on the heap (a read past them shows under
 * AddressSanitizer), padding bytes 164..167 (and the entries past spatial_dims) 0xFF
 * garbage. It gets PyTorch's semantics, and convt_get_params the 0.4 defaults. */
static void run_v01_callers(void) {
  static const int32_t algorithms[] = {CONVT_ALGORITHM_AUTO, CONVT_ALGORITHM_GEMM_COL2IM,
                                       CONVT_ALGORITHM_REFERENCE, CONVT_ALGORITHM_SUBPIXEL};
  static const int64_t in_shape[4] = {2, 4, 5, 4}, smallest[2] = {9, 12};
  static const char* const names[] = {"auto", "gemm", "reference", "subpixel"};
  size_t a;
  int by_init;
  for (by_init = 0; by_init < 2; ++by_init)
    for (a = 0; a < sizeof algorithms / sizeof algorithms[0]; ++a) {
      convt_params eff;
      convt_params_v0_1* old = (convt_params_v0_1*)checked_malloc(sizeof *old);
      begin_case(__LINE__, by_init ? "0.1 caller, convt_params_init(168), 0xFF in 164..167"
                                   : "0.1 caller, every byte 0xFF but the fields",
                 names[a]);
      convt_params_init(&eff, sizeof eff);
      set_v01_layer(&eff, algorithms[a]);
      if (by_init)
        convt_params_init((convt_params*)old, sizeof *old);
      else
        memset(old, 0xFF, sizeof *old);
      SET_V01_FIELDS(old, &eff);
      memset((unsigned char*)old + 164, 0xFF, 4);
      old->struct_size = CONVT_PARAMS_SIZE_V0_1;
      run_as(old, &eff, bias, in_shape, NULL);
      run_as(old, &eff, NULL, in_shape, smallest); /* PyTorch's output_size, not ONNX's */
      {
        /* get_params into a 0.1 caller's struct writes its 168 bytes and no more */
        convt_handle* h = NULL;
        convt_params_v0_1* back = (convt_params_v0_1*)checked_malloc(sizeof *back);
        if (convt_create((const convt_params*)old, weight, NULL, &h) == CONVT_OK) {
          check_status("convt_get_params(168)",
                       convt_get_params(h, (convt_params*)back, sizeof *back), CONVT_OK, NULL);
          check(back->struct_size == CONVT_PARAMS_SIZE_V0_1 && back->groups == 2 &&
                    back->dilation[1] == 2 && back->num_threads == 1,
                "get_params(168) wrote the wrong fields");
        }
        convt_destroy(h);
        free(back);
      }
      free(old);
      end_case();
    }

  /* Known values: ConvTranspose2d(1, 1, 2) on one pixel 2 with weight (1, 2, 3, 4) and bias
   * 0.5 is (2.5, 4.5, 6.5, 8.5), through a 168-byte struct full of garbage. */
  {
    static const float x[1] = {2}, w[4] = {1, 2, 3, 4}, b[1] = {0.5f};
    static const float want[4] = {2.5f, 4.5f, 6.5f, 8.5f};
    static const int64_t in1[4] = {1, 1, 1, 1};
    float y[4] = {0, 0, 0, 0};
    convt_handle* h = NULL;
    convt_params_v0_1* old = (convt_params_v0_1*)checked_malloc(sizeof *old);
    begin_case(__LINE__, "0.1 caller: known values", NULL);
    memset(old, 0xFF, sizeof *old);
    old->struct_size = CONVT_PARAMS_SIZE_V0_1;
    old->spatial_dims = 2, old->algorithm = CONVT_ALGORITHM_AUTO;
    old->in_channels = old->out_channels = old->groups = 1;
    old->kernel_size[0] = old->kernel_size[1] = 2;
    old->stride[0] = old->stride[1] = old->dilation[0] = old->dilation[1] = 1;
    old->padding[0] = old->padding[1] = old->output_padding[0] = old->output_padding[1] = 0;
    old->num_threads = 1;
    check(convt_create((const convt_params*)old, w, b, &h) == CONVT_OK, "create: %s",
          convt_last_error());
    check(h && convt_run(h, in1, x, NULL, y, 4, NULL, 0) == CONVT_OK, "run: %s",
          convt_last_error());
    check(memcmp(y, want, sizeof want) == 0, "got (%g, %g, %g, %g), expected (2.5, 4.5, 6.5, 8.5)",
          y[0], y[1], y[2], y[3]);
    convt_destroy(h);
    free(old);
    end_case();
  }

  /* A struct with room for the 0.4 fields, garbage in them, but struct_size 168: ignored.
   * Once 0xFF bytes (invalid values if read), once valid values that would change the
   * result (EXPLICIT trims, channels last, a CLAMP to 0). */
  {
    int plausible;
    for (plausible = 0; plausible < 2; ++plausible) {
      convt_params eff, p;
      int i;
      static const int64_t in_shape[4] = {2, 4, 5, 4};
      begin_case(__LINE__, plausible ? "struct_size 168, valid 0.4 values past it"
                                     : "struct_size 168, 0xFF in bytes 164..215", NULL);
      convt_params_init(&eff, sizeof eff);
      set_v01_layer(&eff, CONVT_ALGORITHM_AUTO);
      memset(&p, 0xFF, sizeof p);
      SET_V01_FIELDS(&p, &eff);
      if (plausible) {
        for (i = 0; i < 3; ++i) p.padding_end[i] = 3;
        p.padding_kind = CONVT_PADDING_EXPLICIT;
        p.layout = CONVT_LAYOUT_CHANNELS_LAST;
        p.activation = CONVT_ACTIVATION_CLAMP;
        p.activation_alpha = p.activation_beta = 0.0f;
      }
      p.struct_size = CONVT_PARAMS_SIZE_V0_1;
      run_as(&p, &eff, bias, in_shape, NULL);
      end_case();
    }
  }
}

/* Every struct_size from 168 to 216: a 0.4 field is read only when the size covers all of
 * it; one it covers in part (its bytes within the size 0xFF garbage) keeps its default.
 * The caller's values, when read, change the result: EXPLICIT with padding (1, 0) and
 * padding_end (2, 1) trims (8, 10) from (11, 11) where SYMMETRIC gives (9, 11), channels
 * last permutes it, CLAMP [-0.25, 0.5] bounds it (and clamps to 0 while alpha and beta keep
 * their defaults). Behaviour is checked against the oracle on the parameters that must
 * have been read, and convt_get_params must return them. */
static void run_partial_sizes(void) {
  static const int64_t in_shape[4] = {1, 4, 5, 5};
  convt_params caller;
  size_t size, f;
  convt_params_init(&caller, sizeof caller);
  caller.spatial_dims = 2, caller.num_threads = 1;
  caller.in_channels = 4, caller.out_channels = 6;
  caller.kernel_size[0] = caller.kernel_size[1] = 3;
  caller.stride[0] = caller.stride[1] = 2;
  caller.padding[0] = 1;
  caller.padding_end[0] = 2, caller.padding_end[1] = 1;
  caller.padding_kind = CONVT_PADDING_EXPLICIT;
  caller.layout = CONVT_LAYOUT_CHANNELS_LAST;
  caller.activation = CONVT_ACTIVATION_CLAMP;
  caller.activation_alpha = -0.25f, caller.activation_beta = 0.5f;
  for (size = CONVT_PARAMS_SIZE_V0_1; size <= sizeof(convt_params); ++size) {
    unsigned char* bytes = (unsigned char*)checked_malloc(size);
    convt_params eff;
    char name[64];
    snprintf(name, sizeof name, "struct_size %zu", size);
    begin_case(__LINE__, name, NULL);
    memcpy(bytes, &caller, size);
    memset(bytes + 164, 0xFF, 4); /* the padding after num_threads */
    convt_params_init(&eff, sizeof eff);
    memcpy(&eff, &caller, CONVT_PARAMS_SIZE_V0_1);
    for (f = 0; f < sizeof V04_FIELDS / sizeof V04_FIELDS[0]; ++f) {
      const size_t at = V04_FIELDS[f].offset, end = at + V04_FIELDS[f].size;
      if (end <= size)
        memcpy((unsigned char*)&eff + at, (const unsigned char*)&caller + at, V04_FIELDS[f].size);
      else if (at < size)
        memset(bytes + at, 0xFF, size - at);
    }
    if (size > 212) memset(bytes + 212, 0xFF, size - 212); /* trailing padding */
    eff.struct_size = sizeof eff;
    {
      size_t s = size;
      memcpy(bytes, &s, sizeof s);
    }
    run_as(bytes, &eff, bias, in_shape, NULL);
    free(bytes);
    end_case();
  }
}

/* ---- main -------------------------------------------------------------------------------- */

int main(void) {
  static const struct {
    const char* name;
    int32_t algorithm;
    int bias;
  } variants[] = {{"gemm+bias", CONVT_ALGORITHM_GEMM_COL2IM, 1},
                  {"reference", CONVT_ALGORITHM_REFERENCE, 0}};
  static const struct {
    int rank;
    const run_case* rows;
    size_t count;
  } tables[] = {{2, CASES, sizeof CASES / sizeof CASES[0]},
                {1, CASES_1D, sizeof CASES_1D / sizeof CASES_1D[0]},
                {3, CASES_3D, sizeof CASES_3D / sizeof CASES_3D[0]}};
  static const char* const null_variant[4] = {"", "NULL, 1-D", "NULL", "NULL, 3-D"};
  size_t i, v, t, rows = 0, null_rows = sizeof NULLS / sizeof NULLS[0];
  int rank;
  params_box base;
  convt_handle* handle = NULL;
  const int no_threads = getenv("CONVT_TEST_NO_THREADS") != NULL;
  int skipped = 0;
  char variant[64];

  fill_inputs();
  for (t = 0; t < sizeof tables / sizeof tables[0]; ++t) {
    const int r = tables[t].rank;
    rows += tables[t].count;
    for (i = 0; i < tables[t].count; ++i)
      for (v = 0; v < 2; ++v) {
        const run_case* c = &tables[t].rows[i];
        if (v > 0 && edits_algorithm(c->e)) break; /* the row fixes the algorithm */
        if (no_threads && asks_for_threads(c->e)) {
          ++skipped;
          continue;
        }
        snprintf(variant, sizeof variant, "%s%s", r == 2 ? "" : r == 1 ? "1-D, " : "3-D, ",
                 variants[v].name);
        begin_case(c->line, c->name,
                   edits_algorithm(c->e) ? (r == 2 ? NULL : r == 1 ? "1-D" : "3-D") : variant);
        run_row(c, r, variants[v].algorithm, variants[v].bias);
        end_case();
      }
  }
  for (rank = 1; rank <= 3; ++rank) {
    make_params(&base, rank, CONVT_ALGORITHM_GEMM_COL2IM, NULL);
    if (convt_create(&base.p, weight, NULL, &handle) != CONVT_OK) {
      fprintf(stderr, "cannot create the %d-D base layer: %s\n0 passed, 1 failed\n", rank,
              convt_last_error());
      return 1;
    }
    for (i = 0; i < null_rows; ++i) {
      begin_case(NULLS[i].line, NULLS[i].name, null_variant[rank]);
      run_null_case(&NULLS[i], handle, rank);
      end_case();
    }
    if (rank == 2)
      for (i = 0; i < sizeof STRUCT_SIZES / sizeof STRUCT_SIZES[0]; ++i) {
        begin_case(STRUCT_SIZES[i].line, STRUCT_SIZES[i].name, NULL);
        run_size_case(&STRUCT_SIZES[i], handle);
        end_case();
      }
    convt_destroy(handle);
  }

  check_layout();
  run_v01_callers();
  run_partial_sizes();

  if (skipped)
    printf("bad-input matrix: %d cases that start threads skipped (CONVT_TEST_NO_THREADS)\n",
           skipped);
  if (g_skipped_not_applicable)
    printf("bad-input matrix: %d cases skipped: a forced algorithm that cannot run the layer\n",
           g_skipped_not_applicable);
  printf("bad-input matrix: %d cases (%zu shape/parameter rows: %zu 2-D, %zu 1-D, %zu 3-D; "
         "%zu NULL rows at each rank, %zu struct_size rows), %d cases with failures\n",
         g_cases, rows, tables[0].count, tables[1].count, tables[2].count, null_rows,
         sizeof STRUCT_SIZES / sizeof STRUCT_SIZES[0], g_failed_cases);
  printf("%d passed, %d failed\n", g_passed, g_failed);
  return g_failed != 0;
}
