//! The parent gate: a protected tier answers 404 on every route until a parent's
//! PIN unlocks it in this browser; the PIN is set by whoever runs the server (environment,
//! CLI or the logged setup code); wrong tries are throttled; Lock and a PIN change end
//! sessions; one tier's cookie opens no other.

use std::time::Duration;

use cyoa::server::config::GateSettings;
use cyoa::server::gate::pin::Pin;
use reqwest::header::{ACCEPT, CONTENT_SECURITY_POLICY, COOKIE, SET_COOKIE};
use reqwest::StatusCode;

use crate::helpers::TestApp;
use crate::isolation::{seed, Ids};

const PIN: &str = "2468";

fn protected(tiers: &[&'static str], pins: &[(&'static str, &str)]) -> GateSettings {
    GateSettings {
        protected: tiers.to_vec(),
        env_pins: pins
            .iter()
            .map(|(tier, pin)| (*tier, Pin::entered(pin).expect("pin")))
            .collect(),
        ..GateSettings::open()
    }
}

/// Every tier open, with parent controls: `pins` set as an operator would.
fn parent_controls(pins: &[(&'static str, &str)]) -> GateSettings {
    GateSettings {
        parent_controls: true,
        ..protected(&[], pins)
    }
}

/// A client that shows redirects instead of following them, and keeps no cookies: each
/// test says which cookie it sends.
fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

/// GET `path` as a browser asks for a page, with `cookie` if any; the answer as it comes.
async fn get_page(app: &TestApp, path: &str, cookie: Option<&str>) -> reqwest::Response {
    let mut request = browser().get(app.url(path)).header(ACCEPT, "text/html");
    if let Some(cookie) = cookie {
        request = request.header(COOKIE, cookie);
    }
    request.send().await.expect("get")
}

/// GET `path` as a browser asks for a page, with `cookie` if any: its status and HTML.
async fn page(app: &TestApp, path: &str, cookie: Option<&str>) -> (StatusCode, String) {
    let res = get_page(app, path, cookie).await;
    (res.status(), res.text().await.unwrap_or_default())
}

/// The hidden form token of a gate page.
fn form_token(html: &str) -> String {
    let start = html.find(r#"name="token" value=""#).expect("a token field") + 20;
    html[start..].split('"').next().expect("token").to_owned()
}

/// Posts a form with `cookie` if any; the answer as it comes (a redirect is not followed).
async fn post(
    app: &TestApp,
    path: &str,
    form: &[(&str, &str)],
    cookie: Option<&str>,
) -> reqwest::Response {
    let mut request = browser().post(app.url(path)).form(form);
    if let Some(cookie) = cookie {
        request = request.header(COOKIE, cookie);
    }
    request.send().await.expect("post")
}

/// Posts a gate form; returns the status and the `name=value` of any cookie it sets.
async fn post_form(
    app: &TestApp,
    path: &str,
    form: &[(&str, &str)],
    cookie: Option<&str>,
) -> (StatusCode, Option<String>, String) {
    let res = post(app, path, form, cookie).await;
    let set_cookie = res
        .headers()
        .get(SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    if let Some(set) = &set_cookie {
        assert!(set.contains("HttpOnly"), "{set}");
        assert!(set.contains("SameSite=Strict"), "{set}");
    }
    let status = res.status();
    let cookie = set_cookie.and_then(|c| c.split(';').next().map(str::to_owned));
    (status, cookie, res.text().await.unwrap_or_default())
}

async fn unlock(app: &TestApp, tier: &str, pin: &str) -> (StatusCode, Option<String>) {
    let (_, html) = page(app, &format!("/{tier}"), None).await;
    let token = form_token(&html);
    let (status, cookie, _) = post_form(
        app,
        &format!("/{tier}/unlock"),
        &[
            ("token", &token),
            ("pin", pin),
            ("next", &format!("/{tier}/gallery")),
        ],
        None,
    )
    .await;
    (status, cookie)
}

/// Every page, file and server function of the seeded tier with `cookie`: all 404 when
/// locked, all served when unlocked.
async fn walk(app: &TestApp, ids: &Ids, cookie: Option<&str>, expect: StatusCode) {
    let pages = [
        "/adult".to_owned(),
        "/adult/gallery".to_owned(),
        "/adult/profiles".to_owned(),
        format!("/adult/gallery/{}", ids.story),
        format!("/adult/story/{}/scene/{}", ids.story, ids.scene),
    ];
    for path in &pages {
        let (status, html) = page(app, path, cookie).await;
        assert_eq!(status, expect, "{path}");
        if expect == StatusCode::NOT_FOUND {
            assert!(html.contains("is locked"), "{path} shows the PIN form");
            assert!(!html.contains("adult adventure"), "{path} leaked the story");
        }
    }
    for path in [&ids.image, &ids.clip, &ids.photo, &ids.thumb] {
        let mut request = browser().get(app.url(path));
        if let Some(cookie) = cookie {
            request = request.header(COOKIE, cookie);
        }
        let res = request.send().await.expect("file");
        let expect = match expect {
            // The tier's own file: its bytes, or a redirect to the bucket.
            StatusCode::OK => crate::helpers::served(),
            other => other.as_u16(),
        };
        assert_eq!(res.status(), expect, "{path}");
    }
    let calls: [(&str, Vec<(&str, &str)>); 5] = [
        ("home", vec![]),
        ("gallery", vec![]),
        ("profiles", vec![]),
        ("reader", vec![("story_id", &ids.story)]),
        (
            "scene",
            vec![("story_id", &ids.story), ("scene_id", &ids.scene)],
        ),
    ];
    for (endpoint, fields) in calls {
        let mut form = vec![("tier", "adult")];
        form.extend(fields);
        let mut request = browser()
            .post(app.url(&format!("/api/{endpoint}")))
            .form(&form);
        if let Some(cookie) = cookie {
            request = request.header(COOKIE, cookie);
        }
        let res = request.send().await.expect("server fn");
        assert_eq!(res.status(), expect, "{endpoint}");
    }
}

#[tokio::test]
async fn a_locked_tier_is_a_404_everywhere_until_its_pin_is_entered() {
    let dir = tempfile::tempdir().expect("dir");
    let open = TestApp::builder().data_dir(dir.path()).spawn().await;
    let ids = seed(&open, "adult").await;
    let kids = seed(&open, "kids").await;
    let app = TestApp::builder()
        .data_dir(dir.path())
        .gate(protected(&["adult"], &[("adult", PIN)]))
        .spawn()
        .await;

    walk(&app, &ids, None, StatusCode::NOT_FOUND).await;
    // A forged cookie opens nothing either.
    walk(
        &app,
        &ids,
        Some("cyoa_gate_adult=abc.def"),
        StatusCode::NOT_FOUND,
    )
    .await;
    // Kids stays open without any PIN.
    assert_eq!(page(&app, "/kids", None).await.0, StatusCode::OK);
    let kids_scene = format!("/kids/story/{}/scene/{}", kids.story, kids.scene);
    assert_eq!(page(&app, &kids_scene, None).await.0, StatusCode::OK);

    let (status, cookie) = unlock(&app, "adult", "1357").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(cookie.is_none());
    let (status, cookie) = unlock(&app, "adult", PIN).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let cookie = cookie.expect("a session cookie");
    walk(&app, &ids, Some(&cookie), StatusCode::OK).await;
    // An unlocked page is never kept by the browser: after Lock, Back cannot show it.
    let scene = format!("/adult/story/{}/scene/{}", ids.story, ids.scene);
    let res = get_page(&app, &scene, Some(&cookie)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        res.headers().get("cache-control").map(|v| v.as_bytes()),
        Some(&b"no-store"[..])
    );
    let res = get_page(&app, &kids_scene, None).await;
    assert_ne!(
        res.headers().get("cache-control").map(|v| v.as_bytes()),
        Some(&b"no-store"[..]),
        "an open tier's pages keep their usual caching"
    );

    // Lock ends the session on the server, not only in this browser.
    let (_, home) = page(&app, "/adult", Some(&cookie)).await;
    let lock_token = form_token(&home);
    let (status, cleared, _) = post_form(
        &app,
        "/adult/lock",
        &[("token", &lock_token)],
        Some(&cookie),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(cleared.is_some_and(|c| c == "cyoa_gate_adult="));
    walk(&app, &ids, Some(&cookie), StatusCode::NOT_FOUND).await;
}

#[tokio::test]
async fn the_first_pin_needs_the_setup_code_from_the_log() {
    let app = TestApp::builder()
        .gate(protected(&["adult"], &[]))
        .spawn()
        .await;
    let code = app.state.gate.setup_code("adult").expect("a setup code");
    let (status, html) = page(&app, "/adult", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("is closed"), "{html}");
    let token = form_token(&html);
    let setup = |code: &str, pin: &str, again: &str| {
        vec![
            ("token".to_owned(), token.clone()),
            ("code".to_owned(), code.to_owned()),
            ("pin".to_owned(), pin.to_owned()),
            ("again".to_owned(), again.to_owned()),
        ]
    };
    let post = |form: Vec<(String, String)>| {
        let app = &app;
        async move {
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (&**k, &**v)).collect();
            post_form(app, "/adult/setup", &form, None).await
        }
    };
    let (status, cookie, _) = post(setup("WRON-GCOD-EXXX", PIN, PIN)).await;
    assert_eq!((status, cookie), (StatusCode::UNAUTHORIZED, None));
    let (status, _, html) = post(setup(&code, PIN, "2469")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(html.contains("not the same"), "{html}");
    // What was typed stays: only the PINs are asked again.
    assert!(
        html.contains(&format!(r#"name="code" value="{code}""#)),
        "{html}"
    );
    // Typed in lower case with spaces: still the code.
    let typed = code.to_lowercase().replace('-', " ");
    let (status, cookie, _) = post(setup(&typed, PIN, PIN)).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(cookie.is_some());
    assert!(
        app.state.gate.setup_code("adult").is_none(),
        "the code is spent"
    );
    let (status, _, _) = post(setup(&code, "9999", "9999")).await;
    assert_eq!(status, StatusCode::CONFLICT);
    // The stored PIN is an Argon2id hash, never the PIN.
    let (hash,): (String,) =
        cyoa::server::db::query_as("SELECT hash FROM tier_pins WHERE tier = 'adult'")
            .fetch_one(&app.state.db)
            .await
            .expect("hash");
    assert!(hash.starts_with("$argon2id$") && !hash.contains(PIN));
}

#[tokio::test]
async fn wrong_pins_are_throttled_and_a_cookie_opens_only_its_own_tier() {
    let app = TestApp::builder()
        .gate(protected(
            &["adult", "kids"],
            &[("adult", PIN), ("kids", "1111")],
        ))
        .spawn()
        .await;
    for _ in 0..5 {
        assert_eq!(
            unlock(&app, "adult", "0000").await.0,
            StatusCode::UNAUTHORIZED
        );
    }
    // Now even the right PIN waits.
    let (_, html) = page(&app, "/adult", None).await;
    let res = browser()
        .post(app.url("/adult/unlock"))
        .form(&[("token", form_token(&html).as_str()), ("pin", PIN)])
        .send()
        .await
        .expect("post");
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(res.headers()["retry-after"], "2");
    assert!(res
        .text()
        .await
        .unwrap_or_default()
        .contains("wait 2 seconds"));
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let (status, cookie) = unlock(&app, "adult", PIN).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let cookie = cookie.expect("cookie");
    assert_eq!(
        page(&app, "/adult/gallery", Some(&cookie)).await.0,
        StatusCode::OK
    );
    // The adult cookie does not open kids, even renamed.
    assert_eq!(
        page(&app, "/kids", Some(&cookie)).await.0,
        StatusCode::NOT_FOUND
    );
    let renamed = cookie.replacen("cyoa_gate_adult", "cyoa_gate_kids", 1);
    assert_eq!(
        page(&app, "/kids", Some(&renamed)).await.0,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn changing_the_pin_asks_for_the_old_one_and_ends_other_sessions() {
    let app = TestApp::builder()
        .gate(protected(&["adult"], &[("adult", PIN)]))
        .spawn()
        .await;
    let other = unlock(&app, "adult", PIN).await.1.expect("first browser");
    let mine = unlock(&app, "adult", PIN).await.1.expect("second browser");
    let (status, html) = page(&app, "/adult/pin", Some(&mine)).await;
    assert_eq!(status, StatusCode::OK);
    let token = form_token(&html);
    let change = |old: &'static str| {
        [
            ("token", token.clone()),
            ("old", old.to_owned()),
            ("pin", "8642".to_owned()),
            ("again", "8642".to_owned()),
        ]
    };
    let form = change("1111");
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (status, _, _) = post_form(&app, "/adult/pin", &form, Some(&mine)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let form = change(PIN);
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let res = post(&app, "/adult/pin", &form, Some(&mine)).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    // The change is confirmed on a page of its own.
    assert_eq!(res.headers()["location"], "/adult/pin/changed");
    let fresh = res.headers()[SET_COOKIE]
        .to_str()
        .ok()
        .and_then(|c| c.split(';').next())
        .expect("a fresh session")
        .to_owned();
    let (status, html) = page(&app, "/adult/pin/changed", Some(&fresh)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("PIN changed"), "{html}");
    assert_eq!(page(&app, "/adult", Some(&fresh)).await.0, StatusCode::OK);
    for old in [&other, &mine] {
        assert_eq!(
            page(&app, "/adult", Some(old)).await.0,
            StatusCode::NOT_FOUND
        );
    }
    assert_eq!(unlock(&app, "adult", PIN).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(unlock(&app, "adult", "8642").await.0, StatusCode::SEE_OTHER);
    // Without a session the change form is not there at all.
    assert_eq!(
        page(&app, "/adult/pin", None).await.0,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn gate_forms_from_another_site_or_without_our_token_are_refused() {
    let app = TestApp::builder()
        .gate(protected(&["adult"], &[("adult", PIN)]))
        .spawn()
        .await;
    let res = browser()
        .post(app.url("/adult/unlock"))
        .header("origin", "https://evil.example")
        .form(&[("token", "x"), ("pin", PIN)])
        .send()
        .await
        .expect("post");
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let (status, cookie, _) = post_form(
        &app,
        "/adult/unlock",
        &[("token", "made.up"), ("pin", PIN)],
        None,
    )
    .await;
    assert_eq!((status, cookie), (StatusCode::FORBIDDEN, None));
}

#[tokio::test]
async fn pages_carry_a_nonce_policy_that_matches_their_scripts() {
    let app = TestApp::spawn().await;
    let res = browser()
        .get(app.url("/kids"))
        .header(ACCEPT, "text/html")
        .send()
        .await
        .expect("page");
    let policy = res.headers()[CONTENT_SECURITY_POLICY]
        .to_str()
        .expect("policy")
        .to_owned();
    let html = res.text().await.expect("html");
    let nonce = policy
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("a nonce in the policy");
    assert!(policy.contains("'wasm-unsafe-eval'") && !policy.contains("unsafe-inline"));
    // Inline scripts; a script file of our own (`src="/…"`) runs under 'self'.
    let inline = html
        .split("<script")
        .skip(1)
        .filter(|tag| {
            let attributes = tag.split('>').next().unwrap_or_default();
            !attributes.contains("src=\"/")
        })
        .count();
    assert!(inline > 0);
    assert_eq!(
        html.matches(&format!("nonce=\"{nonce}\"")).count(),
        inline,
        "every inline script carries this response's nonce"
    );
    // A file answer may run nothing.
    let res = browser()
        .get(app.url("/healthz"))
        .send()
        .await
        .expect("health");
    assert_eq!(
        res.headers()[CONTENT_SECURITY_POLICY],
        "default-src 'none'; frame-ancestors 'none'"
    );
}

/// Instances on one database: wrong PINs count over all of them, and a session
/// opened on one is good on the other.
#[tokio::test]
async fn instances_on_one_database_count_wrong_pins_together_and_share_sessions() {
    let dir = tempfile::tempdir().expect("dir");
    let instance = || {
        TestApp::builder()
            .gate(protected(&["adult"], &[("adult", PIN)]))
            .data_dir(dir.path())
            .spawn()
    };
    let (a, b) = (instance().await, instance().await);
    for (app, tries) in [(&a, 3), (&b, 2)] {
        for _ in 0..tries {
            assert_eq!(
                unlock(app, "adult", "0000").await.0,
                StatusCode::UNAUTHORIZED
            );
        }
    }
    // Five wrong tries spread over two instances: both make the client wait.
    for app in [&a, &b] {
        assert_eq!(
            unlock(app, "adult", PIN).await.0,
            StatusCode::TOO_MANY_REQUESTS
        );
    }
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let (status, cookie) = unlock(&a, "adult", PIN).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let cookie = cookie.expect("cookie");
    assert_eq!(
        page(&b, "/adult/gallery", Some(&cookie)).await.0,
        StatusCode::OK
    );
}

#[tokio::test]
async fn the_server_ends_its_start_with_the_setup_code_in_plain_text() {
    let dir = tempfile::tempdir().expect("dir");
    let port = crate::helpers::free_port();
    let data = dir.path().to_owned();
    // Blocking reads off the runtime; the server is killed when done.
    let printed = tokio::task::spawn_blocking(move || {
        use std::io::BufRead;
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_cyoa"))
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("DATA_DIR", &data)
            .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
            .env("LEPTOS_SITE_ROOT", data.join("site"))
            .env("PROTECTED_TIERS", "adult")
            .env("RUST_LOG", "info")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("the server starts");
        let stdout = child.stdout.take().expect("its output");
        // A server that never prints the code is stopped after a minute: its output then
        // ends and the assertions below say what it printed instead.
        let server = std::sync::Arc::new(std::sync::Mutex::new(child));
        let watchdog = std::sync::Arc::clone(&server);
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_secs(60));
            if let Ok(mut child) = watchdog.lock() {
                let _ = child.kill();
            }
        });
        let mut printed = String::new();
        for line in std::io::BufReader::new(stdout).lines() {
            let line = line.expect("a line");
            printed.push_str(&line);
            printed.push('\n');
            if line.starts_with("Open http") && line.contains("/adult and enter") {
                break;
            }
        }
        if let Ok(mut child) = server.lock() {
            let _ = child.kill();
            let _ = child.wait();
        }
        printed
    })
    .await
    .expect("joined");
    assert!(!printed.contains('\u{1b}'), "no colour codes: {printed:?}");
    let last = printed.lines().last().unwrap_or_default();
    assert!(
        last.starts_with(&format!("Open http://127.0.0.1:{port}/adult and enter")),
        "{printed}"
    );
    let code = last.rsplit(' ').next().unwrap_or_default();
    assert_eq!(code.len(), 14, "a code like ABCD-EFGH-JKMN: {code}");
    let listening = printed.find("listening on").expect("the listening line");
    assert!(
        printed.find("closed until a parent sets its PIN") > Some(listening),
        "after the server listens: {printed}"
    );
}

/// POSTs a server function's form as the page's own call does; answers the status.
async fn call(app: &TestApp, endpoint: &str, form: &[(&str, &str)], cookie: Option<&str>) -> u16 {
    let path = format!("/api/{endpoint}");
    post(app, &path, form, cookie).await.status().as_u16()
}

#[tokio::test]
async fn in_an_open_tier_only_a_parent_may_spend_or_destroy() {
    // Seeded (with a photo upload) before the parent controls are switched on.
    let dir = tempfile::tempdir().expect("dir");
    let open = TestApp::builder().data_dir(dir.path()).spawn().await;
    let ids = seed(&open, "kids").await;
    let app = TestApp::builder()
        .data_dir(dir.path())
        .gate(parent_controls(&[("kids", PIN)]))
        .spawn()
        .await;
    let scene = format!("/kids/story/{}/scene/{}", ids.story, ids.scene);
    let paid_and_destructive: [(&str, Vec<(&str, &str)>); 9] = [
        (
            "regenerate_media",
            vec![
                ("story_id", &ids.story),
                ("scene_id", &ids.scene),
                ("kind", "image"),
            ],
        ),
        (
            "retry_media",
            vec![
                ("story_id", &ids.story),
                ("scene_id", &ids.scene),
                ("kind", "video"),
            ],
        ),
        ("delete_character", vec![("id", &ids.character)]),
        (
            "remove_photo",
            vec![("character_id", &ids.character), ("file", &ids.photo_file)],
        ),
        ("delete_profile", vec![("id", &ids.profile)]),
        ("delete_story", vec![("story_id", &ids.story)]),
        (
            "new_look",
            vec![("story_id", &ids.story), ("scene_id", &ids.scene)],
        ),
        (
            "save_family_member",
            vec![("input[role]", "grown_up"), ("input[name]", "Sam")],
        ),
        ("delete_family", vec![]),
    ];
    fn with_tier<'a>(fields: &[(&'static str, &'a str)]) -> Vec<(&'static str, &'a str)> {
        let mut form = vec![("tier", "kids")];
        form.extend_from_slice(fields);
        form
    }

    // A child reads everything, and is offered nothing that costs or destroys.
    let (status, html) = page(&app, &scene, None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        !html.contains("New picture") && !html.contains("Delete"),
        "{html}"
    );
    assert!(
        html.contains("Grown-ups"),
        "the header's way to the parent controls"
    );
    let (_, gallery) = page(&app, "/kids/gallery", None).await;
    assert!(!gallery.contains("delete-story"), "{gallery}");
    for (endpoint, fields) in &paid_and_destructive {
        let status = call(&app, endpoint, &with_tier(fields), None).await;
        assert_eq!(status, 403, "{endpoint} without the parent controls");
    }
    // The PIN page of the parent controls comes back to where the parent was.
    let (status, html) = page(&app, &format!("/kids/parent?next={scene}"), None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Parent controls of"), "{html}");
    let token = form_token(&html);
    let (status, cookie, _) = post_form(
        &app,
        "/kids/unlock",
        &[("token", &token), ("pin", PIN), ("next", &scene)],
        None,
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let cookie = cookie.expect("a parent session");

    // A parent's page offers the controls, and the browser never keeps it.
    let res = get_page(&app, &scene, Some(&cookie)).await;
    assert_eq!(res.headers()["cache-control"], "no-store");
    let html = res.text().await.unwrap_or_default();
    assert!(
        html.contains("New picture") && html.contains("Lock"),
        "{html}"
    );
    for (endpoint, fields) in &paid_and_destructive {
        let status = call(&app, endpoint, &with_tier(fields), Some(&cookie)).await;
        assert!(
            status < 400 || status == 404,
            "{endpoint} as a parent: {status}"
        );
    }
    // Lock: the tier stays open for the child; the controls are gone.
    let (_, html) = page(&app, "/kids", Some(&cookie)).await;
    let token = form_token(&html);
    let res = post(&app, "/kids/lock", &[("token", &token)], Some(&cookie)).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()["location"], "/kids");
    let status = call(
        &app,
        "delete_story",
        &with_tier(&[("story_id", &ids.story)]),
        Some(&cookie),
    )
    .await;
    assert_eq!(status, 403, "a locked session is no parent");
    // Changing the PIN needs the parent controls open.
    let res = get_page(&app, "/kids/pin", None).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(res.headers()["location"], "/kids/parent?next=/kids/pin");
}

#[tokio::test]
async fn parent_controls_without_a_pin_ask_for_the_setup_code_and_can_be_switched_off() {
    let app = TestApp::builder().gate(parent_controls(&[])).spawn().await;
    assert!(app.state.gate.setup_code("kids").is_some());
    let (status, html) = page(&app, "/kids/parent", None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("need a PIN") && html.contains("setup code"),
        "{html}"
    );
    // Switched off by the owner: everyone in an open tier is a parent.
    let off = TestApp::builder().spawn().await;
    let ids = seed(&off, "kids").await;
    let form = [("tier", "kids"), ("story_id", ids.story.as_str())];
    assert_eq!(call(&off, "delete_story", &form, None).await, 200);
    assert_eq!(
        page(&off, "/kids/parent", None).await.0,
        StatusCode::NOT_FOUND
    );
}
