//! Video clips for the simulated video providers: a picture slowly panning, as a real
//! H.264 MP4 file that Chromium (and any other player) plays.
//!
//! The simulator must hand out genuine MP4 files without an external program (ffmpeg) or
//! a C library, so this module encodes them itself, and cheaply: a pan is global motion,
//! which H.264 expresses directly. The first picture of a group stores the picture as raw
//! samples (I_PCM macroblocks, [`h264`]); every following picture is one
//! motion vector into that first picture and no residual, about five bits per macroblock.
//! A 256×256 clip of 8 s is therefore about the size of the uncompressed picture.
//!
//! Every P picture points straight at the IDR picture, so the picture never degrades:
//! what the pan moved out of view comes back intact. The first frame, which players show
//! as the poster, is exactly the picture. The view then drifts right and down and back,
//! and the strip it uncovers along the right and bottom edges repeats the picture's last
//! column and row (the decoder's own rule for samples beyond the picture). The simulator's
//! gradients, hills and bottom band hide that strip well. Showing the picture a little
//! enlarged instead would hide its edges, but then the first frame could not show the
//! whole picture: only the top-left of a coded picture may be displayed, because Chromium
//! ignores top and left cropping. [`mp4`] then wraps the pictures in a fast-start MP4 file.

mod h264;
mod mp4;

use std::f64::consts::TAU;

use h264::{Mv, Sequence, Yuv420, MAX_GOP_FRAMES};
use imaging::Canvas;

/// Highest frame rate accepted; higher rates are clamped to it.
const MAX_FPS: u32 = 60;

/// An MP4 file (H.264 Constrained Baseline, no audio) showing `picture` drifting
/// diagonally and back, `seconds` long at `fps` frames per second (at least one frame).
/// Odd sides are rounded up to even ones, as 4:2:0 video requires.
pub(crate) fn panning_clip(picture: &Canvas, seconds: u32, fps: u32) -> Vec<u8> {
    let fps = fps.clamp(1, MAX_FPS);
    let frames = (seconds as usize).saturating_mul(fps as usize).max(1);
    let pan = Pan::new(picture, frames);
    let sequence = Sequence::new(
        pan.coded_width,
        pan.coded_height,
        pan.visible_width,
        pan.visible_height,
        fps,
    );
    let first_picture = pan.first_picture(picture);
    // Consecutive IDR pictures must differ in idr_pic_id, so two variants alternate.
    let idrs: Vec<Vec<u8>> = (0..frames.div_ceil(pan.cycle).min(2) as u32)
        .map(|id| length_prefixed(&sequence.idr(&first_picture, id)))
        .collect();
    let mut samples = Vec::with_capacity(frames);
    let mut sync_samples = Vec::new();
    for n in 0..frames {
        let index = n % pan.cycle;
        if index == 0 {
            let cycle = n / pan.cycle;
            samples.push(idrs[cycle % idrs.len()].clone());
            sync_samples.push(n as u32 + 1);
        } else {
            samples.push(length_prefixed(&sequence.pan(pan.motion(index), index)));
        }
    }
    mp4::mux(&mp4::Track {
        width: pan.visible_width as u16,
        height: pan.visible_height as u16,
        timescale: fps * 1000,
        sample_duration: 1000,
        profile_idc: sequence.profile_idc(),
        constraint_flags: sequence.constraint_flags(),
        level_idc: sequence.level_idc(),
        sps: &sequence.sps(),
        pps: &sequence.pps(),
        samples: &samples,
        sync_samples: &sync_samples,
    })
}

/// A NAL unit as an MP4 sample holds it: after its length in 4 bytes.
fn length_prefixed(nal: &[u8]) -> Vec<u8> {
    [&(nal.len() as u32).to_be_bytes()[..], nal].concat()
}

/// The geometry of a pan: sizes, and how far the view has moved at each frame.
struct Pan {
    /// The displayed size: the picture's, rounded up to even sides.
    visible_width: usize,
    visible_height: usize,
    /// The encoded size: the visible size in whole macroblocks.
    coded_width: usize,
    coded_height: usize,
    /// How far the view moves right and down at the middle of a cycle, in pixels.
    travel: usize,
    /// Frames per out-and-back cycle, each starting with an IDR picture.
    cycle: usize,
}

