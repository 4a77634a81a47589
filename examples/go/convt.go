// Package convt is a Go binding (cgo) of libconvt: 2-D transposed convolution with the
// semantics of PyTorch's torch.nn.ConvTranspose2d, behind a stable C ABI.
//
// Build flags come from pkg-config (`#cgo pkg-config: convt`): set PKG_CONFIG_PATH to the
// installation's pkgconfig directory when it is not a system one.
//
//	layer, err := convt.NewLayer(convt.NewParams(16, 33, 3, 5).Stride(2, 1).Padding(4, 2), w, b)
//	if err != nil { ... }
//	defer layer.Close()
//	shape, y, err := layer.Forward([4]int64{20, 16, 50, 100}, x, nil)
//
// Errors are *Error values carrying the status and convt_last_error(). The message is
// per OS thread in the library, so every call that can fail runs with its goroutine locked
// to its OS thread (runtime.LockOSThread) until the message has been read.
package convt

/*
#cgo pkg-config: convt
#include <stdlib.h>
#include <convt/convt.h>
*/
import "C"

import (
	"fmt"
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

// ParamsSize is sizeof(convt_params) as this package was compiled.
const ParamsSize = int(C.sizeof_convt_params)

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

// Params are the layer's parameters, PyTorch's defaults until set; setters take (H, W).
type Params struct{ p C.convt_params }

// NewParams: ConvTranspose2d(inChannels, outChannels, (kH, kW)) with PyTorch's defaults.
func NewParams(inChannels, outChannels, kH, kW int64) *Params {
	ps := &Params{}
	C.convt_params_init(&ps.p, C.sizeof_convt_params)
	ps.p.in_channels = C.int64_t(inChannels)
	ps.p.out_channels = C.int64_t(outChannels)
	ps.p.kernel_size[0], ps.p.kernel_size[1] = C.int64_t(kH), C.int64_t(kW)
	return ps
}

func (ps *Params) Stride(h, w int64) *Params {
	ps.p.stride[0], ps.p.stride[1] = C.int64_t(h), C.int64_t(w)
	return ps
}
func (ps *Params) Padding(h, w int64) *Params {
	ps.p.padding[0], ps.p.padding[1] = C.int64_t(h), C.int64_t(w)
	return ps
}
func (ps *Params) OutputPadding(h, w int64) *Params {
	ps.p.output_padding[0], ps.p.output_padding[1] = C.int64_t(h), C.int64_t(w)
	return ps
}
func (ps *Params) Dilation(h, w int64) *Params {
	ps.p.dilation[0], ps.p.dilation[1] = C.int64_t(h), C.int64_t(w)
	return ps
}
func (ps *Params) Groups(g int64) *Params     { ps.p.groups = C.int64_t(g); return ps }
func (ps *Params) Algorithm(a int32) *Params  { ps.p.algorithm = C.int32_t(a); return ps }
func (ps *Params) NumThreads(n int32) *Params { ps.p.num_threads = C.int32_t(n); return ps }
func (ps *Params) StructSize() int            { return int(ps.p.struct_size) }
func (ps *Params) InChannels() int64          { return int64(ps.p.in_channels) }
func (ps *Params) OutChannels() int64         { return int64(ps.p.out_channels) }

// weightLen is the weight's float count, or -1 when the numbers allow no weight at all
// (the library then rejects the parameters before it reads any weight).
func (ps *Params) weightLen() int64 {
	p := &ps.p
	if p.groups < 1 || p.out_channels%p.groups != 0 || p.in_channels < 1 || p.out_channels < 1 ||
		p.kernel_size[0] < 1 || p.kernel_size[1] < 1 {
		return -1
	}
	return int64(p.in_channels) * int64(p.out_channels/p.groups) * int64(p.kernel_size[0]) *
		int64(p.kernel_size[1])
}

// Layer owns a convt_handle; Close releases it (a finalizer does, if Close is forgotten).
// Run, Forward, OutputShape may be called from several goroutines at once; Close must not
// race with them.
type Layer struct {
	h *C.convt_handle
}

// NewLayer validates the parameters and copies weight ((in, out/groups, kH, kW) floats)
// and bias (out_channels floats, or nil for none) into the layer.
func NewLayer(ps *Params, weight, bias []float32) (*Layer, error) {
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
	l := &Layer{h: h}
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

// sizePtr: nil, or a pointer to the requested (H_out, W_out). Go memory without Go pointers
// in it may be passed to C for the duration of a call (the cgo pointer rules).
func sizePtr(outputSize *[2]int64) *C.int64_t {
	if outputSize == nil {
		return nil
	}
	return (*C.int64_t)(unsafe.Pointer(&outputSize[0]))
}

// OutputShape is (N, out_channels, H_out, W_out) for an (N, C, H, W) input; outputSize is
// nil or the requested (H_out, W_out), as PyTorch's forward(input, output_size).
func (l *Layer) OutputShape(input [4]int64, outputSize *[2]int64) ([4]int64, error) {
	var out [4]int64
	err := call("convt_output_shape", func() C.convt_status {
		return C.convt_output_shape(l.h, (*C.int64_t)(unsafe.Pointer(&input[0])), sizePtr(outputSize),
			(*C.int64_t)(unsafe.Pointer(&out[0])))
	})
	runtime.KeepAlive(l) // no finalizer may destroy the handle during the call
	return out, err
}

// SelectedAlgorithm is the name of the algorithm a run of this shape uses.
func (l *Layer) SelectedAlgorithm(input [4]int64, outputSize *[2]int64) (string, error) {
	var a C.int32_t
	err := call("convt_selected_algorithm", func() C.convt_status {
		return C.convt_selected_algorithm(l.h, (*C.int64_t)(unsafe.Pointer(&input[0])), sizePtr(outputSize), &a)
	})
	runtime.KeepAlive(l)
	if err != nil {
		return "", err
	}
	return C.GoString(C.convt_algorithm_name(a)), nil
}

// Run computes the layer into output (at least the output shape's product of floats).
func (l *Layer) Run(inputShape [4]int64, input []float32, outputSize *[2]int64, output []float32) error {
	need := int64(1)
	for _, d := range inputShape {
		if d < 0 {
			need = -1 // the library rejects the shape before reading anything
			break
		}
		need *= d
	}
	if need > 0 && int64(len(input)) < need {
		return invalid("convt_run", "input has %d floats, its shape %v needs %d", len(input), inputShape, need)
	}
	var x, y *C.float
	if len(input) > 0 {
		x = (*C.float)(unsafe.Pointer(&input[0]))
	}
	if len(output) > 0 {
		y = (*C.float)(unsafe.Pointer(&output[0]))
	}
	err := call("convt_run", func() C.convt_status {
		return C.convt_run(l.h, (*C.int64_t)(unsafe.Pointer(&inputShape[0])), x, sizePtr(outputSize), y,
			C.size_t(len(output)), nil, 0)
	})
	runtime.KeepAlive(l)
	return err
}

// Forward runs the layer into a new slice: (output shape, values).
func (l *Layer) Forward(inputShape [4]int64, input []float32, outputSize *[2]int64) ([4]int64, []float32, error) {
	shape, err := l.OutputShape(inputShape, outputSize)
	if err != nil {
		return shape, nil, err
	}
	out := make([]float32, shape[0]*shape[1]*shape[2]*shape[3])
	if err := l.Run(inputShape, input, outputSize, out); err != nil {
		return shape, nil, err
	}
	return shape, out, nil
}
