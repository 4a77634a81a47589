// The out-of-process peers of convt-bench --peers: Python scripts next to this file
// (torch_peer.py, ort_peer.py, openvino_peer.py; protocol in peer_common.py), run with
// popen one after the other, each timing every layer in its own process.
#pragma once

#include <string>
#include <vector>

namespace convt_bench {

struct PythonPeer {
  std::string id;           // CSV/JSON key, also the --tag of its output files
  std::string label;        // column header ("torch" gets the version appended)
  std::string interpreter;  // python executable
  std::string script;       // path of the peer script
};

struct PythonPeerResult {
  std::string unavailable;  // non-empty: why the peer did not run at all ("-" in the table)
  std::string version, description;
  std::vector<double> ms;                // per layer; NaN where it did not run
  std::vector<double> convt_ms;          // convt AUTO in the peer's process, per layer; NaN
                                         // where not timed
  std::vector<std::string> layer_error;  // per layer; non-empty where it failed ...
  std::vector<bool> layer_unsupported;   // ... or has no path for the layer ("-")
};

// Runs `peer` on the suite file (every layer in it, in order; `layers` of them), writing
// its outputs into data_dir. With a non-empty convt_library (libconvt's path) the peer also
// times convt AUTO, interleaved with itself (peer_common.py --convt); runs and min_ms as
// convt-bench's --runs and --min-ms; extra_args (the run's variant: --layout channels-last,
// --activation NAME) follow the others. Never throws; failures end up in the result.
PythonPeerResult run_python_peer(const PythonPeer& peer, const std::string& suite, size_t layers,
                                 int threads, long runs, long min_ms, long warmup, const std::string& data_dir,
                                 const std::string& convt_library, const std::vector<std::string>& extra_args);

}  // namespace convt_bench
