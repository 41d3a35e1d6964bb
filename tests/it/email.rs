//! The update as an email: the files `build` writes beside each update,
//! and `palanca send` delivering to a real SMTP server (aiosmtpd, started
//! on a free loopback port), read back and parsed as a mail client would.
//!
//! aiosmtpd comes from PyPI (`.ci/run` installs it); without it the tests
//! that need a server say so and are skipped, unless `CI` is set.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use mailparse::{MailHeaderMap, ParsedMail};
use scraper::{Html, Selector};

use crate::{build, copy_example, palanca, repo, stderr};

/// Gmail clips a message whose HTML is larger than this.
const GMAIL_CLIP: usize = 102 * 1024;

/// A running aiosmtpd that writes what it accepts into a folder.
struct SmtpServer {
    child: Child,
    port: u16,
    inbox: tempfile::TempDir,
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl SmtpServer {
    /// Starts the server, or None (loudly) where aiosmtpd is missing.
    fn start(test: &str) -> Option<SmtpServer> {
        let has_aiosmtpd = Command::new("python3")
            .args(["-c", "import aiosmtpd"])
            .output()
            .is_ok_and(|o| o.status.success());
        if !has_aiosmtpd {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI is set but aiosmtpd is missing: python3 -m pip install aiosmtpd"
            );
            eprintln!(
                "\n*** SKIPPED {test}: aiosmtpd not found. Install it with `python3 -m pip install aiosmtpd`. ***\n"
            );
            return None;
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let inbox = tempfile::tempdir().unwrap();
        let mut child = Command::new("python3")
            .arg(repo().join("tests/it/smtp_server.py"))
            .arg(port.to_string())
            .arg(inbox.path())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.as_mut().unwrap())
            .read_line(&mut line)
            .unwrap();
        assert_eq!(line.trim(), "ready", "the SMTP server did not start");
        Some(SmtpServer { child, port, inbox })
    }

    /// The messages received so far, with their envelope recipients.
    fn received(&self) -> Vec<(Vec<u8>, Vec<String>)> {
        let mut names: Vec<PathBuf> = std::fs::read_dir(self.inbox.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "eml"))
            .collect();
        names.sort();
        names
            .into_iter()
            .map(|p| {
                let rcpt = std::fs::read_to_string(p.with_extension("rcpt")).unwrap();
                (std::fs::read(&p).unwrap(), rcpt.lines().map(str::to_string).collect())
            })
            .collect()
    }
}

/// A copy of the example whose email settings point at `port` on this machine.
fn example_sending_to(port: u16) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_example(dir.path());
    set_email(
        dir.path(),
        &format!(
            "email: {{ from: \"Equipo <equipo@example.com>\", smtp_host: 127.0.0.1, smtp_port: {port}, security: none }}"
        ),
    );
    dir
}

/// Replaces the `email:` line of the site's site.yaml.
fn set_email(site: &Path, line: &str) {
    let path = site.join("site.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let kept: Vec<&str> = text.lines().filter(|l| !l.starts_with("email:")).collect();
    std::fs::write(&path, format!("{}\n{line}\n", kept.join("\n"))).unwrap();
}

fn recipients(site: &Path, lines: &[&str]) -> PathBuf {
    let path = site.join("inversores.txt");
    std::fs::write(&path, format!("# a quién va la carta\n{}\n", lines.join("\n"))).unwrap();
    path
}

fn send(site: &Path, args: &[&str]) -> std::process::Output {
    let mut all = vec!["send", "2024-03", "--site", site.to_str().unwrap()];
    all.extend_from_slice(args);
    palanca(&all)
}

/// The body of the first part with `mime` type, decoded.
fn part<'a>(mail: &'a ParsedMail<'a>, mime: &str) -> Option<&'a ParsedMail<'a>> {
    if mail.ctype.mimetype == mime {
        return Some(mail);
    }
    mail.subparts.iter().find_map(|p| part(p, mime))
}

/// The `cid:` addresses an HTML part uses.
fn cids(html: &str) -> Vec<String> {
    let doc = Html::parse_document(html);
    let sel = Selector::parse("img").unwrap();
    doc.select(&sel)
        .map(|i| {
            i.value()
                .attr("src")
                .unwrap()
                .strip_prefix("cid:")
                .expect("a cid: image")
                .to_string()
        })
        .collect()
}

