//! An MP4 (ISO BMFF) muxer for one H.264 video track: `ftyp`, then `moov` before `mdat`
//! ("fast start", so a browser can play while downloading), every sample in one chunk.

/// One H.264 track and its samples, ready to mux.
pub(crate) struct Track<'a> {
    /// Display size in pixels.
    pub width: u16,
    pub height: u16,
    /// Media time units per second, and units per sample.
    pub timescale: u32,
    pub sample_duration: u32,
    /// The `avcC` fields: profile, constraint flags, level, and the parameter set NAL
    /// units (without length prefixes).
    pub profile_idc: u8,
    pub constraint_flags: u8,
    pub level_idc: u8,
    pub sps: &'a [u8],
    pub pps: &'a [u8],
    /// Each sample is one access unit: NAL units each prefixed by a 4-byte length.
    pub samples: &'a [Vec<u8>],
    /// 1-based numbers of the samples starting with an IDR picture.
    pub sync_samples: &'a [u32],
}

/// The movie's own timescale (`mvhd`, `tkhd`): milliseconds.
const MOVIE_TIMESCALE: u32 = 1000;

/// A complete MP4 file holding `track`.
pub(crate) fn mux(track: &Track) -> Vec<u8> {
    let ftyp = ftyp();
    // `stco` holds a fixed-width offset, so `moov` has the same size whatever the offset:
    // build it once to learn that size, then again with the real offset of the samples.
    let draft = moov(track, 0);
    let samples_offset = ftyp.len() + draft.len() + 8;
    let moov = moov(track, samples_offset as u32);
    debug_assert_eq!(moov.len(), draft.len());
    let mdat = mp4_box(b"mdat", &track.samples.concat());
    [ftyp, moov, mdat].concat()
}

/// A box: 32-bit size (header included), four-character type, payload.
pub(crate) fn mp4_box(kind: &[u8; 4], payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(8 + payload.len());
    out.extend_from_slice(&(8 + payload.len() as u32).to_be_bytes());
    out.extend_from_slice(kind);
    out.extend_from_slice(payload);
    out
}

/// A full box: a box whose payload starts with a version byte and 24 bits of flags.
fn full_box(kind: &[u8; 4], version: u8, flags: u32, payload: &[u8]) -> Vec<u8> {
    let mut body = Vec::with_capacity(4 + payload.len());
    body.extend_from_slice(&(u32::from(version) << 24 | flags).to_be_bytes());
    body.extend_from_slice(payload);
    mp4_box(kind, &body)
}

/// Big-endian fields appended one after another.
#[derive(Default)]
struct Fields(Vec<u8>);

impl Fields {
    fn u8(mut self, v: u8) -> Self {
        self.0.push(v);
        self
    }
    fn u16(mut self, v: u16) -> Self {
        self.0.extend_from_slice(&v.to_be_bytes());
        self
    }
    fn u32(mut self, v: u32) -> Self {
        self.0.extend_from_slice(&v.to_be_bytes());
        self
    }
    fn bytes(mut self, v: &[u8]) -> Self {
        self.0.extend_from_slice(v);
        self
    }
    fn zeros(mut self, count: usize) -> Self {
        self.0.resize(self.0.len() + count, 0);
        self
    }
    /// The identity transformation matrix of `mvhd` and `tkhd`.
    fn unity_matrix(self) -> Self {
        [0x0001_0000, 0, 0, 0, 0x0001_0000, 0, 0, 0, 0x4000_0000]
            .into_iter()
            .fold(self, Fields::u32)
    }
}

fn ftyp() -> Vec<u8> {
    let body = Fields::default()
        .bytes(b"isom")
        .u32(0x200) // minor_version
        .bytes(b"isom")
        .bytes(b"iso2")
        .bytes(b"avc1")
        .bytes(b"mp41");
    mp4_box(b"ftyp", &body.0)
}

