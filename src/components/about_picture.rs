//! Under a picture drawn to keep the same faces: what it was drawn with, for a grown-up, and
//! (for a parent, while the story is played) a new look from the next scene on.

use leptos::prelude::*;

use super::media_status::MediaStatusPoll;
use super::post_button::PostButton;
use crate::api::story::{new_look, NewLook};

/// `offer_new_look`: a parent on the live scene (not the reader).
#[component]
pub fn AboutPicture(poll: MediaStatusPoll, offer_new_look: bool) -> impl IntoView {
    let asked = RwSignal::new(false);
    let failed = RwSignal::new(None::<String>);
    let press = Callback::new(move |input: NewLook| {
        leptos::task::spawn_local(async move {
            match new_look(input.tier, input.story_id, input.scene_id).await {
                Ok(()) => asked.set(true),
                Err(e) => failed.set(Some(e.to_string())),
            }
        });
    });
    move || {
        let drawn = poll.media.read().drawn_with.clone()?;
        let used = drawn.keeps_faces().then(|| {
            view! {
                <p>"Drawn with " {drawn.summary()} ", so the faces stay the same from scene to scene."</p>
            }
        });
        let note = drawn.note.map(|note| view! { <p>{note}</p> });
        let button = (offer_new_look && !asked.get()).then(|| {
            view! {
                <p class="new-look-hint">"A character changed on purpose (a costume, a spell)? Start a new look: the next picture is drawn without the earlier ones."</p>
                <PostButton input=poll.new_look_input() label="New look from the next scene" class="new-look" on_press=press/>
            }
        });
        let done = asked
            .get()
            .then(|| view! { <p role="status">"The next picture starts a new look."</p> });
        let error = failed
            .get()
            .map(|e| view! { <p class="error" role="alert">{e}</p> });
        Some(
            view! {
                <details class="about-picture">
                    <summary>"About this picture"</summary>
                    {used}
                    {note}
                    {button}
                    {done}
                    {error}
                </details>
            }
            .into_any(),
        )
    }
}
