// Package convt is a Go binding (cgo) of libconvt: transposed convolution of 1, 2 or 3
// spatial dimensions with the semantics of PyTorch's torch.nn.ConvTranspose1d/2d/3d, behind
// a stable C ABI.
//
// Build flags come from pkg-config (`#cgo pkg-config: convt`): set PKG_CONFIG_PATH to the
// installation's pkgconfig directory when it is not a system one.
//
//	layer, err := convt.NewLayer(convt.NewParams(16, 33, 3, 5).Stride(2, 1).Padding(4, 2), w, b)
//	if err != nil { ... }
//	defer layer.Close()
//	shape, y, err := layer.Forward([]int64{20, 16, 50, 100}, x, nil)
//
//	convt.NewParams(16, 33, 5).Stride(3)             // ConvTranspose1d: shapes (N, C, L)
//	convt.NewParams(16, 33, 3, 5, 2).Stride(2, 1, 3) // ConvTranspose3d: (N, C, D, H, W)
//	convt.NewParams3D(16, 33, 3)                     // ConvTranspose3d(16, 33, 3)
//
//	// Since library 0.4: ONNX's padding rules, channels-last tensors, a fused activation.
//	convt.NewParams(16, 33, 4, 4).Stride(2).
//		PaddingKind(convt.PaddingSameUpper).         // out = in*stride (ONNX auto_pad)
//		Layout(convt.LayoutChannelsLast).            // x and y are (N, H, W, C)
//		Activation(convt.ActivationLeakyRelu, 0.2)  // alpha: the slope
//	convt.NewParams(4, 4, 3).PaddingKind(convt.PaddingExplicit).Padding(3).PaddingEnd(2)
//
// Under LayoutChannelsLast the buffers are (N, spatial..., C), but shapes passed to and
// returned by a Layer stay (N, C, spatial...), as in the C API; the weight keeps PyTorch's
// layout. Values the library does not know fail in NewLayer with its message.
//
// Spatial values are in PyTorch's order, (L), (H, W) or (D, H, W). A setter given one value
// sets every dimension; given several it needs one per dimension. Shapes are slices of
// 2 + rank entries, output sizes slices of rank entries (nil for none).
//
// Errors are *Error values carrying the status and convt_last_error(), or this package's
// own message (ErrorInvalidArgument) for a list whose length does not fit the rank, found
// before the library is called. The message is per OS thread in the library, so every call
// that can fail runs with its goroutine locked to its OS thread (runtime.LockOSThread)
// until the message has been read.
package convt

/*
#cgo pkg-config: convt
#include <stdlib.h>
#include <convt/convt.h>
*/
import "C"

import (
	"fmt"
	"math"
	"runtime"
	"unsafe"
)

// Status codes (CONVT_OK, CONVT_ERROR_*).
const (
	OK                   = int32(C.CONVT_OK)
	ErrorInvalidArgument = int32(C.CONVT_ERROR_INVALID_ARGUMENT)
	ErrorUnsupported     = int32(C.CONVT_ERROR_UNSUPPORTED)
	ErrorOutOfMemory     = int32(C.CONVT_ERROR_OUT_OF_MEMORY)
	ErrorSizeOverflow    = int32(C.CONVT_ERROR_SIZE_OVERFLOW)
	ErrorInternal        = int32(C.CONVT_ERROR_INTERNAL)
)

// Algorithms (CONVT_ALGORITHM_*).
const (
	AlgorithmAuto       = int32(C.CONVT_ALGORITHM_AUTO)
	AlgorithmGemmCol2im = int32(C.CONVT_ALGORITHM_GEMM_COL2IM)
	AlgorithmReference  = int32(C.CONVT_ALGORITHM_REFERENCE)
	AlgorithmSubpixel   = int32(C.CONVT_ALGORITHM_SUBPIXEL)
	AlgorithmDepthwise  = int32(C.CONVT_ALGORITHM_DEPTHWISE)
	AlgorithmPointwise  = int32(C.CONVT_ALGORITHM_POINTWISE)
)

// Padding kinds (CONVT_PADDING_*), for Params.PaddingKind; see convt.h for the rules.
const (
	PaddingSymmetric = int32(C.CONVT_PADDING_SYMMETRIC) // PyTorch's padding at both ends
	PaddingExplicit  = int32(C.CONVT_PADDING_EXPLICIT)  // ONNX's pads: Padding, PaddingEnd
	PaddingSameUpper = int32(C.CONVT_PADDING_SAME_UPPER)
	PaddingSameLower = int32(C.CONVT_PADDING_SAME_LOWER)
	PaddingValid     = int32(C.CONVT_PADDING_VALID)
)