fn moov(track: &Track, samples_offset: u32) -> Vec<u8> {
    let media_duration = track.samples.len() as u64 * u64::from(track.sample_duration);
    let movie_duration =
        (media_duration * u64::from(MOVIE_TIMESCALE) / u64::from(track.timescale)) as u32;
    let mvhd = full_box(
        b"mvhd",
        0,
        0,
        &Fields::default()
            .u32(0) // creation_time
            .u32(0) // modification_time
            .u32(MOVIE_TIMESCALE)
            .u32(movie_duration)
            .u32(0x0001_0000) // rate 1.0
            .u16(0x0100) // volume 1.0
            .zeros(10)
            .unity_matrix()
            .zeros(24) // pre_defined
            .u32(2) // next_track_ID
            .0,
    );
    let tkhd = full_box(
        b"tkhd",
        0,
        0x3, // enabled, in movie
        &Fields::default()
            .u32(0) // creation_time
            .u32(0) // modification_time
            .u32(1) // track_ID
            .u32(0)
            .u32(movie_duration)
            .zeros(8)
            .u16(0) // layer
            .u16(0) // alternate_group
            .u16(0) // volume: not audio
            .u16(0)
            .unity_matrix()
            .u32(u32::from(track.width) << 16) // 16.16 fixed point
            .u32(u32::from(track.height) << 16)
            .0,
    );
    let mdhd = full_box(
        b"mdhd",
        0,
        0,
        &Fields::default()
            .u32(0) // creation_time
            .u32(0) // modification_time
            .u32(track.timescale)
            .u32(media_duration as u32)
            .u16(0x55C4) // language "und", 5 bits per letter
            .u16(0)
            .0,
    );
    let hdlr = full_box(
        b"hdlr",
        0,
        0,
        &Fields::default()
            .u32(0) // pre_defined
            .bytes(b"vide")
            .zeros(12)
            .bytes(b"VideoHandler\0")
            .0,
    );
    let vmhd = full_box(b"vmhd", 0, 1, &Fields::default().zeros(8).0);
    let url = full_box(b"url ", 0, 1, &[]); // flag 1: the data is in this file
    let dref = full_box(b"dref", 0, 0, &[1u32.to_be_bytes().to_vec(), url].concat());
    let dinf = mp4_box(b"dinf", &dref);
    let stbl = mp4_box(
        b"stbl",
        &[stsd(track), sample_table(track, samples_offset)].concat(),
    );
    let minf = mp4_box(b"minf", &[vmhd, dinf, stbl].concat());
    let mdia = mp4_box(b"mdia", &[mdhd, hdlr, minf].concat());
    let trak = mp4_box(b"trak", &[tkhd, mdia].concat());
    mp4_box(b"moov", &[mvhd, trak].concat())
}

/// The sample description: one `avc1` entry carrying the decoder configuration.
fn stsd(track: &Track) -> Vec<u8> {
    let avcc = mp4_box(
        b"avcC",
        &Fields::default()
            .u8(1) // configurationVersion
            .u8(track.profile_idc)
            .u8(track.constraint_flags)
            .u8(track.level_idc)
            .u8(0xFC | 3) // lengthSizeMinusOne: 4-byte lengths
            .u8(0xE0 | 1) // one SPS
            .u16(track.sps.len() as u16)
            .bytes(track.sps)
            .u8(1) // one PPS
            .u16(track.pps.len() as u16)
            .bytes(track.pps)
            .0,
    );
    let avc1 = mp4_box(
        b"avc1",
        &Fields::default()
            .zeros(6)
            .u16(1) // data_reference_index
            .zeros(16) // pre_defined, reserved
            .u16(track.width)
            .u16(track.height)
            .u32(0x0048_0000) // 72 dpi
            .u32(0x0048_0000)
            .u32(0)
            .u16(1) // frame_count
            .zeros(32) // compressorname
            .u16(0x0018) // depth: colour
            .u16(0xFFFF) // pre_defined -1
            .bytes(&avcc)
            .0,
    );
    full_box(b"stsd", 0, 0, &[1u32.to_be_bytes().to_vec(), avc1].concat())
}

