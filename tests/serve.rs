//! The preview's server (`gouvernail serve`, src/serve): what it answers, in
//! process through its router: status codes, content types, folders, the site's
//! 404 page, HEAD, conditional requests, the live script, the events, the paths
//! that try to leave the site; and how it takes its port.

mod common;

use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use gouvernail::assets;
use gouvernail::edition::Edition;
use gouvernail::output::Bytes;
use gouvernail::serve::{self, http, Shared};
use gouvernail::session::Session;
use tokio_stream::StreamExt;
use tower::ServiceExt;

/// A server for the base fixture, built.
fn server() -> (Arc<Shared>, axum::Router) {
    let shared = Shared::new();
    let edition = Edition::load(&common::fixture("base")).expect("the fixture loads");
    let result = serve::build_into_memory(
        &Session::default(),
        &edition,
        &common::options(None, None),
        None,
    );
    let (files, _) = result.expect("the fixture builds");
    shared.publish(Ok(files));
    (shared.clone(), http::router(shared))
}

async fn get(
    router: &axum::Router,
    method: &str,
    uri: &str,
    headers: &[(&str, &str)],
) -> (StatusCode, axum::http::HeaderMap, String) {
    let mut request = Request::builder().method(method).uri(uri);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = router
        .clone()
        .oneshot(request.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    (
        status,
        headers,
        String::from_utf8_lossy(&bytes).into_owned(),
    )
}

#[tokio::test]
async fn files_come_with_their_type_folders_with_their_index_and_the_rest_with_the_sites_404() {
    let (shared, router) = server();
    let site = shared.current();
    for (uri, status, content_type) in [
        ("/", StatusCode::OK, "text/html; charset=utf-8"),
        (
            "/procedures/pilote.html",
            StatusCode::OK,
            "text/html; charset=utf-8",
        ),
        ("/procedures/", StatusCode::OK, "text/html; charset=utf-8"),
        (
            "/assets/style.css",
            StatusCode::OK,
            "text/css; charset=utf-8",
        ),
        (
            "/assets/app.js",
            StatusCode::OK,
            "text/javascript; charset=utf-8",
        ),
        (
            "/search/meta.js",
            StatusCode::OK,
            "text/javascript; charset=utf-8",
        ),
        ("/assets/favicon.svg", StatusCode::OK, "image/svg+xml"),
        (
            "/chartes/charte.md",
            StatusCode::OK,
            "text/markdown; charset=utf-8",
        ),
        (
            "/nulle-part.html",
            StatusCode::NOT_FOUND,
            "text/html; charset=utf-8",
        ),
    ] {
        let (got, headers, body) = get(&router, "GET", uri, &[]).await;
        assert_eq!(got, status, "{uri}");
        assert_eq!(headers[header::CONTENT_TYPE], content_type, "{uri}");
        if status == StatusCode::OK && !uri.ends_with('/') {
            let path = uri.trim_start_matches('/');
            let built = String::from_utf8_lossy(&site.files[path]).into_owned();
            if uri.ends_with(".html") {
                assert_eq!(
                    body,
                    String::from_utf8(http::with_live_script(built.as_bytes(), site.version))
                        .unwrap(),
                    "{uri}: the built page and the live script"
                );
            } else {
                assert_eq!(body, built, "{uri}: the built file, as it is");
            }
        }
    }
    let (_, _, not_found) = get(&router, "GET", "/nulle-part.html", &[]).await;
    assert_eq!(
        not_found,
        String::from_utf8(http::with_live_script(
            &site.files["404.html"],
            site.version
        ))
        .unwrap()
    );
    let (status, headers, _) = get(&router, "GET", "/procedures", &[]).await;
    assert_eq!(status, StatusCode::PERMANENT_REDIRECT);
    assert_eq!(headers[header::LOCATION], "/procedures/");
    let (status, headers, _) = get(&router, "POST", "/", &[]).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(headers[header::ALLOW], "GET, HEAD");
}

#[tokio::test]
async fn head_and_conditional_requests() {
    let (_, router) = server();
    let (status, headers, body) = get(&router, "GET", "/assets/style.css", &[]).await;
    assert_eq!(status, StatusCode::OK);
    let etag = headers[header::ETAG].to_str().unwrap().to_string();
    let length = body.len();
    let (status, head_headers, head_body) = get(&router, "HEAD", "/assets/style.css", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(head_headers[header::ETAG], etag.as_str());
    assert!(head_body.is_empty(), "HEAD has no body");
    assert_eq!(
        head_headers[header::CONTENT_LENGTH],
        length.to_string().as_str()
    );
    let (status, _, body) = get(
        &router,
        "GET",
        "/assets/style.css",
        &[("if-none-match", &etag)],
    )
    .await;
    assert_eq!(status, StatusCode::NOT_MODIFIED);
    assert!(body.is_empty());
    let (status, _, _) = get(
        &router,
        "GET",
        "/assets/style.css",
        &[("if-none-match", "\"autre\"")],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn an_html_pages_tag_changes_with_the_build_it_came_from() {
    let (shared, router) = server();
    let (_, before, _) = get(&router, "GET", "/", &[]).await;
    let files: std::collections::BTreeMap<_, _> = shared
        .current()
        .files
        .iter()
        .map(|(path, bytes)| (path.clone(), bytes.clone()))
        .collect();
    shared.publish(Ok(files));
    let (_, after, _) = get(&router, "GET", "/", &[]).await;
    assert_ne!(
        before[header::ETAG],
        after[header::ETAG],
        "the live script names the version"
    );
    let (_, css_after, _) = get(&router, "GET", "/assets/style.css", &[]).await;
    let (_, css_before, _) = get(&router, "GET", "/assets/style.css", &[]).await;
    assert_eq!(css_before[header::ETAG], css_after[header::ETAG]);
}

#[tokio::test]
async fn no_path_leaves_the_site() {
    let (_, router) = server();
    for uri in [
        "/../Cargo.toml",
        "/%2e%2e/Cargo.toml",
        "/%2E%2E/%2E%2E/etc/passwd",
        "/..%2fCargo.toml",
        "/assets/..%2f..%2fCargo.toml",
        "/assets/%5c..%5c..%5cCargo.toml",
        "/assets/..%5cCargo.toml",
        "/index.html%00.txt",
        "/%00",
        "//etc/passwd",
        "/etc/passwd",
        "/C:/Windows/win.ini",
        "/%c0%ae%c0%ae/Cargo.toml",
        "/assets/./../../Cargo.toml",
    ] {
        let (status, _, body) = get(&router, "GET", uri, &[]).await;
        assert!(
            status == StatusCode::BAD_REQUEST || status == StatusCode::NOT_FOUND,
            "{uri}: {status}"
        );
        assert!(
            !body.contains("[package]") && !body.contains("root:"),
            "{uri}"
        );
    }
}

#[tokio::test]
async fn the_live_script_and_the_events() {
    let (shared, router) = server();
    let (status, headers, script) = get(&router, "GET", "/__gouvernail/live.js", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        headers[header::CONTENT_TYPE],
        "text/javascript; charset=utf-8"
    );
    assert!(script.contains("EventSource"));
    let response = router
        .clone()
        .oneshot(
            Request::get("/__gouvernail/events")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(
        response.headers()[header::CONTENT_TYPE],
        "text/event-stream"
    );
    let mut stream = response.into_body().into_data_stream();
    let first = stream.next().await.unwrap().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&first),
        format!("event: hello\ndata: {}\n\n", shared.current().version)
    );
    shared.publish(Err("error: la page\n  ┌─ content/a.md:3:1".into()));
    let next = stream.next().await.unwrap().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&next),
        "event: errors\ndata: error: la page\ndata:   ┌─ content/a.md:3:1\n\n"
    );
    assert!(shared.current().errors.is_some());
    assert!(
        shared.current().files.contains_key("index.html"),
        "a failed build keeps the last good site"
    );
}

#[test]
fn an_explicit_port_must_be_free_the_default_takes_the_next_free_one() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let err = serve::bind("127.0.0.1".parse().unwrap(), Some(port)).unwrap_err();
    assert!(
        err.contains(&format!("port {port}")) && err.contains("--port"),
        "{err}"
    );
    // Hold the default port (unless something else already does), then ask for it.
    let held = std::net::TcpListener::bind(("127.0.0.1", serve::DEFAULT_PORT));
    let got = serve::bind("127.0.0.1".parse().unwrap(), None).unwrap();
    let got = got.local_addr().unwrap().port();
    assert!(
        got > serve::DEFAULT_PORT && got < serve::DEFAULT_PORT + 20,
        "took {got}"
    );
    drop(held);
}

