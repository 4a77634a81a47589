# Convt: transposed convolution of 1, 2 or 3 spatial dimensions (PyTorch's
# ConvTranspose1d/2d/3d) from Julia through libconvt's C ABI with ccall. UNTESTED (see
# README.md).
#
# Memory layout: convt is row-major, channels first; a Julia array with the dimensions in
# reverse order has the same memory layout: (L, C, N) for 1-D, (W, H, C, N) for 2-D,
# (W, H, D, C, N) for 3-D. The weight, (in, out/groups, kernel...) in PyTorch, is a Julia
# array of size (reverse(kernel)..., out/groups, in). Parameters and output_size stay in
# PyTorch's order: (L), (H, W), (D, H, W). Channels last (layout=LAYOUT_CHANNELS_LAST, since
# library 0.4): convt's (N, spatial..., C) is the Julia array (C, reverse(spatial)..., N).
module Convt

export ConvtParams, ConvtError, Layer, forward, output_shape, selected_algorithm, spatial_dims,
       version,
       ALGORITHM_AUTO, ALGORITHM_GEMM_COL2IM, ALGORITHM_REFERENCE, ALGORITHM_SUBPIXEL,
       ALGORITHM_DEPTHWISE, ALGORITHM_POINTWISE,
       PADDING_SYMMETRIC, PADDING_EXPLICIT, PADDING_SAME_UPPER, PADDING_SAME_LOWER, PADDING_VALID,
       LAYOUT_CHANNELS_FIRST, LAYOUT_CHANNELS_LAST,
       ACTIVATION_NONE, ACTIVATION_RELU, ACTIVATION_LEAKY_RELU, ACTIVATION_CLAMP,
       ACTIVATION_TANH, ACTIVATION_SIGMOID, ACTIVATION_ELU, ACTIVATION_GELU

# The library: CONVT_LIBRARY (a path), else the dynamic loader's search.
const libconvt = get(ENV, "CONVT_LIBRARY", "libconvt.so.0")

const OK = Int32(0)
const ERROR_INVALID_ARGUMENT = Int32(1)
const ALGORITHM_AUTO = Int32(0)
const ALGORITHM_GEMM_COL2IM = Int32(1)
const ALGORITHM_REFERENCE = Int32(2)
const ALGORITHM_SUBPIXEL = Int32(3)
const ALGORITHM_DEPTHWISE = Int32(4)
const ALGORITHM_POINTWISE = Int32(5)
const PADDING_SYMMETRIC = Int32(0)   # PyTorch's padding at both ends (the default)
const PADDING_EXPLICIT = Int32(1)    # ONNX's pads: padding at the begin, padding_end at the end
const PADDING_SAME_UPPER = Int32(2)  # ONNX's auto_pad
const PADDING_SAME_LOWER = Int32(3)
const PADDING_VALID = Int32(4)
const LAYOUT_CHANNELS_FIRST = Int32(0)
const LAYOUT_CHANNELS_LAST = Int32(1)
const ACTIVATION_NONE = Int32(0)
const ACTIVATION_RELU = Int32(1)
const ACTIVATION_LEAKY_RELU = Int32(2)  # alpha: the slope
const ACTIVATION_CLAMP = Int32(3)       # alpha: min, beta: max
const ACTIVATION_TANH = Int32(4)
const ACTIVATION_SIGMOID = Int32(5)
const ACTIVATION_ELU = Int32(6)         # alpha
const ACTIVATION_GELU = Int32(7)
const PARAMS_SIZE_V0_1 = 168  # library 0.1 to 0.3
const PARAMS_SIZE_V0_2 = 216  # since 0.4: padding_end .. activation_beta appended