impl Pan {
    fn new(picture: &Canvas, frames: usize) -> Pan {
        let visible_width = picture.width.max(1).next_multiple_of(2);
        let visible_height = picture.height.max(1).next_multiple_of(2);
        let cycle = frames.min(MAX_GOP_FRAMES);
        // Half a pixel per frame on average (the cycle covers the travel twice), but at
        // most a tenth of the picture so the uncovered strip stays narrow.
        let travel = (cycle / 4).min(visible_width.min(visible_height) / 10);
        Pan {
            visible_width,
            visible_height,
            coded_width: visible_width.next_multiple_of(16),
            coded_height: visible_height.next_multiple_of(16),
            travel,
            cycle,
        }
    }

    /// How far the view has moved right and down at `index` frames into a cycle: eases
    /// out to `travel` at half the cycle and back to 0.
    fn offset(&self, index: usize) -> usize {
        let phase = TAU * index as f64 / self.cycle as f64;
        (self.travel as f64 * (1.0 - phase.cos()) / 2.0).round() as usize
    }

    /// The motion vector showing the view `index` frames into a cycle: each displayed
    /// sample comes from `offset` to the right of and below it in the IDR picture.
    fn motion(&self, index: usize) -> Mv {
        let offset = self.offset(index) as i32;
        Mv::whole_pixels(offset, offset)
    }

    /// The IDR picture: `picture` in the top-left corner, its last column and row repeated
    /// to fill the coded size.
    fn first_picture(&self, picture: &Canvas) -> Yuv420 {
        to_yuv420(self.coded_width, self.coded_height, |x, y| {
            if picture.width == 0 || picture.height == 0 {
                return [0, 0, 0];
            }
            picture.get(x.min(picture.width - 1), y.min(picture.height - 1))
        })
    }
}

/// BT.601 limited-range Y′CbCr of an RGB colour.
fn ycbcr(rgb: [f64; 3]) -> [f64; 3] {
    let [r, g, b] = rgb;
    [
        16.0 + (65.481 * r + 128.553 * g + 24.966 * b) / 255.0,
        128.0 + (-37.797 * r - 74.203 * g + 112.0 * b) / 255.0,
        128.0 + (112.0 * r - 93.786 * g - 18.214 * b) / 255.0,
    ]
}

/// A `width` × `height` (even) 4:2:0 picture of `rgb(x, y)`, chroma averaged over each
/// 2×2 block.
fn to_yuv420(width: usize, height: usize, rgb: impl Fn(usize, usize) -> [u8; 3]) -> Yuv420 {
    let to_u8 = |v: f64| v.round().clamp(0.0, 255.0) as u8;
    let mut luma = vec![0; width * height];
    let mut cb = vec![0; width * height / 4];
    let mut cr = vec![0; width * height / 4];
    for cy in 0..height / 2 {
        for cx in 0..width / 2 {
            let mut chroma = [0.0; 2];
            for (dx, dy) in [(0, 0), (1, 0), (0, 1), (1, 1)] {
                let (x, y) = (2 * cx + dx, 2 * cy + dy);
                let [y_, cb_, cr_] = ycbcr(rgb(x, y).map(f64::from));
                luma[y * width + x] = to_u8(y_);
                chroma[0] += cb_ / 4.0;
                chroma[1] += cr_ / 4.0;
            }
            cb[cy * width / 2 + cx] = to_u8(chroma[0]);
            cr[cy * width / 2 + cx] = to_u8(chroma[1]);
        }
    }
    Yuv420 {
        width,
        height,
        luma,
        cb,
        cr,
    }
}

#[cfg(test)]
mod tests {
    use super::mp4::tests::{be32, children, find};
    use super::*;

    const STBL: [&str; 5] = ["moov", "trak", "mdia", "minf", "stbl"];

