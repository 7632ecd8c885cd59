//! Read aloud, what the browser and the server share: the voices a reader picks from, the
//! models that speak, how a scene's text is cut into sentences (the spoken one is
//! highlighted; a long scene is sent in pieces a model takes), and the audio's format.
//!
//! Every model streams the same audio — 24 kHz, 16-bit, mono PCM — so the server wraps it
//! in one WAV header whoever spoke it, and the browser plays the samples as they arrive.

use super::catalogue::{Lifecycle, NarrationModelSpec};
use super::Provider;

/// The audio every narration model streams: 24,000 samples a second, 16-bit, mono.
pub const SAMPLE_RATE: u32 = 24_000;
/// Bytes of one sample.
pub const SAMPLE_BYTES: u32 = 2;
/// The WAV header the server puts before the samples.
pub const WAV_HEADER_BYTES: usize = 44;
/// The most characters one request to a model may carry (OpenAI's `input` limit, the
/// smaller of the two); a longer scene is sent in pieces cut at sentence ends.
pub const REQUEST_MAX_CHARS: usize = 4096;

/// The built-in narration models, in the order they are tried. Where each id and date comes
/// from: `docs/models.md`. OpenAI's speech models all shut down on 2027-01-06 and the
/// replacement it names is not served on `/audio/speech`: Gemini's comes first, and after
/// that day a server with only an OpenAI key reads with the browser's own speech.
pub const NARRATION_MODELS: &[NarrationModelSpec] = &[
    NarrationModelSpec {
        key: "gemini-tts",
        display_name: "Gemini Flash-Lite TTS",
        provider: Provider::Gemini,
        api_model: "gemini-3.8-flash-lite-tts",
        life: Lifecycle::CURRENT,
    },
    NarrationModelSpec {
        key: "openai-tts",
        display_name: "GPT-4o mini TTS",
        provider: Provider::OpenAi,
        api_model: "gpt-4o-mini-tts",
        life: Lifecycle {
            retires: Some("2027-01-06"),
            successor: None,
            hidden: false,
        },
    },
];

/// A voice as the reader picks it: our own name, spoken by the nearest voice of whichever
/// model reads (each provider names its voices differently).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Voice {
    /// Stored with the audio and remembered by the browser; never changes.
    pub key: &'static str,
    pub label: &'static str,
    /// Offered in the kids tier (the adult tier has every voice).
    pub kids: bool,
    pub openai: &'static str,
    pub gemini: &'static str,
}

impl Voice {
    /// The provider's own name for this voice.
    pub fn for_provider(&self, provider: Provider) -> Option<&'static str> {
        match provider {
            Provider::OpenAi => Some(self.openai),
            Provider::Gemini => Some(self.gemini),
            Provider::Anthropic | Provider::Xai => None,
        }
    }
}

/// Voices, the first of a tier its default. OpenAI's names: the `voice` enum of
/// `POST /audio/speech`; Gemini's: its prebuilt voices and the character its docs give them.
pub const VOICES: &[Voice] = &[
    Voice {
        key: "warm",
        label: "Warm",
        kids: true,
        openai: "coral",
        gemini: "Sulafat",
    },
    Voice {
        key: "gentle",
        label: "Gentle",
        kids: true,
        openai: "shimmer",
        gemini: "Vindemiatrix",
    },
    Voice {
        key: "bright",
        label: "Bright",
        kids: true,
        openai: "nova",
        gemini: "Puck",
    },
    Voice {
        key: "friendly",
        label: "Friendly",
        kids: true,
        openai: "sage",
        gemini: "Achird",
    },
    Voice {
        key: "storyteller",
        label: "Storyteller",
        kids: false,
        openai: "fable",
        gemini: "Gacrux",
    },
    Voice {
        key: "deep",
        label: "Deep",
        kids: false,
        openai: "onyx",
        gemini: "Charon",
    },
];

/// The voices a tier offers.
pub fn voices_for(kids: bool) -> impl Iterator<Item = &'static Voice> {
    VOICES.iter().filter(move |v| v.kids || !kids)
}

/// A voice the tier offers, by key.
pub fn find_voice(key: &str, kids: bool) -> Option<&'static Voice> {
    voices_for(kids).find(|v| v.key == key)
}

/// How a scene can be read aloud here, as the scene page gets it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ReadAloudOffer {
    /// The server has a narration model (else the browser's own speech, where it has one).
    pub server: bool,
    /// `(key, label)`, the tier's default first.
    pub voices: Vec<(String, String)>,
    /// Reading starts by itself when a scene opens (kids tier), until the reader turns it off.
    pub autoplay: bool,
    /// A bedtime story: read slower and softer where the model can.
    pub bedtime: bool,
}

impl ReadAloudOffer {
    pub fn new(server: bool, kids: bool, bedtime: bool) -> ReadAloudOffer {
        ReadAloudOffer {
            server,
            voices: voices_for(kids)
                .map(|v| (v.key.to_owned(), v.label.to_owned()))
                .collect(),
            autoplay: kids,
            bedtime,
        }
    }
}

