# Convt: 2-D transposed convolution (PyTorch's ConvTranspose2d) from Julia through libconvt's
# C ABI with ccall. UNTESTED (see README.md).
#
# Memory layout: convt is row-major NCHW; a Julia Array{Float32,4} of size (W, H, C, N) has
# the same memory layout. The weight, (in, out/groups, kH, kW) in PyTorch, is a Julia array
# of size (kW, kH, out/groups, in).
module Convt

export ConvtParams, ConvtError, Layer, forward, output_shape, selected_algorithm, version,
       ALGORITHM_AUTO, ALGORITHM_GEMM_COL2IM, ALGORITHM_REFERENCE, ALGORITHM_SUBPIXEL,
       ALGORITHM_DEPTHWISE, ALGORITHM_POINTWISE

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
const PARAMS_SIZE_V0_1 = 168

# struct convt_params, field for field. Julia lays out an immutable isbits struct as C does;
# NTuple{3,Int64} is int64_t[3]. The trailing int32 is padded to 168 bytes.
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
end

function __init__()
    sizeof(ConvtParams) == PARAMS_SIZE_V0_1 ||
        error("ConvtParams is $(sizeof(ConvtParams)) bytes, convt_params is $PARAMS_SIZE_V0_1")
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
    ConvtParams(in_channels, out_channels, kernel_size; stride=1, padding=0,
                output_padding=0, dilation=1, groups=1, algorithm=ALGORITHM_AUTO,
                num_threads=0)

torch.nn.ConvTranspose2d's parameters; spatial ones are an Int or an (H, W) tuple.
"""
function ConvtParams(in_channels::Integer, out_channels::Integer, kernel_size;
                     stride=1, padding=0, output_padding=0, dilation=1, groups=1,
                     algorithm=ALGORITHM_AUTO, num_threads=0)
    z = (Int64(0), Int64(0), Int64(0))
    p = ConvtParams(0, 0, 0, 0, 0, z, z, z, z, z, 0, 0)
    ccall((:convt_params_init, libconvt), Cvoid, (Ref{ConvtParams}, Csize_t), p, sizeof(ConvtParams))
    hw(v) = v isa Integer ? (Int64(v), Int64(v), Int64(0)) : (Int64(v[1]), Int64(v[2]), Int64(0))
    p.in_channels = in_channels
    p.out_channels = out_channels
    p.kernel_size = hw(kernel_size)
    p.stride = hw(stride)
    p.padding = hw(padding)
    p.output_padding = hw(output_padding)
    p.dilation = hw(dilation)
    p.groups = groups
    p.algorithm = algorithm
    p.num_threads = num_threads
    return p
end

"""
    Layer(params, weight, bias=nothing)

A layer owning a convt_handle (freed by a finalizer, or now with `close(layer)`). weight is
a Float32 array of size (kW, kH, out/groups, in) (PyTorch's (in, out/groups, kH, kW) in
Julia's column-major order); bias a Vector{Float32} of out_channels, or nothing. Both are
copied by the library.
"""
mutable struct Layer
    handle::Ptr{Cvoid}
    params::ConvtParams

    function Layer(p::ConvtParams, weight::AbstractArray{Float32},
                   bias::Union{Nothing,AbstractVector{Float32}}=nothing)
        need = p.in_channels * (p.groups > 0 ? div(p.out_channels, p.groups) : 0) *
               p.kernel_size[1] * p.kernel_size[2]
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

# Shapes at the C API are (N, C, H, W); in Julia they are given reversed, (W, H, C, N).
c_shape(jl::NTuple{4,<:Integer}) = Int64[jl[4], jl[3], jl[2], jl[1]]
jl_shape(c::Vector{Int64}) = (Int(c[4]), Int(c[3]), Int(c[2]), Int(c[1]))
c_size(::Nothing) = Ptr{Int64}(C_NULL)

"""
    output_shape(layer, (W, H, C, N); output_size=nothing) -> (W_out, H_out, C_out, N)

output_size, as PyTorch's forward(input, output_size), is (H_out, W_out) or nothing.
"""
function output_shape(l::Layer, input::NTuple{4,<:Integer}; output_size=nothing)
    l.handle == C_NULL && throw(ArgumentError("layer is closed"))
    inp = c_shape(input)
    req = output_size === nothing ? nothing : Int64[output_size[1], output_size[2]]
    out = zeros(Int64, 4)
    GC.@preserve inp req out begin
        st = ccall((:convt_output_shape, libconvt), Int32,
                   (Ptr{Cvoid}, Ptr{Int64}, Ptr{Int64}, Ptr{Int64}),
                   l.handle, pointer(inp), req === nothing ? c_size(nothing) : pointer(req),
                   pointer(out))
        checked("convt_output_shape", st)
    end
    return jl_shape(out)
end

"""
    forward(layer, x; output_size=nothing) -> y

x is a Float32 array of size (W, H, C, N) (row-major NCHW memory); y has size
(W_out, H_out, C_out, N).
"""
function forward(l::Layer, x::AbstractArray{Float32,4}; output_size=nothing)
    l.handle == C_NULL && throw(ArgumentError("layer is closed"))
    xs = Array{Float32,4}(x)
    oshape = output_shape(l, size(xs); output_size=output_size)
    y = Array{Float32,4}(undef, oshape...)
    inp = c_shape(size(xs))
    req = output_size === nothing ? nothing : Int64[output_size[1], output_size[2]]
    GC.@preserve xs y inp req begin
        st = ccall((:convt_run, libconvt), Int32,
                   (Ptr{Cvoid}, Ptr{Int64}, Ptr{Float32}, Ptr{Int64}, Ptr{Float32}, Csize_t,
                    Ptr{Cvoid}, Csize_t),
                   l.handle, pointer(inp), pointer(xs),
                   req === nothing ? c_size(nothing) : pointer(req),
                   pointer(y), length(y), C_NULL, 0)
        checked("convt_run", st)
    end
    return y
end

"""
    selected_algorithm(layer, (W, H, C, N)) -> "gemm_col2im", "reference", ...
"""
function selected_algorithm(l::Layer, input::NTuple{4,<:Integer})
    inp = c_shape(input)
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