// Layouts (CONVT_LAYOUT_*), for Params.Layout.
const (
	LayoutChannelsFirst = int32(C.CONVT_LAYOUT_CHANNELS_FIRST) // (N, C, spatial...)
	LayoutChannelsLast  = int32(C.CONVT_LAYOUT_CHANNELS_LAST)  // (N, spatial..., C)
)

// Activations (CONVT_ACTIVATION_*), for Params.Activation.
const (
	ActivationNone      = int32(C.CONVT_ACTIVATION_NONE)
	ActivationRelu      = int32(C.CONVT_ACTIVATION_RELU)
	ActivationLeakyRelu = int32(C.CONVT_ACTIVATION_LEAKY_RELU) // alpha: the slope
	ActivationClamp     = int32(C.CONVT_ACTIVATION_CLAMP)      // alpha: min, beta: max
	ActivationTanh      = int32(C.CONVT_ACTIVATION_TANH)
	ActivationSigmoid   = int32(C.CONVT_ACTIVATION_SIGMOID)
	ActivationElu       = int32(C.CONVT_ACTIVATION_ELU) // alpha
	ActivationGelu      = int32(C.CONVT_ACTIVATION_GELU)
)

// ParamsSize is sizeof(convt_params) as this package was compiled.
const ParamsSize = int(C.sizeof_convt_params)

// ParamsSizeV0_1 and ParamsSizeV0_2 are CONVT_PARAMS_SIZE_V0_1 (168: the struct of library
// 0.1 to 0.3) and CONVT_PARAMS_SIZE_V0_2 (216: since 0.4).
const (
	ParamsSizeV0_1 = int(C.CONVT_PARAMS_SIZE_V0_1)
	ParamsSizeV0_2 = int(C.CONVT_PARAMS_SIZE_V0_2)
)

// paramsOffsets are the offsets of the fields appended in 0.4 (and of the last 0.1 one).
func paramsOffsets() map[string]uintptr {
	var p C.convt_params
	return map[string]uintptr{
		"num_threads":      unsafe.Offsetof(p.num_threads),
		"padding_end":      unsafe.Offsetof(p.padding_end),
		"padding_kind":     unsafe.Offsetof(p.padding_kind),
		"layout":           unsafe.Offsetof(p.layout),
		"activation":       unsafe.Offsetof(p.activation),
		"activation_alpha": unsafe.Offsetof(p.activation_alpha),
		"activation_beta":  unsafe.Offsetof(p.activation_beta),
	}
}

// Error is a failed convt call: its status and the library's message.
type Error struct {
	Function string
	Status   int32
	Message  string
}

func (e *Error) Error() string {
	return fmt.Sprintf("%s: %s: %s", e.Function, StatusString(e.Status), e.Message)
}

// StatusString is the status's name ("CONVT_ERROR_INVALID_ARGUMENT", ...).
func StatusString(status int32) string {
	return C.GoString(C.convt_status_string(C.convt_status(status)))
}

// Version is the linked library's "major.minor.patch".
func Version() string { return C.GoString(C.convt_version_string()) }

// call runs f, which makes one convt call, and on failure reads convt_last_error() on the
// same OS thread: the goroutine is locked to its thread for the pair.
func call(function string, f func() C.convt_status) error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	status := f()
	if status == C.CONVT_OK {
		return nil
	}
	return &Error{Function: function, Status: int32(status), Message: C.GoString(C.convt_last_error())}
}

func invalid(function, format string, args ...interface{}) error {
	return &Error{Function: function, Status: ErrorInvalidArgument, Message: fmt.Sprintf(format, args...)}
}

// MaxSpatialDims is the largest rank the library takes (ConvTranspose3d).
const MaxSpatialDims = 3

// Params are the layer's parameters, PyTorch's defaults until set. The rank (spatial_dims)
// is fixed by the constructor. A list of the wrong length, or a rank outside 1..3, is kept
// and returned by NewLayer (the setters stay chainable); the library validates the values
// themselves there too.
type Params struct {
	p       C.convt_params
	problem string // the first misuse, reported by NewLayer
}

// NewParams is ConvTranspose{1,2,3}d(inChannels, outChannels, kernelSize) with one kernel
// size per dimension: their count is the rank (NewParams(16, 33, 3, 5) is 2-D).
func NewParams(inChannels, outChannels int64, kernelSize ...int64) *Params {
	return newParams(len(kernelSize), inChannels, outChannels, kernelSize)
}

