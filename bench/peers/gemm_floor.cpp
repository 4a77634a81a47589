// Not a peer but a floor: the sgemm calls that a plain col2im + GEMM lowering of the layer
// makes, alone (no col2im, no bias, no tiling). Per batch item and group:
//   cols(M x N) = W_g^T (M x K) * X_g (K x N),
//   M = Cout/g * the kernel's volume (kH*kW in 2-D), N = the input's spatial size (H*W),
//   K = Cin/g,
// as cblas_sgemm(RowMajor, Trans, NoTrans, M, N, K, 1, W_g, lda = M, X_g, ldb = N, 0, cols,
// ldc = N), W_g being group g's rows of the PyTorch weight (K x M, row-major).
// Threads: OpenBLAS's own, openblas_set_num_threads(threads) for these calls only (set
// before each run and set back to 1 after it, untimed; convt runs its sgemm calls
// single-threaded with OpenBLAS at 1 thread).
#include <cblas.h>

#include <stdexcept>

#include "engines.hpp"

namespace convt_bench {
namespace {

class GemmFloor : public Engine {
 public:
  GemmFloor(const Layer& l, const LayerData& data, int threads)
      : l_(l), x_(data.x), w_(data.w), threads_(threads) {
    const int64_t g = l.groups;
    m_ = l.cout / g * volume(l.k, l.rank);
    n_ = volume(l.in, l.rank);
    k_ = l.cin / g;
    if (m_ > INT32_MAX || n_ > INT32_MAX || k_ > INT32_MAX) throw std::runtime_error("GEMM dimension above INT32_MAX");
    cols_.resize(static_cast<size_t>(m_ * n_));
  }
  void enter() override { openblas_set_num_threads(threads_); }
  void leave() override { openblas_set_num_threads(1); }
  void run() override {
    const int64_t g = l_.groups;
    for (int64_t b = 0; b < l_.n; ++b)
      for (int64_t gi = 0; gi < g; ++gi)
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, static_cast<int>(m_), static_cast<int>(n_),
                    static_cast<int>(k_), 1.0f, w_ + gi * k_ * m_, static_cast<int>(m_),
                    x_ + (b * g + gi) * k_ * n_, static_cast<int>(n_), 0.0f, cols_.data(),
                    static_cast<int>(n_));
  }

 private:
  Layer l_;
  const float* x_;
  const float* w_;
  int threads_;
  int64_t m_ = 0, n_ = 0, k_ = 0;
  std::vector<float> cols_;
};

std::string describe(int threads) {
  return std::string("OpenBLAS ") + openblas_get_config() + ", core " + openblas_get_corename() +
         ": cblas_sgemm RowMajor Trans/NoTrans per (batch item, group), M = Cout/g*kernel volume, "
         "N = input spatial size, K = Cin/g, one column buffer, openblas_set_num_threads(" + std::to_string(threads) +
         ") during its runs (1 otherwise)";
}

std::string lacks(const Layer&) { return ""; }  // every rank: the GEMM does not see it

std::unique_ptr<Engine> make(const Layer& l, const LayerData& data, int threads, std::string& why,
                             std::string& note) {
  (void)note;
  try {
    return std::make_unique<GemmFloor>(l, data, threads);
  } catch (const std::exception& e) {
    why = std::string("GEMM floor: ") + e.what();
  }
  return nullptr;
}

}  // namespace

InprocessPeer gemm_floor_peer() { return {"gemm_floor", "GEMM-floor", false, describe, lacks, make}; }

}  // namespace convt_bench
