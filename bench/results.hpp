// What a run of convt-bench measured, as the report prints it: the default mode's rows, and
// --peers' columns (engines) and per-layer results.
#pragma once

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "peers/engines.hpp"

namespace convt_bench {

// One measured (layer, algorithm) pair, as printed (default mode).
struct Row {
  std::string layer, input_shape, shape, requested, algorithm, diff = "-";
  int rank = 2;
  int64_t threads = 0;
  double ws_mib = 0, ms = 0, gflops = 0;
  bool not_applicable = false;
};

// --peers: an engine, one column of the table.
enum class Kind { ConvtForced, ConvtVariant, Peer, Floor };

// A ConvtVariant column: convt AUTO on the same layer in another variant, for the ratio of
// the run's variant to it.
enum class Variant {
  None,
  ChannelsFirst,  // channels first (in a channels-last run)
  NoActivation,   // without the activation (in a run with one); not checked
  SeparatePass,   // without it, then activation_pass() over the output
};

struct Column {
  Column(std::string id_, std::string label_, Kind kind_, int32_t algorithm_ = 0)
      : id(std::move(id_)), label(std::move(label_)), kind(kind_), algorithm(algorithm_) {}
  std::string id, label;
  Kind kind;
  int32_t algorithm = 0;  // ConvtForced
  Variant variant = Variant::None;  // ConvtVariant
  int inproc = -1;        // index into the in-process peers, or -1
  int python = -1;        // index into the Python peers, or -1
  std::string missing;    // non-empty: the engine is not available at all ("-")
  // How it is configured, for the table's header and for the JSON (when available).
  std::string header_description, json_description;
};

// --peers: one engine on one layer.
struct Cell {
  double ms = NAN, ms_min = NAN, ms_max = NAN, diff = NAN;
  // Python peers: the peer's own median and convt AUTO's, both timed in the peer's process;
  // ms is then own_ms scaled to this process's time window (see peers_mode.cpp).
  double own_ms = NAN, own_convt_ms = NAN;
  std::string status;  // "" measured; "n/a" cannot run this layer; "-" missing; "error"
  std::string note;    // why, or detail (oneDNN's implementation)
  bool bad = false;    // its output does not match convt's reference
};

// --peers: one layer, convt AUTO and a cell per column.
struct LayerResult {
  Layer l;
  bool ok = false;
  std::string error, shape, algorithm;
  double ms = NAN, ms_min = NAN, ms_max = NAN, gflops = NAN, best_ms = NAN, speedup = NAN, ref_scale = NAN;
  double ws_mib = NAN;  // convt AUTO's workspace (convt_workspace_size)
  std::string best, best_id;
  std::vector<Cell> cells;  // one per column
};

}  // namespace convt_bench
