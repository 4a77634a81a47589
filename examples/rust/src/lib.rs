//! Safe Rust bindings to libconvt: transposed convolution of 1, 2 or 3 spatial dimensions
//! (PyTorch's ConvTranspose1d/2d/3d) behind a stable C ABI. An example crate with no
//! dependencies; `build.rs` gets the link flags from `pkg-config --libs convt`.
//!
//! ```no_run
//! use convt::{Layer, Params};
//! let w = vec![0.0f32; 16 * 33 * 3 * 5];
//! let layer = Layer::new(&Params::new(16, 33, (3, 5)).stride((2, 1)).padding((4, 2)), &w, None)?;
//! let x = vec![0.0f32; 20 * 16 * 50 * 100];
//! let (shape, y) = layer.forward([20, 16, 50, 100], &x, None)?;
//! assert_eq!(shape, [20, 33, 93, 100]);
//!
//! // ConvTranspose1d(16, 33, 5, stride=3) and ConvTranspose3d(16, 33, 3, stride=(2, 1, 1)):
//! let w1 = vec![0.0f32; 16 * 33 * 5];
//! let one = Layer::new(&Params::new_1d(16, 33, 5).stride(3), &w1, None)?;
//! assert_eq!(one.output_shape([1, 16, 10], None)?, [1, 33, 32]);
//! let w3 = vec![0.0f32; 16 * 33 * 27];
//! let three = Layer::new(&Params::new_3d(16, 33, 3).stride([2, 1, 1]), &w3, None)?;
//! assert_eq!(three.output_shape([1, 16, 4, 4, 4], Some(&[10, 6, 6]))?, [1, 33, 10, 6, 6]);
//!
//! // Since library 0.4: ONNX's padding rules, channels-last tensors, a fused activation.
//! use convt::{Activation, Layout, PaddingKind};
//! let w4 = vec![0.0f32; 16 * 33 * 16];
//! let onnx = Params::new(16, 33, (4, 4))
//!     .stride(2)
//!     .padding_kind(PaddingKind::SameUpper)              // out = in*stride (ONNX auto_pad)
//!     .layout(Layout::ChannelsLast)                      // x and y are (N, H, W, C)
//!     .activation(Activation::LeakyRelu { slope: 0.2 });
//! let same = Layer::new(&onnx, &w4, None)?;
//! assert_eq!(same.output_shape([1, 16, 8, 8], None)?, [1, 33, 16, 16]); // still (N, C, H, W)
//! # Ok::<(), convt::Error>(())
//! ```
//!
//! Spatial values ([`Dims`]) are in PyTorch's order, (L), (H, W) or (D, H, W): one integer
//! for every dimension, or an array, tuple or slice of one per dimension. Shapes are slices
//! (or arrays, or anything `AsRef<[i64]>`) of 2 + rank entries, output sizes of rank entries.
//!
//! The 0.4 fields of `convt_params` have setters taking [`PaddingKind`], [`Layout`] and
//! [`Activation`] (whose variants carry the parameters they read); a value the library does
//! not know can only be set through [`Params::raw_mut`], and fails in [`Layer::new`] with
//! the library's message. Under [`Layout::ChannelsLast`] the buffers are (N, spatial..., C),
//! but shapes passed to and returned by a [`Layer`] stay (N, C, spatial...), as in the C API.
//!
//! Every failing call returns [`Error`], which carries the status and the library's message
//! (`convt_last_error()`, read right after the failing call on the same thread), or this
//! crate's own message (status `CONVT_ERROR_INVALID_ARGUMENT`) for a list whose length does
//! not fit the rank, found before the library is called.

use std::ffi::CStr;
use std::fmt;
use std::ptr::{self, NonNull};

/// The C API of `convt/convt.h`, as it is.
#[allow(non_camel_case_types)]
pub mod ffi {
    use std::os::raw::c_char;

    pub type convt_status = i32;
    pub const CONVT_OK: convt_status = 0;
    pub const CONVT_ERROR_INVALID_ARGUMENT: convt_status = 1;
    pub const CONVT_ERROR_UNSUPPORTED: convt_status = 2;
    pub const CONVT_ERROR_OUT_OF_MEMORY: convt_status = 3;
    pub const CONVT_ERROR_SIZE_OVERFLOW: convt_status = 4;
    pub const CONVT_ERROR_INTERNAL: convt_status = 5;

