#include "suite.hpp"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "cli.hpp"

namespace convt_bench {
namespace {

// The spatial suffixes of rank S, as the column names spell them.
const char* const* axes(int rank) {
  static const char* const k1[] = {""}, *const k2[] = {"h", "w"}, *const k3[] = {"d", "h", "w"};
  return rank == 1 ? k1 : rank == 2 ? k2 : k3;
}

std::vector<std::string> column_names(int rank) {
  std::vector<std::string> c = {"name", "N", "Cin", "Cout"};
  static const char* const in1[] = {"L"}, *const in2[] = {"H", "W"}, *const in3[] = {"D", "H", "W"};
  const char* const* in = rank == 1 ? in1 : rank == 2 ? in2 : in3;
  for (int i = 0; i < rank; ++i) c.push_back(in[i]);
  for (const char* f : {"k", "s", "p", "op", "d"})
    for (int i = 0; i < rank; ++i) c.push_back(std::string(f) + axes(rank)[i]);
  c.push_back("groups");
  return c;
}

size_t columns_of(int rank) { return 5 + 6 * static_cast<size_t>(rank); }

}  // namespace

std::string suite_columns(int rank) {
  std::string s;
  for (const std::string& c : column_names(rank)) s += (s.empty() ? "" : " ") + c;
  return s;
}

std::vector<Layer> read_suite(const std::string& path) {
  std::ifstream in(path);
  if (!in) usage_error("cannot open suite file '" + path + "'");
  std::vector<Layer> layers;
  int file_rank = 0, first_line = 0;
  std::string line;
  for (int lineno = 1; std::getline(in, line); ++lineno) {
    line = line.substr(0, line.find('#'));
    std::istringstream fields(line);
    std::vector<std::string> tok;
    for (std::string t; fields >> t;) tok.push_back(t);
    if (tok.empty()) continue;
    int rank = 0;
    for (int r = 1; r <= 3; ++r)
      if (tok.size() == columns_of(r)) rank = r;
    auto fail = [&](const std::string& why, int expect_rank) {
      std::fprintf(stderr, "convt-bench: %s:%d: %s\n", path.c_str(), lineno, why.c_str());
      for (int r = 1; r <= 3; ++r)
        if (expect_rank == 0 || expect_rank == r)
          std::fprintf(stderr, "  expected (%d-D, %zu fields): %s\n", r, columns_of(r), suite_columns(r).c_str());
      std::exit(2);
    };
    if (rank == 0)
      fail("expected " + std::to_string(columns_of(1)) + " (1-D), " + std::to_string(columns_of(2)) + " (2-D) or " +
               std::to_string(columns_of(3)) + " (3-D) fields, got " + std::to_string(tok.size()),
           file_rank);
    if (file_rank == 0) file_rank = rank, first_line = lineno;
    if (rank != file_rank)
      fail("a " + std::to_string(rank) + "-D line (" + std::to_string(tok.size()) + " fields) in a " +
               std::to_string(file_rank) + "-D suite (line " + std::to_string(first_line) + " has " +
               std::to_string(columns_of(file_rank)) + "): one rank per file",
           file_rank);
    const std::vector<std::string> names = column_names(rank);
    std::vector<int64_t> v(tok.size());
    for (size_t i = 1; i < tok.size(); ++i)
      if (!parse_int(tok[i], v[i])) fail("field " + names[i] + " is not an integer: '" + tok[i] + "'", rank);
    Layer l;
    l.name = tok[0];
    l.rank = rank;
    l.n = v[1], l.cin = v[2], l.cout = v[3];
    size_t at = 4;
    for (int64_t* f : {l.in, l.k, l.s, l.p, l.op, l.d})
      for (int i = 0; i < rank; ++i) f[i] = v[at++];
    l.groups = v[at];
    layers.push_back(l);
  }
  return layers;
}

std::string suite_line(const Layer& l) {
  std::string s = l.name + " " + std::to_string(l.n) + " " + std::to_string(l.cin) + " " + std::to_string(l.cout);
  for (const int64_t* f : {l.in, l.k, l.s, l.p, l.op, l.d})
    for (int i = 0; i < l.rank; ++i) s += " " + std::to_string(f[i]);
  return s + " " + std::to_string(l.groups);
}

std::string shape_string(const int64_t* v, int count) {
  std::string s;
  for (int i = 0; i < count; ++i) s += (i ? "x" : "") + std::to_string(v[i]);
  return s;
}

std::string input_shape_string(const Layer& l) {
  const int64_t nc[2] = {l.n, l.cin};
  return shape_string(nc, 2) + "x" + shape_string(l.in, l.rank);
}

double flops_of(const Layer& l) {
  double f = 2.0 * l.n * l.cin * static_cast<double>(l.cout / l.groups);
  for (int i = 0; i < l.rank; ++i) f *= static_cast<double>(l.in[i]) * static_cast<double>(l.k[i]);
  return f;
}

}  // namespace convt_bench
