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

// One layer as the suite describes it (PyTorch's ConvTranspose2d parameters + input size).
struct Layer {
  std::string name = "cli";
  int64_t n = 1, cin = 0, cout = 0, h = 0, w = 0;
  int64_t k[2] = {0, 0}, s[2] = {1, 1}, p[2] = {0, 0}, op[2] = {0, 0}, d[2] = {1, 1};
  int64_t groups = 1;
  bool bias = true;
};

// The layer's tensors as convt gets them: NCHW input, PyTorch weight layout
// (Cin, Cout/groups, kH, kW), bias (Cout floats, or nullptr). oh, ow: the output size.
struct LayerData {
  const float* x = nullptr;
  const float* w = nullptr;
  const float* b = nullptr;
  int64_t oh = 0, ow = 0;
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
  // The last run's output as NCHW (Cout channels), for the check against convt's
  // reference; false when the engine computes no such output (the GEMM floor).
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
  // Sets the engine up for a layer (weights packed/reordered here, untimed); on failure
  // returns nullptr and says why in `why`. `note` may receive per-layer detail (e.g. the
  // implementation oneDNN chose).
  std::unique_ptr<Engine> (*make)(const Layer& l, const LayerData& data, int threads,
                                  std::string& why, std::string& note);
};

// The in-process peers compiled into this convt-bench, in table order.
std::vector<InprocessPeer> inprocess_peers();

}  // namespace convt_bench
