package convt

// The options of library 0.4 through the package: the setters reach the library, ONNX's
// padding kinds give the shapes of convt.h's formulas and the VALID output cropped, channels
// last gives the permuted channels-first result, each activation is its definition applied
// after a plain run, and bad values are the library's errors.
//
// Exact data (the seed pattern: every product a multiple of 1/128, every sum exact in
// float32) make crops and permutations equal bit for bit, whatever order the library adds in.

import (
	"errors"
	"math"
	"strings"
	"testing"
)

// exactData is a weight, bias and input (of shape, channels first) for ps, all exact.
func exactData(ps *Params, shape []int64) (w, b, x []float32) {
	nw := ps.InChannels() * (ps.OutChannels() / int64(ps.p.groups)) * count(ps.KernelSize())
	return pattern(nw, 5, 11, 5, 16), pattern(ps.OutChannels(), 1, 3, 1, 4),
		pattern(count(shape), 7, 13, 6, 8)
}

// random is n values uniform in [-2, 2) from a fixed generator.
func random(n int64, state uint64) []float32 {
	v := make([]float32, n)
	for i := range v {
		state = state*6364136223846793005 + 1442695040888963407
		v[i] = float32(state>>40)/float32(1<<24)*4 - 2
	}
	return v
}

// toChannelsLast permutes (N, C, P) to (N, P, C), P the pixels per channel.
func toChannelsLast(v []float32, n, c, pixels int64) []float32 {
	out := make([]float32, len(v))
	for b := int64(0); b < n; b++ {
		for ch := int64(0); ch < c; ch++ {
			for p := int64(0); p < pixels; p++ {
				out[(b*pixels+p)*c+ch] = v[(b*c+ch)*pixels+p]
			}
		}
	}
	return out
}

// onnxOut is one dimension's size by convt.h's rules: full = s*(in-1) + op + d*(k-1) + 1,
// then EXPLICIT full - begin - end, SAME_* full - max(0, full - in*s), VALID full.
func onnxOut(kind int32, in, k, s, op, d, pb, pe int64) int64 {
	full := s*(in-1) + op + d*(k-1) + 1
	switch kind {
	case PaddingExplicit:
		return full - pb - pe
	case PaddingSameUpper, PaddingSameLower:
		if t := full - in*s; t > 0 {
			return full - t
		}
	}
	return full
}

// crop is the window of full (N, C, spatial..., channels first) from begin on, of outShape's
// spatial sizes.
func crop(full []float32, fullShape, outShape, begin []int64) []float32 {
	rank := len(fullShape) - 2
	f3, o3, b3 := [3]int64{1, 1, 1}, [3]int64{1, 1, 1}, [3]int64{}
	for i := 0; i < rank; i++ {
		f3[3-rank+i], o3[3-rank+i], b3[3-rank+i] = fullShape[2+i], outShape[2+i], begin[i]
	}
	var out []float32
	for nc := int64(0); nc < fullShape[0]*fullShape[1]; nc++ {
		for d := int64(0); d < o3[0]; d++ {
			for h := int64(0); h < o3[1]; h++ {
				for w := int64(0); w < o3[2]; w++ {
					out = append(out, full[((nc*f3[0]+d+b3[0])*f3[1]+h+b3[1])*f3[2]+w+b3[2]])
				}
			}
		}
	}
	return out
}