/// What a mail client needs of the HTML: no script, no stylesheet, no
/// class to style, every image described, at most 600 px wide.
fn assert_mail_safe(html: &str) {
    assert!(html.len() < GMAIL_CLIP, "HTML of {} bytes would be clipped", html.len());
    for banned in ["<script", "<link", " class=", "<style", "<svg"] {
        assert!(!html.contains(banned), "the email holds `{banned}`");
    }
    let doc = Html::parse_document(html);
    for img in doc.select(&Selector::parse("img").unwrap()) {
        let alt = img.value().attr("alt").unwrap_or("");
        assert!(
            alt.chars().any(|c| c.is_ascii_digit()),
            "an image without its figures: {alt:?}"
        );
    }
    let widths: Vec<u32> = doc
        .select(&Selector::parse("[width]").unwrap())
        .filter_map(|e| e.value().attr("width")?.parse().ok())
        .collect();
    assert!(widths.iter().all(|w| *w <= 600), "{widths:?}");
}

#[test]
fn build_writes_the_email_beside_each_update() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let o = build(&repo(), &out);
    assert!(o.status.success(), "{}", stderr(&o));
    let folder = out.join("updates/2024-03");
    let html = std::fs::read_to_string(folder.join("email.html")).unwrap();
    assert_mail_safe(&html);
    let doc = Html::parse_document(&html);
    // Every image is a file beside the page, of twice its shown size.
    for img in doc.select(&Selector::parse("img").unwrap()) {
        let src = img.value().attr("src").unwrap();
        let png = resvg::tiny_skia::Pixmap::load_png(folder.join(src)).unwrap();
        let width: u32 = img.value().attr("width").unwrap().parse().unwrap();
        assert_eq!(png.width(), width * 2, "{src}");
    }
    let cards = crate::texts(&doc, "h1");
    assert_eq!(
        cards,
        ["Marzo 2024: cerramos el primer trimestre algo por debajo del plan"]
    );
    assert!(html.contains("Hola a todos:"), "the greeting for everyone");
    // The finished message: its Date is the update's, its images inline.
    let eml = std::fs::read(folder.join("update.eml")).unwrap();
    let mail = mailparse::parse_mail(&eml).unwrap();
    assert_eq!(mail.ctype.mimetype, "multipart/alternative");
    assert_eq!(
        mail.headers.get_first_value("Date").unwrap(),
        "Sun, 31 Mar 2024 12:00:00 +0000"
    );
    assert_eq!(
        mail.headers.get_first_value("From").unwrap(),
        "\"Equipo del plan\" <equipo@example.com>"
    );
    assert!(
        mail.headers.get_first_value("To").is_none(),
        "ready to forward, to no one yet"
    );
    let html = part(&mail, "text/html").unwrap().get_body().unwrap();
    assert!(
        html.contains("https://example.com/palanca/updates/2024-03/index.html"),
        "a link to the web version"
    );
    let related = part(&mail, "multipart/related").unwrap();
    assert_eq!(
        cids(&html).len(),
        related.subparts.len() - 1,
        "one inline part per image"
    );
    // The text alternative, whole, as a reviewed snapshot.
    let plain = part(&mail, "text/plain").unwrap().get_body().unwrap();
    insta::assert_snapshot!("march_email_text", plain);
    // The same bytes when built again: nothing in it depends on the clock.
    let again = dir.path().join("again");
    assert!(build(&repo(), &again).status.success());
    assert_eq!(std::fs::read(again.join("updates/2024-03/update.eml")).unwrap(), eml);
}

