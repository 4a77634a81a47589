package convt

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// The seed layers, one per rank, on a batch of 2 with 16 input and 33 output channels, with
// data every example reproduces exactly, over each tensor's flat row-major index i:
//
//	x[i] = ((i*7) % 13 - 6)/8,  w[i] = ((i*5) % 11 - 5)/16,  bias[c] = (c%3 - 1)/4.
//
// Golden values made with PyTorch 1.13 (Debian python3-torch) by examples/golden.py
// (/usr/bin/python3 examples/golden.py). They are exact (multiples of 1/128, exact float32
// sums; squares summed exactly in float64).
type seed struct {
	name                string
	params              func() *Params
	in, out             []int64
	golden              map[int]float32
	sumSquares          float64
	outputSize          []int64 // a valid request other than the default size
	requestedOut        []int64
	requestedSumSquares float64
}

var seeds = []seed{
	{"2-D", func() *Params { return NewParams(16, 33, 3, 5).Stride(2, 1).Padding(4, 2) },
		[]int64{2, 16, 50, 100}, []int64{2, 33, 93, 100},
		map[int]float32{0: -0.1796875, 613799: 0.3125, 469650: 0.046875, 47520: 0.6875},
		87082.0693359375, []int64{94, 100}, []int64{2, 33, 94, 100}, 87695.34753417969},
	{"1-D", func() *Params { return NewParams1D(16, 33, 5).Stride(3).Padding(2).Dilation(2) },
		[]int64{2, 16, 100}, []int64{2, 33, 302},
		map[int]float32{1: -0.1328125, 19931: -0.03125, 15250: 0.4375, 1587: 0.34375},
		1542.5257568359375, []int64{304}, []int64{2, 33, 304}, 1552.5576171875},
	{"3-D", func() *Params { return NewParams(16, 33, 3, 5, 2).Stride(2, 1, 3).Padding(1, 2, 0) },
		[]int64{2, 16, 6, 10, 12}, []int64{2, 33, 11, 10, 35},
		map[int]float32{0: -0.171875, 254099: 0.328125, 194407: 0.25, 20565: 0.25},
		16752.239990234375, []int64{12, 10, 37}, []int64{2, 33, 12, 10, 37}, 18785.483642578125},
}

const tolerance = 1e-4 // |AUTO - REFERENCE| per element

func pattern(n int64, mul, mod, off int64, scale float32) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = float32((int64(i)*mul)%mod-off) / scale
	}
	return v
}

// data is the seed's input, weight and bias.
func (s *seed) data() (x, w, b []float32) {
	return pattern(count(s.in), 7, 13, 6, 8), pattern(16*33*count(s.params().KernelSize()), 5, 11, 5, 16),
		pattern(33, 1, 3, 1, 4)
}

func sumSquares(v []float32) float64 {
	s := 0.0
	for _, y := range v {
		s += float64(y) * float64(y)
	}
	return s
}

