//! The one scaffold of every page that loads its data: a loading line while it loads, the
//! page when it arrives, "not found" for a missing or foreign id, and the error with Retry
//! otherwise.

use leptos::prelude::*;
use leptos::reactive::signal::MappedSignal;
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::error_notice::ErrorNotice;
use crate::domain::AppError;
use crate::pages::not_found::NotFound;

#[component]
pub fn ResourceView<T, V, F>(
    resource: Resource<Result<T, AppError>>,
    /// What the loading line says.
    loading: &'static str,
    /// Renders the loaded data.
    render: F,
) -> impl IntoView
where
    T: Clone + Serialize + DeserializeOwned + Send + Sync + 'static,
    V: IntoView + 'static,
    F: Fn(T) -> V + Clone + Send + Sync + 'static,
{
    view! {
        <Transition fallback=move || view! { <p class="loading">{loading}</p> }>
            {move || {
                let render = render.clone();
                Suspend::new(async move {
                    match resource.await {
                        Ok(data) => render(data).into_any(),
                        Err(AppError::NotFound) => view! { <NotFound/> }.into_any(),
                        Err(error) => {
                            view! {
                                <ErrorNotice error on_retry=Callback::new(move |_| resource.refetch())/>
                            }
                                .into_any()
                        }
                    }
                })
            }}
        </Transition>
    }
}

/// The failure of the last run of a form's action, if it failed, in plain words.
#[component]
pub fn ActionError<O>(value: MappedSignal<Option<Result<O, AppError>>>) -> impl IntoView
where
    O: Send + Sync + 'static,
{
    move || {
        value
            .with(|v| v.as_ref().and_then(|r| r.as_ref().err().cloned()))
            .map(|error| view! { <ErrorNotice error/> })
    }
}