func equalFloats(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

type onnxCase struct {
	params func() *Params
	in     []int64
	pb, pe []int64 // EXPLICIT's begin and end pads
}

var onnxCases = []onnxCase{
	{func() *Params { return NewParams1D(3, 4, 5).Stride(3).OutputPadding(1) },
		[]int64{2, 3, 6}, []int64{2}, []int64{3}},
	{func() *Params { return NewParams(3, 4, 3, 4).Stride(2, 3).OutputPadding(1, 0).Dilation(1, 2) },
		[]int64{1, 3, 4, 5}, []int64{1, 0}, []int64{2, 3}},
	{func() *Params { return NewParams(4, 6, 3, 3, 3).Stride(2, 1, 2).OutputPadding(0, 0, 1).Groups(2) },
		[]int64{1, 4, 2, 3, 3}, []int64{0, 1, 2}, []int64{1, 1, 0}},
}

func mustLayer(t *testing.T, ps *Params, w, b []float32) *Layer {
	t.Helper()
	l, err := NewLayer(ps, w, b)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(l.Close)
	return l
}

func TestOptionsReachTheLibrary(t *testing.T) {
	ps := NewParams(4, 6, 3, 5).Stride(2, 3).Padding(1, 2).PaddingKind(PaddingExplicit).
		PaddingEnd(2, 0).Layout(LayoutChannelsLast).Activation(ActivationClamp, -0.5, 0.75)
	w := make([]float32, 4*6*15)
	got, err := mustLayer(t, ps, w, nil).Params()
	if err != nil {
		t.Fatal(err)
	}
	if got.StructSize() != ParamsSizeV0_2 || got.PaddingKindValue() != PaddingExplicit ||
		!equal(got.PaddingValues(), []int64{1, 2}) || !equal(got.PaddingEndValues(), []int64{2, 0}) ||
		got.LayoutValue() != LayoutChannelsLast {
		t.Errorf("read back: size %d kind %d padding %v end %v layout %d", got.StructSize(),
			got.PaddingKindValue(), got.PaddingValues(), got.PaddingEndValues(), got.LayoutValue())
	}
	if a, alpha, beta := got.ActivationValues(); a != ActivationClamp || alpha != -0.5 || beta != 0.75 {
		t.Errorf("activation read back (%d, %v, %v)", a, alpha, beta)
	}
	for kind := PaddingSymmetric; kind <= PaddingValid; kind++ {
		p, err := mustLayer(t, NewParams1D(2, 2, 3).Stride(2).PaddingKind(kind), w, nil).Params()
		if err != nil || p.PaddingKindValue() != kind {
			t.Errorf("padding kind %d read back as %v (%v)", kind, p, err)
		}
	}
	// Defaults, one value for every dimension, and nothing past the rank.
	if a, alpha, beta := NewParams1D(2, 2, 3).Activation(ActivationElu, 0.5).ActivationValues(); a != ActivationElu ||
		alpha != 0.5 || beta != 0 {
		t.Errorf("Activation(Elu, 0.5) wrote (%d, %v, %v)", a, alpha, beta)
	}
	d := NewParams(2, 2, 3, 3)
	if d.PaddingKindValue() != PaddingSymmetric || d.LayoutValue() != LayoutChannelsFirst {
		t.Errorf("defaults: kind %d layout %d", d.PaddingKindValue(), d.LayoutValue())
	}
	if a, _, _ := d.ActivationValues(); a != ActivationNone {
		t.Errorf("default activation %d", a)
	}
	if e := NewParams3D(2, 2, 1).PaddingEnd(1).PaddingEndValues(); !equal(e, []int64{1, 1, 1}) {
		t.Errorf("PaddingEnd(1) in 3-D wrote %v", e)
	}
	line := NewParams1D(2, 2, 3).PaddingEnd(2)
	if line.p.padding_end[0] != 2 || line.p.padding_end[1] != 0 || line.p.padding_end[2] != 0 {
		t.Errorf("1-D PaddingEnd(2) wrote %v", line.p.padding_end)
	}
}

func TestOnnxKindsShapesAndValues(t *testing.T) {
	for _, c := range onnxCases {
		base := c.params()
		rank := base.SpatialDims()
		w, b, x := exactData(base, c.in)
		fullShape, full, err := mustLayer(t, c.params().PaddingKind(PaddingValid), w, b).Forward(c.in, x, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, kind := range []int32{PaddingSameUpper, PaddingSameLower, PaddingExplicit} {
			ps := c.params().PaddingKind(kind).Padding(c.pb...).PaddingEnd(c.pe...)
			shape, y, err := mustLayer(t, ps, w, b).Forward(c.in, x, nil)
			if err != nil {
				t.Fatal(err)
			}
			begin := make([]int64, rank)
			for i := 0; i < rank; i++ {
				s := int64(base.p.stride[i])
				want := onnxOut(kind, c.in[2+i], int64(base.p.kernel_size[i]), s,
					int64(base.p.output_padding[i]), int64(base.p.dilation[i]), c.pb[i], c.pe[i])
				if shape[2+i] != want {
					t.Errorf("%d-D kind %d dimension %d: %d, want %d", rank, kind, i, shape[2+i], want)
				}
				if kind != PaddingExplicit && shape[2+i] != c.in[2+i]*s {
					t.Errorf("%d-D kind %d: out %d is not in*stride (T > 0 here)", rank, kind, shape[2+i])
				}
				tt := fullShape[2+i] - c.in[2+i]*s
				switch kind {
				case PaddingExplicit:
					begin[i] = c.pb[i]
				case PaddingSameUpper:
					begin[i] = tt / 2
				default:
					begin[i] = tt - tt/2
				}
			}
			if !equalFloats(y, crop(full, fullShape, shape, begin)) {
				t.Errorf("%d-D kind %d: not the VALID output cropped at %v", rank, kind, begin)
			}
		}
	}
}

func TestOutputSizeIsOnnxOutputShape(t *testing.T) {
	// VALID 1-D: full = 2*(4-1) + 3 = 9; sizes 1 to 2*4 + 3 - 1 = 10; position 9 is the bias.
	ps := NewParams1D(2, 3, 3).Stride(2).PaddingKind(PaddingValid)
	w, b, x := exactData(ps, []int64{1, 2, 4})
	l := mustLayer(t, ps, w, b)
	_, full, err := l.Forward([]int64{1, 2, 4}, x, nil)
	if err != nil {
		t.Fatal(err)
	}
	shape, y, err := l.Forward([]int64{1, 2, 4}, x, []int64{10})
	if err != nil || !equal(shape, []int64{1, 3, 10}) {
		t.Fatalf("output_size 10: %v, %v", shape, err)
	}
	for c := 0; c < 3; c++ {
		if !equalFloats(y[c*10:c*10+9], full[c*9:c*9+9]) || y[c*10+9] != b[c] {
			t.Errorf("channel %d: %v, want %v then the bias %v", c, y[c*10:c*10+10], full[c*9:c*9+9], b[c])
		}
	}
	if _, err := l.OutputShape([]int64{1, 2, 4}, []int64{11}); err == nil ||
		!strings.Contains(err.Error(), "requested an output size of [11], but valid sizes range from [1] to [10]") {
		t.Errorf("output_size 11: %v", err)
	}
}

func TestChannelsLastIsThePermutedResult(t *testing.T) {
	for _, c := range onnxCases {
		for _, act := range []int32{ActivationNone, ActivationRelu} {
			first := c.params().PaddingKind(PaddingSameUpper).Activation(act)
			w, b, x := exactData(first, c.in)
			shape, y, err := mustLayer(t, first, w, b).Forward(c.in, x, nil)
			if err != nil {
				t.Fatal(err)
			}
			last := c.params().PaddingKind(PaddingSameUpper).Activation(act).Layout(LayoutChannelsLast)
			xl := toChannelsLast(x, c.in[0], c.in[1], count(c.in[2:]))
			shapeLast, yl, err := mustLayer(t, last, w, b).Forward(c.in, xl, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !equal(shapeLast, shape) {
				t.Errorf("channels last shape %v, want (N, C, spatial...) %v", shapeLast, shape)
			}
			if !equalFloats(yl, toChannelsLast(y, shape[0], shape[1], count(shape[2:]))) {
				t.Errorf("%d-D activation %d: channels last is not the permuted result", first.SpatialDims(), act)
			}
		}
	}
}

func TestActivationsAfterAPlainRun(t *testing.T) {
	type act struct {
		kind        int32
		alpha, beta float32
		f           func(y, a, b float64) float64
	}
	acts := []act{
		{ActivationRelu, 0, 0, func(y, a, b float64) float64 { return math.Max(y, 0) }},
		{ActivationLeakyRelu, 0.2, 0, func(y, a, b float64) float64 {
			if y >= 0 {
				return y
			}
			return a * y
		}},
		{ActivationClamp, -0.3, 0.6, func(y, a, b float64) float64 { return math.Min(math.Max(y, a), b) }},
		{ActivationTanh, 0, 0, func(y, a, b float64) float64 { return math.Tanh(y) }},
		{ActivationSigmoid, 0, 0, func(y, a, b float64) float64 { return 1 / (1 + math.Exp(-y)) }},
		{ActivationElu, 0.7, 0, func(y, a, b float64) float64 {
			if y > 0 {
				return y
			}
			return a * math.Expm1(y)
		}},
		{ActivationGelu, 0, 0, func(y, a, b float64) float64 { return y / 2 * (1 + math.Erf(y/math.Sqrt2)) }},
	}
	layers := []struct {
		params func() *Params
		in     []int64
	}{
		{func() *Params { return NewParams1D(5, 6, 4).Stride(2).Padding(1) }, []int64{2, 5, 9}},
		{func() *Params { return NewParams(5, 6, 3, 2).Stride(2, 1).Padding(1).Layout(LayoutChannelsLast) },
			[]int64{2, 5, 6, 7}},
		{func() *Params { return NewParams3D(5, 6, 3).Stride(2).Padding(1) }, []int64{1, 5, 3, 4, 3}},
	}
	for _, c := range layers {
		ps := c.params()
		w := random(5*6*count(ps.KernelSize()), 1)
		b := random(6, 2)
		x := random(count(c.in), 3)
		_, plain, err := mustLayer(t, ps, w, b).Forward(c.in, x, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range acts {
			_, y, err := mustLayer(t, c.params().Activation(a.kind, a.alpha, a.beta), w, b).Forward(c.in, x, nil)
			if err != nil {
				t.Fatal(err)
			}
			moved := false
			for i := range y {
				want := a.f(float64(plain[i]), float64(a.alpha), float64(a.beta))
				// A few units in the last place of the activation; the sums are the same ones.
				if math.Abs(float64(y[i])-want) > 4e-6*math.Abs(want)+1e-7 {
					t.Fatalf("%d-D activation %d [%d]: %v for f(%v) = %v", ps.SpatialDims(), a.kind, i, y[i], plain[i], want)
				}
				moved = moved || math.Abs(float64(y[i]-plain[i])) > 1e-3
			}
			if !moved {
				t.Errorf("activation %d changed nothing", a.kind)
			}
		}
	}
}

func TestOptionErrors(t *testing.T) {
	w := make([]float32, 2*2*9)
	for _, c := range []struct {
		ps   *Params
		want string
	}{
		{NewParams2D(2, 2, 3).PaddingKind(7), "padding_kind must be a CONVT_PADDING_* value (SYMMETRIC 0, EXPLICIT 1, SAME_UPPER 2, SAME_LOWER 3, VALID 4), but got padding_kind: 7"},
		{NewParams2D(2, 2, 3).Layout(2), "layout must be CONVT_LAYOUT_CHANNELS_FIRST (0) or CONVT_LAYOUT_CHANNELS_LAST (1), but got layout: 2"},
		{NewParams2D(2, 2, 3).Activation(8), "but got activation: 8"},
		{NewParams2D(2, 2, 3).Activation(ActivationClamp, 1, -1), "CLAMP needs activation_alpha (min) <= activation_beta (max), but got activation_alpha: 1 activation_beta: -1"},
		{NewParams2D(2, 2, 3).Activation(ActivationLeakyRelu, float32(math.NaN())), "activation_alpha must be a number for LEAKY_RELU"},
		{NewParams2D(2, 2, 3).PaddingKind(PaddingExplicit).PaddingEnd(0, -1), "negative padding_end is not supported"},
		{NewParams2D(2, 2, 3).Stride(2).Dilation(3).OutputPadding(2).PaddingKind(PaddingSameUpper),
			"output_padding must be >= 0 and smaller than stride under ONNX padding (padding_kind SAME_UPPER)"},
		// This package's own checks.
		{NewParams3D(2, 2, 1).PaddingEnd(1, 1), "padding_end has 2 entries, but a 3-D layer takes 3"},
		{NewParams2D(2, 2, 3).Activation(ActivationClamp, 1, 2, 3), "Activation takes at most 2 parameters (alpha, beta), but got 3"},
	} {
		_, err := NewLayer(c.ps, w, nil)
		var ce *Error
		if !errors.As(err, &ce) || ce.Status != ErrorInvalidArgument || !strings.Contains(ce.Message, c.want) {
			t.Errorf("NewLayer: %v, want %q", err, c.want)
		}
	}
}
