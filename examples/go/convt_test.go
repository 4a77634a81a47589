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

// The seed layer ConvTranspose2d(16, 33, (3, 5), stride=(2, 1), padding=(4, 2)) on a
// (2, 16, 50, 100) batch, with data every example reproduces exactly, over each tensor's
// flat row-major index i:
//
//	x[i] = ((i*7) % 13 - 6)/8,  w[i] = ((i*5) % 11 - 5)/16,  bias[c] = (c%3 - 1)/4.
//
// Golden values made with PyTorch 1.13 (Debian python3-torch) by examples/golden.py
// (/usr/bin/python3 examples/golden.py). They are exact (multiples of 1/128, exact float32
// sums; squares summed exactly in float64).
var (
	inShape  = [4]int64{2, 16, 50, 100}
	outShape = [4]int64{2, 33, 93, 100}
	golden   = map[int]float32{0: -0.1796875, 613799: 0.3125, 469650: 0.046875, 47520: 0.6875}
)

const (
	goldenSumSquares   = 87082.0693359375
	goldenSumSquares94 = 87695.34753417969 // output_size (94, 100)
	tolerance          = 1e-4              // |AUTO - REFERENCE| per element
)

func data() (x, w, b []float32) {
	x = make([]float32, 2*16*50*100)
	for i := range x {
		x[i] = float32((i*7)%13-6) / 8
	}
	w = make([]float32, 16*33*3*5)
	for i := range w {
		w[i] = float32((i*5)%11-5) / 16
	}
	b = make([]float32, 33)
	for c := range b {
		b[c] = float32(c%3-1) / 4
	}
	return
}

func seedParams() *Params { return NewParams(16, 33, 3, 5).Stride(2, 1).Padding(4, 2) }

func sumSquares(v []float32) float64 {
	s := 0.0
	for _, y := range v {
		s += float64(y) * float64(y)
	}
	return s
}

func TestParamsSize(t *testing.T) {
	if ParamsSize != 168 {
		t.Fatalf("sizeof(convt_params) = %d, want 168", ParamsSize)
	}
	if got := NewParams(1, 1, 1, 1).StructSize(); got != 168 {
		t.Fatalf("struct_size after init = %d", got)
	}
}

func TestSeedLayer(t *testing.T) {
	x, w, b := data()
	fast, err := NewLayer(seedParams(), w, b)
	if err != nil {
		t.Fatal(err)
	}
	defer fast.Close()
	slow, err := NewLayer(seedParams().Algorithm(AlgorithmReference), w, b)
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Close()

	shape, y, err := fast.Forward(inShape, x, nil)
	if err != nil {
		t.Fatal(err)
	}
	refShape, ref, err := slow.Forward(inShape, x, nil)
	if err != nil {
		t.Fatal(err)
	}
	if shape != outShape || refShape != outShape {
		t.Fatalf("output shapes %v, %v; want %v", shape, refShape, outShape)
	}
	for i, v := range golden {
		if ref[i] != v {
			t.Errorf("reference output[%d] = %v, want %v", i, ref[i], v)
		}
	}
	if s := sumSquares(ref); s != goldenSumSquares {
		t.Errorf("sum of squares %v, want %v", s, goldenSumSquares)
	}
	maxDiff := 0.0
	for i := range y {
		maxDiff = math.Max(maxDiff, math.Abs(float64(y[i])-float64(ref[i])))
	}
	if maxDiff > tolerance {
		t.Errorf("max |auto - reference| = %g", maxDiff)
	}
	algo, err := fast.SelectedAlgorithm(inShape, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("convt %s (Go): output %v via %s, max |auto - reference| %g", Version(), shape, algo, maxDiff)

	size := [2]int64{94, 100}
	s94, y94, err := slow.Forward(inShape, x, &size)
	if err != nil {
		t.Fatal(err)
	}
	if s94 != [4]int64{2, 33, 94, 100} || sumSquares(y94) != goldenSumSquares94 {
		t.Errorf("output_size (94, 100): shape %v, sum of squares %v", s94, sumSquares(y94))
	}
}

func TestErrors(t *testing.T) {
	w := make([]float32, 4*4*3*3)
	l, err := NewLayer(NewParams(4, 4, 3, 3).Stride(2, 2).OutputPadding(2, 2), w, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	_, err = l.OutputShape([4]int64{1, 4, 5, 5}, nil)
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
			l, err := NewLayer(NewParams(4, 4, 3, 3).Stride(2, 2).OutputPadding(op, 0), w, nil)
			if err != nil {
				errs <- err
				return
			}
			defer l.Close()
			for i := 0; i < 200; i++ {
				_, err := l.OutputShape([4]int64{1, 4, 5, 5}, nil)
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
	x, w, b := data()
	l, err := NewLayer(seedParams(), w, b)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	one := [4]int64{1, 16, 50, 100}
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
