// The C ABI: extern "C" entry points over the C++ core. This file only checks pointers,
// expands a caller's (possibly older, shorter) convt_params, turns exceptions into status
// codes and keeps the per-thread error message. No C++ exception ever leaves it.
#include "convt/convt.h"

#include <cstdio>
#include <cstring>
#include <exception>
#include <new>

#include "../src/conv_equivalent.hpp"
#include "../src/error.hpp"
#include "../src/isa.hpp"
#include "../src/operator.hpp"

struct convt_handle {
  convt::Operator op;
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
  } catch (const convt::Error& e) {
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
  if (!p) convt::fail(CONVT_ERROR_INVALID_ARGUMENT, name, " is NULL");
}

const convt::Operator& op_of(const convt_handle* h) {
  require(h, "handle");
  return h->op;
}

// The caller's struct, whatever release it was compiled against, as this release's struct.
convt_params expand_params(const convt_params* p) {
  require(p, "params");
  if (p->struct_size < CONVT_PARAMS_SIZE_V0_1)
    convt::fail(CONVT_ERROR_INVALID_ARGUMENT, "params->struct_size is ", p->struct_size,
                ", but must be at least ", CONVT_PARAMS_SIZE_V0_1,
                " (call convt_params_init(&params, sizeof(convt_params)) first)");
  if (p->struct_size > sizeof(convt_params))
    convt::fail(CONVT_ERROR_UNSUPPORTED, "params->struct_size is ", p->struct_size,
                ", larger than this library's ", sizeof(convt_params),
                ": the caller was built against a newer convt (this is ",
                CONVT_VERSION_MAJOR, ".", CONVT_VERSION_MINOR, ".", CONVT_VERSION_PATCH, ")");
  convt_params full;
  convt_params_init(&full, sizeof full);
  std::memcpy(&full, p, p->struct_size);
  return full;
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

const char* convt_cpu_isa(void) { return convt::isa_name(convt::active_isa()); }

const char* convt_algorithm_name(int32_t algorithm) {
  switch (algorithm) {
    case CONVT_ALGORITHM_AUTO: return "auto";
    case CONVT_ALGORITHM_GEMM_COL2IM: return "gemm_col2im";
    case CONVT_ALGORITHM_REFERENCE: return "reference";
    case CONVT_ALGORITHM_SUBPIXEL: return "subpixel";
    case CONVT_ALGORITHM_DEPTHWISE: return "depthwise";
    case CONVT_ALGORITHM_POINTWISE: return "pointwise";
    default: return "unknown";
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
  std::memcpy(params, &d, struct_size < sizeof d ? struct_size : sizeof d);
  params->struct_size = struct_size;
}

convt_status convt_create(const convt_params* params, const float* weight, const float* bias,
                          convt_handle** out_handle) {
  if (out_handle) *out_handle = nullptr;
  return guarded([&] {
    require(out_handle, "out_handle");
    const convt_params full = expand_params(params);
    const convt::LayerSpec layer = convt::validate_layer(full, bias != nullptr);
    require(weight, "weight");
    *out_handle = new convt_handle{convt::Operator(layer, weight, bias)};
  });
}

convt_status convt_output_shape(const convt_handle* handle, const int64_t* input_shape,
                                const int64_t* output_size, int64_t* output_shape) {
  return guarded([&] {
    const convt::Operator& op = op_of(handle);
    require(output_shape, "output_shape");
    const convt::RunShape s = op.run_shape(input_shape, output_size);
    output_shape[0] = s.batch;
    output_shape[1] = op.layer().out_channels;
    output_shape[2] = s.out_h;
    output_shape[3] = s.out_w;
  });
}

convt_status convt_workspace_size(const convt_handle* handle, const int64_t* input_shape,
                                  const int64_t* output_size, size_t* bytes) {
  return guarded([&] {
    const convt::Operator& op = op_of(handle);
    require(bytes, "bytes");
    *bytes = op.plan(op.run_shape(input_shape, output_size)).workspace_bytes;
  });
}

convt_status convt_selected_algorithm(const convt_handle* handle, const int64_t* input_shape,
                                      const int64_t* output_size, int32_t* algorithm) {
  return guarded([&] {
    const convt::Operator& op = op_of(handle);
    require(algorithm, "algorithm");
    *algorithm = op.plan(op.run_shape(input_shape, output_size)).algorithm;
  });
}

convt_status convt_run(const convt_handle* handle, const int64_t* input_shape, const float* input,
                       const int64_t* output_size, float* output, size_t output_capacity,
                       void* workspace, size_t workspace_size) {
  return guarded([&] {
    const convt::Operator& op = op_of(handle);
    op.run(op.run_shape(input_shape, output_size), input, output, output_capacity, workspace,
           workspace_size);
  });
}

void convt_destroy(convt_handle* handle) { delete handle; }

convt_status convt_get_params(const convt_handle* handle, convt_params* params,
                              size_t struct_size) {
  return guarded([&] {
    const convt::Operator& op = op_of(handle);
    require(params, "params");
    if (struct_size < CONVT_PARAMS_SIZE_V0_1)
      convt::fail(CONVT_ERROR_INVALID_ARGUMENT, "struct_size is ", struct_size,
                  ", but must be at least ", CONVT_PARAMS_SIZE_V0_1);
    const convt::LayerSpec& l = op.layer();
    convt_params p;
    convt_params_init(&p, sizeof p);
    p.algorithm = l.algorithm;
    p.in_channels = l.in_channels;
    p.out_channels = l.out_channels;
    for (int d = 0; d < 2; ++d) {
      p.kernel_size[d] = l.kernel[d];
      p.stride[d] = l.stride[d];
      p.padding[d] = l.padding[d];
      p.output_padding[d] = l.output_padding[d];
      p.dilation[d] = l.dilation[d];
    }
    p.groups = l.groups;
    p.num_threads = l.num_threads;
    const size_t n = struct_size < sizeof p ? struct_size : sizeof p;
    p.struct_size = n;
    std::memcpy(params, &p, n);
  });
}

convt_status convt_conv_weight_from_transposed(const convt_params* params, const float* weight,
                                               float* conv_weight) {
  return guarded([&] {
    const convt::LayerSpec layer = convt::validate_layer(expand_params(params), false);
    require(weight, "weight");
    require(conv_weight, "conv_weight");
    convt::conv_weight_from_transposed(layer, weight, conv_weight);
  });
}

}  // extern "C"