    pub const CONVT_ALGORITHM_AUTO: i32 = 0;
    pub const CONVT_ALGORITHM_GEMM_COL2IM: i32 = 1;
    pub const CONVT_ALGORITHM_REFERENCE: i32 = 2;
    pub const CONVT_ALGORITHM_SUBPIXEL: i32 = 3;
    pub const CONVT_ALGORITHM_DEPTHWISE: i32 = 4;
    pub const CONVT_ALGORITHM_POINTWISE: i32 = 5;

    pub const CONVT_PADDING_SYMMETRIC: i32 = 0;
    pub const CONVT_PADDING_EXPLICIT: i32 = 1;
    pub const CONVT_PADDING_SAME_UPPER: i32 = 2;
    pub const CONVT_PADDING_SAME_LOWER: i32 = 3;
    pub const CONVT_PADDING_VALID: i32 = 4;

    pub const CONVT_LAYOUT_CHANNELS_FIRST: i32 = 0;
    pub const CONVT_LAYOUT_CHANNELS_LAST: i32 = 1;

    pub const CONVT_ACTIVATION_NONE: i32 = 0;
    pub const CONVT_ACTIVATION_RELU: i32 = 1;
    pub const CONVT_ACTIVATION_LEAKY_RELU: i32 = 2;
    pub const CONVT_ACTIVATION_CLAMP: i32 = 3;
    pub const CONVT_ACTIVATION_TANH: i32 = 4;
    pub const CONVT_ACTIVATION_SIGMOID: i32 = 5;
    pub const CONVT_ACTIVATION_ELU: i32 = 6;
    pub const CONVT_ACTIVATION_GELU: i32 = 7;

    /// sizeof(convt_params) of the first release (CONVT_PARAMS_SIZE_V0_1), up to 0.3.
    pub const CONVT_PARAMS_SIZE_V0_1: usize = 168;
    /// sizeof(convt_params) since library 0.4 (CONVT_PARAMS_SIZE_V0_2).
    pub const CONVT_PARAMS_SIZE_V0_2: usize = 216;

    /// `struct convt_params`, field for field. Fill it with [`convt_params_init`] first.
    #[repr(C)]
    #[derive(Debug, Clone, Copy, Default, PartialEq)]
    pub struct convt_params {
        pub struct_size: usize,
        pub spatial_dims: i32,
        pub algorithm: i32,
        pub in_channels: i64,
        pub out_channels: i64,
        pub kernel_size: [i64; 3],
        pub stride: [i64; 3],
        pub padding: [i64; 3],
        pub output_padding: [i64; 3],
        pub dilation: [i64; 3],
        pub groups: i64,
        pub num_threads: i32,
        // Since library 0.4 (from offset 168, the 0.1 struct's trailing padding on).
        pub padding_end: [i64; 3],
        pub padding_kind: i32,
        pub layout: i32,
        pub activation: i32,
        pub activation_alpha: f32,
        pub activation_beta: f32,
    }

    /// The opaque `convt_handle`.
    #[repr(C)]
    pub struct convt_handle {
        _private: [u8; 0],
    }

    extern "C" {
        pub fn convt_version_number() -> u32;
        pub fn convt_version_string() -> *const c_char;
        pub fn convt_status_string(status: convt_status) -> *const c_char;
        pub fn convt_last_error() -> *const c_char;
        pub fn convt_algorithm_name(algorithm: i32) -> *const c_char;
        pub fn convt_params_init(params: *mut convt_params, struct_size: usize);
        pub fn convt_create(
            params: *const convt_params,
            weight: *const f32,
            bias: *const f32,
            out_handle: *mut *mut convt_handle,
        ) -> convt_status;
        pub fn convt_output_shape(
            handle: *const convt_handle,
            input_shape: *const i64,
            output_size: *const i64,
            output_shape: *mut i64,
        ) -> convt_status;
        pub fn convt_run(
            handle: *const convt_handle,
            input_shape: *const i64,
            input: *const f32,
            output_size: *const i64,
            output: *mut f32,
            output_capacity: usize,
            workspace: *mut std::os::raw::c_void,
            workspace_size: usize,
        ) -> convt_status;
        pub fn convt_destroy(handle: *mut convt_handle);
        pub fn convt_workspace_size(
            handle: *const convt_handle,
            input_shape: *const i64,
            output_size: *const i64,
            bytes: *mut usize,
        ) -> convt_status;
        pub fn convt_selected_algorithm(
            handle: *const convt_handle,
            input_shape: *const i64,
            output_size: *const i64,
            algorithm: *mut i32,
        ) -> convt_status;
        pub fn convt_get_params(
            handle: *const convt_handle,
            params: *mut convt_params,
            struct_size: usize,
        ) -> convt_status;
        pub fn convt_conv_weight_from_transposed(
            params: *const convt_params,
            weight: *const f32,
            conv_weight: *mut f32,
        ) -> convt_status;
    }
}

