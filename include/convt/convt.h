/*
 * convt — transposed convolution (ConvTranspose1d/2d/3d) with a stable C ABI.
 *
 * Semantics are those of PyTorch's torch.nn.ConvTranspose1d/2d/3d and
 * F.conv_transpose1d/2d/3d (padding_mode='zeros'): same parameters, same shape rule, same
 * validation rules, same weight layout, values equal to float tolerance. Per spatial
 * dimension:
 *
 *   out = (in - 1)*stride - 2*padding + dilation*(kernel - 1) + output_padding + 1
 *
 * Tensors are float32, C-contiguous, channels first. With S = spatial_dims (1, 2 or 3) and
 * the spatial sizes in PyTorch's order, (L) for 1-D, (H, W) for 2-D, (D, H, W) for 3-D:
 *   input   (N, in_channels, spatial...)          PyTorch's unbatched input: pass N = 1
 *   weight  (in_channels, out_channels/groups, kernel...)   exactly as PyTorch stores it
 *   bias    (out_channels)                        optional
 *   output  (N, out_channels, out spatial...)
 * Entry i of every spatial array (kernel_size, stride, ..., output_size) is the i-th
 * spatial dimension in that order: for 2-D, index 0 is H and index 1 is W.
 *
 * Usage: convt_params_init -> set fields -> convt_create (copies the weights) ->
 * convt_output_shape -> convt_run (any number of times, from any threads) -> convt_destroy.
 *
 * Conventions for every function that returns convt_status:
 *   - it never throws, never aborts, and never reads or writes outside the buffers that
 *     the shapes describe;
 *   - on failure it sets a message for the calling thread, read with convt_last_error();
 *   - NULL where a non-empty buffer or a result is required is CONVT_ERROR_INVALID_ARGUMENT;
 *   - size arithmetic that would overflow int64_t or size_t is CONVT_ERROR_SIZE_OVERFLOW,
 *     reported before any allocation;
 *   - all arguments are checked before any buffer is read or memory is allocated.
 *
 * The sections: STABLE (versions, status codes, params, the operator) and
 * ADVANCED (workspace control, algorithm choice, the equivalent convolution).
 * Both are part of the ABI: symbols are never removed within a major version,
 * convt_params only ever grows at its end.
 */
#ifndef CONVT_H
#define CONVT_H

#include <stddef.h>
#include <stdint.h>

#if defined(_WIN32) && defined(CONVT_BUILDING_LIBRARY)
#  define CONVT_API __declspec(dllexport)
#elif defined(_WIN32) && !defined(CONVT_STATIC)
#  define CONVT_API __declspec(dllimport)
#elif defined(__GNUC__) || defined(__clang__)
#  define CONVT_API __attribute__((visibility("default")))
#else
#  define CONVT_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ===================================================================================
 * STABLE
 * =================================================================================== */

/* ---- Versions ---------------------------------------------------------------------- */

#define CONVT_VERSION_MAJOR 0
#define CONVT_VERSION_MINOR 4
#define CONVT_VERSION_PATCH 0
#define CONVT_VERSION_NUMBER \
  (CONVT_VERSION_MAJOR * 10000 + CONVT_VERSION_MINOR * 100 + CONVT_VERSION_PATCH)

/* The version of the library actually linked, as CONVT_VERSION_NUMBER would give it
 * (compare with the macro to detect a header/library mismatch). Thread-safe. */
CONVT_API unsigned convt_version_number(void);

/* "major.minor.patch" of the linked library; static storage, never free it. Thread-safe. */
CONVT_API const char* convt_version_string(void);

/* ---- Status codes ------------------------------------------------------------------ */

/* Fixed width on purpose: an enum's size is not part of a portable ABI. */
typedef int32_t convt_status;
enum {
  CONVT_OK = 0,
  CONVT_ERROR_INVALID_ARGUMENT = 1, /* a parameter, shape or buffer the API rejects     */
  CONVT_ERROR_UNSUPPORTED = 2,      /* valid request that this build cannot handle      */
  CONVT_ERROR_OUT_OF_MEMORY = 3,    /* an allocation failed; nothing changed            */
  CONVT_ERROR_SIZE_OVERFLOW = 4,    /* a size product overflows int64_t or size_t        */
  CONVT_ERROR_INTERNAL = 5          /* a bug in convt: please report it with the message */
};

/* Short static name of a status ("CONVT_OK", ...); "CONVT_ERROR_UNKNOWN" for values this
 * version does not know. Never NULL, never free it. Thread-safe. */
