//! The gate's own pages: plain server-rendered HTML forms, no script, so they work the same
//! with JavaScript off and reveal nothing of the tier behind them.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};

use crate::domain::html::escape;
use crate::domain::TierSpec;

/// Which form the page shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// Enter the PIN to open the tier.
    Unlock,
    /// No PIN yet: the setup code from the server log, and a new PIN twice.
    Setup,
    /// From the unlocked tier: the current PIN, and a new one twice.
    Change,
}

/// Everything a gate page shows.
pub struct GatePage<'a> {
    pub tier: &'static TierSpec,
    pub form: Form,
    /// What went wrong with the last try, in plain words.
    pub message: Option<&'a str>,
    pub token: &'a str,
    /// Where to go once unlocked.
    pub next: &'a str,
    /// A PIN set in the server's environment comes back at every restart.
    pub pin_from_env: bool,
}

/// The policy of the gate pages: our stylesheet and nothing else, forms only to us.
const GATE_CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self' data:; \
    form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

impl GatePage<'_> {
    /// The page with `status` (404 while the tier is locked).
    pub fn respond(&self, status: StatusCode) -> Response {
        let mut response = (status, Html(self.html())).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(GATE_CSP),
        );
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        response
    }

    fn html(&self) -> String {
        let tier = self.tier.name;
        let title = escape(self.tier.title);
        let (heading, intro, action, fields, button) = match self.form {
            Form::Unlock => (
                format!("{title} is locked"),
                "A parent's PIN opens this part of the app.".to_owned(),
                "unlock",
                field("Parent PIN", "pin", "current-password", true),
                "Unlock",
            ),
            Form::Setup => (
                format!("{title} is closed"),
                format!(
                    "Enter the setup code the server printed when it started (the last lines \
                     in its window), then choose the PIN. Whoever runs the server can also \
                     set it with <code>cyoa set-pin {tier}</code> or the \
                     <code>{}_PIN</code> setting.",
                    tier.to_uppercase()
                ),
                "setup",
                [
                    text_field("Setup code from the server log", "code"),
                    field(
                        "New PIN (at least 4 characters)",
                        "pin",
                        "new-password",
                        false,
                    ),
                    field("New PIN again", "again", "new-password", false),
                ]
                .concat(),
                "Set PIN and open",
            ),
            Form::Change => (
                format!("Change the PIN of {title}"),
                if self.pin_from_env {
                    format!(
                        "Note: this PIN is set in the server's <code>{}_PIN</code> setting, \
                         which wins again at the next restart.",
                        tier.to_uppercase()
                    )
                } else {
                    "Every browser that is unlocked now will need the new PIN.".to_owned()
                },
                "pin",
                [
                    field("Current PIN", "old", "current-password", true),
                    field(
                        "New PIN (at least 4 characters)",
                        "pin",
                        "new-password",
                        false,
                    ),
                    field("New PIN again", "again", "new-password", false),
                ]
                .concat(),
                "Change PIN",
            ),
        };
        let message = self
            .message
            .map(|m| format!(r#"<p class="gate-message" role="alert">{}</p>"#, escape(m)))
            .unwrap_or_default();
        let back = match self.form {
            Form::Change => format!(r#"<a href="/{tier}">Back to {title}</a>"#),
            _ => r#"<a href="/">Back to the start page</a>"#.to_owned(),
        };
        format!(
            r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{heading}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/pkg/{css}.css">
</head>
<body>
<main>
<section class="gate tier tier-{tier}">
<h1>{heading}</h1>
<p>{intro}</p>
{message}<form class="gate-form" method="post" action="/{tier}/{action}">
<input type="hidden" name="token" value="{token}">
<input type="hidden" name="next" value="{next}">
{fields}<button type="submit">{button}</button>
</form>
<p class="hint">{back}</p>
</section>
</main>
</body>
</html>
"#,
            css = env!("LEPTOS_OUTPUT_NAME"),
            token = escape(self.token),
            next = escape(self.next),
        )
    }
}

fn field(label: &str, name: &str, autocomplete: &str, autofocus: bool) -> String {
    format!(
        r#"<label>{label} <input type="password" name="{name}" autocomplete="{autocomplete}" required maxlength="{max}"{focus}></label>
"#,
        max = super::pin::MAX_LEN,
        focus = if autofocus { " autofocus" } else { "" },
    )
}

fn text_field(label: &str, name: &str) -> String {
    format!(
        r#"<label>{label} <input type="text" name="{name}" autocomplete="off" autocapitalize="characters" required autofocus></label>
"#
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_escapes_what_it_echoes() {
        let tier = TierSpec::find("adult").expect("tier");
        let page = GatePage {
            tier,
            form: Form::Unlock,
            message: Some("<b>wrong</b>"),
            token: "t\"x",
            next: "/adult/\"><script>",
            pin_from_env: false,
        };
        let html = page.html();
        assert!(html.contains("&lt;b&gt;wrong"));
        assert!(!html.contains("<script>"));
        assert!(html.contains(r#"action="/adult/unlock""#));
        assert!(html.contains(r#"type="password" name="pin""#));
    }
}
