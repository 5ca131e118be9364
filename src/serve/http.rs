//! The preview's HTTP server (axum): the built site from memory, with the right
//! `Content-Type`, `index.html` for a folder, the site's own `404.html` with status
//! 404, `HEAD`, and `ETag` / `If-None-Match`; and, under `/__gouvernail/`, the live
//! script every HTML page gets and the stream of events it listens to.
//!
//! Only the built site's files can be served: a path is looked up among them, never
//! joined to a folder on disk, and one that climbs (`..`, also percent-encoded) or
//! holds a backslash or a NUL is refused before that.

use std::convert::Infallible;
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use tokio_stream::wrappers::BroadcastStream;
use tokio_stream::{Stream, StreamExt};

use super::{Change, Shared, Site};

/// Where the server's own files are: a folder no page can have (`_` starts no
/// URL segment gouvernail makes).
pub const PREFIX: &str = "/__gouvernail/";

const LIVE_JS: &str = include_str!("live.js");
const LIVE_CSS: &str = include_str!("live.css");

pub fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/__gouvernail/live.js", get(live_js))
        .route("/__gouvernail/live.css", get(live_css))
        .route("/__gouvernail/events", get(events))
        .fallback(site_file)
        .with_state(shared)
}

async fn live_js() -> Response {
    own_file(LIVE_JS, "text/javascript; charset=utf-8")
}

async fn live_css() -> Response {
    own_file(LIVE_CSS, "text/css; charset=utf-8")
}

fn own_file(text: &'static str, content_type: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        text,
    )
        .into_response()
}

/// The events an open page listens to: `hello` with the version served now (and
/// `errors` when the last build failed), then `reload` after each good build and
/// `errors` after each failed one.
async fn events(
    State(shared): State<Arc<Shared>>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let site = shared.current();
    let mut first = vec![Event::default()
        .event("hello")
        .data(site.version.to_string())];
    if let Some(errors) = &site.errors {
        first.push(Event::default().event("errors").data(errors));
    }
    let changes = BroadcastStream::new(shared.changes.subscribe()).map(|change| {
        Ok(match change {
            Ok(Change::Rebuilt(version)) => {
                Event::default().event("reload").data(version.to_string())
            }
            Ok(Change::Failed(errors)) => Event::default().event("errors").data(errors),
            // A page that missed events reloads, to be sure to show the latest.
            Err(_) => Event::default().event("reload").data("0"),
        })
    });
    Sse::new(tokio_stream::iter(first.into_iter().map(Ok)).chain(changes))
        .keep_alive(KeepAlive::default())
}

/// A file of the site.
async fn site_file(
    State(shared): State<Arc<Shared>>,
    method: Method,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    if method != Method::GET && method != Method::HEAD {
        return (
            StatusCode::METHOD_NOT_ALLOWED,
            [(header::ALLOW, "GET, HEAD")],
            "only GET and HEAD\n",
        )
            .into_response();
    }
    let Some(path) = site_path(uri.path()) else {
        return (
            StatusCode::BAD_REQUEST,
            "this path cannot name a file of the site\n",
        )
            .into_response();
    };
    let site = shared.current();
    if let Some(file) = site.files.get(&path) {
        return respond(&site, &path, file, StatusCode::OK, &headers);
    }
    // A folder named without its slash: the slash, so that its page's relative
    // links work.
    if site.files.contains_key(&format!("{path}/index.html")) {
        let location = format!("{}/", uri.path());
        return (
            StatusCode::PERMANENT_REDIRECT,
            [(header::LOCATION, location)],
        )
            .into_response();
    }
    match site.files.get(crate::urls::NOT_FOUND) {
        Some(file) => respond(
            &site,
            crate::urls::NOT_FOUND,
            file,
            StatusCode::NOT_FOUND,
            &headers,
        ),
        None => (StatusCode::NOT_FOUND, "not found\n").into_response(),
    }
}

