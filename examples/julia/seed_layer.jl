# The seed layer ConvTranspose2d(16, 33, (3, 5), stride=(2, 1), padding=(4, 2)) on a
# (2, 16, 50, 100) batch from Julia. UNTESTED (see README.md).
#   CONVT_LIBRARY=/path/to/libconvt.so.0 julia examples/julia/seed_layer.jl
include(joinpath(@__DIR__, "Convt.jl"))
using .Convt

# Data every example reproduces exactly, over each tensor's flat row-major (NCHW) index i
# (0-based), which is Julia's linear index - 1 for arrays in reversed (W, H, C, N) order:
#   x[i] = ((i*7) % 13 - 6)/8,  w[i] = ((i*5) % 11 - 5)/16,  bias[c] = (c%3 - 1)/4.
# Golden values made with PyTorch 1.13 (Debian python3-torch) by examples/golden.py:
#   /usr/bin/python3 examples/golden.py
# Exact (multiples of 1/128, exact float32 sums; squares summed exactly in Float64).
const GOLDEN = Dict(0 => -0.1796875f0, 613799 => 0.3125f0, 469650 => 0.046875f0, 47520 => 0.6875f0)
const GOLDEN_SUM_SQUARES = 87082.0693359375
const TOLERANCE = 1e-4

x = reshape(Float32[((i * 7) % 13 - 6) / 8 for i in 0:(2*16*50*100 - 1)], 100, 50, 16, 2)
w = reshape(Float32[((i * 5) % 11 - 5) / 16 for i in 0:(16*33*3*5 - 1)], 5, 3, 33, 16)
b = Float32[(c % 3 - 1) / 4 for c in 0:32]

fast = Layer(ConvtParams(16, 33, (3, 5); stride=(2, 1), padding=(4, 2)), w, b)
slow = Layer(ConvtParams(16, 33, (3, 5); stride=(2, 1), padding=(4, 2),
                         algorithm=ALGORITHM_REFERENCE), w, b)
y = forward(fast, x)
ref = forward(slow, x)
@assert size(y) == (100, 93, 33, 2) "output size $(size(y))"   # (N, C, H, W) = (2, 33, 93, 100)
for (i, v) in GOLDEN
    @assert ref[i + 1] == v "reference output[$i] = $(ref[i + 1]), want $v"
end
sum_squares = sum(Float64(v)^2 for v in ref)
@assert sum_squares == GOLDEN_SUM_SQUARES "sum of squares $sum_squares"
max_diff = maximum(abs.(Float64.(y) .- Float64.(ref)))
@assert max_diff <= TOLERANCE "max |auto - reference| $max_diff"
println("convt $(Convt.version()) (Julia): output $(reverse(size(y))) via ",
        selected_algorithm(fast, size(x)), ", max |auto - reference| $max_diff")

# Errors: ConvtError with the library's message.
bad = Layer(ConvtParams(4, 4, 3; stride=2, output_padding=2), zeros(Float32, 3, 3, 4, 4))
try
    output_shape(bad, (5, 5, 4, 1))
    error("output_padding 2 with stride 2 must fail")
catch e
    e isa ConvtError || rethrow()
    @assert occursin("output padding must be smaller", e.message) e.message
end
close(bad); close(fast); close(slow)
println("Julia example: all checks passed")
