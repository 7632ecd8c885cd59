//! The installable app's files over real HTTP: the worker at the site root with its own
//! policy (it may fetch from this origin) and never cached by the browser, the registration
//! script (not taken for a tier's name), and a manifest per tier, none for anything else.

use crate::helpers::TestApp;

#[tokio::test]
async fn the_worker_its_registration_and_each_tiers_manifest_are_served() {
    let app = TestApp::spawn().await;
    let worker = app.http.get(app.url("/sw.js")).send().await.expect("sw");
    assert_eq!(worker.status(), 200);
    let header = |name: &str| {
        worker
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    assert!(header("content-type").starts_with("text/javascript"));
    assert_eq!(header("cache-control"), "no-cache");
    assert!(header("content-security-policy").contains("connect-src 'self'"));
    let text = worker.text().await.expect("text");
    assert!(!text.contains("__VERSION__"), "the version is filled in");

    let register = app
        .http
        .get(app.url("/register-sw.js"))
        .send()
        .await
        .expect("js");
    assert_eq!(register.status(), 200);
    assert!(register
        .text()
        .await
        .expect("text")
        .contains("register('/sw.js')"));

    for tier in ["kids", "adult"] {
        let res = app
            .http
            .get(app.url(&format!("/manifest/{tier}.webmanifest")))
            .send()
            .await
            .expect("manifest");
        assert_eq!(res.status(), 200, "{tier}");
        let manifest: serde_json::Value = res.json().await.expect("json");
        assert_eq!(manifest["start_url"], format!("/{tier}"));
    }
    let other = app
        .http
        .get(app.url("/manifest/teens.webmanifest"))
        .send()
        .await
        .expect("manifest");
    assert_eq!(other.status(), 404);
}