fn static_str(p: *const std::os::raw::c_char) -> &'static str {
    // The library's strings are static (names, version) and ASCII.
    unsafe { CStr::from_ptr(p) }.to_str().unwrap_or("?")
}

/// The linked library's version, "major.minor.patch".
pub fn version() -> &'static str {
    static_str(unsafe { ffi::convt_version_string() })
}

/// A failed call: the status (`CONVT_ERROR_*`) and the library's message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    pub status: ffi::convt_status,
    pub message: String,
}

impl Error {
    /// "CONVT_ERROR_INVALID_ARGUMENT", ...
    pub fn status_name(&self) -> &'static str {
        static_str(unsafe { ffi::convt_status_string(self.status) })
    }
    fn invalid(message: String) -> Error {
        Error {
            status: ffi::CONVT_ERROR_INVALID_ARGUMENT,
            message,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.status_name(), self.message)
    }
}

impl std::error::Error for Error {}

pub type Result<T> = std::result::Result<T, Error>;

/// Turns a status into a Result. Must be called right after the call that returned it, on
/// the same thread (a plain function call sequence in Rust is), so that convt_last_error()
/// is that call's message.
fn check(status: ffi::convt_status) -> Result<()> {
    if status == ffi::CONVT_OK {
        return Ok(());
    }
    let message = unsafe { CStr::from_ptr(ffi::convt_last_error()) }
        .to_string_lossy()
        .into_owned();
    Err(Error { status, message })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(i32)]
pub enum Algorithm {
    Auto = ffi::CONVT_ALGORITHM_AUTO,
    GemmCol2im = ffi::CONVT_ALGORITHM_GEMM_COL2IM,
    Reference = ffi::CONVT_ALGORITHM_REFERENCE,
    Subpixel = ffi::CONVT_ALGORITHM_SUBPIXEL,
    Depthwise = ffi::CONVT_ALGORITHM_DEPTHWISE,
    Pointwise = ffi::CONVT_ALGORITHM_POINTWISE,
}

/// How the output is trimmed (`convt_params.padding_kind`); see convt.h for the rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(i32)]
pub enum PaddingKind {
    /// PyTorch's `padding` at both ends (the default).
    Symmetric = ffi::CONVT_PADDING_SYMMETRIC,
    /// ONNX's pads: `padding` at the begin, `padding_end` at the end.
    Explicit = ffi::CONVT_PADDING_EXPLICIT,
    /// ONNX's auto_pad SAME_UPPER: out = in*stride, the smaller half trimmed first.
    SameUpper = ffi::CONVT_PADDING_SAME_UPPER,
    /// ONNX's auto_pad SAME_LOWER: the larger half trimmed first.
    SameLower = ffi::CONVT_PADDING_SAME_LOWER,
    /// ONNX's auto_pad VALID: nothing trimmed.
    Valid = ffi::CONVT_PADDING_VALID,
}

/// The memory layout of input and output (`convt_params.layout`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(i32)]
pub enum Layout {
    /// (N, C, spatial...), the default.
    ChannelsFirst = ffi::CONVT_LAYOUT_CHANNELS_FIRST,
    /// (N, spatial..., C): NLC, NHWC, NDHWC. The weight keeps PyTorch's layout.
    ChannelsLast = ffi::CONVT_LAYOUT_CHANNELS_LAST,
}

/// The activation applied to every output after the bias, inside the run
/// (`convt_params.activation`, with the parameters it reads as `activation_alpha` and
/// `activation_beta`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Activation {
    None,
    Relu,
    /// y if y >= 0, else slope*y (PyTorch's default slope is 0.01).
    LeakyRelu {
        slope: f32,
    },
    /// min(max(y, min), max); min <= max, either may be infinite.
    Clamp {
        min: f32,
        max: f32,
    },
    Tanh,
    Sigmoid,
    /// y if y > 0, else alpha*(exp(y) - 1) (PyTorch's default alpha is 1).
    Elu {
        alpha: f32,
    },
    /// The exact (erf) form, PyTorch's default.
    Gelu,
}