/// The byte ranges of `text`'s sentences, in order, covering every word: a sentence ends
/// after `.`, `!`, `?` or `…` (with any closing quotes or brackets) before white space, or
/// at a line break. Leading white space is left out of each range.
pub fn sentences(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None::<usize>;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if start.is_none() {
            if c.is_whitespace() {
                continue;
            }
            start = Some(i);
        }
        let mut end = i + c.len_utf8();
        let ends = match c {
            '\n' => true,
            '.' | '!' | '?' | '…' => {
                while let Some(&(j, next)) = chars.peek() {
                    if matches!(next, '"' | '\'' | '”' | '’' | ')' | ']' | '.' | '!' | '?') {
                        end = j + next.len_utf8();
                        chars.next();
                    } else {
                        break;
                    }
                }
                chars.peek().is_none_or(|&(_, next)| next.is_whitespace())
            }
            _ => false,
        };
        if ends {
            if let Some(s) = start.take() {
                let trimmed = text[s..end].trim_end();
                if !trimmed.is_empty() {
                    out.push((s, s + trimmed.len()));
                }
            }
        }
    }
    if let Some(s) = start {
        let trimmed = text[s..].trim_end();
        if !trimmed.is_empty() {
            out.push((s, s + trimmed.len()));
        }
    }
    out
}

/// `text` in pieces of at most `max` characters, cut at sentence ends (a sentence longer
/// than `max` on its own is cut at a space, or anywhere if it has none).
pub fn request_pieces(text: &str, max: usize) -> Vec<String> {
    let mut pieces: Vec<String> = Vec::new();
    let mut current = String::new();
    for (start, end) in sentences(text) {
        let mut sentence = &text[start..end];
        while sentence.chars().count() > max {
            let cut = sentence
                .char_indices()
                .nth(max)
                .map_or(sentence.len(), |(i, _)| i);
            let at = sentence[..cut].rfind(' ').filter(|&i| i > 0).unwrap_or(cut);
            push_piece(&mut pieces, &mut current, sentence[..at].trim(), max);
            sentence = sentence[at..].trim_start();
        }
        push_piece(&mut pieces, &mut current, sentence, max);
    }
    if !current.is_empty() {
        pieces.push(current);
    }
    pieces
}

fn push_piece(pieces: &mut Vec<String>, current: &mut String, sentence: &str, max: usize) {
    if sentence.is_empty() {
        return;
    }
    let joined = current.chars().count() + 1 + sentence.chars().count();
    if !current.is_empty() && joined > max {
        pieces.push(std::mem::take(current));
    }
    if !current.is_empty() {
        current.push(' ');
    }
    current.push_str(sentence);
}

/// A scene's text as the page shows it: a paragraph per line, each sentence a span of its
/// own, in the order read aloud says them (the one being said gets the class `spoken`).
/// Escaped here: the page sets it as HTML, which costs the browser's bundle far less than a
/// view of one node per sentence.
pub fn narrative_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    for paragraph in text.split('\n').filter(|p| !p.trim().is_empty()) {
        out.push_str("<p>");
        for (k, (start, end)) in sentences(paragraph).into_iter().enumerate() {
            if k > 0 {
                out.push(' ');
            }
            out.push_str("<span class=\"sentence\">");
            out.push_str(&super::html::escape(&paragraph[start..end]));
            out.push_str("</span>");
        }
        out.push_str("</p>");
    }
    out
}

/// The read-aloud widget's controls, as plain HTML the player takes over (see
/// `components::read_aloud`): the play button, the voices (the tier's default first), on a
/// live scene the "by itself" switch, which kind of voice reads, and a line for failures.
pub fn controls_html(offer: &ReadAloudOffer, autoplay_here: bool) -> String {
    use super::html::escape;
    let mut out = String::from(
        "<button type=\"button\" class=\"read-aloud-play\" aria-pressed=\"false\">▶ Read to me</button>\
         <label class=\"read-aloud-voice\"><span>Voice</span><select>",
    );
    for (key, label) in &offer.voices {
        out.push_str(&format!(
            "<option value=\"{}\">{}</option>",
            escape(key),
            escape(label)
        ));
    }
    out.push_str("</select></label>");
    if autoplay_here {
        let checked = if offer.autoplay { " checked" } else { "" };
        out.push_str(&format!(
            "<label class=\"read-aloud-auto\"><input type=\"checkbox\"{checked}> Read each new scene by itself</label>"
        ));
    }
    let kind = if offer.server {
        "Story voice"
    } else {
        "This device&#39;s voice"
    };
    out.push_str(&format!(
        "<span class=\"read-aloud-kind\">{kind}</span><p class=\"read-aloud-status\" role=\"status\"></p>"
    ));
    out
}