// NewParams1D is ConvTranspose1d(inChannels, outChannels, kernelSize): shapes (N, C, L).
func NewParams1D(inChannels, outChannels int64, kernelSize ...int64) *Params {
	return newParams(1, inChannels, outChannels, kernelSize)
}

// NewParams2D is ConvTranspose2d(inChannels, outChannels, kernelSize): one size for both
// dimensions, or (kH, kW). Shapes (N, C, H, W).
func NewParams2D(inChannels, outChannels int64, kernelSize ...int64) *Params {
	return newParams(2, inChannels, outChannels, kernelSize)
}

// NewParams3D is ConvTranspose3d(inChannels, outChannels, kernelSize): one size for every
// dimension, or (kD, kH, kW). Shapes (N, C, D, H, W).
func NewParams3D(inChannels, outChannels int64, kernelSize ...int64) *Params {
	return newParams(3, inChannels, outChannels, kernelSize)
}

func newParams(rank int, inChannels, outChannels int64, kernelSize []int64) *Params {
	ps := &Params{}
	C.convt_params_init(&ps.p, C.sizeof_convt_params)
	ps.p.in_channels = C.int64_t(inChannels)
	ps.p.out_channels = C.int64_t(outChannels)
	if rank < 1 || rank > MaxSpatialDims {
		ps.note(fmt.Sprintf("spatial_dims must be 1, 2 or 3 (one to three kernel sizes), but got spatial_dims: %d", rank))
		return ps
	}
	ps.p.spatial_dims = C.int32_t(rank)
	return ps.set("kernel_size", &ps.p.kernel_size, kernelSize)
}

func (ps *Params) note(problem string) {
	if ps.problem == "" {
		ps.problem = problem
	}
}

// set writes v (one value for every dimension, or one per dimension) into field.
func (ps *Params) set(name string, field *[3]C.int64_t, v []int64) *Params {
	rank := ps.SpatialDims()
	switch {
	case len(v) == 1:
		for i := 0; i < rank; i++ {
			field[i] = C.int64_t(v[0])
		}
	case len(v) == rank:
		for i := range v {
			field[i] = C.int64_t(v[i])
		}
	default:
		ps.note(fmt.Sprintf("%s has %d entries, but a %d-D layer takes %d (or one value for all)",
			name, len(v), rank, rank))
	}
	return ps
}

// Stride, Padding, OutputPadding and Dilation take one value for every dimension or one per
// dimension.
func (ps *Params) Stride(v ...int64) *Params  { return ps.set("stride", &ps.p.stride, v) }
func (ps *Params) Padding(v ...int64) *Params { return ps.set("padding", &ps.p.padding, v) }
func (ps *Params) OutputPadding(v ...int64) *Params {
	return ps.set("output_padding", &ps.p.output_padding, v)
}
func (ps *Params) Dilation(v ...int64) *Params { return ps.set("dilation", &ps.p.dilation, v) }

// PaddingEnd (since 0.4): zeros trimmed at the end of each dimension under PaddingExplicit
// (ONNX pads' second half; Padding is the first). One value or one per dimension.
func (ps *Params) PaddingEnd(v ...int64) *Params {
	return ps.set("padding_end", &ps.p.padding_end, v)
}

// PaddingKind (since 0.4) takes a Padding* constant.
func (ps *Params) PaddingKind(kind int32) *Params { ps.p.padding_kind = C.int32_t(kind); return ps }

// Layout (since 0.4) takes LayoutChannelsFirst or LayoutChannelsLast.
func (ps *Params) Layout(layout int32) *Params { ps.p.layout = C.int32_t(layout); return ps }

// Activation (since 0.4) takes an Activation* constant and up to two parameters, alpha and
// beta (activation_alpha, activation_beta: LeakyRelu's slope, Clamp's min and max, Elu's
// alpha), 0 when left out, as convt_params_init's defaults (not PyTorch's 0.01 slope or
// ELU alpha 1: pass those).
func (ps *Params) Activation(kind int32, alphaBeta ...float32) *Params {
	if len(alphaBeta) > 2 {
		ps.note(fmt.Sprintf("Activation takes at most 2 parameters (alpha, beta), but got %d", len(alphaBeta)))
		return ps
	}
	ab := [2]float32{}
	copy(ab[:], alphaBeta)
	ps.p.activation = C.int32_t(kind)
	ps.p.activation_alpha = C.float(ab[0])
	ps.p.activation_beta = C.float(ab[1])
	return ps
}

