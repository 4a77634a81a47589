//! Safe Rust bindings to libconvt: 2-D transposed convolution (PyTorch's ConvTranspose2d)
//! behind a stable C ABI. An example crate with no dependencies; `build.rs` gets the link
//! flags from `pkg-config --libs convt`.
//!
//! ```no_run
//! use convt::{Layer, Params};
//! let w = vec![0.0f32; 16 * 33 * 3 * 5];
//! let layer = Layer::new(&Params::new(16, 33, (3, 5)).stride(2, 1).padding(4, 2), &w, None)?;
//! let x = vec![0.0f32; 20 * 16 * 50 * 100];
//! let (shape, y) = layer.forward([20, 16, 50, 100], &x, None)?;
//! assert_eq!(shape, [20, 33, 93, 100]);
//! # Ok::<(), convt::Error>(())
//! ```
//!
//! Every failing call returns [`Error`], which carries the status and the library's message
//! (`convt_last_error()`, read right after the failing call on the same thread).

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

    /// sizeof(convt_params) of the first release (CONVT_PARAMS_SIZE_V0_1).
    pub const CONVT_PARAMS_SIZE_V0_1: usize = 168;

    /// `struct convt_params`, field for field. Fill it with [`convt_params_init`] first.
    #[repr(C)]
    #[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
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

/// The layer's parameters with PyTorch's defaults; chainable setters take (H, W).
#[derive(Debug, Clone, Copy)]
pub struct Params(pub ffi::convt_params);

impl Params {
    pub fn new(in_channels: i64, out_channels: i64, kernel_size: (i64, i64)) -> Params {
        let mut p = ffi::convt_params::default();
        unsafe { ffi::convt_params_init(&mut p, std::mem::size_of::<ffi::convt_params>()) };
        p.in_channels = in_channels;
        p.out_channels = out_channels;
        p.kernel_size[0] = kernel_size.0;
        p.kernel_size[1] = kernel_size.1;
        Params(p)
    }
    pub fn stride(mut self, h: i64, w: i64) -> Params {
        self.0.stride[..2].copy_from_slice(&[h, w]);
        self
    }
    pub fn padding(mut self, h: i64, w: i64) -> Params {
        self.0.padding[..2].copy_from_slice(&[h, w]);
        self
    }
    pub fn output_padding(mut self, h: i64, w: i64) -> Params {
        self.0.output_padding[..2].copy_from_slice(&[h, w]);
        self
    }
    pub fn dilation(mut self, h: i64, w: i64) -> Params {
        self.0.dilation[..2].copy_from_slice(&[h, w]);
        self
    }
    pub fn groups(mut self, groups: i64) -> Params {
        self.0.groups = groups;
        self
    }
    pub fn algorithm(mut self, algorithm: Algorithm) -> Params {
        self.0.algorithm = algorithm as i32;
        self
    }
    pub fn num_threads(mut self, n: i32) -> Params {
        self.0.num_threads = n;
        self
    }

    /// Floats in the weight (in, out/groups, kH, kW), when the numbers allow one at all
    /// (otherwise the library rejects the parameters before it reads any weight).
    fn weight_len(&self) -> Option<usize> {
        let p = &self.0;
        if p.groups < 1 || p.out_channels % p.groups != 0 {
            return None;
        }
        [
            p.in_channels,
            p.out_channels / p.groups,
            p.kernel_size[0],
            p.kernel_size[1],
        ]
        .iter()
        .try_fold(1usize, |acc, &d| {
            usize::try_from(d).ok().filter(|&d| d > 0)?.checked_mul(acc)
        })
    }
}

fn count(shape: &[i64; 4]) -> Option<usize> {
    shape
        .iter()
        .try_fold(1usize, |acc, &d| usize::try_from(d).ok()?.checked_mul(acc))
}

/// One layer: owns a `convt_handle`, destroyed on drop.
#[derive(Debug)]
pub struct Layer {
    handle: NonNull<ffi::convt_handle>,
}

// convt: every function is thread-safe except destroy against runs of the same handle;
// destroy only happens in Drop, which has the layer to itself.
unsafe impl Send for Layer {}
unsafe impl Sync for Layer {}

impl Layer {
    /// Validates the parameters and copies `weight` ((in, out/groups, kH, kW) floats) and
    /// `bias` (out_channels floats) into the layer.
    pub fn new(params: &Params, weight: &[f32], bias: Option<&[f32]>) -> Result<Layer> {
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
            if (b.len() as i128) < params.0.out_channels as i128 {
                return Err(Error::invalid(format!(
                    "bias has {} floats, the layer needs {}",
                    b.len(),
                    params.0.out_channels
                )));
            }
        }
        let mut h = ptr::null_mut();
        let bias_ptr = bias.map_or(ptr::null(), |b| b.as_ptr());
        check(unsafe { ffi::convt_create(&params.0, weight.as_ptr(), bias_ptr, &mut h) })?;
        NonNull::new(h)
            .map(|handle| Layer { handle })
            .ok_or_else(|| Error {
                status: ffi::CONVT_ERROR_INTERNAL,
                message: "NULL handle".into(),
            })
    }

    fn size_ptr(output_size: &Option<[i64; 2]>) -> *const i64 {
        output_size.as_ref().map_or(ptr::null(), |s| s.as_ptr())
    }

    /// (N, out_channels, H_out, W_out) of a run on an (N, C, H, W) input.
    pub fn output_shape(&self, input: [i64; 4], output_size: Option<[i64; 2]>) -> Result<[i64; 4]> {
        let mut out = [0i64; 4];
        check(unsafe {
            ffi::convt_output_shape(
                self.handle.as_ptr(),
                input.as_ptr(),
                Self::size_ptr(&output_size),
                out.as_mut_ptr(),
            )
        })?;
        Ok(out)
    }

    /// Runs the layer into `output` (at least the output shape's product of floats).
    pub fn run(
        &self,
        input_shape: [i64; 4],
        input: &[f32],
        output_size: Option<[i64; 2]>,
        output: &mut [f32],
    ) -> Result<()> {
        if let Some(need) = count(&input_shape) {
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
                Self::size_ptr(&output_size),
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
        input_shape: [i64; 4],
        input: &[f32],
        output_size: Option<[i64; 2]>,
    ) -> Result<([i64; 4], Vec<f32>)> {
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
        input: [i64; 4],
        output_size: Option<[i64; 2]>,
    ) -> Result<&'static str> {
        let mut a = 0i32;
        check(unsafe {
            ffi::convt_selected_algorithm(
                self.handle.as_ptr(),
                input.as_ptr(),
                Self::size_ptr(&output_size),
                &mut a,
            )
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
        Ok(Params(p))
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
    fn params_struct_is_168_bytes() {
        assert_eq!(std::mem::size_of::<ffi::convt_params>(), 168);
        assert_eq!(
            std::mem::size_of::<ffi::convt_params>(),
            ffi::CONVT_PARAMS_SIZE_V0_1
        );
        assert_eq!(std::mem::align_of::<ffi::convt_params>(), 8);
    }

    #[test]
    fn params_init_gives_pytorch_defaults() {
        let p = Params::new(2, 3, (4, 5)).0;
        assert_eq!(p.struct_size, 168);
        assert_eq!(p.spatial_dims, 2);
        assert_eq!(
            (p.stride[0], p.dilation[1], p.groups, p.padding[0]),
            (1, 1, 1, 0)
        );
        assert_eq!(p.algorithm, ffi::CONVT_ALGORITHM_AUTO);
    }
}