#[test]
fn send_mails_one_message_per_recipient_and_never_twice() {
    let Some(server) = SmtpServer::start("send_mails_one_message_per_recipient_and_never_twice") else {
        return;
    };
    let site = example_sending_to(server.port);
    let to = recipients(
        site.path(),
        &[
            "Ana Ruiz <ana@example.com>",
            "bob@example.com",
            "Carla <carla@example.org>",
        ],
    );
    let dry = send(site.path(), &["--to", to.to_str().unwrap(), "--dry-run"]);
    assert!(dry.status.success(), "{}", stderr(&dry));
    assert!(stderr(&dry).contains("would send \"Marzo 2024: cerramos el primer trimestre algo por debajo del plan\" to Ana Ruiz <ana@example.com> (Hola, Ana Ruiz:)"), "{}", stderr(&dry));
    assert!(server.received().is_empty(), "a dry run sends nothing");

    let o = send(site.path(), &["--to", to.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let received = server.received();
    assert_eq!(received.len(), 3);
    let mut envelopes: Vec<String> = received.iter().map(|(_, r)| r.join(",")).collect();
    envelopes.sort();
    assert_eq!(
        envelopes,
        ["ana@example.com", "bob@example.com", "carla@example.org"],
        "one recipient each"
    );
    for (bytes, rcpt) in &received {
        let mail = mailparse::parse_mail(bytes).unwrap();
        let to = mail.headers.get_first_value("To").unwrap();
        assert!(to.contains(&rcpt[0]) && !to.contains(','), "{to}");
        assert!(mail.headers.get_first_value("Cc").is_none() && mail.headers.get_first_value("Bcc").is_none());
        assert_eq!(mail.ctype.mimetype, "multipart/alternative");
        let plain = part(&mail, "text/plain").unwrap().get_body().unwrap();
        assert!(
            plain
                .lines()
                .any(|l| l.starts_with("ARR") && l.contains("$455K") && l.contains("+90\u{a0}%")),
            "the KPIs as aligned lines:\n{plain}"
        );
        let greeting = if rcpt[0] == "ana@example.com" {
            "Hola, Ana Ruiz:"
        } else if rcpt[0] == "carla@example.org" {
            "Hola, Carla:"
        } else {
            "Hola a todos:"
        };
        assert!(plain.contains(greeting), "{greeting} in\n{plain}");
        let html = part(&mail, "text/html").unwrap().get_body().unwrap();
        assert_mail_safe(&html);
        assert!(html.contains(greeting));
        let related = part(&mail, "multipart/related").unwrap();
        let doc = Html::parse_document(&html);
        for img in doc.select(&Selector::parse("img").unwrap()) {
            let cid = img.value().attr("src").unwrap().strip_prefix("cid:").unwrap();
            let image = related
                .subparts
                .iter()
                .find(|p| p.headers.get_first_value("Content-ID").as_deref() == Some(&format!("<{cid}>")))
                .unwrap_or_else(|| panic!("no part for cid:{cid}"));
            assert_eq!(image.ctype.mimetype, "image/png");
            let png = resvg::tiny_skia::Pixmap::decode_png(&image.get_body_raw().unwrap()).unwrap();
            let width: u32 = img.value().attr("width").unwrap().parse().unwrap();
            let height: u32 = img.value().attr("height").unwrap().parse().unwrap();
            assert_eq!((png.width(), png.height()), (width * 2, height * 2), "cid:{cid} at 2x");
        }
    }
    let log = std::fs::read_to_string(site.path().join("sent.log")).unwrap();
    assert_eq!(log.lines().count(), 3, "{log}");

    let again = send(site.path(), &["--to", to.to_str().unwrap()]);
    assert!(again.status.success(), "{}", stderr(&again));
    assert_eq!(server.received().len(), 3, "nothing is sent twice without --resend");
    assert_eq!(stderr(&again).matches("already sent").count(), 3, "{}", stderr(&again));

    let resend = send(site.path(), &["--to", to.to_str().unwrap(), "--resend"]);
    assert!(resend.status.success(), "{}", stderr(&resend));
    assert_eq!(server.received().len(), 6);
}

#[test]
fn a_refused_recipient_stops_the_send_and_says_who_got_it() {
    let Some(server) = SmtpServer::start("a_refused_recipient_stops_the_send_and_says_who_got_it") else {
        return;
    };
    let site = example_sending_to(server.port);
    let to = recipients(
        site.path(),
        &["ana@example.com", "refuse@example.com", "carla@example.org"],
    );
    let o = send(site.path(), &["--to", to.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("error[smtp]: the message to refuse@example.com was not sent"),
        "{err}"
    );
    assert!(
        err.contains("sent to: ana@example.com; not sent: refuse@example.com, carla@example.org"),
        "{err}"
    );
    assert_eq!(server.received().len(), 1);
    // Fixed and run again: whoever already got it is skipped.
    let to = recipients(site.path(), &["ana@example.com", "carla@example.org"]);
    let o = send(site.path(), &["--to", to.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let received = server.received();
    assert_eq!(received.len(), 2);
    assert_eq!(received[1].1, ["carla@example.org"]);
}

#[test]
fn send_refuses_what_it_cannot_send_well() {
    let dir = tempfile::tempdir().unwrap();
    copy_example(dir.path());
    let site = dir.path();
    let to = recipients(site, &["ana@example.com"]);
    let to = to.to_str().unwrap();
    let err = |args: &[&str]| {
        let o = palanca(args);
        assert_eq!(o.status.code(), Some(1), "{args:?} succeeded");
        stderr(&o)
    };
    let s = site.to_str().unwrap();
    assert!(err(&["send", "2024-07", "--to", to, "--site", s]).contains("there is no update for 2024-07"));
    assert!(err(&["send", "marzo", "--to", to, "--site", s]).contains("`marzo` is not a month"));
    // A recipients file with a bad line names it.
    let bad = recipients(site, &["ana@example.com", "ana at example"]);
    let e = err(&["send", "2024-03", "--to", bad.to_str().unwrap(), "--site", s]);
    assert!(
        e.contains("error[bad-recipient]: `ana at example` is not an email address"),
        "{e}"
    );
    assert!(e.contains("inversores.txt:3:1"), "{e}");
    // A draft is never sent.
    assert!(palanca(&["new", "update", "2024-04", "--site", s]).status.success());
    let to = recipients(site, &["ana@example.com"]);
    let to = to.to_str().unwrap();
    let e = err(&["send", "2024-04", "--to", to, "--site", s]);
    assert!(e.contains("the update for 2024-04 is a draft"), "{e}");
    // Settings: a password only from the environment, TLS unless local.
    let e = palanca_without_password(&["send", "2024-03", "--to", to, "--site", s]);
    assert!(
        e.contains("the SMTP password is not set: `PALANCA_SMTP_PASSWORD` is empty"),
        "{e}"
    );
    set_email(
        site,
        "email: { from: equipo@example.com, smtp_host: smtp.example.com, security: none }",
    );
    let e = err(&["send", "2024-03", "--to", to, "--site", s]);
    assert!(
        e.contains("`security: none` would send the letter unencrypted to smtp.example.com"),
        "{e}"
    );
    set_email(site, "email: { from: equipo@example.com }");
    let e = err(&["send", "2024-03", "--to", to, "--site", s, "--dry-run"]);
    assert!(e.contains("site.yaml's `email:` has no `smtp_host`"), "{e}");
    set_email(site, "email: { from: not an address, smtp_host: smtp.example.com }");
    let e = err(&["send", "2024-03", "--to", to, "--site", s]);
    assert!(
        e.contains("`email.from: not an address` is not an email address"),
        "{e}"
    );
    assert!(e.contains("site.yaml:"), "points into site.yaml: {e}");
    set_email(site, "# no email settings");
    let e = err(&["send", "2024-03", "--to", to, "--site", s]);
    assert!(e.contains("site.yaml has no `email:` settings"), "{e}");
}

/// Runs palanca with no SMTP password in its environment; returns stderr.
fn palanca_without_password(args: &[&str]) -> String {
    let o = assert_cmd::Command::cargo_bin("palanca")
        .unwrap()
        .args(args)
        .env_remove("PALANCA_SMTP_PASSWORD")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    stderr(&o)
}

#[test]
fn an_unfinished_letter_is_flagged_and_never_sent() {
    let dir = tempfile::tempdir().unwrap();
    copy_example(dir.path());
    let site = dir.path();
    let path = site.join("content/updates/2024-03.md");
    let text = std::fs::read_to_string(&path).unwrap();
    // The asks emptied, as `new update` leaves them, and its reminder kept.
    let start = text.find("asks:").unwrap();
    let end = start + text[start..].find("\nkpis:").unwrap();
    let text = format!(
        "{}asks:\n  - \"\"{}\n\nResumen del mes en una frase.\n",
        &text[..start],
        &text[end..]
    );
    std::fs::write(&path, text).unwrap();
    let o = palanca(&["check", "--site", site.to_str().unwrap()]);
    let err = stderr(&o);
    assert!(
        err.contains("warning[unfinished-update]: the update for 2024-03 is published but its `asks` is empty"),
        "{err}"
    );
    assert!(
        err.contains("still holds the placeholder \"Resumen del mes en una frase.\""),
        "{err}"
    );
    assert!(err.contains("--> content/updates/2024-03.md:"), "{err}");
    let to = recipients(site, &["ana@example.com"]);
    let o = send(site, &["--to", to.to_str().unwrap(), "--dry-run"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("the update for 2024-03 is unfinished; nothing was sent"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn send_runs_in_the_site_folder_as_the_readme_shows() {
    let dir = tempfile::tempdir().unwrap();
    copy_example(dir.path());
    recipients(dir.path(), &["Ana Ruiz <ana@example.com>", "bob@example.com"]);
    // `palanca send 2024-03 --to inversores.txt --dry-run`, in the site folder.
    let o = crate::palanca_in(dir.path(), &["send", "2024-03", "--to", "inversores.txt", "--dry-run"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("to Ana Ruiz <ana@example.com> (Hola, Ana Ruiz:)"), "{err}");
    assert!(
        err.contains("dry run: 2 to send, 0 already sent; nothing was sent"),
        "{err}"
    );
    assert!(!dir.path().join("sent.log").exists(), "a dry run records nothing");
}

/// A server that greets, takes the envelope, and then never answers
/// `DATA`; it reports every command it got once the client hangs up.
fn stalling_server() -> (u16, std::thread::JoinHandle<Vec<String>>) {
    use std::io::Write;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let handle = std::thread::spawn(move || {
        let (stream, _) = listener.accept().unwrap();
        let mut writer = stream.try_clone().unwrap();
        let mut commands = Vec::new();
        writer.write_all(b"220 stub ESMTP\r\n").unwrap();
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            let verb = line.split_whitespace().next().unwrap_or("").to_uppercase();
            commands.push(verb.clone());
            let reply: &[u8] = match verb.as_str() {
                "EHLO" => b"250-stub\r\n250 8BITMIME\r\n",
                "MAIL" | "RCPT" => b"250 OK\r\n",
                // DATA, and whatever follows it, goes unanswered.
                _ => b"",
            };
            writer.write_all(reply).unwrap();
        }
        commands
    });
    (port, handle)
}

#[test]
fn a_server_that_stops_answering_is_named_after_one_timeout() {
    let (port, server) = stalling_server();
    let site = example_sending_to(port);
    set_email(
        site.path(),
        &format!(
            "email: {{ from: equipo@example.com, smtp_host: 127.0.0.1, smtp_port: {port}, security: none, timeout: 1 }}"
        ),
    );
    let to = recipients(site.path(), &["ana@example.com", "bob@example.com"]);
    let o = send(site.path(), &["--to", to.to_str().unwrap()]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains(
            "the message to ana@example.com was not sent: the SMTP server did not answer within 1 s after DATA"
        ),
        "{err}"
    );
    assert!(!err.contains("os error"), "{err}");
    assert!(
        err.contains("sent to: nobody; not sent: ana@example.com, bob@example.com"),
        "{err}"
    );
    let commands = server.join().unwrap();
    assert_eq!(
        commands,
        ["EHLO", "MAIL", "RCPT", "DATA"],
        "no second wait for a goodbye"
    );
    assert!(
        !site.path().join("sent.log").exists()
            || std::fs::read_to_string(site.path().join("sent.log"))
                .unwrap()
                .is_empty()
    );
}

#[test]
fn a_second_send_of_the_same_site_at_once_is_refused() {
    let (port, server) = stalling_server();
    let site = example_sending_to(port);
    set_email(
        site.path(),
        &format!(
            "email: {{ from: equipo@example.com, smtp_host: 127.0.0.1, smtp_port: {port}, security: none, timeout: 120 }}"
        ),
    );
    let to = recipients(site.path(), &["ana@example.com"]);
    // The first run holds the log while the server keeps it waiting (as
    // long as the second needs to load the site, however busy the
    // machine: it is stopped once the second has been refused).
    let mut first = std::process::Command::new(assert_cmd::cargo::cargo_bin("palanca"))
        .args([
            "send",
            "2024-03",
            "--site",
            site.path().to_str().unwrap(),
            "--to",
            to.to_str().unwrap(),
        ])
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let waited = std::time::Instant::now();
    while !site.path().join("sent.log").exists() {
        assert!(waited.elapsed().as_secs() < 30, "the first run never started");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    // sent.log exists as soon as the first run took it; give it the lock.
    std::thread::sleep(std::time::Duration::from_millis(200));
    let o = send(site.path(), &["--to", to.to_str().unwrap()]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("another `palanca send` is sending from this site right now"),
        "{err}"
    );
    let _ = first.kill();
    let _ = first.wait();
    let _ = server.join();
}

#[test]
fn each_reader_gets_their_own_link_and_a_stranger_is_refused() {
    let Some(server) = SmtpServer::start("each_reader_gets_their_own_link_and_a_stranger_is_refused") else {
        return;
    };
    let site = example_sending_to(server.port);
    let readers = recipients(site.path(), &["Ana Ruiz <ana@example.com>", "bob@example.com"]);
    let out = site.path().join("investors");
    let built = assert_cmd::Command::cargo_bin("palanca")
        .unwrap()
        .env_remove("PALANCA_PASSWORD")
        .args(["build", "--encrypt", "--readers", readers.to_str().unwrap()])
        .args(["--site", site.path().to_str().unwrap(), "--out", out.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(built.status.success(), "{}", stderr(&built));
    let links = palanca(&[
        "links",
        "--readers",
        readers.to_str().unwrap(),
        "--site",
        site.path().to_str().unwrap(),
    ]);
    assert!(links.status.success(), "{}", stderr(&links));
    let key_of = |address: &str| -> String {
        String::from_utf8_lossy(&links.stdout)
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{address}\t")).map(str::to_string))
            .and_then(|link| link.split_once("#key=").map(|(_, k)| k.to_string()))
            .unwrap_or_else(|| panic!("no link for {address}"))
    };
    let (ana, bob) = (key_of("ana@example.com"), key_of("bob@example.com"));

    // Someone who is not a reader: refused before anything is sent.
    let with_stranger = recipients(
        site.path(),
        &["Ana Ruiz <ana@example.com>", "bob@example.com", "carla@example.org"],
    );
    let refused = send(site.path(), &["--to", with_stranger.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        stderr(&refused)
            .contains("carla@example.org has no personal key: they are not a reader of the encrypted build"),
        "{}",
        stderr(&refused)
    );
    assert!(stderr(&refused).contains("inversores.txt:4"), "{}", stderr(&refused));
    assert!(server.received().is_empty(), "nothing was sent");

    let readers = recipients(site.path(), &["Ana Ruiz <ana@example.com>", "bob@example.com"]);
    let dry = send(site.path(), &["--to", readers.to_str().unwrap(), "--dry-run"]);
    assert!(dry.status.success(), "{}", stderr(&dry));
    assert!(
        stderr(&dry)
            .contains("with their personal link (https://example.com/palanca/updates/2024-03/index.html#key=…)"),
        "{}",
        stderr(&dry)
    );
    assert!(
        !stderr(&dry).contains(&ana) && !stderr(&dry).contains(&bob),
        "a dry run shows no key"
    );

    let o = send(site.path(), &["--to", readers.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let received = server.received();
    assert_eq!(received.len(), 2);
    for (bytes, rcpt) in &received {
        let (own, other) = if rcpt[0] == "ana@example.com" {
            (&ana, &bob)
        } else {
            (&bob, &ana)
        };
        let mail = mailparse::parse_mail(bytes).unwrap();
        let link = format!("https://example.com/palanca/updates/2024-03/index.html#key={own}");
        let plain = part(&mail, "text/plain").unwrap().get_body().unwrap();
        let html = part(&mail, "text/html").unwrap().get_body().unwrap();
        assert!(
            plain.contains(&link),
            "{} gets their link in the text:\n{plain}",
            rcpt[0]
        );
        let doc = Html::parse_document(&html);
        let hrefs: Vec<&str> = doc
            .select(&Selector::parse("a[href]").unwrap())
            .filter_map(|a| a.value().attr("href"))
            .collect();
        assert!(hrefs.contains(&link.as_str()), "and in the HTML: {hrefs:?}");
        for text in [&plain, &html] {
            assert!(!text.contains(other.as_str()), "never another reader's key");
        }
    }
    // The public letter carries no key.
    let public = send(
        site.path(),
        &["--to", readers.to_str().unwrap(), "--audience", "public", "--dry-run"],
    );
    assert!(public.status.success(), "{}", stderr(&public));
    assert!(!stderr(&public).contains("personal link"), "{}", stderr(&public));
}