impl Activation {
    /// (activation, activation_alpha, activation_beta) as `convt_params` holds them.
    pub fn to_raw(self) -> (i32, f32, f32) {
        match self {
            Activation::None => (ffi::CONVT_ACTIVATION_NONE, 0.0, 0.0),
            Activation::Relu => (ffi::CONVT_ACTIVATION_RELU, 0.0, 0.0),
            Activation::LeakyRelu { slope } => (ffi::CONVT_ACTIVATION_LEAKY_RELU, slope, 0.0),
            Activation::Clamp { min, max } => (ffi::CONVT_ACTIVATION_CLAMP, min, max),
            Activation::Tanh => (ffi::CONVT_ACTIVATION_TANH, 0.0, 0.0),
            Activation::Sigmoid => (ffi::CONVT_ACTIVATION_SIGMOID, 0.0, 0.0),
            Activation::Elu { alpha } => (ffi::CONVT_ACTIVATION_ELU, alpha, 0.0),
            Activation::Gelu => (ffi::CONVT_ACTIVATION_GELU, 0.0, 0.0),
        }
    }
}

/// The largest rank the library takes (ConvTranspose3d).
pub const MAX_SPATIAL_DIMS: usize = 3;

/// Spatial values of a parameter: one for every dimension (from an integer), or one per
/// dimension (from an array, a tuple or a slice), in PyTorch's order (L), (H, W), (D, H, W).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dims {
    values: [i64; MAX_SPATIAL_DIMS],
    /// How many values were given per dimension; None for one value for every dimension.
    count: Option<usize>,
}

impl Dims {
    fn per_dimension(values: &[i64]) -> Dims {
        let mut v = [0; MAX_SPATIAL_DIMS];
        for (to, from) in v.iter_mut().zip(values) {
            *to = *from;
        }
        Dims {
            values: v,
            count: Some(values.len()),
        }
    }
}

impl From<i64> for Dims {
    fn from(v: i64) -> Dims {
        Dims {
            values: [v; MAX_SPATIAL_DIMS],
            count: None,
        }
    }
}
impl From<i32> for Dims {
    fn from(v: i32) -> Dims {
        Dims::from(v as i64)
    }
}
impl<const N: usize> From<[i64; N]> for Dims {
    fn from(v: [i64; N]) -> Dims {
        Dims::per_dimension(&v)
    }
}
impl From<&[i64]> for Dims {
    fn from(v: &[i64]) -> Dims {
        Dims::per_dimension(v)
    }
}
impl From<(i64, i64)> for Dims {
    fn from(v: (i64, i64)) -> Dims {
        Dims::per_dimension(&[v.0, v.1])
    }
}
impl From<(i64, i64, i64)> for Dims {
    fn from(v: (i64, i64, i64)) -> Dims {
        Dims::per_dimension(&[v.0, v.1, v.2])
    }
}

/// The layer's parameters with PyTorch's defaults and chainable setters. The rank
/// (spatial_dims) is fixed by the constructor; a setter given one integer sets every
/// dimension, given a list it needs one value per dimension. A list of the wrong length,
/// or a rank outside 1..=3, is remembered and returned as an [`Error`] by [`Layer::new`]
/// (the setters stay chainable); the library validates the values themselves there too.
#[derive(Debug, Clone)]
pub struct Params {
    raw: ffi::convt_params,
    problem: Option<String>,
}

impl Params {
    /// ConvTranspose{1,2,3}d with one kernel size per dimension: their count is the rank
    /// (`[5]` 1-D, `(3, 5)` 2-D, `[3, 5, 2]` 3-D). A single integer says no rank: use
    /// [`Params::new_1d`], [`Params::new_2d`] or [`Params::new_3d`] for that.
    pub fn new(in_channels: i64, out_channels: i64, kernel_size: impl Into<Dims>) -> Params {
        let kernel = kernel_size.into();
        match kernel.count {
            Some(rank) => Params::with_rank(rank as i32, in_channels, out_channels, kernel),
            None => {
                let mut p = Params::with_rank(2, in_channels, out_channels, kernel);
                p.note(format!(
                    "Params::new takes one kernel size per dimension (got the single size {}); \
                     use Params::new_1d, new_2d or new_3d for one size in every dimension",
                    kernel.values[0]
                ));
                p
            }
        }
    }
    /// ConvTranspose1d(in_channels, out_channels, kernel_size): shapes (N, C, L).
    pub fn new_1d(in_channels: i64, out_channels: i64, kernel_size: impl Into<Dims>) -> Params {
        Params::with_rank(1, in_channels, out_channels, kernel_size)
    }
    /// ConvTranspose2d(in_channels, out_channels, kernel_size): shapes (N, C, H, W).
    pub fn new_2d(in_channels: i64, out_channels: i64, kernel_size: impl Into<Dims>) -> Params {
        Params::with_rank(2, in_channels, out_channels, kernel_size)
    }
    /// ConvTranspose3d(in_channels, out_channels, kernel_size): shapes (N, C, D, H, W).
    pub fn new_3d(in_channels: i64, out_channels: i64, kernel_size: impl Into<Dims>) -> Params {
        Params::with_rank(3, in_channels, out_channels, kernel_size)
    }
    /// A layer of `spatial_dims` spatial dimensions (1, 2 or 3).
    pub fn with_rank(
        spatial_dims: i32,
        in_channels: i64,
        out_channels: i64,
        kernel_size: impl Into<Dims>,
    ) -> Params {
        let mut p = ffi::convt_params::default();
        unsafe { ffi::convt_params_init(&mut p, std::mem::size_of::<ffi::convt_params>()) };
        p.in_channels = in_channels;
        p.out_channels = out_channels;
        let mut params = Params {
            raw: p,
            problem: None,
        };
        if (1..=MAX_SPATIAL_DIMS as i32).contains(&spatial_dims) {
            params.raw.spatial_dims = spatial_dims;
        } else {
            params.note(format!(
                "spatial_dims must be 1, 2 or 3 (one to three kernel sizes), but got \
                 spatial_dims: {spatial_dims}"
            ));
        }
        params.set("kernel_size", kernel_size.into(), |p| &mut p.kernel_size)
    }