CONVT_API const char* convt_status_string(convt_status status);

/* The message of the calling thread's last failed convt call, e.g. "output padding must
 * be smaller than either stride or dilation, but got output_padding_height: 2 ...".
 * "" if no call on this thread has failed yet. Successful calls leave it unchanged.
 * The pointer stays valid on this thread until its next convt call; copy it to keep it.
 * Never NULL. Thread-safe (the message is per thread). */
CONVT_API const char* convt_last_error(void);

/* ---- Algorithms -------------------------------------------------------------------- */

/* Forcing an algorithm that cannot run a layer is CONVT_ERROR_UNSUPPORTED: at convt_create
 * when the parameters rule it out, at a run when the shape does (POINTWISE with an output
 * other than input x stride). GEMM_COL2IM and REFERENCE run every layer. */
enum {
  CONVT_ALGORITHM_AUTO = 0,        /* the planner chooses per run (the default)              */
  CONVT_ALGORITHM_GEMM_COL2IM = 1, /* OpenBLAS sgemm (W^T x X) + col2im scatter-add          */
  CONVT_ALGORITHM_REFERENCE = 2,   /* plain direct loop: slow, simple, the tests' oracle      */
  CONVT_ALGORITHM_SUBPIXEL = 3,    /* per stride phase: a stride-1 correlation on convt's
                                      own GEMM kernel, each output written once; strides
                                      up to 1024 per dimension, at most 4096 phases, and
                                      dilation*(kernel-1) up to 4096                       */
  CONVT_ALGORITHM_DEPTHWISE = 4,   /* groups == in == out: direct vectorized loops; strides
                                      up to 64, dilation*(kernel-1) up to 4096, and at a
                                      run an output not far larger than stride x input     */
  CONVT_ALGORITHM_POINTWISE = 5    /* each input pixel reaches output pixels of its own:
                                      a 1x1 kernel at stride 1, or (CHANNELS_LAST only) a
                                      kernel equal to the stride in every dimension
                                      (dilation 1); padding 0, and at a run an output of
                                      exactly input x stride (output_padding 0): sgemm
                                      straight into the output                              */
};

/* Static name of an algorithm value ("auto", "gemm_col2im", "reference", "subpixel",
 * "depthwise", "pointwise"); "unknown" for values this version does not know. Never NULL.
 * Thread-safe. */
CONVT_API const char* convt_algorithm_name(int32_t algorithm);

/* ---- CPU kernel level ---------------------------------------------------------------- */

/* The level of convt's own kernels in use. On x86-64: "avx512" (AVX-512F), "avx2" (AVX2 +
 * FMA) or "baseline" (SSE2, what the compiler targets with no extra flags). On aarch64:
 * "neon" (ASIMD) or "baseline" (plain scalar C++). Elsewhere: "baseline". Chosen once per
 * process, at the first call into convt that needs it, from the CPU's features (never its
 * model), and capped by the environment variable CONVT_MAX_ISA, which names a level of the
 * architecture (avx512|avx2|baseline or neon|baseline, any case; other values are
 * ignored), as oneDNN's ONEDNN_MAX_CPU_ISA caps oneDNN. Results agree across levels to
 * float rounding. A static string: never NULL, never free it. Thread-safe. (Since 0.2.0.) */
CONVT_API const char* convt_cpu_isa(void);

/* ---- Parameters -------------------------------------------------------------------- */

/* The layer, as torch.nn.ConvTranspose1d/2d/3d's constructor takes it. Always fill it with
 * convt_params_init first, then set what differs from PyTorch's defaults.
 * Every spatial array has 3 entries, of which the first spatial_dims are read, in
 * PyTorch's order ((L); (H, W); (D, H, W)); the others are ignored. New fields are only
 * ever appended. */