#[test]
fn the_preview_after_edits_is_the_site_a_fresh_build_makes() {
    // A copy of the base fixture, edited step by step; after each step, what the
    // preview's session builds equals a fresh build of the same files.
    let dir = common::copy_of_fixture("base");
    let root = dir.path().to_path_buf();
    let page = |title: &str| {
        format!(
            "---\ntitle: {title}\nsummary: Une page.\n---\nVoir [l'introduction](@introduction).\n"
        )
    };
    let edit_yaml = |change: &dyn Fn(&str) -> String| {
        let path = root.join("handbook.yaml");
        let yaml = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, change(&yaml)).unwrap();
    };
    type Edit<'a> = Box<dyn Fn() + 'a>;
    // Each edit, with the file whose contents alone it changed, as the watcher
    // reports it; none when files appeared, went or moved.
    let steps: Vec<(&str, Option<&str>, Edit)> = vec![
        (
            "add a page",
            None,
            Box::new(|| {
                std::fs::write(root.join("content/pages/nouvelle.md"), page("Nouvelle")).unwrap()
            }),
        ),
        (
            "link to it",
            None,
            Box::new(|| {
                let lien =
                    "---\ntitle: Lien\nsummary: Un lien.\n---\nVoir [la nouvelle](@nouvelle).\n";
                std::fs::write(root.join("content/pages/lien.md"), lien).unwrap()
            }),
        ),
        (
            "make it a draft: the link becomes text",
            Some("content/pages/nouvelle.md"),
            Box::new(|| {
                let draft = page("Nouvelle").replace("summary:", "draft: true\nsummary:");
                std::fs::write(root.join("content/pages/nouvelle.md"), draft).unwrap()
            }),
        ),
        (
            "publish it again",
            Some("content/pages/nouvelle.md"),
            Box::new(|| {
                std::fs::write(root.join("content/pages/nouvelle.md"), page("Nouvelle")).unwrap()
            }),
        ),
        (
            "unlink it",
            None,
            Box::new(|| std::fs::remove_file(root.join("content/pages/lien.md")).unwrap()),
        ),
        (
            "edit its body only",
            Some("content/pages/nouvelle.md"),
            Box::new(|| {
                let text = page("Nouvelle").replace("Voir", "Lire aussi");
                std::fs::write(root.join("content/pages/nouvelle.md"), text).unwrap()
            }),
        ),
        (
            "change it",
            Some("content/pages/nouvelle.md"),
            Box::new(|| {
                std::fs::write(
                    root.join("content/pages/nouvelle.md"),
                    page("Nouvelle, revue"),
                )
                .unwrap()
            }),
        ),
        (
            "rename it",
            None,
            Box::new(|| {
                std::fs::rename(
                    root.join("content/pages/nouvelle.md"),
                    root.join("content/pages/renommee.md"),
                )
                .unwrap()
            }),
        ),
        (
            "delete it",
            None,
            Box::new(|| std::fs::remove_file(root.join("content/pages/renommee.md")).unwrap()),
        ),
        (
            "add a template",
            None,
            Box::new(|| {
                std::fs::create_dir_all(root.join("templates")).unwrap();
                std::fs::write(
                    root.join("templates/footer.html"),
                    "<footer class=\"site-footer\"><p>Pied modifié</p></footer>\n",
                )
                .unwrap();
            }),
        ),
        (
            "change handbook.yaml",
            Some("handbook.yaml"),
            Box::new(|| edit_yaml(&|yaml| yaml.replace("Guide de test", "Guide de test renommé"))),
        ),
        (
            "turn the search off",
            Some("handbook.yaml"),
            Box::new(|| edit_yaml(&|yaml| format!("{yaml}search:\n  enabled: false\n"))),
        ),
        (
            "turn the search on again",
            Some("handbook.yaml"),
            Box::new(|| edit_yaml(&|yaml| yaml.replace("search:\n  enabled: false\n", ""))),
        ),
    ];
    let options = common::options(None, None);
    let preview = serve::Preview::new(&root, &options);
    let session = &preview.session;
    let shared = Shared::new();
    // What the server serves when the pages are ready, before the index and the
    // print book.
    let early = std::sync::Mutex::new(None);
    let pages_ready = |pages, deferred: &[String]| {
        shared.publish_pages(pages, deferred);
        *early.lock().unwrap() = Some((shared.current(), deferred.to_vec()));
    };
    // The edition each build loaded.
    let edition: std::cell::RefCell<Option<Arc<Edition>>> = Default::default();
    let build = |shared: &Shared, changes: &serve::Changes| {
        let (loaded, result) = preview.build(changes, Some(&pages_ready));
        shared.publish(result.map(|(files, _)| files).map_err(|e| format!("{e:?}")));
        *edition.borrow_mut() = loaded;
    };
    build(&shared, &serve::Changes::default());
    assert!(shared.current().complete && shared.current().errors.is_none());
    assert!(
        early.lock().unwrap().is_none(),
        "the first build has no index to serve meanwhile"
    );
    for (step, touched, edit) in steps {
        let before = shared.current();
        let edition_before = edition.borrow().clone().unwrap();
        edit();
        let changes = serve::Changes {
            paths: touched.iter().map(|rel| root.join(rel)).collect(),
            contents_only: touched.is_some(),
        };
        build(&shared, &changes);
        let kept = Arc::ptr_eq(&edition_before, edition.borrow().as_ref().unwrap());
        assert_eq!(
            kept,
            touched.is_some_and(|rel| rel != "handbook.yaml"),
            "{step}: the edition is loaded again unless only pages' contents changed"
        );
        let fresh_edition = Edition::load(&root).unwrap();
        let fresh = serve::build_into_memory(&Session::default(), &fresh_edition, &options, None);
        let (fresh, _) = fresh.unwrap();
        let after = shared.current();
        assert!(after.errors.is_none(), "{step}: {:?}", after.errors);
        assert!(after.complete, "{step}: the build completed");
        assert_eq!(after.version, before.version + 1, "{step}: one new version");
        let mut served: Vec<&String> = after.files.keys().collect();
        served.sort();
        assert_eq!(
            served,
            fresh.keys().collect::<Vec<_>>(),
            "{step}: the same files"
        );
        for (path, bytes) in &fresh {
            assert!(after.files[path] == *bytes, "{step}: {path} differs");
        }
        // Before the index: every page but the deferred ones is the fresh build's,
        // but for naming the last index's files rather than the new ones.
        let Some((early_site, deferred)) = early.lock().unwrap().take() else {
            // A page names the index's files: when the search was just turned on or
            // off, the last index cannot stand in, and the build goes in one piece.
            assert!(step.contains("search"), "{step}: the pages came first");
            continue;
        };
        assert_eq!(
            early_site.version, after.version,
            "{step}: the reload's version"
        );
        let versioned = |files: &dyn Fn(&str) -> Option<Bytes>, path: &str| {
            files(path).map(|bytes| format!("{path}?v={}", assets::content_hash(&bytes)))
        };
        let renames: Vec<(String, String)> = deferred
            .iter()
            .filter(|path| path.starts_with("search/"))
            .filter_map(|path| {
                let new = versioned(&|p| fresh.get(p).cloned(), path)?;
                let old = versioned(&|p| before.files.get(p).cloned(), path)?;
                Some((new, old))
            })
            .collect();
        for (path, bytes) in &fresh {
            if deferred.contains(path) {
                assert!(
                    early_site.files[path] == before.files[path],
                    "{step}: {path} is the last one"
                );
                continue;
            }
            // A binary file (the RACI workbook) names no index file.
            let expected = match std::str::from_utf8(bytes) {
                Ok(text) => renames
                    .iter()
                    .fold(text.to_string(), |text, (new, old)| text.replace(new, old))
                    .into_bytes(),
                Err(_) => bytes.to_vec(),
            };
            assert!(
                early_site.files[path] == expected,
                "{step}: {path} differs before the index"
            );
        }
    }
    assert!(session.reused_documents() > 0, "the session reused pages");
    assert!(session.reused_bodies() > 0, "the session reused bodies");
    assert!(
        session.reused_pages() > 0,
        "the session reused rendered pages"
    );
}