    pub fn stride(self, stride: impl Into<Dims>) -> Params {
        self.set("stride", stride.into(), |p| &mut p.stride)
    }
    pub fn padding(self, padding: impl Into<Dims>) -> Params {
        self.set("padding", padding.into(), |p| &mut p.padding)
    }
    pub fn output_padding(self, output_padding: impl Into<Dims>) -> Params {
        self.set("output_padding", output_padding.into(), |p| {
            &mut p.output_padding
        })
    }
    pub fn dilation(self, dilation: impl Into<Dims>) -> Params {
        self.set("dilation", dilation.into(), |p| &mut p.dilation)
    }
    /// Since 0.4: zeros trimmed at the end of each dimension under
    /// [`PaddingKind::Explicit`] (ONNX pads' second half; `padding` is the first).
    pub fn padding_end(self, padding_end: impl Into<Dims>) -> Params {
        self.set("padding_end", padding_end.into(), |p| &mut p.padding_end)
    }
    /// Since 0.4.
    pub fn padding_kind(mut self, kind: PaddingKind) -> Params {
        self.raw.padding_kind = kind as i32;
        self
    }
    /// Since 0.4.
    pub fn layout(mut self, layout: Layout) -> Params {
        self.raw.layout = layout as i32;
        self
    }
    /// Since 0.4: the activation and the parameters it reads.
    pub fn activation(mut self, activation: Activation) -> Params {
        let (kind, alpha, beta) = activation.to_raw();
        self.raw.activation = kind;
        self.raw.activation_alpha = alpha;
        self.raw.activation_beta = beta;
        self
    }
    pub fn groups(mut self, groups: i64) -> Params {
        self.raw.groups = groups;
        self
    }
    pub fn algorithm(mut self, algorithm: Algorithm) -> Params {
        self.raw.algorithm = algorithm as i32;
        self
    }
    pub fn num_threads(mut self, n: i32) -> Params {
        self.raw.num_threads = n;
        self
    }

    /// 1, 2 or 3.
    pub fn spatial_dims(&self) -> usize {
        self.raw.spatial_dims as usize
    }
    /// The `convt_params` handed to the library.
    pub fn raw(&self) -> &ffi::convt_params {
        &self.raw
    }
    /// For fields this crate has no setter for; the rank is not to be changed here.
    pub fn raw_mut(&mut self) -> &mut ffi::convt_params {
        &mut self.raw
    }

    /// Keeps the first problem: the one the caller made first.
    fn note(&mut self, problem: String) {
        self.problem.get_or_insert(problem);
    }

    fn set(
        mut self,
        name: &str,
        v: Dims,
        field: impl Fn(&mut ffi::convt_params) -> &mut [i64; 3],
    ) -> Params {
        let rank = self.spatial_dims();
        match v.count {
            Some(n) if n != rank => {
                let entries = if n == 1 { "entry" } else { "entries" };
                self.note(format!(
                    "{name} has {n} {entries}, but a {rank}-D layer takes {rank} \
                     (or one value for all)"
                ));
            }
            _ => field(&mut self.raw)[..rank].copy_from_slice(&v.values[..rank]),
        }
        self
    }