/// The 44-byte header of a WAV file of `data_bytes` bytes of our PCM. A stream whose length
/// is not known yet says the largest size a WAV can (players read on until the data ends).
pub fn wav_header(data_bytes: Option<u32>) -> [u8; WAV_HEADER_BYTES] {
    let data = data_bytes.unwrap_or(u32::MAX - 36);
    let mut h = [0u8; WAV_HEADER_BYTES];
    let mut put = |at: usize, bytes: &[u8]| h[at..at + bytes.len()].copy_from_slice(bytes);
    put(0, b"RIFF");
    put(4, &data.saturating_add(36).to_le_bytes());
    put(8, b"WAVEfmt ");
    put(16, &16u32.to_le_bytes());
    put(20, &1u16.to_le_bytes());
    put(22, &1u16.to_le_bytes());
    put(24, &SAMPLE_RATE.to_le_bytes());
    put(28, &(SAMPLE_RATE * SAMPLE_BYTES).to_le_bytes());
    put(32, &(SAMPLE_BYTES as u16).to_le_bytes());
    put(34, &16u16.to_le_bytes());
    put(36, b"data");
    put(40, &data.to_le_bytes());
    h
}

/// Seconds of audio in `pcm_bytes` bytes of our PCM.
pub fn seconds(pcm_bytes: usize) -> f64 {
    pcm_bytes as f64 / f64::from(SAMPLE_RATE * SAMPLE_BYTES)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str) -> Vec<&str> {
        sentences(text)
            .into_iter()
            .map(|(s, e)| &text[s..e])
            .collect()
    }

    #[test]
    fn sentences_end_at_stops_with_their_quotes_and_at_line_breaks() {
        assert_eq!(
            texts("Mia ran. \"Wait!\" said Tom… Is it 3.5 km?\nYes it was"),
            vec![
                "Mia ran.",
                "\"Wait!\"",
                "said Tom…",
                "Is it 3.5 km?",
                "Yes it was"
            ]
        );
        assert_eq!(texts("  \n  "), Vec::<&str>::new());
        assert_eq!(texts("Wow?! Really."), vec!["Wow?!", "Really."]);
    }

    #[test]
    fn long_text_is_cut_at_sentence_ends_within_the_limit() {
        let text = "One two three. Four five six. Seven eight nine.";
        assert_eq!(
            request_pieces(text, 30),
            vec!["One two three. Four five six.", "Seven eight nine."]
        );
        // A sentence longer than the limit is cut at a space.
        let pieces = request_pieces("aaaa bbbb cccc dddd.", 10);
        assert!(pieces.iter().all(|p| p.chars().count() <= 10), "{pieces:?}");
        assert_eq!(pieces.join(" "), "aaaa bbbb cccc dddd.");
        assert_eq!(request_pieces("", 10), Vec::<String>::new());
    }

    #[test]
    fn the_narrative_is_escaped_sentence_spans_in_paragraphs() {
        assert_eq!(
            narrative_html("Mia ran. <b>Tom</b> hid!\n\nThe end."),
            "<p><span class=\"sentence\">Mia ran.</span> <span class=\"sentence\">&lt;b&gt;Tom&lt;/b&gt; hid!</span></p>\
             <p><span class=\"sentence\">The end.</span></p>"
        );
    }

    #[test]
    fn the_controls_offer_the_tiers_voices_and_the_switch_only_on_a_live_scene() {
        let kids = ReadAloudOffer::new(true, true, false);
        let live = controls_html(&kids, true);
        assert!(live.contains("<option value=\"warm\">Warm</option>"));
        assert!(!live.contains("deep"));
        assert!(live.contains("type=\"checkbox\" checked>"));
        assert!(live.contains("Story voice"));
        let reader = controls_html(&ReadAloudOffer::new(false, false, false), false);
        assert!(!reader.contains("checkbox") && reader.contains("This device&#39;s voice"));
        assert!(reader.contains("value=\"deep\""));
    }

    #[test]
    fn wav_header_names_our_format_and_sizes() {
        let h = wav_header(Some(48_000));
        assert_eq!(&h[0..4], b"RIFF");
        assert_eq!(u32::from_le_bytes([h[4], h[5], h[6], h[7]]), 48_036);
        assert_eq!(u32::from_le_bytes([h[24], h[25], h[26], h[27]]), 24_000);
        assert_eq!(u32::from_le_bytes([h[40], h[41], h[42], h[43]]), 48_000);
        assert!((seconds(48_000) - 1.0).abs() < 1e-9);
    }

    #[test]
    fn kids_get_their_own_voices_first_and_at_least_four() {
        let kids: Vec<_> = voices_for(true).collect();
        assert!(kids.len() >= 4 && kids.iter().all(|v| v.kids));
        assert!(voices_for(false).count() > kids.len());
        assert!(find_voice("deep", true).is_none());
        assert!(find_voice("deep", false).is_some());
    }
}
