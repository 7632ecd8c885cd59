//! A minimal H.264 Baseline encoder for one kind of clip: a still picture under a global
//! pan. The IDR picture stores every macroblock as I_PCM (raw samples, no transform, so
//! nothing can be mis-predicted), and every later picture is a non-reference P picture
//! whose macroblocks are all P_L0_16x16 with the same integer-pel motion vector into that
//! IDR picture and no residual. A P picture costs about five bits per macroblock.
//!
//! Each P picture points straight at the IDR picture (it is the only reference picture,
//! as the P pictures are not kept), so the picture never degrades: what was panned out of
//! view comes back intact. Because non-reference pictures follow each other, picture order
//! counts are sent explicitly (`pic_order_cnt_type` 0; type 2 forbids consecutive
//! non-reference pictures) and every P picture carries `frame_num` 1.
//!
//! NAL units come out without start codes: the MP4 muxer prefixes each with its length.

/// `log2_max_frame_num`: the IDR picture has frame_num 0 and the P pictures 1.
const LOG2_MAX_FRAME_NUM: u32 = 4;

/// `log2_max_pic_order_cnt_lsb`: picture order counts grow by 2 per picture from the IDR
/// picture (the only reference picture), so a group of pictures may hold up to
/// [`MAX_GOP_FRAMES`] pictures before the count would wrap ambiguously.
const LOG2_MAX_POC_LSB: u32 = 12;

/// The most pictures (IDR included) one IDR picture may lead.
pub(crate) const MAX_GOP_FRAMES: usize = 1 << (LOG2_MAX_POC_LSB - 2);

/// `mb_type` of I_PCM in an I slice (table 7-11).
const MB_TYPE_I_PCM: u32 = 25;

/// NAL unit types (table 7-1).
const NAL_SLICE: u8 = 1;
const NAL_IDR_SLICE: u8 = 5;
const NAL_SPS: u8 = 7;
const NAL_PPS: u8 = 8;

/// A motion vector in quarter luma samples.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Mv {
    pub x: i32,
    pub y: i32,
}

impl Mv {
    /// The vector moving a block by whole luma samples.
    pub(crate) fn whole_pixels(dx: i32, dy: i32) -> Mv {
        Mv {
            x: dx * 4,
            y: dy * 4,
        }
    }
}

/// A 4:2:0 picture whose sides are multiples of 16 (whole macroblocks).
pub(crate) struct Yuv420 {
    pub width: usize,
    pub height: usize,
    pub luma: Vec<u8>,
    pub cb: Vec<u8>,
    pub cr: Vec<u8>,
}

/// The parameters shared by every NAL unit of a clip.
pub(crate) struct Sequence {
    width_mbs: usize,
    height_mbs: usize,
    /// The displayed part: the top-left `visible_width` × `visible_height` samples.
    visible_width: usize,
    visible_height: usize,
    fps: u32,
    level_idc: u8,
}

impl Sequence {
    /// A sequence of `width` × `height` coded samples (multiples of 16) showing the top-left
    /// `visible_width` × `visible_height` (even, no larger) at `fps` pictures per second.
    pub(crate) fn new(
        width: usize,
        height: usize,
        visible_width: usize,
        visible_height: usize,
        fps: u32,
    ) -> Sequence {
        debug_assert!(width.is_multiple_of(16) && height.is_multiple_of(16));
        debug_assert!(visible_width.is_multiple_of(2) && visible_height.is_multiple_of(2));
        debug_assert!(visible_width <= width && visible_height <= height);
        let (width_mbs, height_mbs) = (width / 16, height / 16);
        Sequence {
            width_mbs,
            height_mbs,
            visible_width,
            visible_height,
            fps,
            level_idc: level_for(width_mbs, height_mbs, fps),
        }
    }

    pub(crate) fn profile_idc(&self) -> u8 {
        66
    }

    /// constraint_set0 and constraint_set1: Constrained Baseline (`avc1.42C0xx`).
    pub(crate) fn constraint_flags(&self) -> u8 {
        0xC0
    }

    pub(crate) fn level_idc(&self) -> u8 {
        self.level_idc
    }

