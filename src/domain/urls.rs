//! Every URL of the app, built in one place for the pages (links, navigation) and the server
//! (media and photo URLs in answers). The route patterns they match are in `app.rs` (pages)
//! and `server/web/files.rs` (files).

/// A tier's web app manifest (outside its prefix: fetched without the tier's session).
pub fn manifest(tier: &str) -> String {
    format!("/manifest/{tier}.webmanifest")
}

/// A tier's home page: the start form and the resume offer.
pub fn home(tier: &str) -> String {
    format!("/{tier}")
}

/// The tier's home with the start form filled from a story idea (its id: letters, digits
/// and dashes), for a browser without the app running; the app fills it in place.
pub fn home_with_idea(tier: &str, idea: &str) -> String {
    format!("/{tier}?idea={idea}#start")
}

/// A scene of an unfinished story opened to read on: the page recalls the story so far.
pub fn resume(tier: &str, story_id: &str, scene_id: &str) -> String {
    format!("{}?resume", scene(tier, story_id, scene_id))
}

/// The start form of a sequel of the finished story `story_id`.
pub fn sequel(tier: &str, story_id: &str) -> String {
    format!("/{tier}?sequel={story_id}#start")
}

pub fn profiles(tier: &str) -> String {
    format!("/{tier}/profiles")
}

pub fn family(tier: &str) -> String {
    format!("/{tier}/family")
}

pub fn gallery(tier: &str) -> String {
    format!("/{tier}/gallery")
}

/// The gallery page after `cursor` (keyset pagination).
pub fn gallery_after(tier: &str, cursor: &str) -> String {
    format!("/{tier}/gallery?after={cursor}")
}

/// A saved story in the reader, along the path the reader ended on.
pub fn reader(tier: &str, story_id: &str) -> String {
    format!("/{tier}/gallery/{story_id}")
}

/// A saved story in the reader, along the branch through `scene_id` (to that branch's
/// end), scrolled to that scene.
pub fn reader_branch(tier: &str, story_id: &str, scene_id: &str) -> String {
    format!("/{tier}/gallery/{story_id}?end={scene_id}#scene-{scene_id}")
}

/// A scene in play.
pub fn scene(tier: &str, story_id: &str, scene_id: &str) -> String {
    format!("/{tier}/story/{story_id}/scene/{scene_id}")
}

/// The story map in play, with `scene_id` highlighted; its nodes lead to scenes.
pub fn story_map(tier: &str, story_id: &str, scene_id: &str) -> String {
    format!("/{tier}/story/{story_id}/map?at={scene_id}")
}

/// The story map of a saved story in the reader; its nodes lead to the reader's branches.
pub fn reader_map(tier: &str, story_id: &str, scene_id: &str) -> String {
    format!("/{tier}/gallery/{story_id}/map?at={scene_id}")
}

/// A story as one web page to keep (a download; `?clips=no` leaves the clips out).
pub fn export_html(tier: &str, story_id: &str) -> String {
    format!("/{tier}/gallery/{story_id}/export.html")
}

/// The words of the scene behind a choice as they are written (server-sent events).
pub fn choice_words(tier: &str, story_id: &str, choice_id: &str) -> String {
    format!("/{tier}/story/{story_id}/choice/{choice_id}/words")
}

/// While open, the scenes of a scene's untaken choices are written ahead (server-sent events).
pub fn scene_ahead(tier: &str, story_id: &str, scene_id: &str) -> String {
    format!("/{tier}/story/{story_id}/scene/{scene_id}/ahead")
}

/// A story as a PDF book to print (a download).
pub fn export_pdf(tier: &str, story_id: &str) -> String {
    format!("/{tier}/gallery/{story_id}/export.pdf")
}

/// A picture's light copy `width` px wide, made by the server for phones
/// (`/kids/media/s/abc.png` → `/kids/media/s/abc.w384.jpg`; 384 and 768 exist).
pub fn light_picture(url: &str, width: u32) -> String {
    let (dir, file) = url.rsplit_once('/').unwrap_or(("", url));
    let stem = file.rsplit_once('.').map_or(file, |(stem, _)| stem);
    format!("{dir}/{stem}.w{width}.jpg")
}

/// The `srcset` of a picture: its light copies and the original (1024 px wide).
pub fn picture_srcset(url: &str) -> String {
    format!(
        "{} 384w, {} 768w, {url} 1024w",
        light_picture(url, 384),
        light_picture(url, 768)
    )
}

/// A scene's picture or clip file, served after the tier check.
pub fn media(tier: &str, story_id: &str, file: &str) -> String {
    format!("/{tier}/media/{story_id}/{file}")
}

/// A character's reference photo or thumbnail, served after the tier check.
pub fn photo(tier: &str, character_id: &str, file: &str) -> String {
    format!("/{tier}/photos/{character_id}/{file}")
}

/// The words of a story's first scene while it is written, under the start page's key.
pub fn first_words(tier: &str, key: &str) -> String {
    format!("/{tier}/start/{key}/words")
}

/// Ends this browser's session of a protected tier (POST).
pub fn lock(tier: &str) -> String {
    format!("/{tier}/lock")
}

/// The PIN form of a tier's parent controls, coming back to `back` (a path of the tier;
/// the gate sends anything else to the tier's home).
pub fn parent_controls(tier: &str, back: &str) -> String {
    // By hand, not with `format!`: this sits in the first page's code, where every byte counts.
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut url = format!("/{tier}/parent?next=");
    for byte in back.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                url.push(char::from(byte))
            }
            other => {
                url.push('%');
                url.push(char::from(HEX[usize::from(other >> 4)]));
                url.push(char::from(HEX[usize::from(other & 15)]));
            }
        }
    }
    url
}

/// The form that changes a tier's PIN.
pub fn change_pin(tier: &str) -> String {
    format!("/{tier}/pin")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn light_pictures_sit_beside_their_original() {
        assert_eq!(
            light_picture("/kids/media/s1/abc-2.png", 384),
            "/kids/media/s1/abc-2.w384.jpg"
        );
        assert_eq!(
            picture_srcset("/kids/media/s1/abc.webp"),
            "/kids/media/s1/abc.w384.jpg 384w, /kids/media/s1/abc.w768.jpg 768w, /kids/media/s1/abc.webp 1024w"
        );
    }

    #[test]
    fn the_way_back_from_the_parent_controls_is_encoded() {
        assert_eq!(
            parent_controls("kids", "/kids/story/ab/scene/cd"),
            "/kids/parent?next=/kids/story/ab/scene/cd"
        );
        assert_eq!(
            parent_controls("kids", "/kids?x=1&y"),
            "/kids/parent?next=/kids%3Fx%3D1%26y"
        );
    }

    #[test]
    fn urls_stay_inside_their_tier() {
        assert_eq!(scene("kids", "s1", "c2"), "/kids/story/s1/scene/c2");
        assert_eq!(media("adult", "s1", "c2.png"), "/adult/media/s1/c2.png");
        assert_eq!(
            reader_branch("kids", "s1", "e9"),
            "/kids/gallery/s1?end=e9#scene-e9"
        );
        assert_eq!(gallery_after("kids", "x"), "/kids/gallery?after=x");
        assert_eq!(photo("kids", "ch", "p.jpg"), "/kids/photos/ch/p.jpg");
    }
}
