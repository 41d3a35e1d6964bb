//! A small client of the Chrome DevTools Protocol, to drive headless
//! Chromium from tests: open a page at any width (down to a phone's),
//! type into it, wait for something to appear, read values back, take a
//! screenshot or print it to PDF.
//!
//! Chromium is found on the PATH (or `CHROMIUM`); where it is missing a
//! test says so loudly and passes only when `CI` is unset — `.ci/run`
//! installs Chromium and sets `CI`, so there it always runs.

use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tungstenite::stream::MaybeTlsStream;
use tungstenite::{Message, WebSocket};

/// The Chromium binary, if there is one.
pub fn chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .find_map(|name| {
            std::env::var_os("PATH").and_then(|paths| {
                std::env::split_paths(&paths)
                    .map(|d| d.join(name))
                    .find(|p| p.is_file())
            })
        })
}

/// Chromium, or the reason a test cannot run without it: `None` means
/// "skip", which only a machine without `CI` set may do.
pub fn browser_or_skip(test: &str) -> Option<Browser> {
    match chromium() {
        Some(path) => Some(Browser::launch(&path)),
        None => {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI is set but Chromium is missing: install it (apt-get install chromium)"
            );
            eprintln!("\n*** SKIPPED {test}: Chromium not found. Install it with `apt-get install -y chromium`. ***\n");
            None
        }
    }
}

/// A running headless Chromium and the connection to it.
pub struct Browser {
    child: Child,
    socket: WebSocket<MaybeTlsStream<TcpStream>>,
    next: u64,
    _profile: tempfile::TempDir,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.socket.close(None);
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Browser {
    fn launch(path: &PathBuf) -> Browser {
        let profile = tempfile::tempdir().unwrap();
        let mut child = Command::new(path)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--allow-file-access-from-files",
                "--remote-debugging-port=0",
                "about:blank",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("chromium starts");
        let (tx, rx) = std::sync::mpsc::channel();
        let stderr = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some(url) = line.split("DevTools listening on ").nth(1) {
                    let _ = tx.send(url.trim().to_string());
                }
            }
        });
        let url = rx
            .recv_timeout(Duration::from_secs(30))
            .expect("chromium prints its DevTools address");
        let (socket, _) = tungstenite::connect(&url).expect("DevTools connection");
        if let MaybeTlsStream::Plain(s) = socket.get_ref() {
            s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
        }
        Browser {
            child,
            socket,
            next: 0,
            _profile: profile,
        }
    }

    /// Sends a command and waits for its answer, skipping events.
    fn call(&mut self, session: Option<&str>, method: &str, params: Value) -> Value {
        self.next += 1;
        let id = self.next;
        let mut message = json!({"id": id, "method": method, "params": params});
        if let Some(s) = session {
            message["sessionId"] = json!(s);
        }
        self.socket.send(Message::text(message.to_string())).unwrap();
        loop {
            let reply = match self.socket.read().expect("DevTools answers") {
                Message::Text(t) => serde_json::from_str::<Value>(&t).unwrap(),
                _ => continue,
            };
            if reply["id"] == json!(id) {
                assert!(reply.get("error").is_none(), "{method}: {reply}");
                return reply["result"].clone();
            }
        }
    }

    /// A new tab of `width` × `height` CSS pixels (a phone below 600).
    pub fn page(&mut self, width: u32, height: u32) -> Page<'_> {
        let target = self.call(None, "Target.createTarget", json!({"url": "about:blank"}));
        let attached = self.call(
            None,
            "Target.attachToTarget",
            json!({"targetId": target["targetId"], "flatten": true}),
        );
        let session = attached["sessionId"].as_str().unwrap().to_string();
        let mut page = Page { browser: self, session };
        page.call("Page.enable", json!({}));
        page.resize(width, height);
        page
    }
}

/// One tab.
pub struct Page<'a> {
    browser: &'a mut Browser,
    session: String,
}

impl Page<'_> {
    fn call(&mut self, method: &str, params: Value) -> Value {
        let session = self.session.clone();
        self.browser.call(Some(&session), method, params)
    }

    /// Sets the viewport, as a phone when narrower than 600 px.
    pub fn resize(&mut self, width: u32, height: u32) {
        self.call(
            "Emulation.setDeviceMetricsOverride",
            json!({"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600}),
        );
    }

    /// Light or dark, as the system would ask.
    pub fn color_scheme(&mut self, dark: bool) {
        self.call(
            "Emulation.setEmulatedMedia",
            json!({"features": [{"name": "prefers-color-scheme", "value": if dark { "dark" } else { "light" }}]}),
        );
    }

    /// Runs `js` at the start of every document the tab opens from now on.
    pub fn on_new_document(&mut self, js: &str) {
        self.call("Page.addScriptToEvaluateOnNewDocument", json!({"source": js}));
    }

    /// Opens `url` and waits for it to finish loading.
    pub fn goto(&mut self, url: &str) {
        self.call("Page.navigate", json!({"url": url}));
        assert!(
            self.wait_for("document.readyState === 'complete' && location.href !== 'about:blank'"),
            "{url} did not load"
        );
    }

    /// Evaluates `js` (awaiting a promise) and returns its value.
    pub fn eval(&mut self, js: &str) -> Value {
        let result = self.call(
            "Runtime.evaluate",
            json!({"expression": js, "awaitPromise": true, "returnByValue": true}),
        );
        assert!(result.get("exceptionDetails").is_none(), "{js}: {result}");
        result["result"]["value"].clone()
    }

    /// Waits up to twenty seconds for `condition` to be true.
    pub fn wait_for(&mut self, condition: &str) -> bool {
        let started = Instant::now();
        while started.elapsed() < Duration::from_secs(20) {
            if self.eval(&format!("!!({condition})")) == json!(true) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        false
    }

    /// A PNG of the whole page.
    pub fn screenshot(&mut self) -> Vec<u8> {
        let shot = self.call(
            "Page.captureScreenshot",
            json!({"format": "png", "captureBeyondViewport": true}),
        );
        base64_decode(shot["data"].as_str().unwrap())
    }

    /// The page printed to PDF on A4 (or Letter).
    pub fn pdf(&mut self, letter: bool) -> Vec<u8> {
        let (w, h) = if letter { (8.5, 11.0) } else { (8.27, 11.69) };
        let pdf = self.call(
            "Page.printToPDF",
            json!({"paperWidth": w, "paperHeight": h, "preferCSSPageSize": true, "printBackground": true}),
        );
        base64_decode(pdf["data"].as_str().unwrap())
    }
}

fn base64_decode(text: &str) -> Vec<u8> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.decode(text).unwrap()
}