# struct convt_params, field for field. Julia lays out the fields of a struct of isbits
# fields as C does; NTuple{3,Int64} is int64_t[3]. num_threads ends at 164; padding_end starts
# at 168 (Int64 alignment), the last Float32 ends at 212 and the struct is padded to 216.
mutable struct ConvtParams
    struct_size::Csize_t
    spatial_dims::Int32
    algorithm::Int32
    in_channels::Int64
    out_channels::Int64
    kernel_size::NTuple{3,Int64}
    stride::NTuple{3,Int64}
    padding::NTuple{3,Int64}
    output_padding::NTuple{3,Int64}
    dilation::NTuple{3,Int64}
    groups::Int64
    num_threads::Int32
    # Since library 0.4.
    padding_end::NTuple{3,Int64}
    padding_kind::Int32
    layout::Int32
    activation::Int32
    activation_alpha::Float32
    activation_beta::Float32
end

function __init__()
    sizeof(ConvtParams) == PARAMS_SIZE_V0_2 ||
        error("ConvtParams is $(sizeof(ConvtParams)) bytes, convt_params is $PARAMS_SIZE_V0_2")
    fieldoffset(ConvtParams, findfirst(==(:padding_end), fieldnames(ConvtParams))) == 168 ||
        error("ConvtParams.padding_end is not at offset 168")
end

struct ConvtError <: Exception
    func::String
    status::Int32
    message::String
end

status_string(s::Integer) = unsafe_string(ccall((:convt_status_string, libconvt), Cstring, (Int32,), s))

Base.showerror(io::IO, e::ConvtError) =
    print(io, "ConvtError: ", e.func, ": ", status_string(e.status), ": ", e.message)

version() = unsafe_string(ccall((:convt_version_string, libconvt), Cstring, ()))
algorithm_name(a::Integer) = unsafe_string(ccall((:convt_algorithm_name, libconvt), Cstring, (Int32,), a))

# The message is per OS thread in the library. A Julia task can migrate between threads
# only at a yield point, and there is none between the failing ccall and this one (both
# happen inside `checked`), so the message read is the failing call's.
function checked(func::String, status::Int32)
    status == OK && return nothing
    msg = unsafe_string(ccall((:convt_last_error, libconvt), Cstring, ()))
    throw(ConvtError(func, status, msg))
end

"""
    ConvtParams(in_channels, out_channels, kernel_size; spatial_dims=nothing, stride=1,
                padding=0, output_padding=0, dilation=1, groups=1,
                algorithm=ALGORITHM_AUTO, num_threads=0,
                padding_kind=PADDING_SYMMETRIC, padding_end=0, layout=LAYOUT_CHANNELS_FIRST,
                activation=ACTIVATION_NONE, activation_alpha=0, activation_beta=0)

torch.nn.ConvTranspose{1,2,3}d's parameters. The rank is the length of a kernel_size tuple
((5,), (3, 5) or (3, 5, 2)), or `spatial_dims` (default 2) for an Int kernel_size. Every
spatial parameter is an Int (every dimension) or a tuple of one Int per dimension, in
PyTorch's order ((L), (H, W), (D, H, W)); other lengths throw an ArgumentError.

Since library 0.4: padding_kind (PADDING_*: ONNX's rules), padding_end (PADDING_EXPLICIT's
end pads, like padding), layout (LAYOUT_CHANNELS_LAST: arrays (C, reverse(spatial)..., N)),
activation (ACTIVATION_*, applied after the bias in the run) with activation_alpha and
activation_beta (LEAKY_RELU's slope, CLAMP's min and max, ELU's alpha; default 0, not
PyTorch's 0.01 or 1). The library checks the values in `Layer`.
"""
function ConvtParams(in_channels::Integer, out_channels::Integer, kernel_size;
                     spatial_dims=nothing, stride=1, padding=0, output_padding=0, dilation=1,
                     groups=1, algorithm=ALGORITHM_AUTO, num_threads=0,
                     padding_kind=PADDING_SYMMETRIC, padding_end=0,
                     layout=LAYOUT_CHANNELS_FIRST, activation=ACTIVATION_NONE,
                     activation_alpha=0, activation_beta=0)
    rank = kernel_size isa Integer ? (spatial_dims === nothing ? 2 : Int(spatial_dims)) :
                                     length(kernel_size)
    1 <= rank <= 3 || throw(ArgumentError(
        "spatial_dims must be 1, 2 or 3 (one to three kernel sizes), but got spatial_dims: $rank"))
    spatial_dims === nothing || spatial_dims == rank || throw(ArgumentError(
        "kernel_size $kernel_size has $rank entries, but spatial_dims is $spatial_dims"))
    # The first `rank` entries of a 3-entry C array; the others are ignored by the library.
    function dims(name, v)
        v isa Integer && return ntuple(i -> i <= rank ? Int64(v) : Int64(0), 3)
        length(v) == rank || throw(ArgumentError(
            "$name has $(length(v)) entries, but a $rank-D layer takes $rank (or one value for all)"))
        return ntuple(i -> i <= rank ? Int64(v[i]) : Int64(0), 3)
    end
    z = (Int64(0), Int64(0), Int64(0))
    p = ConvtParams(0, 0, 0, 0, 0, z, z, z, z, z, 0, 0, z, 0, 0, 0, 0, 0)
    ccall((:convt_params_init, libconvt), Cvoid, (Ref{ConvtParams}, Csize_t), p, sizeof(ConvtParams))
    p.spatial_dims = rank
    p.in_channels = in_channels
    p.out_channels = out_channels
    p.kernel_size = dims("kernel_size", kernel_size)
    p.stride = dims("stride", stride)
    p.padding = dims("padding", padding)
    p.output_padding = dims("output_padding", output_padding)
    p.dilation = dims("dilation", dilation)
    p.groups = groups
    p.algorithm = algorithm
    p.num_threads = num_threads
    p.padding_end = dims("padding_end", padding_end)
    p.padding_kind = padding_kind
    p.layout = layout
    p.activation = activation
    p.activation_alpha = activation_alpha
    p.activation_beta = activation_beta
    return p