typedef struct convt_params {
  size_t struct_size;        /* sizeof(convt_params) as the caller compiled it            */
  int32_t spatial_dims;      /* 1, 2 or 3 (ConvTranspose1d/2d/3d); default 2 (since 0.3.0;
                                0.1 and 0.2 took only 2)                                 */
  int32_t algorithm;         /* CONVT_ALGORITHM_*; default AUTO                           */
  int64_t in_channels;       /* >= 1, divisible by groups                                 */
  int64_t out_channels;      /* >= 1, divisible by groups                                 */
  int64_t kernel_size[3];    /* >= 1; no default (init writes 0: must be set)             */
  int64_t stride[3];         /* >= 1; default 1                                           */
  int64_t padding[3];        /* >= 0; default 0                                           */
  int64_t output_padding[3]; /* >= 0 and < stride or < dilation: checked per run, as
                                PyTorch's forward does, and ignored when a run passes
                                output_size; default 0                                    */
  int64_t dilation[3];       /* >= 1; default 1                                           */
  int64_t groups;            /* >= 1; default 1                                           */
  int32_t num_threads;       /* 0: the library default: all hardware threads, or the
                                environment's CONVT_NUM_THREADS (a whole number >= 1,
                                read once per process; other values are ignored), as
                                OMP_NUM_THREADS sets OpenMP's default;
                                1: single-threaded; n: at most n threads (and at
                                most the hardware threads); < 0 invalid                 */
  /* ---- Since 0.4.0 (read only when struct_size covers the whole field) ---- */
  int64_t padding_end[3];    /* CONVT_PADDING_EXPLICIT only: zeros trimmed at the end of
                                each dimension (ONNX pads' second half); >= 0; default 0  */
  int32_t padding_kind;      /* CONVT_PADDING_*; default CONVT_PADDING_SYMMETRIC          */
  int32_t layout;            /* CONVT_LAYOUT_*; default CONVT_LAYOUT_CHANNELS_FIRST       */
  int32_t activation;        /* CONVT_ACTIVATION_*; default CONVT_ACTIVATION_NONE         */
  float activation_alpha;    /* LEAKY_RELU slope, CLAMP min, ELU alpha; default 0         */
  float activation_beta;     /* CLAMP max; default 0                                      */
} convt_params;

/* The sizeof(convt_params) of the first release (0.1): the smallest struct_size accepted. */
#define CONVT_PARAMS_SIZE_V0_1 ((size_t)168)
/* The sizeof(convt_params) of its second layout (library 0.4: padding_end .. activation_beta
 * appended). */
#define CONVT_PARAMS_SIZE_V0_2 ((size_t)216)

/* How padding trims the output (convt_params.padding_kind). Per spatial dimension, with
 * eff = dilation*(kernel-1) + 1 and full = stride*(in-1) + output_padding + eff (the
 * untrimmed output), `begin` zeros are trimmed at the start and `end` at the end, and
 * out = full - begin - end:
 *   SYMMETRIC   PyTorch's ConvTranspose: begin = end = padding; output_size follows
 *               PyTorch's forward(input, output_size) rule (below).
 *   EXPLICIT    ONNX's pads: begin = padding, end = padding_end.
 *   SAME_UPPER  ONNX's auto_pad: T = max(0, full - in*stride) (so out = in*stride when
 *   SAME_LOWER  T > 0); SAME_UPPER trims T/2 at the begin and the rest at the end,
 *               SAME_LOWER the larger half at the begin. padding is ignored.
 *   VALID       begin = end = 0 (out = full). padding is ignored.
 * Under every kind but SYMMETRIC, output_padding must be smaller than the stride (as ONNX
 * Runtime requires; checked at create), and a run's output_size is ONNX's output_shape:
 * sizes from 1 to stride*in + eff - 1, T = max(0, full - out) split as SAME_UPPER's for
 * SAME_UPPER and with the larger half at the begin for the other kinds (padding and
 * padding_end are then ignored); where out > full the output is extended at the end, and
 * those positions hold the bias. These are ONNX Runtime's rules (checked against
 * onnxruntime 1.32). */
enum {
  CONVT_PADDING_SYMMETRIC = 0,
  CONVT_PADDING_EXPLICIT = 1,
  CONVT_PADDING_SAME_UPPER = 2,
  CONVT_PADDING_SAME_LOWER = 3,
  CONVT_PADDING_VALID = 4
};

/* Tensor layout of input and output (convt_params.layout). CHANNELS_LAST is (N, spatial...,
 * C) for every rank: NLC, NHWC, NDHWC (XNNPACK's, TFLite's and PyTorch's channels_last).
 * The weight keeps PyTorch's layout either way (convt repacks it at create), and shapes
 * passed to and returned by the API stay (N, C, spatial...). */
enum { CONVT_LAYOUT_CHANNELS_FIRST = 0, CONVT_LAYOUT_CHANNELS_LAST = 1 };