    /// The sequence parameter set NAL unit (7.3.2.1.1).
    pub(crate) fn sps(&self) -> Vec<u8> {
        let mut w = BitWriter::default();
        w.bits(self.profile_idc() as u64, 8);
        w.bits(self.constraint_flags() as u64, 8); // constraint_set0..5 + reserved_zero_2bits
        w.bits(self.level_idc as u64, 8);
        w.ue(0); // seq_parameter_set_id
        w.ue(LOG2_MAX_FRAME_NUM - 4);
        w.ue(0); // pic_order_cnt_type
        w.ue(LOG2_MAX_POC_LSB - 4);
        w.ue(1); // max_num_ref_frames
        w.flag(false); // gaps_in_frame_num_value_allowed_flag
        w.ue(self.width_mbs as u32 - 1);
        w.ue(self.height_mbs as u32 - 1);
        w.flag(true); // frame_mbs_only_flag
        w.flag(true); // direct_8x8_inference_flag

        // Cropping counts chroma samples (two luma samples) and only ever trims the right
        // and bottom edges: Chromium shows the top-left of the decoded picture whatever the
        // top crop says, and FFmpeg shrinks left crops that would misalign its buffers.
        let crop_right = (self.width_mbs * 16 - self.visible_width) / 2;
        let crop_bottom = (self.height_mbs * 16 - self.visible_height) / 2;
        let cropping = crop_right > 0 || crop_bottom > 0;
        w.flag(cropping);
        if cropping {
            w.ue(0); // frame_crop_left_offset
            w.ue(crop_right as u32);
            w.ue(0); // frame_crop_top_offset
            w.ue(crop_bottom as u32);
        }
        w.flag(true); // vui_parameters_present_flag
        self.vui(&mut w);
        w.trailing_bits();
        nal_unit(3, NAL_SPS, &w.into_bytes())
    }

    /// VUI (E.1.1): the colour space the samples are in, the frame rate, and that pictures
    /// are output as soon as they are decoded (no reordering).
    fn vui(&self, w: &mut BitWriter) {
        w.flag(false); // aspect_ratio_info_present_flag
        w.flag(false); // overscan_info_present_flag
        w.flag(true); // video_signal_type_present_flag
        w.bits(5, 3); // video_format: unspecified
        w.flag(false); // video_full_range_flag: limited range
        w.flag(true); // colour_description_present_flag
        w.bits(6, 8); // colour_primaries: SMPTE 170M
        w.bits(6, 8); // transfer_characteristics: SMPTE 170M
        w.bits(6, 8); // matrix_coefficients: BT.601
        w.flag(false); // chroma_loc_info_present_flag
        w.flag(true); // timing_info_present_flag
        w.bits(1, 32); // num_units_in_tick
        w.bits(2 * self.fps as u64, 32); // time_scale: two ticks per frame
        w.flag(true); // fixed_frame_rate_flag
        w.flag(false); // nal_hrd_parameters_present_flag
        w.flag(false); // vcl_hrd_parameters_present_flag
        w.flag(false); // pic_struct_present_flag
        w.flag(true); // bitstream_restriction_flag
        w.flag(true); // motion_vectors_over_pic_boundaries_flag
        w.ue(0); // max_bytes_per_pic_denom
        w.ue(0); // max_bits_per_mb_denom
        w.ue(15); // log2_max_mv_length_horizontal
        w.ue(15); // log2_max_mv_length_vertical
        w.ue(0); // max_num_reorder_frames
        w.ue(1); // max_dec_frame_buffering
    }

    /// The picture parameter set NAL unit (7.3.2.2): CAVLC, one slice group, one
    /// reference index, deblocking controlled per slice.
    pub(crate) fn pps(&self) -> Vec<u8> {
        let mut w = BitWriter::default();
        w.ue(0); // pic_parameter_set_id
        w.ue(0); // seq_parameter_set_id
        w.flag(false); // entropy_coding_mode_flag: CAVLC
        w.flag(false); // bottom_field_pic_order_in_frame_present_flag
        w.ue(0); // num_slice_groups_minus1
        w.ue(0); // num_ref_idx_l0_default_active_minus1
        w.ue(0); // num_ref_idx_l1_default_active_minus1
        w.flag(false); // weighted_pred_flag
        w.bits(0, 2); // weighted_bipred_idc
        w.se(0); // pic_init_qp_minus26
        w.se(0); // pic_init_qs_minus26
        w.se(0); // chroma_qp_index_offset
        w.flag(true); // deblocking_filter_control_present_flag
        w.flag(false); // constrained_intra_pred_flag
        w.flag(false); // redundant_pic_cnt_present_flag
        w.trailing_bits();
        nal_unit(3, NAL_PPS, &w.into_bytes())
    }

