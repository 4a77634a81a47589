// The C ABI: extern "C" entry points over the C++ core. This file only checks pointers,
// expands a caller's (possibly older, shorter) convt_params, turns exceptions into status
// codes and keeps the per-thread error message. No C++ exception ever leaves it.
#include "convt/convt.h"

#include <cstddef>
#include <cstdio>
#include <cstring>
#include <exception>
#include <new>

#include "../src/conv_equivalent.hpp"
#include "../src/error.hpp"
#include "../src/isa.hpp"
#include "../src/lowerings.hpp"
#include "../src/operator.hpp"
#include "../src/planner.hpp"

struct convt_handle {
  convt_impl::Operator op;
};

namespace {

// A fixed buffer: recording an error must not allocate (it may report out-of-memory).
thread_local char t_last_error[1024] = "";

convt_status record(convt_status status, const char* message) {
  std::snprintf(t_last_error, sizeof t_last_error, "%s", message);
  return status;
}

// Runs f, mapping every exception to a status and a message.
template <typename F>
convt_status guarded(F&& f) noexcept {
  try {
    f();
    return CONVT_OK;
  } catch (const convt_impl::Error& e) {
    return record(e.status(), e.what());
  } catch (const std::bad_alloc&) {
    return record(CONVT_ERROR_OUT_OF_MEMORY, "out of memory");
  } catch (const std::exception& e) {
    return record(CONVT_ERROR_INTERNAL, e.what());
  } catch (...) {
    return record(CONVT_ERROR_INTERNAL, "unknown exception");
  }
}

void require(const void* p, const char* name) {
  if (!p) convt_impl::fail(CONVT_ERROR_INVALID_ARGUMENT, name, " is NULL");
}

const convt_impl::Operator& op_of(const convt_handle* h) {
  require(h, "handle");
  return h->op;
}

// The caller's struct, whatever release it was compiled against, as this release's struct.
convt_params expand_params(const convt_params* p) {
  require(p, "params");
  if (p->struct_size < CONVT_PARAMS_SIZE_V0_1)
    convt_impl::fail(CONVT_ERROR_INVALID_ARGUMENT, "params->struct_size is ", p->struct_size,
                ", but must be at least ", CONVT_PARAMS_SIZE_V0_1,
                " (call convt_params_init(&params, sizeof(convt_params)) first)");
  if (p->struct_size > sizeof(convt_params))
    convt_impl::fail(CONVT_ERROR_UNSUPPORTED, "params->struct_size is ", p->struct_size,
                ", larger than this library's ", sizeof(convt_params),
                ": the caller was built against a newer convt (this is ",
                CONVT_VERSION_MAJOR, ".", CONVT_VERSION_MINOR, ".", CONVT_VERSION_PATCH, ")");
  convt_params full;
  convt_params_init(&full, sizeof full);
  std::memcpy(&full, p, p->struct_size);
  // A field that struct_size covers only in part keeps its default: the caller's struct
  // ends inside it. (Every 0.1 field ends within CONVT_PARAMS_SIZE_V0_1.)
  convt_params defaults;
  convt_params_init(&defaults, sizeof defaults);
  struct Field {
    size_t offset, size;
  };
#define CONVT_FIELD(f) Field{offsetof(convt_params, f), sizeof(convt_params::f)}
  for (const Field f : {CONVT_FIELD(padding_end), CONVT_FIELD(padding_kind), CONVT_FIELD(layout),
                        CONVT_FIELD(activation), CONVT_FIELD(activation_alpha),
                        CONVT_FIELD(activation_beta)})
    if (f.offset + f.size > p->struct_size)
      std::memcpy(reinterpret_cast<char*>(&full) + f.offset,
                  reinterpret_cast<const char*>(&defaults) + f.offset, f.size);
#undef CONVT_FIELD
  return full;
}

// convt_params <-> the core's layer: the one place that knows both. Entry i of a spatial
// array is the caller's dimension i, the core's internal_dim(rank, i); a rank outside
// 1..3 copies no entries (validate_layer rejects it).
convt_impl::LayerSpec to_layer(const convt_params& p, bool has_bias) {
  convt_impl::LayerSpec l;
  l.rank = p.spatial_dims;
  l.in_channels = p.in_channels;
  l.out_channels = p.out_channels;
  l.groups = p.groups;
  l.algorithm = p.algorithm;
  l.num_threads = p.num_threads;
  l.has_bias = has_bias;
  l.padding_kind = p.padding_kind;
  l.layout = p.layout;
  l.activation = {p.activation, p.activation_alpha, p.activation_beta};
  if (l.rank >= 1 && l.rank <= convt_impl::kMaxRank)
    for (int i = 0; i < l.rank; ++i) {
      const int d = convt_impl::internal_dim(l.rank, i);
      l.kernel[d] = p.kernel_size[i];
      l.stride[d] = p.stride[i];
      l.padding[d] = p.padding[i];
      l.output_padding[d] = p.output_padding[i];
      l.dilation[d] = p.dilation[i];
      l.padding_end[d] = p.padding_end[i];
    }
  return l;
}

convt_params to_params(const convt_impl::LayerSpec& l) {
  convt_params p;
  convt_params_init(&p, sizeof p);
  p.spatial_dims = l.rank;
  p.algorithm = l.algorithm;
  p.in_channels = l.in_channels;
  p.out_channels = l.out_channels;
  for (int i = 0; i < l.rank; ++i) {
    const int d = convt_impl::internal_dim(l.rank, i);
    p.kernel_size[i] = l.kernel[d];
    p.stride[i] = l.stride[d];
    p.padding[i] = l.padding[d];
    p.output_padding[i] = l.output_padding[d];
    p.dilation[i] = l.dilation[d];
    p.padding_end[i] = l.padding_end[d];
  }
  p.groups = l.groups;
  p.num_threads = l.num_threads;
  p.padding_kind = l.padding_kind;
  p.layout = l.layout;
  p.activation = l.activation.kind;
  p.activation_alpha = l.activation.alpha;
  p.activation_beta = l.activation.beta;
  return p;
}

// The layer of a caller's params, checked as convt_create checks it.
convt_impl::LayerSpec validated_layer(const convt_params* params, bool has_bias) {
  const convt_impl::LayerSpec layer = to_layer(expand_params(params), has_bias);
  convt_impl::validate_layer(layer);
  convt_impl::check_algorithm(layer);
  return layer;
}

}  // namespace

