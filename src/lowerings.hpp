// The table of lowerings (lowerings.cpp), in AUTO's order of preference.
#pragma once

#include <cstdint>
#include <vector>

#include "lowering.hpp"

namespace convt_impl {

// Every lowering, in the order AUTO tries them: the first whose rules hold runs.
const std::vector<const Lowering*>& lowerings();

// The lowering of a concrete algorithm value (not AUTO), or nullptr for an unknown one.
const Lowering* find_lowering(int32_t algorithm);

}  // namespace convt_impl