    /// An IDR picture of `picture` (the coded size), every macroblock I_PCM. Consecutive
    /// IDR pictures need different `idr_pic_id`s.
    pub(crate) fn idr(&self, picture: &Yuv420, idr_pic_id: u32) -> Vec<u8> {
        debug_assert_eq!(picture.width, self.width_mbs * 16);
        debug_assert_eq!(picture.height, self.height_mbs * 16);
        let mut w = BitWriter::default();
        w.ue(0); // first_mb_in_slice
        w.ue(7); // slice_type: I, as are all slices of the picture
        w.ue(0); // pic_parameter_set_id
        w.bits(0, LOG2_MAX_FRAME_NUM); // frame_num
        w.ue(idr_pic_id);
        w.bits(0, LOG2_MAX_POC_LSB); // pic_order_cnt_lsb
        w.flag(false); // no_output_of_prior_pics_flag
        w.flag(false); // long_term_reference_flag
        w.se(0); // slice_qp_delta
        w.ue(1); // disable_deblocking_filter_idc: off, so the picture stays sharp
        for mb_y in 0..self.height_mbs {
            for mb_x in 0..self.width_mbs {
                w.ue(MB_TYPE_I_PCM);
                w.align_with_zeros(); // pcm_alignment_zero_bit
                for row in 0..16 {
                    let start = (mb_y * 16 + row) * picture.width + mb_x * 16;
                    w.aligned_bytes(&picture.luma[start..start + 16]);
                }
                for plane in [&picture.cb, &picture.cr] {
                    for row in 0..8 {
                        let start = (mb_y * 8 + row) * (picture.width / 2) + mb_x * 8;
                        w.aligned_bytes(&plane[start..start + 8]);
                    }
                }
            }
        }
        w.trailing_bits();
        nal_unit(3, NAL_IDR_SLICE, &w.into_bytes())
    }

    /// A non-reference P picture showing the IDR picture moved by `mv` (the whole picture
    /// samples the IDR picture `mv` away), `index` pictures after that IDR picture.
    pub(crate) fn pan(&self, mv: Mv, index: usize) -> Vec<u8> {
        debug_assert!(index > 0 && index < MAX_GOP_FRAMES);
        let mut w = BitWriter::default();
        w.ue(0); // first_mb_in_slice
        w.ue(5); // slice_type: P, as are all slices of the picture
        w.ue(0); // pic_parameter_set_id
        w.bits(1, LOG2_MAX_FRAME_NUM); // frame_num: PrevRefFrameNum (the IDR's 0) + 1
        let poc_lsb = (2 * index) % (1 << LOG2_MAX_POC_LSB);
        w.bits(poc_lsb as u64, LOG2_MAX_POC_LSB);
        w.flag(false); // num_ref_idx_active_override_flag
        w.flag(false); // ref_pic_list_modification_flag_l0

        // nal_ref_idc is 0: no dec_ref_pic_marking().
        w.se(0); // slice_qp_delta
        w.ue(1); // disable_deblocking_filter_idc
        let mut coded = MotionField::new(self.width_mbs);
        for _ in 0..self.width_mbs * self.height_mbs {
            let predicted = coded.predictor();
            w.ue(0); // mb_skip_run: never skip, a skipped block would guess its own vector
            w.ue(0); // mb_type: P_L0_16x16 (ref_idx_l0 is absent with one reference)
            w.se(mv.x - predicted.x); // mvd_l0 x
            w.se(mv.y - predicted.y); // mvd_l0 y
            w.ue(0); // coded_block_pattern 0 (me(v) code 0 for inter): no residual
            coded.push(mv);
        }
        w.trailing_bits();
        nal_unit(0, NAL_SLICE, &w.into_bytes())
    }
}