#[test]
fn a_linked_page_is_read_again_when_its_target_changes() {
    // A watcher sees the change at the target's path, under another name: the
    // page, a link, is looked at all the same.
    let dir = common::copy_of_fixture("base");
    let root = dir.path();
    std::fs::create_dir_all(root.join("textes")).unwrap();
    let page = |text: &str| format!("---\ntitle: Liée\nsummary: Une page liée.\n---\n{text}\n");
    std::fs::write(root.join("textes/source.md"), page("Première version.")).unwrap();
    std::os::unix::fs::symlink(
        root.join("textes/source.md"),
        root.join("content/pages/liee.md"),
    )
    .unwrap();
    let preview = serve::Preview::new(root, &common::options(None, None));
    let built = |changes: &serve::Changes| {
        let (_, result) = preview.build(changes, None);
        let (files, _) = result.expect("builds");
        String::from_utf8(files["pages/liee.html"].to_vec()).unwrap()
    };
    assert!(built(&serve::Changes::default()).contains("Première version."));
    std::fs::write(root.join("textes/source.md"), page("Seconde version.")).unwrap();
    let changes = serve::Changes {
        paths: vec![root.join("textes/source.md").with_file_name("autre.md")],
        contents_only: true,
    };
    assert!(built(&changes).contains("Seconde version."));
}