func (ps *Params) Groups(g int64) *Params     { ps.p.groups = C.int64_t(g); return ps }
func (ps *Params) Algorithm(a int32) *Params  { ps.p.algorithm = C.int32_t(a); return ps }
func (ps *Params) NumThreads(n int32) *Params { ps.p.num_threads = C.int32_t(n); return ps }
func (ps *Params) StructSize() int            { return int(ps.p.struct_size) }
func (ps *Params) InChannels() int64          { return int64(ps.p.in_channels) }
func (ps *Params) OutChannels() int64         { return int64(ps.p.out_channels) }

// SpatialDims is the rank: 1, 2 or 3.
func (ps *Params) SpatialDims() int { return int(ps.p.spatial_dims) }

// KernelSize is the kernel's size per dimension.
func (ps *Params) KernelSize() []int64 { return fromC(ps.p.kernel_size[:ps.SpatialDims()]) }

// PaddingValues and PaddingEndValues are the begin and end pads per dimension; the others
// read the 0.4 fields back.
func (ps *Params) PaddingValues() []int64    { return fromC(ps.p.padding[:ps.SpatialDims()]) }
func (ps *Params) PaddingEndValues() []int64 { return fromC(ps.p.padding_end[:ps.SpatialDims()]) }
func (ps *Params) PaddingKindValue() int32   { return int32(ps.p.padding_kind) }
func (ps *Params) LayoutValue() int32        { return int32(ps.p.layout) }

// ActivationValues is (activation, alpha, beta).
func (ps *Params) ActivationValues() (int32, float32, float32) {
	return int32(ps.p.activation), float32(ps.p.activation_alpha), float32(ps.p.activation_beta)
}

func fromC(v []C.int64_t) []int64 {
	out := make([]int64, len(v))
	for i := range v {
		out[i] = int64(v[i])
	}
	return out
}

// weightLen is the weight's float count, or -1 when the numbers allow no weight at all
// (the library then rejects the parameters before it reads any weight).
func (ps *Params) weightLen() int64 {
	p := &ps.p
	if p.groups < 1 || p.out_channels%p.groups != 0 || p.in_channels < 1 || p.out_channels < 1 {
		return -1
	}
	n := int64(p.in_channels) * int64(p.out_channels/p.groups)
	for _, k := range p.kernel_size[:ps.SpatialDims()] {
		if k < 1 {
			return -1
		}
		n *= int64(k)
	}
	return n
}

// Layer owns a convt_handle; Close releases it (a finalizer does, if Close is forgotten).
// Run, Forward, OutputShape may be called from several goroutines at once; Close must not
// race with them. Shapes passed to it have 2 + SpatialDims() entries, output sizes
// SpatialDims() entries (or nil); other lengths are an *Error before the library is called.
type Layer struct {
	h    *C.convt_handle
	rank int
}

// NewLayer validates the parameters and copies weight ((in, out/groups, kernel...) floats)
// and bias (out_channels floats, or nil for none) into the layer.
func NewLayer(ps *Params, weight, bias []float32) (*Layer, error) {
	if ps.problem != "" {
		return nil, invalid("convt_create", "%s", ps.problem)
	}
	if n := ps.weightLen(); n >= 0 && int64(len(weight)) < n {
		return nil, invalid("convt_create", "weight has %d floats, the layer needs %d", len(weight), n)
	}
	if bias != nil && int64(len(bias)) < ps.OutChannels() {
		return nil, invalid("convt_create", "bias has %d floats, the layer needs %d", len(bias), ps.OutChannels())
	}
	var w, b *C.float
	if len(weight) > 0 {
		w = (*C.float)(unsafe.Pointer(&weight[0]))
	}
	if len(bias) > 0 {
		b = (*C.float)(unsafe.Pointer(&bias[0]))
	}
	var h *C.convt_handle
	if err := call("convt_create", func() C.convt_status { return C.convt_create(&ps.p, w, b, &h) }); err != nil {
		return nil, err
	}
	l := &Layer{h: h, rank: ps.SpatialDims()}
	runtime.SetFinalizer(l, (*Layer).Close) // a safety net; call Close
	return l, nil
}

// Close releases the layer; safe to call twice.
func (l *Layer) Close() {
	if l.h != nil {
		C.convt_destroy(l.h)
		l.h = nil
	}
	runtime.SetFinalizer(l, nil)
}

// SpatialDims is the rank of the parameters the layer was made from: 1, 2 or 3.
func (l *Layer) SpatialDims() int { return l.rank }

// Params are the parameters as the library validated them (convt_get_params).
func (l *Layer) Params() (*Params, error) {
	ps := &Params{}
	err := call("convt_get_params", func() C.convt_status {
		return C.convt_get_params(l.h, &ps.p, C.sizeof_convt_params)
	})
	runtime.KeepAlive(l)
	if err != nil {
		return nil, err
	}
	return ps, nil
}