/// The lowest level (table A-1) whose frame size and macroblock rate fit, at least 3.0.
fn level_for(width_mbs: usize, height_mbs: usize, fps: u32) -> u8 {
    const LEVELS: [(u8, usize, usize); 8] = [
        // (level_idc, MaxMBPS, MaxFS)
        (30, 40_500, 1_620),
        (31, 108_000, 3_600),
        (32, 216_000, 5_120),
        (40, 245_760, 8_192),
        (42, 522_240, 8_704),
        (50, 589_824, 22_080),
        (51, 983_040, 36_864),
        (52, 2_073_600, 36_864),
    ];
    let frame_mbs = width_mbs * height_mbs;
    let fits = |&&(_, max_mbps, max_fs): &&(u8, usize, usize)| {
        // each side at most sqrt(8 × MaxFS) macroblocks.
        let side_ok = |side: usize| side * side <= 8 * max_fs;
        frame_mbs <= max_fs
            && frame_mbs * fps as usize <= max_mbps
            && side_ok(width_mbs)
            && side_ok(height_mbs)
    };
    LEVELS.iter().find(fits).map_or(52, |&(level, _, _)| level)
}

/// The motion vectors of the macroblocks coded so far in a P picture, in raster order, to
/// predict the next one's (8.4.1.3).
///
/// Specialised to pictures whose macroblocks are all P_L0_16x16 with `ref_idx_l0` 0 in a
/// single slice: a neighbour then has the current block's reference exactly when it is
/// available (already coded and inside the picture).
struct MotionField {
    width_mbs: usize,
    mvs: Vec<Mv>,
}

impl MotionField {
    fn new(width_mbs: usize) -> MotionField {
        MotionField {
            width_mbs,
            mvs: Vec::new(),
        }
    }

    fn push(&mut self, mv: Mv) {
        self.mvs.push(mv);
    }

    /// The predictor `mvpL0` for the next macroblock.
    fn predictor(&self) -> Mv {
        let addr = self.mvs.len();
        let (x, y) = (addr % self.width_mbs, addr / self.width_mbs);
        let at = |nx: usize, ny: usize| self.mvs.get(ny * self.width_mbs + nx).copied();
        let a = (x > 0).then(|| at(x - 1, y)).flatten();
        let b = (y > 0).then(|| at(x, y - 1)).flatten();
        let c = (y > 0 && x + 1 < self.width_mbs)
            .then(|| at(x + 1, y - 1))
            .flatten();
        let d = (x > 0 && y > 0).then(|| at(x - 1, y - 1)).flatten();
        median_predictor(a, b, c.or(d))
    }
}

/// 8.4.1.3.1 for a 16×16 partition, given the neighbours A, B and C (already replaced by D
/// when unavailable) that share the current reference; `None` is unavailable (reference
/// index -1, vector zero).
fn median_predictor(a: Option<Mv>, b: Option<Mv>, c: Option<Mv>) -> Mv {
    // Only A known: B and C take A's vector and reference.
    let (b, c) = match (a, b, c) {
        (Some(_), None, None) => (a, a),
        _ => (b, c),
    };
    let same_reference: Vec<Mv> = [a, b, c].into_iter().flatten().collect();
    if let [only] = same_reference[..] {
        return only;
    }
    let (a, b, c) = (
        a.unwrap_or_default(),
        b.unwrap_or_default(),
        c.unwrap_or_default(),
    );
    Mv {
        x: median(a.x, b.x, c.x),
        y: median(a.y, b.y, c.y),
    }
}

fn median(a: i32, b: i32, c: i32) -> i32 {
    a.max(b).min(a.min(b).max(c))
}

/// A NAL unit: its header byte, then the RBSP with emulation prevention bytes.
fn nal_unit(nal_ref_idc: u8, nal_unit_type: u8, rbsp: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(rbsp.len() + rbsp.len() / 64 + 2);
    out.push(nal_ref_idc << 5 | nal_unit_type);
    out.extend_from_slice(&escape(rbsp));
    out
}

/// Inserts 0x03 after every two zero bytes followed by a byte of at most 3 (7.4.1), so no
/// start code can appear inside a NAL unit; a final zero byte gets one too.
pub(crate) fn escape(rbsp: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(rbsp.len() + rbsp.len() / 64);
    let mut zeros = 0;
    for &byte in rbsp {
        if zeros >= 2 && byte <= 3 {
            out.push(3);
            zeros = 0;
        }
        out.push(byte);
        zeros = if byte == 0 { zeros + 1 } else { 0 };
    }
    if out.last() == Some(&0) {
        out.push(3);
    }
    out
}