end

"""
    Layer(params, weight, bias=nothing)

A layer owning a convt_handle (freed by a finalizer, or now with `close(layer)`). weight is
a Float32 array of size (reverse(kernel)..., out/groups, in) (PyTorch's
(in, out/groups, kernel...) in Julia's column-major order), e.g. (kW, kH, out/groups, in)
in 2-D; bias a Vector{Float32} of out_channels, or nothing. Both are copied by the library.
"""
mutable struct Layer
    handle::Ptr{Cvoid}
    params::ConvtParams

    function Layer(p::ConvtParams, weight::AbstractArray{Float32},
                   bias::Union{Nothing,AbstractVector{Float32}}=nothing)
        need = p.in_channels * (p.groups > 0 ? div(p.out_channels, p.groups) : 0) *
               prod(p.kernel_size[1:p.spatial_dims])
        w = Array{Float32}(weight)  # contiguous
        length(w) >= need || throw(ConvtError("convt_create", ERROR_INVALID_ARGUMENT,
                                              "weight has $(length(w)) floats, the layer needs $need"))
        b = bias === nothing ? nothing : Vector{Float32}(bias)
        b === nothing || length(b) >= p.out_channels ||
            throw(ConvtError("convt_create", ERROR_INVALID_ARGUMENT,
                             "bias has $(length(b)) floats, the layer needs $(p.out_channels)"))
        h = Ref{Ptr{Cvoid}}(C_NULL)
        bptr = b === nothing ? Ptr{Float32}(C_NULL) : pointer(b)
        GC.@preserve w b begin
            st = ccall((:convt_create, libconvt), Int32,
                       (Ref{ConvtParams}, Ptr{Float32}, Ptr{Float32}, Ref{Ptr{Cvoid}}),
                       p, pointer(w), bptr, h)
            checked("convt_create", st)
        end
        layer = new(h[], p)
        finalizer(close, layer)
        return layer
    end
end

function Base.close(l::Layer)
    if l.handle != C_NULL
        ccall((:convt_destroy, libconvt), Cvoid, (Ptr{Cvoid},), l.handle)
        l.handle = C_NULL
    end
    return nothing
end

spatial_dims(l::Layer) = Int(l.params.spatial_dims)

channels_last(l::Layer) = l.params.layout == LAYOUT_CHANNELS_LAST

