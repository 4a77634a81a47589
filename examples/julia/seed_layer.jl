# The seed layers from Julia, one per rank, on a batch of 2 with 16 input and 33 output
# channels. UNTESTED (see README.md).
#   ConvTranspose2d(16, 33, (3, 5), stride=(2, 1), padding=(4, 2)) on (2, 16, 50, 100)
#   ConvTranspose1d(16, 33, 5, stride=3, padding=2, dilation=2) on (2, 16, 100)
#   ConvTranspose3d(16, 33, (3, 5, 2), stride=(2, 1, 3), padding=(1, 2, 0)) on (2, 16, 6, 10, 12)
#
#   CONVT_LIBRARY=/path/to/libconvt.so.0 julia examples/julia/seed_layer.jl
include(joinpath(@__DIR__, "Convt.jl"))
using .Convt

# Data every example reproduces exactly, over each tensor's flat row-major index i (0-based),
# which is Julia's linear index - 1 for arrays in reversed order ((W, H, C, N) in 2-D):
#   x[i] = ((i*7) % 13 - 6)/8,  w[i] = ((i*5) % 11 - 5)/16,  bias[c] = (c%3 - 1)/4.
# Golden values made with PyTorch 1.13 (Debian python3-torch) by examples/golden.py:
#   /usr/bin/python3 examples/golden.py
# Exact (multiples of 1/128, exact float32 sums; squares summed exactly in Float64).
# Shapes below are PyTorch's (N, C, spatial...); Julia's arrays have them reversed.
const SEEDS = [
    (name = "2-D", kernel = (3, 5), kw = (stride = (2, 1), padding = (4, 2)),
     input = (2, 16, 50, 100), output = (2, 33, 93, 100),
     golden = Dict(0 => -0.1796875f0, 613799 => 0.3125f0, 469650 => 0.046875f0, 47520 => 0.6875f0),
     sum_squares = 87082.0693359375,
     output_size = (94, 100), requested = (2, 33, 94, 100), requested_sum_squares = 87695.34753417969),
    (name = "1-D", kernel = (5,), kw = (stride = 3, padding = 2, dilation = 2),
     input = (2, 16, 100), output = (2, 33, 302),
     golden = Dict(1 => -0.1328125f0, 19931 => -0.03125f0, 15250 => 0.4375f0, 1587 => 0.34375f0),
     sum_squares = 1542.5257568359375,
     output_size = (304,), requested = (2, 33, 304), requested_sum_squares = 1552.5576171875),
    (name = "3-D", kernel = (3, 5, 2), kw = (stride = (2, 1, 3), padding = (1, 2, 0)),
     input = (2, 16, 6, 10, 12), output = (2, 33, 11, 10, 35),
     golden = Dict(0 => -0.171875f0, 254099 => 0.328125f0, 194407 => 0.25f0, 20565 => 0.25f0),
     sum_squares = 16752.239990234375,
     output_size = (12, 10, 37), requested = (2, 33, 12, 10, 37),
     requested_sum_squares = 18785.483642578125),
]
const TOLERANCE = 1e-4

pattern(n, mul, mod, off, scale) = Float32[((i * mul) % mod - off) / scale for i in 0:(n - 1)]

for s in SEEDS
    x = reshape(pattern(prod(s.input), 7, 13, 6, 8), reverse(s.input)...)
    w = reshape(pattern(16 * 33 * prod(s.kernel), 5, 11, 5, 16), reverse(s.kernel)..., 33, 16)
    b = pattern(33, 1, 3, 1, 4)
    fast = Layer(ConvtParams(16, 33, s.kernel; s.kw...), w, b)
    slow = Layer(ConvtParams(16, 33, s.kernel; s.kw..., algorithm=ALGORITHM_REFERENCE), w, b)
    y = forward(fast, x)
    ref = forward(slow, x)
    @assert size(y) == reverse(s.output) "$(s.name) output size $(size(y))"
    for (i, v) in s.golden
        @assert ref[i + 1] == v "$(s.name) reference output[$i] = $(ref[i + 1]), want $v"
    end
    sum_squares = sum(Float64(v)^2 for v in ref)
    @assert sum_squares == s.sum_squares "$(s.name) sum of squares $sum_squares"
    max_diff = maximum(abs.(Float64.(y) .- Float64.(ref)))
    @assert max_diff <= TOLERANCE "$(s.name) max |auto - reference| $max_diff"
    println("convt $(Convt.version()) (Julia), $(s.name): output $(reverse(size(y))) via ",
            selected_algorithm(fast, size(x)), ", max |auto - reference| $max_diff")
    # output_size, in PyTorch's order.
    yr = forward(slow, x; output_size=s.output_size)
    @assert size(yr) == reverse(s.requested) "$(s.name) output_size: size $(size(yr))"
    @assert sum(Float64(v)^2 for v in yr) == s.requested_sum_squares "$(s.name) output_size"
    close(fast); close(slow)
end

# Errors: ConvtError with the library's message; ArgumentError for a length that does not
# fit the rank.
bad = Layer(ConvtParams(4, 4, 3; stride=2, output_padding=2), zeros(Float32, 3, 3, 4, 4))
try
    output_shape(bad, (5, 5, 4, 1))
    error("output_padding 2 with stride 2 must fail")
catch e
    e isa ConvtError || rethrow()
    @assert occursin("output padding must be smaller", e.message) e.message
end
try
    ConvtParams(4, 4, (3, 3, 3); stride=(2, 1))
    error("a 2-entry stride for a 3-D layer must fail")
catch e
    e isa ArgumentError || rethrow()
end
close(bad)
println("Julia example: all checks passed")
