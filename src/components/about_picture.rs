//! Under a picture drawn to keep the same faces: what it was drawn with, for a grown-up, and
//! (for a parent, while the story is played) a new look from the next scene on.
//!
//! The new look is a plain form post, also once the app runs: a parent asks for it rarely,
//! the page comes back as the server now has it, and the browser's bundle carries no client
//! for it.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use super::media_status::MediaStatusPoll;
use crate::api::story::NewLook;

/// `offer_new_look`: a parent on the live scene (not the reader); `asked`: a new look was
/// already asked for after this scene.
#[component]
pub fn AboutPicture(poll: MediaStatusPoll, offer_new_look: bool, asked: bool) -> impl IntoView {
    let target = poll.new_look_input();
    move || {
        let drawn = poll.media.read().drawn_with.clone()?;
        let used = drawn.keeps_faces().then(|| {
            view! {
                <p>"Drawn with " {drawn.summary()} ", so the faces stay the same from scene to scene."</p>
            }
        });
        let note = drawn.note.map(|note| view! { <p>{note}</p> });
        let new_look = match (offer_new_look, asked) {
            (_, true) => Some(
                view! { <p role="status">"The next picture starts a new look."</p> }.into_any(),
            ),
            (true, false) => Some(
                view! {
                    <p class="new-look-hint">"A character changed on purpose (a costume, a spell)? Start a new look: the next picture is drawn without the earlier ones."</p>
                    <form class="post-button" method="post" action=NewLook::url()>
                        <input type="hidden" name="tier" value=target.tier.clone()/>
                        <input type="hidden" name="story_id" value=target.story_id.clone()/>
                        <input type="hidden" name="scene_id" value=target.scene_id.clone()/>
                        <button type="submit" class="new-look">"New look from the next scene"</button>
                    </form>
                }
                .into_any(),
            ),
            (false, false) => None,
        };
        Some(
            view! {
                <details class="about-picture">
                    <summary>"About this picture"</summary>
                    {used}
                    {note}
                    {new_look}
                </details>
            }
            .into_any(),
        )
    }
}