# Shapes at the C API are (N, C, spatial...) under either layout; in Julia they are given
# reversed: (spatial reversed..., C, N), or channels last (C, spatial reversed..., N).
function c_shape(l::Layer, jl::Tuple)
    r = spatial_dims(l)
    length(jl) == r + 2 || throw(ArgumentError(
        "a $r-D layer takes arrays of $(r + 2) dimensions, got size $jl"))
    channels_last(l) || return Int64[reverse(jl)...]
    return Int64[jl[end], jl[1], reverse(jl[2:end-1])...]
end
function jl_shape(l::Layer, c::Vector{Int64})
    channels_last(l) || return Tuple(Int.(reverse(c)))
    return (Int(c[2]), Int.(reverse(c[3:end]))..., Int(c[1]))
end

# output_size in PyTorch's order ((L), (H, W) or (D, H, W)), or nothing.
function c_size(l::Layer, output_size)
    output_size === nothing && return nothing
    r = spatial_dims(l)
    length(output_size) == r || throw(ArgumentError(
        "output_size has $(length(output_size)) entries, but a $r-D layer takes $r"))
    return Int64[output_size...]
end
size_ptr(req) = req === nothing ? Ptr{Int64}(C_NULL) : pointer(req)

"""
    output_shape(layer, size(x); output_size=nothing) -> size(y)

Sizes in Julia's order, (W, H, C, N) in 2-D ((C, W, H, N) channels last). output_size, as PyTorch's
forward(input, output_size), is in PyTorch's order ((L), (H, W) or (D, H, W)) or nothing.
"""
function output_shape(l::Layer, input::Tuple; output_size=nothing)
    l.handle == C_NULL && throw(ArgumentError("layer is closed"))
    inp = c_shape(l, input)
    req = c_size(l, output_size)
    out = zeros(Int64, length(inp))
    GC.@preserve inp req out begin
        st = ccall((:convt_output_shape, libconvt), Int32,
                   (Ptr{Cvoid}, Ptr{Int64}, Ptr{Int64}, Ptr{Int64}),
                   l.handle, pointer(inp), size_ptr(req), pointer(out))
        checked("convt_output_shape", st)
    end
    return jl_shape(l, out)
end

"""
    forward(layer, x; output_size=nothing) -> y

x is a Float32 array of spatial_dims + 2 dimensions in reversed order, (L, C, N),
(W, H, C, N) or (W, H, D, C, N) (convt's row-major memory), or channels last (C, L, N),
(C, W, H, N) or (C, W, H, D, N); y is in the same order.
"""
function forward(l::Layer, x::AbstractArray{Float32}; output_size=nothing)
    l.handle == C_NULL && throw(ArgumentError("layer is closed"))
    xs = Array{Float32}(x)
    oshape = output_shape(l, size(xs); output_size=output_size)
    y = Array{Float32}(undef, oshape...)
    inp = c_shape(l, size(xs))
    req = c_size(l, output_size)
    GC.@preserve xs y inp req begin
        st = ccall((:convt_run, libconvt), Int32,
                   (Ptr{Cvoid}, Ptr{Int64}, Ptr{Float32}, Ptr{Int64}, Ptr{Float32}, Csize_t,
                    Ptr{Cvoid}, Csize_t),
                   l.handle, pointer(inp), pointer(xs), size_ptr(req),
                   pointer(y), length(y), C_NULL, 0)
        checked("convt_run", st)
    end
    return y
end

"""
    selected_algorithm(layer, size(x)) -> "gemm_col2im", "reference", ...
"""
function selected_algorithm(l::Layer, input::Tuple)
    inp = c_shape(l, input)
    a = Ref{Int32}(0)
    GC.@preserve inp begin
        st = ccall((:convt_selected_algorithm, libconvt), Int32,
                   (Ptr{Cvoid}, Ptr{Int64}, Ptr{Int64}, Ref{Int32}),
                   l.handle, pointer(inp), C_NULL, a)
        checked("convt_selected_algorithm", st)
    end
    return algorithm_name(a[])
end

end # module