/* An activation applied to every output after the bias, inside the run, where the output
 * is stored (convt_params.activation; alpha and beta are activation_alpha/_beta):
 *   NONE        y
 *   RELU        max(y, 0)
 *   LEAKY_RELU  y if y >= 0, else alpha*y
 *   CLAMP       min(max(y, alpha), beta)   (alpha <= beta; either may be infinite)
 *   TANH        tanh(y)
 *   SIGMOID     1 / (1 + exp(-y))
 *   ELU         y if y > 0, else alpha*(exp(y) - 1)
 *   GELU        y/2 * (1 + erf(y/sqrt(2)))   (PyTorch's default, exact form)
 * NaN stays NaN. Each is within 5 units in the last place of its exact value (RELU,
 * LEAKY_RELU and CLAMP exactly rounded), so the results agree with PyTorch's functions
 * applied after the layer to float tolerance. A NaN alpha (LEAKY_RELU, CLAMP, ELU) or beta
 * (CLAMP) is CONVT_ERROR_INVALID_ARGUMENT. */
enum {
  CONVT_ACTIVATION_NONE = 0,
  CONVT_ACTIVATION_RELU = 1,
  CONVT_ACTIVATION_LEAKY_RELU = 2,
  CONVT_ACTIVATION_CLAMP = 3,
  CONVT_ACTIVATION_TANH = 4,
  CONVT_ACTIVATION_SIGMOID = 5,
  CONVT_ACTIVATION_ELU = 6,
  CONVT_ACTIVATION_GELU = 7
};

/* Writes PyTorch's defaults into the first struct_size bytes of *params and sets
 * params->struct_size = struct_size. Pass sizeof(convt_params). NULL params, or a
 * struct_size too small to hold struct_size itself, does nothing. Thread-safe
 * (touches only *params). */
CONVT_API void convt_params_init(convt_params* params, size_t struct_size);

/* ---- The operator ------------------------------------------------------------------ */

typedef struct convt_handle convt_handle; /* opaque */

/* Creates a layer. Validates *params (struct_size, spatial_dims, algorithm, num_threads,
 * channels, kernel, stride, padding, dilation, groups; output_padding is checked per run),
 * then copies `weight` (in_channels * out_channels/groups * the product of kernel_size's
 * spatial_dims entries floats) and `bias`
 * (out_channels floats, or NULL for no bias) into the handle: the caller may free them
 * right after. On success *out_handle owns the new layer: release it with
 * convt_destroy. On failure *out_handle is set to NULL (when out_handle is not NULL).
 * struct_size from CONVT_PARAMS_SIZE_V0_1 up to this library's sizeof(convt_params) is
 * accepted (later fields take their defaults); larger is CONVT_ERROR_UNSUPPORTED (built
 * against a newer convt), smaller is CONVT_ERROR_INVALID_ARGUMENT.
 * Errors: INVALID_ARGUMENT, UNSUPPORTED (a GEMM dimension out_channels/groups * the
 * kernel's volume, or in_channels/groups, above INT32_MAX), SIZE_OVERFLOW, OUT_OF_MEMORY.
 * Thread-safe. */
CONVT_API convt_status convt_create(const convt_params* params, const float* weight,
                                    const float* bias, convt_handle** out_handle);

/* Shapes below are arrays of 2 + spatial_dims entries: input_shape is (N, C, L),
 * (N, C, H, W) or (N, C, D, H, W). output_size is NULL, or an array of spatial_dims
 * entries, the requested output size as in PyTorch's forward(input, output_size): per
 * dimension it replaces output_padding by size - min, where min is the size at
 * output_padding 0; valid sizes run from max(min, 1) to min + stride - 1.
 * N = 0 is valid (empty output); validity is otherwise decided as for N = 1. */

/* Writes the output shape (N, out_channels, out spatial...) of a run to
 * output_shape[0 .. 2 + spatial_dims - 1].
 * Errors: INVALID_ARGUMENT (NULL handle, input_shape or output_shape; input channels !=
 * in_channels; a spatial size < 1; N < 0; without output_size: output_padding negative
 * or not < stride or dilation; output_size out of range; output size < 1),
 * SIZE_OVERFLOW. Thread-safe; output_shape is written only on success. */
CONVT_API convt_status convt_output_shape(const convt_handle* handle, const int64_t* input_shape,
                                          const int64_t* output_size, int64_t* output_shape);

/* convt_run's output_capacity must be at least the product of the output shape. */

