//! HEIC / HEIF / AVIF pixels through libheif, the C library every Linux photo
//! tool uses (libvips, GIMP, digiKam). Called through `libheif-sys` directly,
//! not the `libheif-rs` wrapper: the wrapper versions that build against
//! Debian 12's libheif 1.15 do not expose the context, so they cannot set
//! libheif's size limit, which is the point of decoding a crafted file safely.
//!
//! libheif applies the HEIF transforms (`irot`, `imir`, `clap`) while decoding,
//! so what comes out is already upright: EXIF orientation must not be applied
//! on top of it. Grid thumbnails come from the file's own thumbnail item when
//! it is big enough, which is ten times faster than decoding the photo.

use std::ffi::CStr;
use std::marker::PhantomData;
use std::ptr;
use std::sync::Once;

use image::RgbImage;
use libheif_sys as lh;

use super::{ImagingError, MAX_DECODED_SIDE, check_size};

/// Decodes the primary image, upright; or, when `thumbnail_side` is given and
/// the file holds a thumbnail whose longest side reaches it, that thumbnail.
pub fn decode(data: &[u8], thumbnail_side: Option<u32>) -> Result<RgbImage, ImagingError> {
    let context = Context::read(data)?;
    let primary = context.primary()?;
    let (width, height) = primary.size();
    check_size(width, height)?;
    let chosen = thumbnail_side.and_then(|side| primary.thumbnail_reaching(side));
    chosen.as_ref().unwrap_or(&primary).decode_rgb()
}

/// The stored size of the primary image (its `ispe` box), before rotation:
/// the width and height ExifTool reports. `None` when libheif cannot read it.
pub fn stored_size(data: &[u8]) -> Option<(u32, u32)> {
    let context = Context::read(data).ok()?;
    let primary = context.primary().ok()?;
    // SAFETY: the handle is valid for as long as `primary` lives.
    let (w, h) = unsafe {
        (
            lh::heif_image_handle_get_ispe_width(primary.0),
            lh::heif_image_handle_get_ispe_height(primary.0),
        )
    };
    Some((u32::try_from(w).ok()?, u32::try_from(h).ok()?)).filter(|&(w, h)| w > 0 && h > 0)
}

fn init() {
    static INIT: Once = Once::new();
    // SAFETY: heif_init accepts a null parameter block; called once, never undone.
    INIT.call_once(|| unsafe {
        lh::heif_init(ptr::null_mut());
    });
}

/// A libheif context reading from borrowed bytes (they are not copied).
struct Context<'a> {
    raw: *mut lh::heif_context,
    _data: PhantomData<&'a [u8]>,
}

impl<'a> Context<'a> {
    fn read(data: &'a [u8]) -> Result<Self, ImagingError> {
        if data.is_empty() {
            return Err(ImagingError::Empty);
        }
        init();
        // SAFETY: a fresh context, freed by Drop; `data` outlives it (the lifetime).
        unsafe {
            let raw = lh::heif_context_alloc();
            if raw.is_null() {
                return Err(ImagingError::Decode("libheif could not start".into()));
            }
            let context = Self {
                raw,
                _data: PhantomData,
            };
            let side = i32::try_from(MAX_DECODED_SIDE).unwrap_or(i32::MAX);
            lh::heif_context_set_maximum_image_size_limit(raw, side);
            check(lh::heif_context_read_from_memory_without_copy(
                raw,
                data.as_ptr().cast(),
                data.len(),
                ptr::null(),
            ))?;
            Ok(context)
        }
    }

    fn primary(&self) -> Result<Handle<'_>, ImagingError> {
        let mut raw = ptr::null_mut();
        // SAFETY: the context is valid; the handle is released by Drop.
        check(unsafe { lh::heif_context_get_primary_image_handle(self.raw, &mut raw) })?;
        Handle::new(raw)
    }
}

impl Drop for Context<'_> {
    fn drop(&mut self) {
        // SAFETY: allocated by heif_context_alloc, freed once; handles borrow it.
        unsafe { lh::heif_context_free(self.raw) };
    }
}

/// An image item of a context (the primary image or a thumbnail).
struct Handle<'c>(*mut lh::heif_image_handle, PhantomData<&'c ()>);

