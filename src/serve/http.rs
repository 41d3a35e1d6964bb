//! The preview's HTTP server: hyper (HTTP/1.1) on a single-threaded tokio
//! runtime, with every resource bounded.
//!
//! - It listens on 127.0.0.1 only, and answers only requests addressed to
//!   the loopback (`Host: localhost`, `127.0.0.1` or `[::1]`): a page on
//!   another site cannot read the preview through DNS rebinding. Any other
//!   host gets 403; HTTP/1.1 without a host, 400.
//! - Only GET and HEAD are served; anything else gets 405. A request body
//!   is never read, whatever its announced length.
//! - Request headers must arrive within [`HEADER_TIMEOUT`] and fit in
//!   [`HEADER_BYTES`]. At most [`CONNECTIONS`] connections are open at
//!   once; when a new one comes, the oldest idle connection is closed to
//!   make room (see [`super::connections`]), so idle or slow clients never
//!   keep a page from being served. Event streams have their own cap,
//!   [`EVENT_STREAMS`].
//! - Reloads are server-sent events carrying the build's generation as
//!   their id, so a page that reconnects after missing a rebuild (its
//!   `Last-Event-ID` is older) reloads at once.

use std::convert::Infallible;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{Either, Full, channel::Channel};
use hyper::header::{self, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode, Version};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

use super::connections::{Busy, Connections, State};
use super::preview::{EVENTS, Shared, content_type, percent_decode, with_preview_script};

/// How long a client has to send its request headers (also how long an
/// idle connection is kept between requests).
const HEADER_TIMEOUT: Duration = Duration::from_secs(5);
/// The largest request head read (hyper's minimum is 8 KiB).
const HEADER_BYTES: usize = 16 * 1024;
/// The most connections open at once.
const CONNECTIONS: usize = 64;
/// The most event streams open at once (one per open page).
const EVENT_STREAMS: usize = 16;
/// How often an idle event stream gets a comment, to keep it open.
const PING: Duration = Duration::from_secs(15);
/// How many ports after the asked one are tried.
const PORTS_TRIED: u16 = 20;

type Body = Either<Full<Bytes>, Channel<Bytes>>;

/// Serves `shared` until the process ends.
pub fn run(port: u16, site: &Path, open: bool, shared: Arc<Shared>) -> Result<(), String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the server: {e}"))?;
    runtime.block_on(async {
        let (listener, port) = bind(port).await?;
        let url = format!("http://127.0.0.1:{port}/");
        eprintln!(
            "serving {} at {url} (Ctrl-C to stop; files in {})",
            site.display(),
            shared.site.folder().display()
        );
        if open {
            open_browser(&url);
        }
        tokio::spawn(stop_on_signal(Arc::clone(&shared)));
        accept(listener, shared).await;
        Ok(())
    })
}

/// Waits for Ctrl-C (or a polite `kill`), then removes the preview's
/// folder and ends the process: the runtime never returns on its own.
async fn stop_on_signal(shared: Arc<Shared>) {
    crate::interrupt::interrupted().await;
    stop(&shared);
}

fn stop(shared: &Shared) {
    shared.site.remove();
    std::process::exit(0);
}

/// Binds 127.0.0.1 on `port`, or the next free port, saying so.
async fn bind(port: u16) -> Result<(TcpListener, u16), String> {
    for candidate in port..port.saturating_add(PORTS_TRIED) {
        if let Ok(listener) = TcpListener::bind(("127.0.0.1", candidate)).await {
            if candidate != port {
                eprintln!("port {port} is in use; using {candidate} instead");
            }
            let port = listener.local_addr().map_or(candidate, |a| a.port());
            return Ok((listener, port));
        }
    }
    Err(format!(
        "ports {port} to {} are all in use; pass --port N to choose another",
        port.saturating_add(PORTS_TRIED - 1)
    ))
}

fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    if std::process::Command::new(opener).arg(url).spawn().is_err() {
        eprintln!("could not open a browser; visit {url}");
    }
}