/// Timing, sync samples, chunking, sizes and the chunk offset.
fn sample_table(track: &Track, samples_offset: u32) -> Vec<u8> {
    let count = track.samples.len() as u32;
    let stts = full_box(
        b"stts",
        0,
        0,
        &Fields::default()
            .u32(1)
            .u32(count)
            .u32(track.sample_duration)
            .0,
    );
    let stss = full_box(
        b"stss",
        0,
        0,
        &track
            .sync_samples
            .iter()
            .fold(
                Fields::default().u32(track.sync_samples.len() as u32),
                |f, &n| f.u32(n),
            )
            .0,
    );
    let stsc = full_box(
        b"stsc",
        0,
        0,
        &Fields::default()
            .u32(1)
            .u32(1) // first_chunk
            .u32(count) // samples_per_chunk: all in one
            .u32(1) // sample_description_index
            .0,
    );
    let stsz = full_box(
        b"stsz",
        0,
        0,
        &track
            .samples
            .iter()
            .fold(Fields::default().u32(0).u32(count), |f, s| {
                f.u32(s.len() as u32)
            })
            .0,
    );
    let stco = full_box(
        b"stco",
        0,
        0,
        &Fields::default().u32(1).u32(samples_offset).0,
    );
    [stts, stss, stsc, stsz, stco].concat()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A box found in a file: type, payload range.
    pub(crate) struct Found {
        pub kind: [u8; 4],
        pub start: usize,
        pub end: usize,
    }

    /// The boxes directly inside `bytes[start..end]`; panics when sizes do not tile it.
    pub(crate) fn children(bytes: &[u8], start: usize, end: usize) -> Vec<Found> {
        let mut found = Vec::new();
        let mut pos = start;
        while pos < end {
            let size = u32::from_be_bytes(bytes[pos..pos + 4].try_into().unwrap()) as usize;
            assert!(size >= 8 && pos + size <= end, "box at {pos} overflows");
            let kind = bytes[pos + 4..pos + 8].try_into().unwrap();
            found.push(Found {
                kind,
                start: pos + 8,
                end: pos + size,
            });
            pos += size;
        }
        assert_eq!(pos, end, "boxes must exactly fill their parent");
        found
    }

    /// The payload of the box at `path` (e.g. `["moov", "trak"]`).
    pub(crate) fn find<'a>(bytes: &'a [u8], path: &[&str]) -> &'a [u8] {
        let (mut start, mut end) = (0, bytes.len());
        for (depth, name) in path.iter().enumerate() {
            let found = children(bytes, start, end)
                .into_iter()
                .find(|b| b.kind == name.as_bytes())
                .unwrap_or_else(|| panic!("no {name} at depth {depth}"));
            (start, end) = (found.start, found.end);
        }
        &bytes[start..end]
    }

    pub(crate) fn be32(bytes: &[u8], at: usize) -> u32 {
        u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap())
    }

    fn sample_track<'a>(samples: &'a [Vec<u8>], sync: &'a [u32]) -> Track<'a> {
        Track {
            width: 320,
            height: 240,
            timescale: 12_000,
            sample_duration: 1000,
            profile_idc: 66,
            constraint_flags: 0xC0,
            level_idc: 30,
            sps: &[0x67, 1, 2, 3],
            pps: &[0x68, 4],
            samples,
            sync_samples: sync,
        }
    }

    #[test]
    fn file_is_ftyp_then_moov_then_mdat() {
        let samples = vec![vec![0, 0, 0, 2, 0x65, 9], vec![0, 0, 0, 1, 0x01]];
        let file = mux(&sample_track(&samples, &[1]));
        let kinds: Vec<[u8; 4]> = children(&file, 0, file.len())
            .iter()
            .map(|b| b.kind)
            .collect();
        assert_eq!(kinds, [*b"ftyp", *b"moov", *b"mdat"]);
        assert_eq!(&file[4..12], b"ftypisom");
        let ftyp = find(&file, &["ftyp"]);
        assert_eq!(&ftyp[8..], b"isomiso2avc1mp41");
    }

    #[test]
    fn sample_table_points_at_the_samples_in_mdat() {
        let samples = vec![
            vec![0, 0, 0, 2, 0x65, 9],
            vec![0, 0, 0, 1, 0x01],
            vec![7; 9],
        ];
        let file = mux(&sample_track(&samples, &[1]));
        let stbl = ["moov", "trak", "mdia", "minf", "stbl"];
        let at = |leaf: &str| find(&file, &[&stbl[..], &[leaf]].concat()).to_vec();
        let stsz = at("stsz");
        assert_eq!(be32(&stsz, 8), 3, "sample_count");
        let sizes: Vec<u32> = (0..3).map(|i| be32(&stsz, 12 + 4 * i)).collect();
        assert_eq!(sizes, [6, 5, 9]);
        let stco = at("stco");
        assert_eq!(be32(&stco, 4), 1);
        let offset = be32(&stco, 8) as usize;
        assert_eq!(&file[offset..offset + 20], samples.concat());
        assert_eq!(&file[offset - 4..offset], b"mdat");
        let stss = at("stss");
        assert_eq!((be32(&stss, 4), be32(&stss, 8)), (1, 1));
        let stts = at("stts");
        assert_eq!((be32(&stts, 8), be32(&stts, 12)), (3, 1000));
    }

    #[test]
    fn durations_agree_between_movie_track_and_media() {
        let samples = vec![vec![0; 5]; 96];
        let file = mux(&sample_track(&samples, &[1]));
        let mvhd = find(&file, &["moov", "mvhd"]);
        assert_eq!((be32(mvhd, 12), be32(mvhd, 16)), (1000, 8000));
        let tkhd = find(&file, &["moov", "trak", "tkhd"]);
        assert_eq!(be32(tkhd, 20), 8000);
        assert_eq!((be32(tkhd, 76), be32(tkhd, 80)), (320 << 16, 240 << 16));
        let mdhd = find(&file, &["moov", "trak", "mdia", "mdhd"]);
        assert_eq!((be32(mdhd, 12), be32(mdhd, 16)), (12_000, 96_000));
    }

    #[test]
    fn avcc_carries_the_parameter_sets() {
        let samples = vec![vec![0; 5]];
        let file = mux(&sample_track(&samples, &[1]));
        let stsd = find(&file, &["moov", "trak", "mdia", "minf", "stbl", "stsd"]);
        assert_eq!(be32(stsd, 4), 1, "entry_count");
        let avc1 = &stsd[8..];
        assert_eq!(&avc1[4..8], b"avc1");
        let avcc_at = 8 + 78;
        assert_eq!(&avc1[avcc_at + 4..avcc_at + 8], b"avcC");
        let avcc = &avc1[avcc_at + 8..];
        assert_eq!(
            avcc,
            [1, 66, 0xC0, 30, 0xFF, 0xE1, 0, 4, 0x67, 1, 2, 3, 1, 0, 2, 0x68, 4]
        );
    }
}