extern "C" {

unsigned convt_version_number(void) { return CONVT_VERSION_NUMBER; }

const char* convt_version_string(void) {
#define CONVT_STR2(x) #x
#define CONVT_STR(x) CONVT_STR2(x)
  return CONVT_STR(CONVT_VERSION_MAJOR) "." CONVT_STR(CONVT_VERSION_MINOR) "." CONVT_STR(
      CONVT_VERSION_PATCH);
}

const char* convt_status_string(convt_status status) {
  switch (status) {
    case CONVT_OK: return "CONVT_OK";
    case CONVT_ERROR_INVALID_ARGUMENT: return "CONVT_ERROR_INVALID_ARGUMENT";
    case CONVT_ERROR_UNSUPPORTED: return "CONVT_ERROR_UNSUPPORTED";
    case CONVT_ERROR_OUT_OF_MEMORY: return "CONVT_ERROR_OUT_OF_MEMORY";
    case CONVT_ERROR_SIZE_OVERFLOW: return "CONVT_ERROR_SIZE_OVERFLOW";
    case CONVT_ERROR_INTERNAL: return "CONVT_ERROR_INTERNAL";
    default: return "CONVT_ERROR_UNKNOWN";
  }
}

const char* convt_last_error(void) { return t_last_error; }

const char* convt_cpu_isa(void) {
  try {  // (the level is decided at the first call, which reads CONVT_MAX_ISA)
    return convt_impl::isa_name(convt_impl::active_isa());
  } catch (...) {
    return "baseline";
  }
}

const char* convt_algorithm_name(int32_t algorithm) {
  if (algorithm == CONVT_ALGORITHM_AUTO) return "auto";
  try {  // (the table is built at the first call)
    const convt_impl::Lowering* lowering = convt_impl::find_lowering(algorithm);
    return lowering ? lowering->name() : "unknown";
  } catch (...) {
    return "unknown";
  }
}

void convt_params_init(convt_params* params, size_t struct_size) {
  if (!params || struct_size < sizeof(size_t)) return;
  convt_params d;
  std::memset(&d, 0, sizeof d);
  d.spatial_dims = 2;
  d.algorithm = CONVT_ALGORITHM_AUTO;
  for (int i = 0; i < 3; ++i) {
    d.stride[i] = 1;
    d.dilation[i] = 1;
  }
  d.groups = 1;
  d.num_threads = 0;
  d.padding_kind = CONVT_PADDING_SYMMETRIC;
  d.layout = CONVT_LAYOUT_CHANNELS_FIRST;
  d.activation = CONVT_ACTIVATION_NONE;
  std::memcpy(params, &d, struct_size < sizeof d ? struct_size : sizeof d);
  params->struct_size = struct_size;
}

convt_status convt_create(const convt_params* params, const float* weight, const float* bias,
                          convt_handle** out_handle) {
  if (out_handle) *out_handle = nullptr;
  return guarded([&] {
    require(out_handle, "out_handle");
    const convt_impl::LayerSpec layer = validated_layer(params, bias != nullptr);
    require(weight, "weight");
    *out_handle = new convt_handle{convt_impl::Operator(layer, weight, bias)};
  });
}

convt_status convt_output_shape(const convt_handle* handle, const int64_t* input_shape,
                                const int64_t* output_size, int64_t* output_shape) {
  return guarded([&] {
    const convt_impl::Operator& op = op_of(handle);
    require(output_shape, "output_shape");
    const convt_impl::RunShape s = op.run_shape(input_shape, output_size);
    const int rank = op.layer().rank;
    output_shape[0] = s.batch;
    output_shape[1] = op.layer().out_channels;
    for (int i = 0; i < rank; ++i) output_shape[2 + i] = s.out[convt_impl::internal_dim(rank, i)];
  });
}

convt_status convt_workspace_size(const convt_handle* handle, const int64_t* input_shape,
                                  const int64_t* output_size, size_t* bytes) {
  return guarded([&] {
    const convt_impl::Operator& op = op_of(handle);
    require(bytes, "bytes");
    *bytes = op.plan(op.run_shape(input_shape, output_size)).workspace_bytes;
  });
}

convt_status convt_selected_algorithm(const convt_handle* handle, const int64_t* input_shape,
                                      const int64_t* output_size, int32_t* algorithm) {
  return guarded([&] {
    const convt_impl::Operator& op = op_of(handle);
    require(algorithm, "algorithm");
    *algorithm = op.plan(op.run_shape(input_shape, output_size)).algorithm();
  });
}

convt_status convt_run(const convt_handle* handle, const int64_t* input_shape, const float* input,
                       const int64_t* output_size, float* output, size_t output_capacity,
                       void* workspace, size_t workspace_size) {
  return guarded([&] {
    const convt_impl::Operator& op = op_of(handle);
    op.run(op.run_shape(input_shape, output_size), input, output, output_capacity, workspace,
           workspace_size);
  });
}

void convt_destroy(convt_handle* handle) { delete handle; }

convt_status convt_get_params(const convt_handle* handle, convt_params* params,
                              size_t struct_size) {
  return guarded([&] {
    const convt_impl::Operator& op = op_of(handle);
    require(params, "params");
    if (struct_size < CONVT_PARAMS_SIZE_V0_1)
      convt_impl::fail(CONVT_ERROR_INVALID_ARGUMENT, "struct_size is ", struct_size,
                  ", but must be at least ", CONVT_PARAMS_SIZE_V0_1);
    convt_params p = to_params(op.layer());
    const size_t n = struct_size < sizeof p ? struct_size : sizeof p;
    p.struct_size = n;
    std::memcpy(params, &p, n);
  });
}

convt_status convt_conv_weight_from_transposed(const convt_params* params, const float* weight,
                                               float* conv_weight) {
  return guarded([&] {
    // The layout and the activation do not change the weight: ignored, whatever they hold.
    // (The padding kind decides which padding fields the layer has: judged as at create.)
    require(params, "params");
    convt_params p = expand_params(params);
    convt_params defaults;
    convt_params_init(&defaults, sizeof defaults);
    p.layout = defaults.layout;
    p.activation = defaults.activation;
    p.activation_alpha = defaults.activation_alpha;
    p.activation_beta = defaults.activation_beta;
    const convt_impl::LayerSpec layer = validated_layer(&p, false);
    require(weight, "weight");
    require(conv_weight, "conv_weight");
    convt_impl::conv_weight_from_transposed(layer, weight, conv_weight);
  });
}

}  // extern "C"