    /// Floats in the weight (in, out/groups, kernel...), when the numbers allow one at all
    /// (otherwise the library rejects the parameters before it reads any weight).
    fn weight_len(&self) -> Option<usize> {
        let p = &self.raw;
        if p.groups < 1 || p.out_channels % p.groups != 0 {
            return None;
        }
        [p.in_channels, p.out_channels / p.groups]
            .iter()
            .chain(&p.kernel_size[..self.spatial_dims()])
            .try_fold(1usize, |acc, &d| {
                usize::try_from(d).ok().filter(|&d| d > 0)?.checked_mul(acc)
            })
    }
}

fn count(shape: &[i64]) -> Option<usize> {
    shape
        .iter()
        .try_fold(1usize, |acc, &d| usize::try_from(d).ok()?.checked_mul(acc))
}

/// One layer: owns a `convt_handle`, destroyed on drop. Shapes passed to it have
/// 2 + spatial_dims() entries, output sizes spatial_dims() entries; other lengths are an
/// [`Error`] before the library is called.
#[derive(Debug)]
pub struct Layer {
    handle: NonNull<ffi::convt_handle>,
    rank: usize,
}

// convt: every function is thread-safe except destroy against runs of the same handle;
// destroy only happens in Drop, which has the layer to itself.
unsafe impl Send for Layer {}
unsafe impl Sync for Layer {}

const SHAPES: [&str; 3] = ["(N, C, L)", "(N, C, H, W)", "(N, C, D, H, W)"];

impl Layer {
    /// Validates the parameters and copies `weight` ((in, out/groups, kernel...) floats)
    /// and `bias` (out_channels floats) into the layer.
    pub fn new(params: &Params, weight: &[f32], bias: Option<&[f32]>) -> Result<Layer> {
        if let Some(problem) = &params.problem {
            return Err(Error::invalid(problem.clone()));
        }
        // The library reads as many floats as the parameters say: never hand it less.
        if let Some(need) = params.weight_len() {
            if weight.len() < need {
                return Err(Error::invalid(format!(
                    "weight has {} floats, the layer needs {need}",
                    weight.len()
                )));
            }
        }
        if let Some(b) = bias {
            if (b.len() as i128) < params.raw.out_channels as i128 {
                return Err(Error::invalid(format!(
                    "bias has {} floats, the layer needs {}",
                    b.len(),
                    params.raw.out_channels
                )));
            }
        }
        let mut h = ptr::null_mut();
        let bias_ptr = bias.map_or(ptr::null(), |b| b.as_ptr());
        check(unsafe { ffi::convt_create(&params.raw, weight.as_ptr(), bias_ptr, &mut h) })?;
        NonNull::new(h)
            .map(|handle| Layer {
                handle,
                rank: params.spatial_dims(),
            })
            .ok_or_else(|| Error {
                status: ffi::CONVT_ERROR_INTERNAL,
                message: "NULL handle".into(),
            })
    }

    /// 1, 2 or 3, as the parameters it was made from.
    pub fn spatial_dims(&self) -> usize {
        self.rank
    }

    /// The output_size pointer for the C API (null for none), after checking the lengths of
    /// the input shape and the output size against the rank.
    fn request(&self, input: &[i64], output_size: Option<&[i64]>) -> Result<*const i64> {
        let rank = self.rank;
        if input.len() != 2 + rank {
            return Err(Error::invalid(format!(
                "input shape {input:?} has {} entries, but a {rank}-D layer takes {}: {}",
                input.len(),
                2 + rank,
                SHAPES[rank - 1]
            )));
        }
        match output_size {
            None => Ok(ptr::null()),
            Some(size) if size.len() == rank => Ok(size.as_ptr()),
            Some(size) => Err(Error::invalid(format!(
                "output_size {size:?} has {} entries, but a {rank}-D layer takes {rank}",
                size.len()
            ))),
        }
    }

    /// (N, out_channels, out spatial...) of a run on an (N, C, spatial...) input;
    /// output_size is None or the requested spatial sizes, as PyTorch's
    /// forward(input, output_size).
    pub fn output_shape(
        &self,
        input: impl AsRef<[i64]>,
        output_size: Option<&[i64]>,
    ) -> Result<Vec<i64>> {
        let input = input.as_ref();
        let request = self.request(input, output_size)?;
        let mut out = vec![0i64; input.len()];
        check(unsafe {
            ffi::convt_output_shape(
                self.handle.as_ptr(),
                input.as_ptr(),
                request,
                out.as_mut_ptr(),
            )
        })?;
        Ok(out)
    }