impl Handle<'_> {
    fn new(raw: *mut lh::heif_image_handle) -> Result<Self, ImagingError> {
        if raw.is_null() {
            return Err(ImagingError::Decode("the file has no primary image".into()));
        }
        Ok(Self(raw, PhantomData))
    }

    /// Size after the HEIF transforms: what decoding produces.
    fn size(&self) -> (u32, u32) {
        // SAFETY: a valid handle.
        let (w, h) = unsafe {
            (
                lh::heif_image_handle_get_width(self.0),
                lh::heif_image_handle_get_height(self.0),
            )
        };
        (w.max(0) as u32, h.max(0) as u32)
    }

    /// The smallest thumbnail item whose longest side is at least `side`.
    fn thumbnail_reaching(&self, side: u32) -> Option<Self> {
        // SAFETY: a valid handle; `ids` has room for `count` entries.
        let count = unsafe { lh::heif_image_handle_get_number_of_thumbnails(self.0) };
        let count = usize::try_from(count).ok()?.min(64);
        let mut ids = vec![0; count];
        let filled = unsafe {
            lh::heif_image_handle_get_list_of_thumbnail_IDs(self.0, ids.as_mut_ptr(), count as i32)
        };
        ids.truncate(usize::try_from(filled).unwrap_or(0));
        ids.into_iter()
            .filter_map(|id| {
                let mut raw = ptr::null_mut();
                // SAFETY: `id` came from this handle's list.
                let err = unsafe { lh::heif_image_handle_get_thumbnail(self.0, id, &mut raw) };
                check(err).ok().and_then(|()| Handle::new(raw).ok())
            })
            .filter(|t| {
                let (w, h) = t.size();
                w.max(h) >= side
            })
            .min_by_key(|t| t.size().0)
    }

    /// Decodes to 8-bit RGB, HEIF transforms applied (10-bit HDR converted).
    fn decode_rgb(&self) -> Result<RgbImage, ImagingError> {
        let mut raw = ptr::null_mut();
        // SAFETY: options are allocated and freed here; the image is released by Drop.
        unsafe {
            let options = lh::heif_decoding_options_alloc();
            if !options.is_null() {
                (*options).convert_hdr_to_8bit = 1;
            }
            let err = lh::heif_decode_image(
                self.0,
                &mut raw,
                lh::heif_colorspace_heif_colorspace_RGB,
                lh::heif_chroma_heif_chroma_interleaved_RGB,
                options,
            );
            lh::heif_decoding_options_free(options);
            check(err)?;
        }
        Decoded(raw).to_rgb()
    }
}

impl Drop for Handle<'_> {
    fn drop(&mut self) {
        // SAFETY: obtained from libheif, released once.
        unsafe { lh::heif_image_handle_release(self.0) };
    }
}

/// A decoded libheif image.
struct Decoded(*mut lh::heif_image);

impl Decoded {
    fn to_rgb(&self) -> Result<RgbImage, ImagingError> {
        if self.0.is_null() {
            return Err(ImagingError::Decode("libheif returned no image".into()));
        }
        let channel = lh::heif_channel_heif_channel_interleaved;
        let mut stride = 0;
        // SAFETY: a valid image; the plane holds `height` rows of `stride` bytes.
        let (w, h, plane) = unsafe {
            (
                lh::heif_image_get_width(self.0, channel),
                lh::heif_image_get_height(self.0, channel),
                lh::heif_image_get_plane_readonly(self.0, channel, &mut stride),
            )
        };
        let (Ok(w), Ok(h), Ok(stride)) = (
            usize::try_from(w),
            usize::try_from(h),
            usize::try_from(stride),
        ) else {
            return Err(ImagingError::Decode(
                "libheif returned an empty image".into(),
            ));
        };
        if plane.is_null() || w == 0 || h == 0 || stride < w * 3 {
            return Err(ImagingError::Decode(
                "libheif returned an empty image".into(),
            ));
        }
        // SAFETY: see above; the bytes are copied before the image is released.
        let bytes = unsafe { std::slice::from_raw_parts(plane, stride * h) };
        let mut pixels = Vec::with_capacity(w * h * 3);
        for row in bytes.chunks_exact(stride) {
            pixels.extend_from_slice(&row[..w * 3]);
        }
        RgbImage::from_raw(w as u32, h as u32, pixels)
            .ok_or_else(|| ImagingError::Decode("libheif returned too few pixels".into()))
    }
}

impl Drop for Decoded {
    fn drop(&mut self) {
        if !self.0.is_null() {
            // SAFETY: obtained from heif_decode_image, released once.
            unsafe { lh::heif_image_release(self.0) };
        }
    }
}

/// Turns a libheif error into one a person can read.
fn check(err: lh::heif_error) -> Result<(), ImagingError> {
    if err.code == lh::heif_error_code_heif_error_Ok {
        return Ok(());
    }
    let message = if err.message.is_null() {
        String::from("libheif gave no reason")
    } else {
        // SAFETY: libheif's messages are static or context-owned C strings.
        let text = unsafe { CStr::from_ptr(err.message) }.to_string_lossy();
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    };
    Err(match (err.code, err.subcode) {
        (_, lh::heif_suberror_code_heif_suberror_End_of_data) => ImagingError::Truncated,
        (_, lh::heif_suberror_code_heif_suberror_Security_limit_exceeded) => {
            // "Memory allocation error: Security limit exceeded: Image size ...": the last part says it.
            let detail = message.rsplit(": ").next().unwrap_or(&message);
            ImagingError::SideTooLong(detail.to_string())
        }
        (_, lh::heif_suberror_code_heif_suberror_Unsupported_codec)
        | (lh::heif_error_code_heif_error_Plugin_loading_error, _) => {
            ImagingError::MissingCodec(message)
        }
        _ => ImagingError::Decode(message),
    })
}