/// Writes bits most significant first, with the Exp-Golomb codes of 9.1.
#[derive(Default)]
pub(crate) struct BitWriter {
    bytes: Vec<u8>,
    /// Bits not yet forming a whole byte, in the low `pending` bits.
    current: u8,
    pending: u32,
}

impl BitWriter {
    /// The low `count` bits of `value` (at most 64).
    pub(crate) fn bits(&mut self, value: u64, count: u32) {
        for i in (0..count).rev() {
            self.flag(value >> i & 1 == 1);
        }
    }

    pub(crate) fn flag(&mut self, bit: bool) {
        self.current = self.current << 1 | bit as u8;
        self.pending += 1;
        if self.pending == 8 {
            self.bytes.push(self.current);
            self.current = 0;
            self.pending = 0;
        }
    }

    /// ue(v): `value + 1` in binary after as many zeros as it has bits less one.
    pub(crate) fn ue(&mut self, value: u32) {
        let code = value as u64 + 1;
        let len = 64 - code.leading_zeros();
        self.bits(0, len - 1);
        self.bits(code, len);
    }

    /// se(v): positive k as ue(2k − 1), zero and negative k as ue(−2k).
    pub(crate) fn se(&mut self, value: i32) {
        let code = if value > 0 {
            2 * value as i64 - 1
        } else {
            -2 * value as i64
        };
        let code = code as u64 + 1;
        let len = 64 - code.leading_zeros();
        self.bits(0, len - 1);
        self.bits(code, len);
    }

    pub(crate) fn align_with_zeros(&mut self) {
        while self.pending != 0 {
            self.flag(false);
        }
    }

    /// Whole bytes at a byte boundary (PCM samples).
    fn aligned_bytes(&mut self, bytes: &[u8]) {
        debug_assert_eq!(self.pending, 0);
        self.bytes.extend_from_slice(bytes);
    }

    /// rbsp_trailing_bits(): a one, then zeros to the byte boundary.
    pub(crate) fn trailing_bits(&mut self) {
        self.flag(true);
        self.align_with_zeros();
    }

    /// The bytes written; a partial last byte is padded with zeros.
    pub(crate) fn into_bytes(mut self) -> Vec<u8> {
        self.align_with_zeros();
        self.bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bit_string(write: impl FnOnce(&mut BitWriter)) -> String {
        let mut w = BitWriter::default();
        write(&mut w);
        let (bytes, pending, current) = (w.bytes.clone(), w.pending, w.current);
        let mut s: String = bytes.iter().map(|b| format!("{b:08b}")).collect();
        for i in (0..pending).rev() {
            s.push(if current >> i & 1 == 1 { '1' } else { '0' });
        }
        s
    }

    /// Reads back what a `BitWriter` wrote, to check headers field by field.
    struct BitReader<'a> {
        bytes: &'a [u8],
        pos: usize,
    }

    impl BitReader<'_> {
        fn bit(&mut self) -> u32 {
            let bit = self.bytes[self.pos / 8] >> (7 - self.pos % 8) & 1;
            self.pos += 1;
            bit as u32
        }

        fn bits(&mut self, count: u32) -> u32 {
            (0..count).fold(0, |acc, _| acc << 1 | self.bit())
        }

        fn ue(&mut self) -> u32 {
            let mut zeros = 0;
            while self.bit() == 0 {
                zeros += 1;
            }
            (1 << zeros) - 1 + self.bits(zeros)
        }

