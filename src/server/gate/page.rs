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
    /// After a PIN change: that it worked, and the way back.
    Changed,
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
    /// The tier is open and the PIN opens its parent controls, not the tier itself.
    pub parent_mode: bool,
    /// The setup code as typed, kept when the rest of the form was refused.
    pub code: &'a str,
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
        let (heading, intro) = self.heading_and_intro();
        let (action, fields, button) = match self.form {
            Form::Unlock => (
                "unlock",
                field("Parent PIN", "pin", "current-password", true),
                if self.parent_mode {
                    "Show parent controls"
                } else {
                    "Unlock"
                },
            ),
            Form::Setup => (
                "setup",
                [
                    text_field("Setup code", "code", self.code),
                    field(
                        "New PIN (at least 4 characters)",
                        "pin",
                        "new-password",
                        !self.code.is_empty(),
                    ),
                    field("New PIN again", "again", "new-password", false),
                ]
                .concat(),
                "Set PIN and open",
            ),
            Form::Change => (
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
            Form::Changed => ("", String::new(), ""),
        };
        let message = self
            .message
            .map(|m| format!(r#"<p class="gate-message" role="alert">{}</p>"#, escape(m)))
            .unwrap_or_default();
        let form = if self.form == Form::Changed {
            String::new()
        } else {
            format!(
                r#"<form class="gate-form" method="post" action="/{tier}/{action}">
<input type="hidden" name="token" value="{token}">
<input type="hidden" name="next" value="{next}">
{fields}<button type="submit">{button}</button>
</form>
"#,
                token = escape(self.token),
                next = escape(self.next),
            )
        };
        let more = match self.form {
            Form::Setup => format!(
                r#"<p class="hint">Whoever runs the server can also set it with <code>cyoa set-pin {tier}</code> or the <code>{}_PIN</code> setting.</p>
"#,
                tier.to_uppercase()
            ),
            _ => String::new(),
        };
        let back = match (self.form, self.parent_mode) {
            (Form::Change | Form::Changed, _) | (_, true) => {
                format!(r#"<a href="/{tier}">Back to {title}</a>"#)
            }
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
{message}{form}{more}<p class="hint">{back}</p>
</section>
</main>
</body>
</html>
"#,
            css = env!("LEPTOS_OUTPUT_NAME"),
        )
    }

    /// The page's heading and its one explaining sentence (HTML).
    fn heading_and_intro(&self) -> (String, String) {
        let title = escape(self.tier.title);
        let tier_env = self.tier.name.to_uppercase();
        let setup = "Whoever started the app can read a setup code in its window (the last \
                     lines it printed): type it here and choose a PIN.";
        match (self.form, self.parent_mode) {
            (Form::Unlock, false) => (
                format!("{title} is locked"),
                "A parent's PIN opens this part of the app.".to_owned(),
            ),
            (Form::Unlock, true) => (
                format!("Parent controls of {title}"),
                "A parent's PIN shows what costs money or deletes something: new pictures, \
                 deleting stories, changing family profiles."
                    .to_owned(),
            ),
            (Form::Setup, false) => (format!("{title} is closed"), setup.to_owned()),
            (Form::Setup, true) => (
                format!("Parent controls of {title} need a PIN"),
                setup.to_owned(),
            ),
            (Form::Change, _) => (
                format!("Change the PIN of {title}"),
                if self.pin_from_env {
                    format!(
                        "Note: this PIN is set in the server's <code>{tier_env}_PIN</code> \
                         setting, which wins again at the next restart."
                    )
                } else {
                    "Every browser that is unlocked now will need the new PIN.".to_owned()
                },
            ),
            (Form::Changed, _) => (
                "PIN changed".to_owned(),
                "The new PIN works from now on; every other browser must enter it again."
                    .to_owned(),
            ),
        }
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

/// A text field, holding `value` (escaped) when the form comes back.
fn text_field(label: &str, name: &str, value: &str) -> String {
    let focus = if value.is_empty() { " autofocus" } else { "" };
    format!(
        r#"<label>{label} <input type="text" name="{name}" value="{value}" autocomplete="off" autocapitalize="characters" required{focus}></label>
"#,
        value = escape(value),
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
            parent_mode: false,
            code: "",
        };
        let html = page.html();
        assert!(html.contains("&lt;b&gt;wrong"));
        assert!(!html.contains("<script>"));
        assert!(html.contains(r#"action="/adult/unlock""#));
        assert!(html.contains(r#"type="password" name="pin""#));
    }

    #[test]
    fn a_refused_setup_keeps_the_code_as_typed() {
        let tier = TierSpec::find("kids").expect("tier");
        let page = GatePage {
            tier,
            form: Form::Setup,
            message: Some("The two PINs are not the same."),
            token: "t",
            next: "/kids",
            pin_from_env: false,
            parent_mode: true,
            code: "abcd-\"efg",
        };
        let html = page.html();
        assert!(html.contains(r#"name="code" value="abcd-&quot;efg""#));
        assert!(html.contains("Parent controls of"));
        assert!(html.contains(r#"<a href="/kids">"#));
    }
}