    fn stbl_box<'a>(file: &'a [u8], leaf: &str) -> &'a [u8] {
        find(file, &[&STBL[..], &[leaf]].concat())
    }

    fn gradient(width: usize, height: usize) -> Canvas {
        let mut canvas = Canvas::new(width, height);
        for y in 0..height {
            for x in 0..width {
                canvas.set(x, y, [(x * 4) as u8, (y * 4) as u8, 128]);
            }
        }
        canvas
    }

    #[test]
    fn clip_is_a_fast_start_mp4_with_one_sample_per_frame() {
        let file = panning_clip(&gradient(64, 48), 2, 12);
        let kinds: Vec<[u8; 4]> = children(&file, 0, file.len())
            .iter()
            .map(|b| b.kind)
            .collect();
        assert_eq!(kinds, [*b"ftyp", *b"moov", *b"mdat"]);
        assert_eq!(be32(stbl_box(&file, "stsz"), 8), 24);
        assert_eq!(be32(stbl_box(&file, "stss"), 4), 1, "one sync sample");
        let tkhd = find(&file, &["moov", "trak", "tkhd"]);
        assert_eq!((be32(tkhd, 76) >> 16, be32(tkhd, 80) >> 16), (64, 48));
        let mvhd = find(&file, &["moov", "mvhd"]);
        assert_eq!(be32(mvhd, 16), 2000, "2 s in milliseconds");
    }

    #[test]
    fn first_sample_is_the_idr_picture_and_the_rest_are_tiny() {
        let file = panning_clip(&gradient(64, 64), 1, 8);
        let offset = be32(stbl_box(&file, "stco"), 8) as usize;
        let stsz = stbl_box(&file, "stsz");
        let first = be32(stsz, 12) as usize;
        assert_eq!(be32(&file, offset) as usize, first - 4);
        assert_eq!(file[offset + 4], 0x65, "IDR slice, nal_ref_idc 3");
        let second = be32(stsz, 16) as usize;
        assert_eq!(file[offset + first + 4], 0x01, "non-reference P slice");
        assert!(second < 40, "a P picture is a few bits per macroblock");
    }

    #[test]
    fn odd_sides_are_rounded_up_to_even() {
        let file = panning_clip(&gradient(33, 17), 1, 12);
        let tkhd = find(&file, &["moov", "trak", "tkhd"]);
        assert_eq!((be32(tkhd, 76) >> 16, be32(tkhd, 80) >> 16), (34, 18));
    }

    #[test]
    fn degenerate_requests_still_make_a_playable_frame() {
        for (picture, seconds, fps) in [(gradient(16, 16), 0, 12), (Canvas::new(0, 0), 3, 0)] {
            let file = panning_clip(&picture, seconds, fps);
            assert!(be32(stbl_box(&file, "stsz"), 8) >= 1);
        }
    }

    #[test]
    fn pan_drifts_out_about_half_a_pixel_per_frame_and_comes_back() {
        let pan = Pan::new(&Canvas::new(256, 256), 96);
        assert_eq!(pan.travel, 24);
        assert_eq!((pan.coded_width, pan.coded_height), (256, 256));
        let offsets: Vec<usize> = (0..96).map(|n| pan.offset(n)).collect();
        assert_eq!(offsets[0], 0);
        assert_eq!(offsets[48], 24);
        assert!(offsets[95] <= 1);
        assert!(offsets.windows(2).all(|w| w[0].abs_diff(w[1]) <= 1));
        assert_eq!(pan.motion(48), Mv::whole_pixels(24, 24));
    }

    #[test]
    fn long_clips_restart_the_pan_with_a_new_idr_picture() {
        let file = panning_clip(&gradient(16, 16), 100, 12);
        let stss = stbl_box(&file, "stss");
        assert_eq!(be32(stss, 4), 2);
        assert_eq!(be32(stss, 12), MAX_GOP_FRAMES as u32 + 1);
        assert_eq!(be32(stbl_box(&file, "stsz"), 8), 1200);
    }

    #[test]
    fn colours_convert_to_bt601_limited_range() {
        assert_eq!(ycbcr([255.0; 3]).map(f64::round), [235.0, 128.0, 128.0]);
        assert_eq!(ycbcr([0.0; 3]).map(f64::round), [16.0, 128.0, 128.0]);
        assert_eq!(
            ycbcr([255.0, 0.0, 0.0]).map(f64::round),
            [81.0, 90.0, 240.0]
        );
    }

    #[test]
    fn first_picture_is_the_picture_with_its_edges_repeated() {
        let mut picture = Canvas::new(40, 20);
        picture.fill_rect(0, 0, 40, 20, [255, 255, 255]);
        picture.fill_rect(0, 10, 40, 10, [0, 0, 0]);
        let yuv = Pan::new(&picture, 96).first_picture(&picture);
        assert_eq!((yuv.width, yuv.height), (48, 32));
        assert_eq!(yuv.luma[0], 235);
        assert_eq!(yuv.luma[9 * 48 + 47], 235, "last column repeated");
        assert_eq!(yuv.luma[31 * 48 + 47], 16, "last row repeated");
        assert!(yuv.cb.iter().all(|&c| c == 128));
    }
}
