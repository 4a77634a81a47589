// Which in-process peers this convt-bench has: those whose package CMake found.
#include "engines.hpp"

namespace convt_bench {

#ifdef CONVT_BENCH_HAVE_DNNL
InprocessPeer onednn_peer();
#endif
#ifdef CONVT_BENCH_HAVE_XNNPACK
InprocessPeer xnnpack_peer();
#endif
#ifdef CONVT_BENCH_HAVE_OPENBLAS
InprocessPeer gemm_floor_peer();
#endif

std::vector<InprocessPeer> inprocess_peers() {
  std::vector<InprocessPeer> peers;
#ifdef CONVT_BENCH_HAVE_DNNL
  peers.push_back(onednn_peer());
#endif
#ifdef CONVT_BENCH_HAVE_XNNPACK
  peers.push_back(xnnpack_peer());
#endif
#ifdef CONVT_BENCH_HAVE_OPENBLAS
  peers.push_back(gemm_floor_peer());
#endif
  return peers;
}

}  // namespace convt_bench
