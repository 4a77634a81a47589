// convt-bench's output: the header line that says where it ran, the default mode's table
// (or CSV) and JSON, --peers' engine list, table (or CSV) and JSON.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "cli.hpp"
#include "results.hpp"

namespace convt_bench {

// snprintf of one number.
std::string fmt(const char* format, double v);
// A CSV field, quoted when it needs to be.
std::string csv_field(const std::string& s);
// A JSON string literal; a JSON number (null for NaN and infinities).
std::string json_string(const std::string& s);
std::string json_number(double v);
// The CPU's model name (/proc/cpuinfo on Linux; "unknown" elsewhere).
std::string cpu_model();
// Where the numbers come from: the CPU, convt's kernel level and what capped it, the peers'
// caps, OpenBLAS's core and its environment.
std::string machine_line();
// Writes the file, or fails as a usage error.
void write_file(const std::string& path, const std::string& text);

// The default mode's output, one row at a time (printed as it comes: a run can be long).
class DefaultReport {
 public:
  // Prints the header (or the CSV header line).
  DefaultReport(const Options& o, const std::vector<Layer>& layers);
  void row(const Row& r);
  // The geomean line and, with --json, the JSON file.
  void finish();

 private:
  const Options& o_;
  int name_w_ = 5, shape_w_ = 17;
  double log_sum_ = 0;
  int rated_ = 0;
  std::vector<std::string> json_rows_;
};

// --peers: the header: how every engine runs (to stderr with --csv, so stdout stays CSV).
void print_peers_header(const Options& o, int threads, unsigned hw, const std::vector<Column>& cols);

// --peers: the table (or CSV) of every layer, the geomeans, and with --json the JSON file.
void report_peers(const Options& o, int threads, unsigned hw, const std::vector<Column>& cols,
                  const std::vector<LayerResult>& results);

}  // namespace convt_bench