    /// Runs the layer into `output` (at least the output shape's product of floats).
    pub fn run(
        &self,
        input_shape: impl AsRef<[i64]>,
        input: &[f32],
        output_size: Option<&[i64]>,
        output: &mut [f32],
    ) -> Result<()> {
        let input_shape = input_shape.as_ref();
        let request = self.request(input_shape, output_size)?;
        if let Some(need) = count(input_shape) {
            if input.len() < need {
                return Err(Error::invalid(format!(
                    "input has {} floats, its shape {input_shape:?} needs {need}",
                    input.len()
                )));
            }
        }
        check(unsafe {
            ffi::convt_run(
                self.handle.as_ptr(),
                input_shape.as_ptr(),
                input.as_ptr(),
                request,
                output.as_mut_ptr(),
                output.len(),
                ptr::null_mut(),
                0,
            )
        })
    }

    /// Runs the layer into a new buffer: (output shape, values).
    pub fn forward(
        &self,
        input_shape: impl AsRef<[i64]>,
        input: &[f32],
        output_size: Option<&[i64]>,
    ) -> Result<(Vec<i64>, Vec<f32>)> {
        let input_shape = input_shape.as_ref();
        let shape = self.output_shape(input_shape, output_size)?;
        let n = count(&shape).ok_or_else(|| Error {
            status: ffi::CONVT_ERROR_SIZE_OVERFLOW,
            message: format!("output shape {shape:?} is too large"),
        })?;
        let mut out = vec![0f32; n];
        self.run(input_shape, input, output_size, &mut out)?;
        Ok((shape, out))
    }

    /// The algorithm a run of this shape uses ("gemm_col2im", "reference", ...).
    pub fn selected_algorithm(
        &self,
        input: impl AsRef<[i64]>,
        output_size: Option<&[i64]>,
    ) -> Result<&'static str> {
        let input = input.as_ref();
        let request = self.request(input, output_size)?;
        let mut a = 0i32;
        check(unsafe {
            ffi::convt_selected_algorithm(self.handle.as_ptr(), input.as_ptr(), request, &mut a)
        })?;
        Ok(static_str(unsafe { ffi::convt_algorithm_name(a) }))
    }

    /// The parameters as the library validated them.
    pub fn params(&self) -> Result<Params> {
        let mut p = ffi::convt_params::default();
        check(unsafe {
            ffi::convt_get_params(
                self.handle.as_ptr(),
                &mut p,
                std::mem::size_of::<ffi::convt_params>(),
            )
        })?;
        Ok(Params {
            raw: p,
            problem: None,
        })
    }
}

