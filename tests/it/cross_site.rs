//! Another site cannot make the family's browser start stories (spending their credit) or
//! change profiles: state-changing requests from elsewhere are 403 and change nothing; our
//! own pages pass; every answer carries the security headers.

use reqwest::multipart::{Form, Part};

use crate::helpers::TestApp;

const PHOTO: &[u8] = include_bytes!("../fixtures/photo-magenta.jpg");

async fn stories_stored(app: &TestApp) -> i64 {
    let (n,): (i64,) = cyoa::server::db::query_as("SELECT COUNT(*) FROM stories")
        .fetch_one(&app.state.db)
        .await
        .expect("count");
    n
}

fn start_form() -> Vec<(&'static str, &'static str)> {
    vec![
        ("tier", "kids"),
        ("input[prompt]", "a story someone else wanted"),
        ("input[length]", "short"),
        ("input[text_model]", "gpt-6-luna"),
    ]
}

#[tokio::test]
async fn requests_from_another_site_are_refused_and_change_nothing() {
    let app = TestApp::spawn().await;
    let post = |path: &str| app.http.post(app.url(path));
    for (name, value) in [
        ("origin", "https://evil.example"),
        ("sec-fetch-site", "cross-site"),
        ("origin", "null"),
    ] {
        let res = post("/api/start_story")
            .header(name, value)
            .form(&start_form())
            .send()
            .await
            .expect("post");
        assert_eq!(res.status(), 403, "{name}: {value}");
        let res = post("/api/save_profile")
            .header(name, value)
            .form(&[("tier", "kids"), ("input[display_name]", "Intruder")])
            .send()
            .await
            .expect("post");
        assert_eq!(res.status(), 403, "{name}: {value}");
        let form = Form::new()
            .text("tier", "kids")
            .text("character_id", "x")
            .part("photo", Part::bytes(PHOTO.to_vec()).file_name("p.jpg"));
        let res = post("/api/upload_photo")
            .header(name, value)
            .multipart(form)
            .send()
            .await
            .expect("post");
        assert_eq!(res.status(), 403, "{name}: {value}");
    }
    assert_eq!(stories_stored(&app).await, 0, "nothing was started");
    let (profiles,): (i64,) = cyoa::server::db::query_as("SELECT COUNT(*) FROM profiles")
        .fetch_one(&app.state.db)
        .await
        .expect("count");
    assert_eq!(profiles, 0, "nothing was saved");

    // Our own pages (same origin) pass.
    let res = post("/api/start_story")
        .header("origin", format!("http://{}", app.addr))
        .header("sec-fetch-site", "same-origin")
        .form(&start_form())
        .send()
        .await
        .expect("post");
    assert_eq!(res.status(), 200);
    assert_eq!(stories_stored(&app).await, 1);
}

#[tokio::test]
async fn every_answer_carries_the_security_headers() {
    let app = TestApp::spawn().await;
    for path in ["/", "/kids", "/status", "/healthz"] {
        let res = app.http.get(app.url(path)).send().await.expect("get");
        let h = res.headers();
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert!(
            h["content-security-policy"]
                .to_str()
                .is_ok_and(|p| p.ends_with("frame-ancestors 'none'")),
            "{path}"
        );
        assert_eq!(h["referrer-policy"], "same-origin", "{path}");
        assert!(h["permissions-policy"]
            .to_str()
            .is_ok_and(|p| p.contains("microphone=(self)")));
    }
}
