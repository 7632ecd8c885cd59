//! "Demo mode — simulated providers", on every page while no provider key is set.

use leptos::prelude::*;

use crate::api::site::load_site_info;

#[component]
pub fn DemoBanner() -> impl IntoView {
    let info = Resource::new(|| (), |_| load_site_info());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match info.await {
                    Ok(info) if info.demo_mode => {
                        view! {
                            <div class="demo-banner" role="status">
                                "Demo mode — simulated providers. Set an API key to use real AI models."
                            </div>
                        }
                            .into_any()
                    }
                    _ => ().into_any(),
                }
            })}
        </Suspense>
    }
}