        fn se(&mut self) -> i32 {
            let k = self.ue() as i32;
            if k % 2 == 1 {
                (k + 1) / 2
            } else {
                -k / 2
            }
        }
    }

    /// Removes emulation prevention bytes.
    fn unescape(ebsp: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut zeros = 0;
        for &byte in ebsp {
            if zeros >= 2 && byte == 3 {
                zeros = 0;
                continue;
            }
            out.push(byte);
            zeros = if byte == 0 { zeros + 1 } else { 0 };
        }
        out
    }

    #[test]
    fn exp_golomb_codes_match_the_table_of_9_1() {
        let ue = |v| bit_string(|w| w.ue(v));
        assert_eq!(ue(0), "1");
        assert_eq!(ue(1), "010");
        assert_eq!(ue(2), "011");
        assert_eq!(ue(3), "00100");
        assert_eq!(ue(7), "0001000");
        assert_eq!(ue(25), "000011010");
        let se = |v| bit_string(|w| w.se(v));
        assert_eq!(se(0), "1");
        assert_eq!(se(1), "010");
        assert_eq!(se(-1), "011");
        assert_eq!(se(2), "00100");
        assert_eq!(se(-2), "00101");
        assert_eq!(bit_string(|w| w.ue(u32::MAX)).len(), 65);
    }

    #[test]
    fn trailing_bits_are_a_one_then_zeros_to_the_byte() {
        assert_eq!(
            bit_string(|w| {
                w.bits(0b101, 3);
                w.trailing_bits();
            }),
            "10110000"
        );
        assert_eq!(bit_string(|w| w.trailing_bits()), "10000000");
    }

    #[test]
    fn emulation_prevention_breaks_every_start_code_pattern() {
        assert_eq!(escape(&[0, 0, 1]), [0, 0, 3, 1]);
        assert_eq!(escape(&[0, 0, 0, 0]), [0, 0, 3, 0, 0, 3]);
        assert_eq!(escape(&[0, 0, 4, 0, 0, 2]), [0, 0, 4, 0, 0, 3, 2]);
        assert_eq!(escape(&[0, 0, 3]), [0, 0, 3, 3]);
        assert_eq!(escape(&[1, 0, 0x80]), [1, 0, 0x80]);
        // An RBSP ending in cabac_zero_words gets a final 0x03.
        assert_eq!(escape(&[0x80, 0, 0]), [0x80, 0, 0, 3]);
        let rbsp = [0, 0, 0, 1, 0, 0, 2, 0, 0, 0, 0x80];
        let escaped = escape(&rbsp);
        assert!(escaped
            .windows(3)
            .all(|w| !(w[0] == 0 && w[1] == 0 && w[2] <= 2)));
        assert_eq!(unescape(&escaped), rbsp);
    }

    #[test]
    fn median_follows_8_4_1_3_1_at_picture_edges() {
        let mv = Mv { x: 12, y: -8 };
        let uniform = |width_mbs: usize, addr: usize| {
            let mut field = MotionField::new(width_mbs);
            for _ in 0..addr {
                field.push(mv);
            }
            field.predictor()
        };
        // The first macroblock has no neighbours: the predictor is zero.
        assert_eq!(uniform(4, 0), Mv::default());
        // First row: only A, which B and C copy.
        assert_eq!(uniform(4, 1), mv);
        assert_eq!(uniform(4, 3), mv);
        // First column: A missing, B and C present, median of (0, mv, mv).
        assert_eq!(uniform(4, 4), mv);
        // Last column: C outside, replaced by D.
        assert_eq!(uniform(4, 7), mv);
        // One macroblock wide: only B shares the reference, so it is taken as is.
        assert_eq!(uniform(1, 1), mv);
        assert_eq!(uniform(1, 5), mv);
    }

    #[test]
    fn median_is_taken_per_component() {
        let v = |x, y| Some(Mv { x, y });
        assert_eq!(
            median_predictor(v(4, 0), v(0, 8), v(12, 4)),
            Mv { x: 4, y: 4 }
        );
        // Only C shares the reference: its vector, not the median with zeros.
        assert_eq!(median_predictor(None, None, v(8, 8)), Mv { x: 8, y: 8 });
        // Two available: median with a zero vector.
        assert_eq!(
            median_predictor(v(8, 4), v(-4, 12), None),
            Mv { x: 0, y: 4 }
        );
    }

    #[test]
    fn sps_describes_the_coded_and_cropped_size() {
        let sps = Sequence::new(272, 144, 260, 130, 12).sps();
        assert_eq!(sps[0], 0x67);
        let rbsp = unescape(&sps[1..]);
        let mut r = BitReader {
            bytes: &rbsp,
            pos: 0,
        };
        assert_eq!(r.bits(8), 66);
        assert_eq!(r.bits(8), 0xC0);
        assert_eq!(r.bits(8), 30);
        assert_eq!(r.ue(), 0); // sps id
        assert_eq!(r.ue(), LOG2_MAX_FRAME_NUM - 4);
        assert_eq!(r.ue(), 0); // poc type
        assert_eq!(r.ue(), LOG2_MAX_POC_LSB - 4);
        assert_eq!(r.ue(), 1); // ref frames
        assert_eq!(r.bit(), 0);
        assert_eq!(r.ue() + 1, 17); // width in MBs
        assert_eq!(r.ue() + 1, 9); // height in MBs
        assert_eq!((r.bit(), r.bit(), r.bit()), (1, 1, 1));
        assert_eq!([r.ue(), r.ue(), r.ue(), r.ue()], [0, 6, 0, 7]);
    }

    #[test]
    fn pcm_idr_carries_every_sample_in_macroblock_order() {
        let (width, height) = (32, 16);
        let picture = Yuv420 {
            width,
            height,
            luma: (0..width * height).map(|i| 16 + (i % 200) as u8).collect(),
            cb: vec![100; width * height / 4],
            cr: vec![200; width * height / 4],
        };
        let nal = Sequence::new(width, height, width, height, 12).idr(&picture, 0);
        assert_eq!(nal[0], 0x65);
        let rbsp = unescape(&nal[1..]);
        let mut r = BitReader {
            bytes: &rbsp,
            pos: 0,
        };
        assert_eq!((r.ue(), r.ue(), r.ue()), (0, 7, 0));
        assert_eq!(r.bits(LOG2_MAX_FRAME_NUM), 0);
        assert_eq!(r.ue(), 0); // idr_pic_id
        assert_eq!(r.bits(LOG2_MAX_POC_LSB), 0);
        assert_eq!((r.bit(), r.bit()), (0, 0));
        assert_eq!((r.se(), r.ue()), (0, 1));
        for mb_x in 0..2 {
            assert_eq!(r.ue(), MB_TYPE_I_PCM);
            r.pos = r.pos.div_ceil(8) * 8;
            let start = r.pos / 8;
            let block = &rbsp[start..start + 384];
            for row in 0..16 {
                let expected = &picture.luma[row * width + mb_x * 16..][..16];
                assert_eq!(&block[row * 16..row * 16 + 16], expected);
            }
            assert!(block[256..320].iter().all(|&s| s == 100));
            assert!(block[320..].iter().all(|&s| s == 200));
            r.pos += 384 * 8;
        }
        assert_eq!(&rbsp[r.pos / 8..], [0x80]);
    }

    #[test]
    fn pan_picture_sends_the_vector_once_and_zero_differences_after() {
        let mv = Mv::whole_pixels(3, -2);
        let nal = Sequence::new(48, 32, 48, 32, 12).pan(mv, 5);
        assert_eq!(nal[0], 0x01, "non-reference, non-IDR slice");
        let rbsp = unescape(&nal[1..]);
        let mut r = BitReader {
            bytes: &rbsp,
            pos: 0,
        };
        assert_eq!((r.ue(), r.ue(), r.ue()), (0, 5, 0));
        assert_eq!(r.bits(LOG2_MAX_FRAME_NUM), 1);
        assert_eq!(r.bits(LOG2_MAX_POC_LSB), 10);
        assert_eq!((r.bit(), r.bit()), (0, 0));
        assert_eq!((r.se(), r.ue()), (0, 1));
        let mut mvds = Vec::new();
        for _ in 0..6 {
            assert_eq!((r.ue(), r.ue()), (0, 0)); // skip run, P_L0_16x16
            mvds.push((r.se(), r.se()));
            assert_eq!(r.ue(), 0); // coded_block_pattern
        }
        assert_eq!(mvds[0], (12, -8));
        assert!(mvds[1..].iter().all(|&d| d == (0, 0)));
        assert_eq!(r.bit(), 1, "rbsp_stop_one_bit");
        assert!(r.pos.div_ceil(8) == rbsp.len());
    }

    #[test]
    fn level_grows_with_the_frame() {
        assert_eq!(level_for(18, 18, 12), 30);
        assert_eq!(level_for(36, 36, 24), 30);
        assert_eq!(level_for(36, 36, 60), 31);
        assert_eq!(level_for(80, 45, 30), 31);
        assert_eq!(level_for(141, 141, 24), 50);
    }
}