var shapeNames = [...]string{"(N, C, L)", "(N, C, H, W)", "(N, C, D, H, W)"}

// request checks the lengths of the input shape and the output size against the rank and
// returns the C pointers for them (the output size's nil for none). Go memory without Go
// pointers in it may be passed to C for the duration of a call (the cgo pointer rules).
func (l *Layer) request(function string, input, outputSize []int64) (*C.int64_t, *C.int64_t, error) {
	if len(input) != 2+l.rank {
		return nil, nil, invalid(function, "input shape %v has %d entries, but a %d-D layer takes %d: %s",
			input, len(input), l.rank, 2+l.rank, shapeNames[l.rank-1])
	}
	in := (*C.int64_t)(unsafe.Pointer(&input[0]))
	if outputSize == nil {
		return in, nil, nil
	}
	if len(outputSize) != l.rank {
		return nil, nil, invalid(function, "output_size %v has %d entries, but a %d-D layer takes %d",
			outputSize, len(outputSize), l.rank, l.rank)
	}
	return in, (*C.int64_t)(unsafe.Pointer(&outputSize[0])), nil
}

// OutputShape is (N, out_channels, out spatial...) for an (N, C, spatial...) input;
// outputSize is nil or the requested spatial sizes, as PyTorch's forward(input, output_size).
func (l *Layer) OutputShape(input, outputSize []int64) ([]int64, error) {
	in, size, err := l.request("convt_output_shape", input, outputSize)
	if err != nil {
		return nil, err
	}
	out := make([]int64, len(input))
	err = call("convt_output_shape", func() C.convt_status {
		return C.convt_output_shape(l.h, in, size, (*C.int64_t)(unsafe.Pointer(&out[0])))
	})
	runtime.KeepAlive(l) // no finalizer may destroy the handle during the call
	if err != nil {
		return nil, err
	}
	return out, nil
}

// SelectedAlgorithm is the name of the algorithm a run of this shape uses.
func (l *Layer) SelectedAlgorithm(input, outputSize []int64) (string, error) {
	in, size, err := l.request("convt_selected_algorithm", input, outputSize)
	if err != nil {
		return "", err
	}
	var a C.int32_t
	err = call("convt_selected_algorithm", func() C.convt_status {
		return C.convt_selected_algorithm(l.h, in, size, &a)
	})
	runtime.KeepAlive(l)
	if err != nil {
		return "", err
	}
	return C.GoString(C.convt_algorithm_name(a)), nil
}

// count is the product of shape's entries, or -1 for a negative entry or an overflow.
func count(shape []int64) int64 {
	n := int64(1)
	for _, d := range shape {
		if d < 0 || (d > 0 && n > math.MaxInt64/d) {
			return -1
		}
		n *= d
	}
	return n
}

// Run computes the layer into output (at least the output shape's product of floats).
func (l *Layer) Run(inputShape []int64, input []float32, outputSize []int64, output []float32) error {
	in, size, err := l.request("convt_run", inputShape, outputSize)
	if err != nil {
		return err
	}
	// A negative count: the library rejects the shape before reading anything.
	if need := count(inputShape); need > 0 && int64(len(input)) < need {
		return invalid("convt_run", "input has %d floats, its shape %v needs %d", len(input), inputShape, need)
	}
	var x, y *C.float
	if len(input) > 0 {
		x = (*C.float)(unsafe.Pointer(&input[0]))
	}
	if len(output) > 0 {
		y = (*C.float)(unsafe.Pointer(&output[0]))
	}
	err = call("convt_run", func() C.convt_status {
		return C.convt_run(l.h, in, x, size, y, C.size_t(len(output)), nil, 0)
	})
	runtime.KeepAlive(l)
	return err
}

// Forward runs the layer into a new slice: (output shape, values).
func (l *Layer) Forward(inputShape []int64, input []float32, outputSize []int64) ([]int64, []float32, error) {
	shape, err := l.OutputShape(inputShape, outputSize)
	if err != nil {
		return shape, nil, err
	}
	n := count(shape)
	if n < 0 || n > math.MaxInt {
		return shape, nil, &Error{Function: "convt_run", Status: ErrorSizeOverflow,
			Message: fmt.Sprintf("output shape %v is too large", shape)}
	}
	out := make([]float32, n)
	if err := l.Run(inputShape, input, outputSize, out); err != nil {
		return shape, nil, err
	}
	return shape, out, nil
}
