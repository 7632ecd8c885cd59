//! Server functions of the family page (family mode): the tier's children and grown-ups.
//! Only a parent changes them.

use leptos::prelude::*;

use crate::domain::family::{FamilyMemberInput, FamilyView};
use crate::domain::AppError;

#[cfg(feature = "ssr")]
use super::context;
#[cfg(feature = "ssr")]
use crate::server::memory::family;

#[server(endpoint = "family")]
pub async fn load_family(tier: String) -> Result<FamilyView, AppError> {
    let (state, tier) = context::in_tier(&tier).await?;
    let mut view = context::answer(family::page(&state, tier).await)?;
    view.parent = context::parent_present(&state, tier).await?;
    view.refused = refused_change();
    Ok(view)
}

/// Rendering the page a refused plain post came back to (`?__path=…&__err=…`): the error.
#[cfg(feature = "ssr")]
fn refused_change() -> Option<AppError> {
    use leptos::server_fn::error::ServerFnUrlError;
    use leptos::server_fn::ServerFn;
    let parts = use_context::<axum::http::request::Parts>()?;
    let query = parts.uri.query()?;
    let mut path = None;
    let mut error = None;
    for (name, value) in form_urlencoded::parse(query.as_bytes()) {
        match name.as_ref() {
            "__path" => path = Some(value.into_owned()),
            "__err" => error = Some(value.into_owned()),
            _ => {}
        }
    }
    let ours = [
        SaveFamilyMember::url(),
        DeleteFamilyMember::url(),
        DeleteFamily::url(),
    ];
    let path = path?;
    ours.contains(&path.as_str())
        .then(|| error.map(|e: String| ServerFnUrlError::<AppError>::decode_err(&e)))
        .flatten()
}

/// Adds a member (`id` = `None`) or saves an edited one; answers its id.
#[server(endpoint = "save_family_member")]
pub async fn save_family_member(
    tier: String,
    id: Option<String>,
    input: FamilyMemberInput,
) -> Result<String, AppError> {
    let (state, tier) = context::as_parent(&tier).await?;
    context::answer(family::save(&state, tier, id.as_deref(), &input).await)
}

#[server(endpoint = "delete_family_member")]
pub async fn delete_family_member(tier: String, id: String) -> Result<(), AppError> {
    let (state, tier) = context::as_parent(&tier).await?;
    context::answer(family::remove(&state, tier, &id).await)
}

/// Removes the whole family of the tier.
#[server(endpoint = "delete_family")]
pub async fn delete_family(tier: String) -> Result<(), AppError> {
    let (state, tier) = context::as_parent(&tier).await?;
    context::answer(family::remove_all(&state, tier).await)
}