impl Drop for Layer {
    fn drop(&mut self) {
        unsafe { ffi::convt_destroy(self.handle.as_ptr()) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_struct_is_216_bytes() {
        assert_eq!(std::mem::size_of::<ffi::convt_params>(), 216);
        assert_eq!(
            std::mem::size_of::<ffi::convt_params>(),
            ffi::CONVT_PARAMS_SIZE_V0_2
        );
        assert_eq!(ffi::CONVT_PARAMS_SIZE_V0_1, 168);
        assert_eq!(std::mem::align_of::<ffi::convt_params>(), 8);
        // The 0.4 fields from offset 168 on, in convt.h's order (no offset_of! in Rust 1.63).
        let p = ffi::convt_params::default();
        let base = &p as *const _ as usize;
        let at = |f: *const u8| f as usize - base;
        assert_eq!(at(&p.num_threads as *const _ as *const u8), 160);
        assert_eq!(at(&p.padding_end as *const _ as *const u8), 168);
        assert_eq!(at(&p.padding_kind as *const _ as *const u8), 192);
        assert_eq!(at(&p.layout as *const _ as *const u8), 196);
        assert_eq!(at(&p.activation as *const _ as *const u8), 200);
        assert_eq!(at(&p.activation_alpha as *const _ as *const u8), 204);
        assert_eq!(at(&p.activation_beta as *const _ as *const u8), 208);
    }

    #[test]
    fn the_0_4_setters_write_the_fields() {
        let p = Params::new(2, 3, (4, 5))
            .padding_kind(PaddingKind::Explicit)
            .padding_end((2, 1))
            .layout(Layout::ChannelsLast)
            .activation(Activation::Clamp {
                min: -0.5,
                max: 0.75,
            });
        let r = p.raw();
        assert_eq!(r.padding_kind, ffi::CONVT_PADDING_EXPLICIT);
        assert_eq!(r.padding_end, [2, 1, 0]);
        assert_eq!(r.layout, ffi::CONVT_LAYOUT_CHANNELS_LAST);
        assert_eq!(
            (r.activation, r.activation_alpha, r.activation_beta),
            (ffi::CONVT_ACTIVATION_CLAMP, -0.5, 0.75)
        );
        assert_eq!(
            Params::new_1d(2, 3, 4).padding_end(3).raw().padding_end,
            [3, 0, 0]
        );
        assert_eq!(
            Params::new_3d(2, 3, 1).padding_end(1).raw().padding_end,
            [1, 1, 1]
        );
        let p = Params::new_3d(2, 3, 1).padding_end((1, 2));
        assert_eq!(
            p.problem.as_deref(),
            Some("padding_end has 2 entries, but a 3-D layer takes 3 (or one value for all)")
        );
        for (a, raw) in [
            (Activation::None, (0, 0.0, 0.0)),
            (Activation::Relu, (1, 0.0, 0.0)),
            (Activation::LeakyRelu { slope: 0.1 }, (2, 0.1, 0.0)),
            (Activation::Clamp { min: 1.0, max: 2.0 }, (3, 1.0, 2.0)),
            (Activation::Tanh, (4, 0.0, 0.0)),
            (Activation::Sigmoid, (5, 0.0, 0.0)),
            (Activation::Elu { alpha: 0.5 }, (6, 0.5, 0.0)),
            (Activation::Gelu, (7, 0.0, 0.0)),
        ] {
            assert_eq!(a.to_raw(), raw, "{a:?}");
        }
    }

    #[test]
    fn params_init_gives_pytorch_defaults() {
        let p = *Params::new(2, 3, (4, 5)).raw();
        assert_eq!(p.struct_size, 216);
        assert_eq!(p.padding_end, [0, 0, 0]);
        assert_eq!(
            (p.padding_kind, p.layout, p.activation),
            (
                ffi::CONVT_PADDING_SYMMETRIC,
                ffi::CONVT_LAYOUT_CHANNELS_FIRST,
                ffi::CONVT_ACTIVATION_NONE
            )
        );
        assert_eq!(p.spatial_dims, 2);
        assert_eq!(p.kernel_size, [4, 5, 0]);
        assert_eq!(
            (p.stride[0], p.dilation[1], p.groups, p.padding[0]),
            (1, 1, 1, 0)
        );
        assert_eq!(p.algorithm, ffi::CONVT_ALGORITHM_AUTO);
    }

    #[test]
    fn the_rank_comes_from_the_kernel_or_the_constructor() {
        assert_eq!(Params::new(2, 3, [5]).spatial_dims(), 1);
        assert_eq!(Params::new(2, 3, [3, 5]).spatial_dims(), 2);
        assert_eq!(Params::new(2, 3, (3, 5, 2)).spatial_dims(), 3);
        assert_eq!(Params::new(2, 3, &[3i64, 5, 2][..]).spatial_dims(), 3);
        let cube = Params::new_3d(2, 3, 4).stride(2).padding([1, 0, 1]);
        assert_eq!(cube.raw().kernel_size, [4, 4, 4]);
        assert_eq!(cube.raw().stride, [2, 2, 2]);
        assert_eq!(cube.raw().padding, [1, 0, 1]);
        // One value fills the rank's entries only.
        let line = Params::new_1d(2, 3, 5).stride(3).dilation(2);
        assert_eq!(line.raw().kernel_size, [5, 0, 0]);
        assert_eq!(line.raw().stride, [3, 1, 1]);
        assert_eq!(line.raw().dilation, [2, 1, 1]);
        assert!(line.problem.is_none());
    }

    #[test]
    fn lengths_that_do_not_fit_the_rank_are_kept_for_layer_new() {
        let p = Params::new_3d(2, 3, 3).stride((2, 1)).padding([1]);
        assert_eq!(
            p.problem.as_deref(),
            Some("stride has 2 entries, but a 3-D layer takes 3 (or one value for all)")
        );
        let e = Layer::new(&p, &[0.0; 2 * 3 * 27], None).unwrap_err();
        assert_eq!(e.status, ffi::CONVT_ERROR_INVALID_ARGUMENT);
        assert!(e.message.starts_with("stride has 2 entries"), "{e}");

        let e = Layer::new(&Params::new(2, 3, 3), &[0.0; 2 * 3 * 9], None).unwrap_err();
        assert!(
            e.message.contains("use Params::new_1d, new_2d or new_3d"),
            "{e}"
        );
        let e = Layer::new(&Params::new(2, 3, [1, 1, 1, 1]), &[0.0; 6], None).unwrap_err();
        assert!(e.message.contains("spatial_dims must be 1, 2 or 3"), "{e}");
        let e = Layer::new(&Params::with_rank(0, 2, 3, 1), &[0.0; 6], None).unwrap_err();
        assert!(e.message.contains("but got spatial_dims: 0"), "{e}");
    }
}