#[test]
fn with_format_json_each_build_prints_its_problems_as_one_line_of_json() {
    use std::io::BufRead;
    let dir = common::copy_of_fixture("base");
    let mut server = std::process::Command::new(env!("CARGO_BIN_EXE_gouvernail"))
        .args(["serve", "--port", "0", "--format", "json", "--quiet"])
        .arg(dir.path())
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Watching starts before the server says where it serves.
    let (serving, started) = std::sync::mpsc::channel();
    let stderr = server.stderr.take().unwrap();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
        {
            if line.starts_with("serving") {
                let _ = serving.send(());
            }
        }
    });
    // The lines of standard output, as they come, with a deadline.
    let (lines, received) = std::sync::mpsc::channel();
    let stdout = server.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
        {
            let _ = lines.send(line);
        }
    });
    let next = || {
        let line = received
            .recv_timeout(std::time::Duration::from_secs(30))
            .expect("a line within 30 s");
        serde_json::from_str::<serde_json::Value>(&line)
            .unwrap_or_else(|e| panic!("not one line of JSON ({e}): {line}"))
    };
    let first = next();
    assert_eq!(
        first,
        serde_json::json!([]),
        "the first build has no problem"
    );
    started
        .recv_timeout(std::time::Duration::from_secs(30))
        .expect("the server starts");
    let page = dir.path().join("content/pages/introduction.md");
    let text = std::fs::read_to_string(&page).unwrap();
    std::fs::write(
        &page,
        text.replacen("title:", "title: [non fermé\ntitre:", 1),
    )
    .unwrap();
    let broken = next();
    let problems = broken.as_array().expect("an array");
    assert!(
        problems.iter().any(|p| p["severity"] == "error"
            && p["file"]
                .as_str()
                .is_some_and(|f| f.ends_with("introduction.md"))
            && p["line"].as_u64().is_some()),
        "{broken}"
    );
    std::fs::write(&page, text).unwrap();
    assert_eq!(next(), serde_json::json!([]), "fixed");
    server.kill().unwrap();
    server.wait().unwrap();
}

#[test]
fn the_preview_writes_every_export_but_the_archive_and_links_no_archive() {
    let edition = common::child_of_base("exports: { zip: true, json: true }\n", &[]);
    let preview = serve::Preview::new(edition.path(), &common::options(None, None));
    let (_, result) = preview.build(&serve::Changes::default(), None);
    let (files, _) = result.expect("builds");
    assert!(
        files.keys().all(|path| !path.ends_with(".zip")),
        "no archive"
    );
    let home = String::from_utf8(files["index.html"].to_vec()).unwrap();
    assert!(
        !home.contains(".zip"),
        "no link to an archive the preview does not serve"
    );
    for path in [
        "raci.xlsx",
        "raci.csv",
        "chartes/charte.docx",
        "handbook.json",
    ] {
        assert!(files.contains_key(path), "{path}");
    }
}