func equal(a, b []int64) bool {
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

func TestParamsSize(t *testing.T) {
	// The 0.4 struct: 0.1's 168 bytes (the last 4 trailing padding), then the new fields.
	if ParamsSize != 216 {
		t.Fatalf("sizeof(convt_params) = %d, want 216", ParamsSize)
	}
	if ParamsSizeV0_2 != 216 {
		t.Fatalf("CONVT_PARAMS_SIZE_V0_2 = %d, want 216", ParamsSizeV0_2)
	}
	if ParamsSizeV0_1 != 168 {
		t.Fatalf("CONVT_PARAMS_SIZE_V0_1 = %d, want 168", ParamsSizeV0_1)
	}
	if got := NewParams(1, 1, 1, 1).StructSize(); got != 216 {
		t.Fatalf("struct_size after init = %d", got)
	}
	want := map[string]uintptr{"num_threads": 160, "padding_end": 168, "padding_kind": 192,
		"layout": 196, "activation": 200, "activation_alpha": 204, "activation_beta": 208}
	for name, off := range paramsOffsets() {
		if want[name] != off {
			t.Errorf("offsetof(convt_params, %s) = %d, want %d", name, off, want[name])
		}
	}
}

func TestRank(t *testing.T) {
	for _, c := range []struct {
		ps   *Params
		rank int
		k    []int64
	}{
		{NewParams(2, 3, 5), 1, []int64{5}},
		{NewParams(2, 3, 3, 5), 2, []int64{3, 5}},
		{NewParams(2, 3, 3, 5, 2), 3, []int64{3, 5, 2}},
		{NewParams1D(2, 3, 4), 1, []int64{4}},
		{NewParams2D(2, 3, 4), 2, []int64{4, 4}},
		{NewParams3D(2, 3, 4), 3, []int64{4, 4, 4}},
		{NewParams3D(2, 3, 1, 2, 3), 3, []int64{1, 2, 3}},
	} {
		if c.ps.SpatialDims() != c.rank || !equal(c.ps.KernelSize(), c.k) || c.ps.problem != "" {
			t.Errorf("rank %d kernel %v (problem %q), want rank %d kernel %v",
				c.ps.SpatialDims(), c.ps.KernelSize(), c.ps.problem, c.rank, c.k)
		}
	}
	// One value fills the rank's entries only.
	ps := NewParams1D(2, 3, 5).Stride(3)
	if ps.p.stride[0] != 3 || ps.p.stride[1] != 1 || ps.p.stride[2] != 1 {
		t.Errorf("1-D stride 3 wrote %v", ps.p.stride)
	}
}

func TestSeedLayers(t *testing.T) {
	for _, s := range seeds {
		s := s
		t.Run(s.name, func(t *testing.T) {
			x, w, b := s.data()
			fast, err := NewLayer(s.params(), w, b)
			if err != nil {
				t.Fatal(err)
			}
			defer fast.Close()
			slow, err := NewLayer(s.params().Algorithm(AlgorithmReference), w, b)
			if err != nil {
				t.Fatal(err)
			}
			defer slow.Close()
			if fast.SpatialDims() != len(s.in)-2 {
				t.Fatalf("SpatialDims() = %d", fast.SpatialDims())
			}

			shape, y, err := fast.Forward(s.in, x, nil)
			if err != nil {
				t.Fatal(err)
			}
			refShape, ref, err := slow.Forward(s.in, x, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !equal(shape, s.out) || !equal(refShape, s.out) {
				t.Fatalf("output shapes %v, %v; want %v", shape, refShape, s.out)
			}
			for i, v := range s.golden {
				if ref[i] != v {
					t.Errorf("reference output[%d] = %v, want %v", i, ref[i], v)
				}
			}
			if got := sumSquares(ref); got != s.sumSquares {
				t.Errorf("sum of squares %v, want %v", got, s.sumSquares)
			}
			maxDiff := 0.0
			for i := range y {
				maxDiff = math.Max(maxDiff, math.Abs(float64(y[i])-float64(ref[i])))
			}
			if maxDiff > tolerance {
				t.Errorf("max |auto - reference| = %g", maxDiff)
			}
			algo, err := fast.SelectedAlgorithm(s.in, nil)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("convt %s (Go), %s: output %v via %s, max |auto - reference| %g",
				Version(), s.name, shape, algo, maxDiff)

			// output_size, as PyTorch's forward(input, output_size).
			requested, yr, err := slow.Forward(s.in, x, s.outputSize)
			if err != nil {
				t.Fatal(err)
			}
			if !equal(requested, s.requestedOut) || sumSquares(yr) != s.requestedSumSquares {
				t.Errorf("output_size %v: shape %v, sum of squares %v", s.outputSize, requested, sumSquares(yr))
			}
		})
	}
}

func TestErrors(t *testing.T) {
	w := make([]float32, 4*4*3*3*3)
	l, err := NewLayer(NewParams2D(4, 4, 3).Stride(2).OutputPadding(2), w, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	_, err = l.OutputShape([]int64{1, 4, 5, 5}, nil)
	var ce *Error
	if !errors.As(err, &ce) {
		t.Fatalf("want *convt.Error, got %v", err)
	}
	if ce.Status != ErrorInvalidArgument ||
		!strings.Contains(ce.Message, "output padding must be smaller than either stride or dilation") {
		t.Fatalf("unexpected error %v", ce)
	}
	if !strings.HasPrefix(err.Error(), "convt_output_shape: CONVT_ERROR_INVALID_ARGUMENT: ") {
		t.Fatalf("error text %q", err.Error())
	}

	if _, err := NewLayer(NewParams(5, 4, 3, 3).Groups(2), w, nil); !errors.As(err, &ce) ||
		ce.Status != ErrorInvalidArgument || ce.Message == "" {
		t.Fatalf("groups not dividing in_channels: %v", err)
	}
	if _, err := NewLayer(NewParams(4, 4, 3, 3), w[:10], nil); err == nil ||
		!strings.Contains(err.Error(), "weight has 10 floats") {
		t.Fatalf("short weight: %v", err)
	}
	if _, err := NewLayer(NewParams3D(4, 4, 3), w[:4*4*9], nil); err == nil ||
		!strings.Contains(err.Error(), "the layer needs 432") {
		t.Fatalf("short 3-D weight: %v", err)
	}
}

// Lists whose length does not fit the rank: kept by Params for NewLayer, checked by Layer
// before the library is called; and the library's own messages, per rank as PyTorch's.
func TestRankErrors(t *testing.T) {
	w := make([]float32, 4*4*3*3*3)
	for _, c := range []struct {
		ps   *Params
		want string
	}{
		{NewParams3D(4, 4, 3).Stride(2, 1), "stride has 2 entries, but a 3-D layer takes 3 (or one value for all)"},
		{NewParams(4, 4, 3, 3).Padding(1, 1, 1), "padding has 3 entries, but a 2-D layer takes 2"},
		{NewParams1D(4, 4, 3, 3), "kernel_size has 2 entries, but a 1-D layer takes 1"},
		{NewParams(4, 4), "spatial_dims must be 1, 2 or 3 (one to three kernel sizes), but got spatial_dims: 0"},
		{NewParams(4, 4, 1, 1, 1, 1), "but got spatial_dims: 4"},
	} {
		_, err := NewLayer(c.ps, w, nil)
		var ce *Error
		if !errors.As(err, &ce) || ce.Status != ErrorInvalidArgument || !strings.Contains(ce.Message, c.want) {
			t.Errorf("NewLayer: %v, want %q", err, c.want)
		}
	}

	cube, err := NewLayer(NewParams3D(4, 4, 3).Stride(2, 1, 1), w, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer cube.Close()
	x := make([]float32, 4*5*5*5)
	for _, c := range []struct {
		in, size []int64
		want     string
	}{
		{[]int64{1, 4, 5, 5}, nil, "has 4 entries, but a 3-D layer takes 5: (N, C, D, H, W)"},
		{[]int64{1, 4, 5, 5, 5}, []int64{7, 7}, "output_size [7 7] has 2 entries, but a 3-D layer takes 3"},
		{[]int64{1, 4, 5, 5, 5}, []int64{13, 7, 7},
			"requested an output size of [13, 7, 7], but valid sizes range from [11, 7, 7] to [12, 7, 7]"},
	} {
		_, err := cube.OutputShape(c.in, c.size)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("OutputShape(%v, %v): %v, want %q", c.in, c.size, err, c.want)
		}
		if err := cube.Run(c.in, x, c.size, make([]float32, 4*12*7*7)); err == nil ||
			!strings.Contains(err.Error(), c.want) {
			t.Errorf("Run(%v, %v): %v, want %q", c.in, c.size, err, c.want)
		}
	}
	if shape, err := cube.OutputShape([]int64{1, 4, 5, 5, 5}, []int64{12, 7, 7}); err != nil ||
		!equal(shape, []int64{1, 4, 12, 7, 7}) {
		t.Errorf("output_size (12, 7, 7): %v, %v", shape, err)
	}

	line, err := NewLayer(NewParams1D(4, 4, 3).Stride(2).OutputPadding(2), w, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer line.Close()
	if _, err := line.OutputShape([]int64{1, 4, 5}, nil); err == nil ||
		!strings.Contains(err.Error(), "output_padding_width: 2 stride_width: 2") {
		t.Errorf("1-D output padding: %v", err)
	}
}

// Each goroutine's error carries its own message, although the library keeps the message
// per OS thread and goroutines migrate between threads: the failing call and the read of
// convt_last_error() happen on one locked thread.
func TestErrorMessagePerGoroutine(t *testing.T) {
	w := make([]float32, 4*4*3*3)
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			op := int64(2 + g%3) // >= stride 2: invalid, named in the message
			l, err := NewLayer(NewParams(4, 4, 3, 3).Stride(2).OutputPadding(op, 0), w, nil)
			if err != nil {
				errs <- err
				return
			}
			defer l.Close()
			for i := 0; i < 200; i++ {
				_, err := l.OutputShape([]int64{1, 4, 5, 5}, nil)
				want := fmt.Sprintf("output_padding_height: %d", op)
				if err == nil || !strings.Contains(err.Error(), want) {
					errs <- fmt.Errorf("goroutine %d: %v (want %q)", g, err, want)
					return
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestConcurrentRuns(t *testing.T) {
	x, w, b := seeds[0].data()
	l, err := NewLayer(seeds[0].params(), w, b)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	one := []int64{1, 16, 50, 100}
	x1 := x[:16*50*100]
	_, want, err := l.Forward(one, x1, nil)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for g := 0; g < 3; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, got, err := l.Forward(one, x1, nil)
			if err != nil {
				t.Error(err)
				return
			}
			for i := range got {
				if got[i] != want[i] { // bit-identical
					t.Errorf("concurrent run differs at %d", i)
					return
				}
			}
		}()
	}
	wg.Wait()
}

// CONVT_EXPECT_PREFIX=<dir>: the libconvt mapped into this process lies under <dir>.
func TestLoadedFromExpectedPrefix(t *testing.T) {
	prefix := os.Getenv("CONVT_EXPECT_PREFIX")
	if prefix == "" {
		t.Skip("CONVT_EXPECT_PREFIX not set")
	}
	_ = Version()
	maps, err := os.ReadFile("/proc/self/maps")
	if err != nil {
		t.Fatal(err)
	}
	prefix, _ = filepath.EvalSymlinks(prefix)
	for _, line := range strings.Split(string(maps), "\n") {
		f := strings.Fields(line)
		if len(f) >= 6 && strings.Contains(f[5], "libconvt.so") {
			path, _ := filepath.EvalSymlinks(f[5])
			if !strings.HasPrefix(path, prefix+"/") {
				t.Fatalf("libconvt loaded from %s, not under %s", path, prefix)
			}
			return
		}
	}
	t.Fatal("libconvt is not mapped")
}