async fn accept(listener: TcpListener, shared: Arc<Shared>) {
    let mut http = http1::Builder::new();
    // Without a timer hyper silently drops its header timeout.
    http.timer(TokioTimer::new())
        .header_read_timeout(HEADER_TIMEOUT)
        .max_buf_size(HEADER_BYTES);
    let table = Connections::new(CONNECTIONS);
    let streams = Arc::new(Semaphore::new(EVENT_STREAMS));
    loop {
        let (stream, _) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(_) => {
                // Out of file descriptors, say: back off rather than spin.
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        // Over the cap with every connection busy answering: close at once.
        let Some(slot) = table.admit() else {
            drop(stream);
            continue;
        };
        let _ = stream.set_nodelay(true);
        let (http, shared, streams) = (http.clone(), Arc::clone(&shared), Arc::clone(&streams));
        tokio::spawn(async move {
            let state = Arc::clone(slot.state());
            let service = service_fn(move |request| {
                let busy = Busy::new(&state);
                let response = respond(&request, &shared, &streams).map(|body| Tracked { body, _busy: busy });
                async move { Ok::<_, Infallible>(response) }
            });
            let connection = http.serve_connection(TokioIo::new(stream), service);
            until_closed(connection, slot.state()).await;
            drop(slot);
        });
    }
}

/// Runs a connection until it ends, or until it is told to close to make
/// room for another (dropping it closes the socket).
async fn until_closed<F: std::future::Future>(connection: F, state: &State) {
    let closed = state.closed();
    tokio::pin!(connection, closed);
    std::future::poll_fn(|cx| {
        if connection.as_mut().poll(cx).is_ready() || closed.as_mut().poll(cx).is_ready() {
            std::task::Poll::Ready(())
        } else {
            std::task::Poll::Pending
        }
    })
    .await;
}

/// A response's body that keeps its connection marked busy until it is
/// sent: an idle connection is one with no answer under way.
struct Tracked {
    body: Body,
    _busy: Busy,
}

impl hyper::body::Body for Tracked {
    type Data = Bytes;
    type Error = <Body as hyper::body::Body>::Error;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<hyper::body::Frame<Bytes>, Self::Error>>> {
        std::pin::Pin::new(&mut self.body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> hyper::body::SizeHint {
        self.body.size_hint()
    }
}

/// Answers one request. Its body, if any, is never read.
fn respond<B>(request: &Request<B>, shared: &Shared, streams: &Arc<Semaphore>) -> Response<Body> {
    if let Err(status) = check_host(request) {
        return text(status, "this preview answers only requests to localhost\n");
    }
    if request.method() != Method::GET && request.method() != Method::HEAD {
        let mut response = text(StatusCode::METHOD_NOT_ALLOWED, "the preview only reads\n");
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return response;
    }
    let path = request.uri().path();
    if path == EVENTS {
        let Ok(permit) = Arc::clone(streams).try_acquire_owned() else {
            return text(
                StatusCode::SERVICE_UNAVAILABLE,
                "too many pages are open on this preview\n",
            );
        };
        return events(request, shared, permit);
    }
    page(path, shared)
}

/// A file of the preview, or its 404 page.
fn page(url_path: &str, shared: &Shared) -> Response<Body> {
    let path = match url_path.trim_start_matches('/') {
        "" => "index.html".to_string(),
        p if p.ends_with('/') => format!("{}index.html", percent_decode(p)),
        p => percent_decode(p),
    };
    let preview = shared.preview.read().map(|p| Arc::clone(&p)).unwrap_or_default();
    let site = &shared.site;
    let base = format!("{}/", preview.base);
    let path = match path.strip_prefix(&base) {
        Some(rest) if !preview.base.is_empty() && !site.has(&path) => rest.to_string(),
        _ => path,
    };
    let folder_index = format!("{path}/index.html");
    let found = site
        .read(&path)
        .map(|bytes| (path.as_str(), bytes))
        .or_else(|| site.read(&folder_index).map(|bytes| (folder_index.as_str(), bytes)));
    let errors = preview.errors.as_deref();
    match found {
        Some((name, bytes)) => {
            let body = Bytes::from(with_preview_script(name, bytes, errors));
            reply(StatusCode::OK, content_type(name), Either::Left(Full::new(body)))
        }
        None => {
            let page = site.read("404.html").unwrap_or_else(|| b"not found".to_vec());
            let body = Bytes::from(with_preview_script("404.html", page, errors));
            reply(
                StatusCode::NOT_FOUND,
                "text/html; charset=utf-8",
                Either::Left(Full::new(body)),
            )
        }
    }
}

/// The defence against DNS rebinding: only requests addressed to the
/// loopback are answered. An absolute request target names the host
/// itself and wins over the header.
fn check_host<B>(request: &Request<B>) -> Result<(), StatusCode> {
    let hosts = request.headers().get_all(header::HOST);
    let mut given = hosts.iter();
    let host = match (request.uri().authority(), given.next(), given.next()) {
        (Some(authority), _, _) => authority.as_str().to_string(),
        (None, Some(h), None) => h.to_str().map_err(|_| StatusCode::FORBIDDEN)?.to_string(),
        (None, Some(_), Some(_)) => return Err(StatusCode::BAD_REQUEST),
        // Only HTTP/1.0 may omit the host; browsers always send it, so a
        // request without one is a local tool, not a rebinding page.
        (None, None, _) if request.version() == Version::HTTP_10 => return Ok(()),
        (None, None, _) => return Err(StatusCode::BAD_REQUEST),
    };
    if is_loopback(&host) {
        Ok(())
    } else {
        Err(StatusCode::FORBIDDEN)
    }
}

/// `localhost`, `127.0.0.1` or `[::1]`, with an optional port.
pub(super) fn is_loopback(host: &str) -> bool {
    let (name, port) = match host.rsplit_once(':') {
        Some((name, port)) if !port.contains(']') => (name, Some(port)),
        _ => (host, None),
    };
    let port_ok = port.is_none_or(|p| !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()));
    let name_ok = name.eq_ignore_ascii_case("localhost") || name == "127.0.0.1" || name == "[::1]";
    name_ok && port_ok
}

/// The reload stream of one page: an event per rebuild, a comment when
/// idle. The first message tells the page the current generation.
fn events<B>(request: &Request<B>, shared: &Shared, permit: tokio::sync::OwnedSemaphorePermit) -> Response<Body> {
    let kind = "text/event-stream";
    if request.method() == Method::HEAD {
        return reply(StatusCode::OK, kind, Either::Left(Full::default()));
    }
    let last: Option<u64> = request
        .headers()
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok());
    let mut generation = shared.generation.subscribe();
    let (mut tx, body) = Channel::<Bytes>::new(4);
    tokio::spawn(async move {
        // The stream's place among the open ones, given back when it ends.
        let _permit = permit;
        let current = *generation.borrow_and_update();
        // A page that saw another generation missed a rebuild (or the
        // server restarted): it reloads at once.
        let mut message = match last {
            Some(id) if id != current => format!("retry: 1000\nid: {current}\ndata: reload\n\n"),
            _ => format!("retry: 1000\nid: {current}\n\n"),
        };
        loop {
            if tx.send_data(Bytes::from(message)).await.is_err() {
                return;
            }
            message = match tokio::time::timeout(PING, generation.changed()).await {
                Ok(Ok(())) => format!("id: {}\ndata: reload\n\n", *generation.borrow_and_update()),
                Ok(Err(_)) => return,
                Err(_) => ": ping\n\n".to_string(),
            };
        }
    });
    reply(StatusCode::OK, kind, Either::Right(body))
}

fn reply(status: StatusCode, kind: &'static str, body: Body) -> Response<Body> {
    let mut response = Response::new(body);
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn text(status: StatusCode, message: &'static str) -> Response<Body> {
    reply(
        status,
        "text/plain; charset=utf-8",
        Either::Left(Full::new(Bytes::from_static(message.as_bytes()))),
    )
}
