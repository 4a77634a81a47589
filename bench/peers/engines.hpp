// The in-process peers of convt-bench --peers: other libraries' transposed convolutions
// (and the GEMM-only floor of convt's col2im lowering), each behind one small interface so
// the benchmark can interleave them with convt's own runs.
//
// Every peer is compiled only when its package was found at configure time
// (CONVT_BENCH_HAVE_DNNL, CONVT_BENCH_HAVE_XNNPACK, CONVT_BENCH_HAVE_OPENBLAS); the convt
// library itself never depends on any of them.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace convt_bench {

// One layer as the suite describes it: PyTorch's ConvTranspose1d/2d/3d parameters + the
// input size. Spatial arrays hold `rank` entries in PyTorch's order ((L); (H, W);
// (D, H, W)); the entries from `rank` on are unused.
struct Layer {
  std::string name = "cli";
  int rank = 2;  // spatial dimensions: 1, 2 or 3
  int64_t n = 1, cin = 0, cout = 0;
  int64_t in[3] = {0, 0, 0};  // input spatial sizes
  int64_t k[3] = {0, 0, 0}, s[3] = {1, 1, 1}, p[3] = {0, 0, 0}, op[3] = {0, 0, 0}, d[3] = {1, 1, 1};
  int64_t groups = 1;
  bool bias = true;
  // The run's variant (--layout, --activation), the same for every layer of a run: tensors
  // (N, spatial..., C) instead of (N, C, spatial...), and an activation (CONVT_ACTIVATION_*,
  // its alpha and beta) applied to every output after the bias.
  bool channels_last = false;
  int32_t activation = 0;
  float alpha = 0, beta = 0;
};

// The product of the first `rank` entries of a spatial array.
inline int64_t volume(const int64_t* v, int rank) {
  int64_t p = 1;
  for (int i = 0; i < rank; ++i) p *= v[i];
  return p;
}

// (N, C, pixels...) <-> (N, pixels..., C): `pixels` is the product of the spatial sizes.
std::vector<float> to_channels_last(const std::vector<float>& x, int64_t n, int64_t c, int64_t pixels);
std::vector<float> to_channels_first(const std::vector<float>& x, int64_t n, int64_t c, int64_t pixels);

// The layer's tensors: input (N, Cin, spatial...), the same input channels last
// (N, spatial..., Cin; only when the layer is channels last), PyTorch weight layout
// (Cin, Cout/groups, kernel...), bias (Cout floats, or nullptr). out: the output's spatial
// sizes (rank entries).
struct LayerData {
  const float* x = nullptr;
  const float* x_channels_last = nullptr;
  const float* w = nullptr;
  const float* b = nullptr;
  int64_t out[3] = {0, 0, 0};
};

// One engine set up for one layer. run() is the timed call; enter()/leave() run right
// before/after it, untimed (e.g. to set a process-wide thread count for that engine only).
// Errors are thrown as std::runtime_error.
class Engine {
 public:
  virtual ~Engine() = default;
  virtual void enter() {}
  virtual void run() = 0;
  virtual void leave() {}
  // The last run's output as (N, Cout, spatial...) (converted from channels last where the
  // engine writes that), for the check against convt's reference; false when the engine
  // computes no such output (the GEMM floor).
  virtual bool output_nchw(std::vector<float>& out) {
    (void)out;
    return false;
  }
};

struct InprocessPeer {
  std::string id;     // machine-readable name: CSV/JSON keys
  std::string label;  // the table's column header
  bool is_peer;       // counts for "best peer" (false: the GEMM floor)
  // How it is configured, for the header of the table.
  std::string (*describe)(int threads);
  // "" if the engine has a path for the layer's rank, layout and activation, else why not
  // (its cell shows "-").
  std::string (*lacks)(const Layer& l);
  // Sets the engine up for a layer (weights packed/reordered here, untimed); on failure
  // returns nullptr and says why in `why`. `note` may receive per-layer detail (e.g. the
  // implementation oneDNN chose).
  std::unique_ptr<Engine> (*make)(const Layer& l, const LayerData& data, int threads,
                                  std::string& why, std::string& note);
};

// The in-process peers compiled into this convt-bench, in table order.
std::vector<InprocessPeer> inprocess_peers();

}  // namespace convt_bench