/* Runs the layer: output = conv_transpose{1,2,3}d(input, weight, bias). `input` holds the
 * product of input_shape floats; `output` receives the product of the output shape
 * floats (output_capacity is its size in floats, which must be at least that). Every
 * output element is overwritten: the buffer needs no initialising. input and output must
 * not overlap. `workspace` is scratch memory of workspace_size bytes, at least what
 * convt_workspace_size reports for this shape, at any address (no alignment needed: the
 * run uses it from its first 64-byte boundary); NULL makes the library use a scratch
 * buffer of the calling thread, which it keeps for that thread's next run and frees when
 * the thread exits (buffers above 64 MiB are allocated and freed per run). With N = 0
 * nothing is read or written and the buffers may be NULL.
 * On failure nothing has been written to output unless the status is
 * CONVT_ERROR_INTERNAL. Results are deterministic: bit-identical for every num_threads
 * and every run. Thread-safe: any number of threads may run one handle at once (each
 * with its own output and workspace).
 * Errors: those of convt_output_shape, INVALID_ARGUMENT (NULL input/output for a
 * non-empty tensor, output_capacity too small, workspace_size too small),
 * OUT_OF_MEMORY (workspace allocation). */
CONVT_API convt_status convt_run(const convt_handle* handle, const int64_t* input_shape,
                                 const float* input, const int64_t* output_size, float* output,
                                 size_t output_capacity, void* workspace, size_t workspace_size);

/* Releases a handle and everything it owns. NULL is a no-op. Not thread-safe against
 * runs of the same handle: destroy it only when no other call is using it. */
CONVT_API void convt_destroy(convt_handle* handle);

/* ===================================================================================
 * ADVANCED
 * =================================================================================== */

/* Bytes of scratch memory a run of this shape needs (its peak, plus 64 bytes so that the
 * run can start its scratch on a cache line wherever the caller's buffer starts), so the
 * caller can pass its own workspace to convt_run; 0 if none. Depends on the handle's
 * algorithm and num_threads and on the shape. Errors: as convt_output_shape, plus NULL bytes.
 * Thread-safe. */
CONVT_API convt_status convt_workspace_size(const convt_handle* handle, const int64_t* input_shape,
                                            const int64_t* output_size, size_t* bytes);

/* The concrete algorithm (never CONVT_ALGORITHM_AUTO) that convt_run would use for this
 * shape: the forced one, or the planner's choice under AUTO. Errors: as
 * convt_output_shape, plus NULL algorithm. Thread-safe. */
CONVT_API convt_status convt_selected_algorithm(const convt_handle* handle,
                                                const int64_t* input_shape,
                                                const int64_t* output_size, int32_t* algorithm);

/* Copies the handle's parameters (as validated at create, struct_size set to
 * min(struct_size, sizeof(convt_params))) into the first struct_size bytes of *params;
 * the entries of each spatial array past spatial_dims hold convt_params_init's defaults.
 * Errors: INVALID_ARGUMENT (NULL, struct_size below CONVT_PARAMS_SIZE_V0_1). Thread-safe. */
CONVT_API convt_status convt_get_params(const convt_handle* handle, convt_params* params,
                                        size_t struct_size);

/* ---- The equivalent ordinary convolution ----------------------------------------------
 * A transposed convolution is an ordinary convolution (cross-correlation, as conv1d/2d/3d)
 * of a stretched input with a transposed, flipped weight. Per spatial dimension, with k, s, p,
 * op, d the kernel, stride, padding, output_padding and dilation:
 *   1. insert s - 1 zeros between neighbouring input pixels (in -> (in-1)*s + 1 pixels);
 *   2. pad with q = d*(k-1) - p zeros before and q + op zeros after; when p > d*(k-1),
 *      q is negative: crop -q pixels from each end instead (and pad op after);
 *   3. convolve with stride 1, dilation d, the same groups, and the weight (2-D shown)
 *      conv_weight[g*cout_g + o][i][kh][kw] = weight[g*cin_g + i][o][kH-1-kh][kW-1-kw]
 *      (in/out channels swapped per group, flipped in every spatial dimension), where
 *      cin_g = in/groups, cout_g = out/groups;  plus the same bias.
 * The result has (in-1)*s + 1 + 2q + op - d*(k-1) = (in-1)*s - 2p + d*(k-1) + op + 1
 * pixels: the transposed convolution's output size.
 *
 * Writes that convolution's weight, (out_channels, in_channels/groups, kernel...) floats,
 * to conv_weight, from the transposed weight (in_channels, out_channels/groups, kernel...).
 * params is validated as by convt_create, except layout, activation, activation_alpha and
 * activation_beta, which are ignored. weight and conv_weight must not overlap.
 * Errors: as convt_create (NULL weight or conv_weight is INVALID_ARGUMENT). Thread-safe. */
CONVT_API convt_status convt_conv_weight_from_transposed(const convt_params* params,
                                                         const float* weight,
                                                         float* conv_weight);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* CONVT_H */