/// The site's path a request's path names (percent-decoded, `index.html` for a
/// folder), or none when it climbs or holds what no file name of a site holds.
pub fn site_path(raw: &str) -> Option<String> {
    let decoded = percent_encoding::percent_decode_str(raw)
        .decode_utf8()
        .ok()?;
    if decoded.contains(['\0', '\\']) {
        return None;
    }
    let mut parts = Vec::new();
    for part in decoded.split('/') {
        match part {
            "" | "." => {}
            ".." => return None,
            part => parts.push(part),
        }
    }
    let mut path = parts.join("/");
    if decoded.ends_with('/') || path.is_empty() {
        if !path.is_empty() {
            path.push('/');
        }
        path.push_str(crate::urls::HOME);
    }
    Some(path)
}

fn respond(
    site: &Site,
    path: &str,
    file: &Bytes,
    status: StatusCode,
    headers: &HeaderMap,
) -> Response {
    let is_html = path.ends_with(".html");
    // The live script names the version, so an HTML page's tag changes with it.
    let etag = if is_html {
        format!("\"{}-{}\"", content_tag(file), site.version)
    } else {
        format!("\"{}\"", content_tag(file))
    };
    if status == StatusCode::OK
        && headers
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|tags| tags.split(',').any(|t| t.trim() == etag || t.trim() == "*"))
    {
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response();
    }
    let body = if is_html {
        Body::from(with_live_script(file, site.version))
    } else {
        Body::from(file.clone())
    };
    let mut response = Response::new(body);
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(content_type(path)),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    if let Ok(value) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, value);
    }
    response
}

/// A short tag of a file's content.
fn content_tag(bytes: &[u8]) -> String {
    use std::hash::Hasher;
    let mut hasher = rustc_hash::FxHasher::default();
    hasher.write(bytes);
    hasher.write_usize(bytes.len());
    format!("{:016x}", hasher.finish())
}

/// The page with the live script, which follows the server's events, before its
/// `</head>` (or at its end, for a page without one).
pub fn with_live_script(page: &[u8], version: u64) -> Vec<u8> {
    let tag = format!("<script src=\"{PREFIX}live.js?v={version}\" defer></script>\n");
    let at = memchr::memmem::find(page, b"</head>").unwrap_or(page.len());
    let mut out = Vec::with_capacity(page.len() + tag.len());
    out.extend_from_slice(&page[..at]);
    out.extend_from_slice(tag.as_bytes());
    out.extend_from_slice(&page[at..]);
    out
}

/// The `Content-Type` of a file of the site, by its extension.
pub fn content_type(path: &str) -> &'static str {
    match path.rsplit_once('.').map(|(_, ext)| ext) {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("md") => "text/markdown; charset=utf-8",
        Some("csv") => "text/csv; charset=utf-8",
        Some("json") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("txt") => "text/plain; charset=utf-8",
        _ => mime_guess::from_path(path)
            .first_raw()
            .unwrap_or("application/octet-stream"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_name_files_of_the_site_only() {
        assert_eq!(site_path("/").as_deref(), Some("index.html"));
        assert_eq!(
            site_path("/procedures/").as_deref(),
            Some("procedures/index.html")
        );
        assert_eq!(
            site_path("/procedures/a.html").as_deref(),
            Some("procedures/a.html")
        );
        assert_eq!(
            site_path("/media/mon%20fichier.pdf").as_deref(),
            Some("media/mon fichier.pdf")
        );
        assert_eq!(site_path("/./a//b.html").as_deref(), Some("a/b.html"));
        for climbing in [
            "/../etc/passwd",
            "/a/../../b",
            "/%2e%2e/etc/passwd",
            "/%2E%2E%2Fetc",
            "/a%5c..%5cb",
            "/a\\b",
            "/a%00.html",
            "/%ff",
        ] {
            assert_eq!(site_path(climbing), None, "{climbing}");
        }
    }

    #[test]
    fn the_live_script_goes_before_the_head_ends() {
        let page = with_live_script(
            b"<html><head><title>t</title></head><body></body></html>",
            3,
        );
        let page = String::from_utf8(page).unwrap();
        assert!(
            page.contains("<script src=\"/__gouvernail/live.js?v=3\" defer></script>\n</head>"),
            "{page}"
        );
    }
}
