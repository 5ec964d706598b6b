//! A real SMTP listener for the mail tests: a TCP server on a free port of 127.0.0.1 that speaks
//! the commands a client sends (RFC 5321: EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT) and
//! keeps every message it accepts. It can refuse the next messages for now (451) or for good
//! (550), as a relay does, to test retries. Messages are decoded the way a mail reader would:
//! RFC 2047 encoded words in the subject, base64 or 7-bit bodies.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// One accepted message.
#[derive(Debug, Clone)]
pub struct Mail {
    pub from: String,
    pub to: Vec<String>,
    /// The message as received (headers and encoded body).
    pub raw: String,
    pub subject: String,
    pub body: String,
}

#[derive(Default)]
struct State {
    mails: Vec<Mail>,
    /// Replies to the next messages' end of DATA, in order, instead of 250.
    refusals: Vec<&'static str>,
    refused: usize,
}

pub struct SmtpServer {
    pub port: u16,
    state: Arc<Mutex<State>>,
}

impl SmtpServer {
    pub fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind an SMTP port");
        let port = listener.local_addr().expect("address").port();
        let state = Arc::new(Mutex::new(State::default()));
        let shared = state.clone();
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(conn) = conn else { continue };
                let state = shared.clone();
                std::thread::spawn(move || {
                    let _ = session(conn, &state);
                });
            }
        });
        SmtpServer { port, state }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// The next messages get these replies (e.g. "451 4.3.0 try later") instead of 250.
    pub fn refuse_next(&self, replies: &[&'static str]) {
        self.state.lock().unwrap().refusals.extend(replies);
    }

    pub fn refused(&self) -> usize {
        self.state.lock().unwrap().refused
    }

    pub fn mails(&self) -> Vec<Mail> {
        self.state.lock().unwrap().mails.clone()
    }

    /// Waits (up to 30 s) until at least `n` messages were accepted, and returns them all.
    pub fn wait_for(&self, n: usize) -> Vec<Mail> {
        let start = Instant::now();
        loop {
            let mails = self.mails();
            if mails.len() >= n {
                return mails;
            }
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "waited 30 s for {n} e-mails; got {}: {:#?}",
                mails.len(),
                mails
                    .iter()
                    .map(|m| (&m.to, &m.subject))
                    .collect::<Vec<_>>()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

fn session(conn: TcpStream, state: &Mutex<State>) -> std::io::Result<()> {
    conn.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut out = conn.try_clone()?;
    let mut lines = BufReader::new(conn);
    let mut reply = |s: &str| out.write_all(format!("{s}\r\n").as_bytes());
    reply("220 test-relay ESMTP")?;
    let (mut from, mut to) = (String::new(), Vec::new());
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let cmd = line.trim_end().to_string();
        let upper = cmd.to_ascii_uppercase();
        if upper.starts_with("EHLO") {
            reply("250-test-relay\r\n250-8BITMIME\r\n250 SMTPUTF8")?;
        } else if upper.starts_with("HELO") {
            reply("250 test-relay")?;
        } else if upper.starts_with("MAIL FROM:") {
            from = address(&cmd["MAIL FROM:".len()..]);
            to.clear();
            reply("250 2.1.0 ok")?;
        } else if upper.starts_with("RCPT TO:") {
            to.push(address(&cmd["RCPT TO:".len()..]));
            reply("250 2.1.5 ok")?;
        } else if upper == "DATA" {
            reply("354 end with <CRLF>.<CRLF>")?;
            let mut raw = String::new();
            loop {
                line.clear();
                if lines.read_line(&mut line)? == 0 {
                    return Ok(());
                }
                if line == ".\r\n" || line == ".\n" {
                    break;
                }
                // Dot-stuffing (RFC 5321 4.5.2).
                raw.push_str(line.strip_prefix('.').unwrap_or(&line));
            }
            let refusal = {
                let mut s = state.lock().unwrap();
                if s.refusals.is_empty() {
                    None
                } else {
                    s.refused += 1;
                    Some(s.refusals.remove(0))
                }
            };
            match refusal {
                Some(r) => reply(r)?,
                None => {
                    let (subject, body) = decode(&raw);
                    state.lock().unwrap().mails.push(Mail {
                        from: from.clone(),
                        to: to.clone(),
                        raw,
                        subject,
                        body,
                    });
                    reply("250 2.0.0 queued")?;
                }
            }
        } else if upper == "RSET" || upper == "NOOP" {
            reply("250 ok")?;
        } else if upper == "QUIT" {
            reply("221 bye")?;
            return Ok(());
        } else {
            reply("502 5.5.2 command not recognised")?;
        }
    }
}

fn address(arg: &str) -> String {
    let arg = arg.trim();
    let inner = arg
        .strip_prefix('<')
        .and_then(|a| a.split_once('>'))
        .map_or(arg, |(a, _)| a);
    inner.to_string()
}

/// The subject (encoded words decoded) and the body (base64 decoded) of a raw message.
fn decode(raw: &str) -> (String, String) {
    let (head, body) = raw
        .split_once("\r\n\r\n")
        .or_else(|| raw.split_once("\n\n"))
        .unwrap_or((raw, ""));
    // Unfold headers (RFC 5322 2.2.3).
    let mut headers: Vec<String> = Vec::new();
    for l in head.lines() {
        if l.starts_with([' ', '\t']) {
            if let Some(last) = headers.last_mut() {
                last.push_str(l);
            }
        } else {
            headers.push(l.to_string());
        }
    }
    let get = |name: &str| {
        headers.iter().find_map(|h| {
            let (k, v) = h.split_once(':')?;
            k.eq_ignore_ascii_case(name).then(|| v.trim().to_string())
        })
    };
    let subject = get("Subject").map(|s| words(&s)).unwrap_or_default();
    let body = match get("Content-Transfer-Encoding").as_deref() {
        Some(e) if e.eq_ignore_ascii_case("base64") => {
            let bytes = base64(&body.split_whitespace().collect::<String>());
            String::from_utf8(bytes).expect("a UTF-8 body")
        }
        _ => body.to_string(),
    };
    (subject, body)
}

/// Decodes RFC 2047 encoded words (`=?utf-8?b?…?=` and `=?utf-8?q?…?=`); whitespace between
/// two encoded words is dropped, as the RFC says.
fn words(s: &str) -> String {
    let mut out = Vec::new();
    let mut rest = s;
    let mut last_was_word = false;
    while !rest.is_empty() {
        let Some(start) = rest.find("=?") else {
            out.extend_from_slice(rest.as_bytes());
            break;
        };
        let gap = &rest[..start];
        if !(last_was_word && gap.trim().is_empty()) {
            out.extend_from_slice(gap.as_bytes());
        }
        let word = &rest[start + 2..];
        let mut parts = word.splitn(3, '?');
        let (_charset, enc, tail) = (
            parts.next().unwrap_or(""),
            parts.next().unwrap_or(""),
            parts.next().unwrap_or(""),
        );
        let Some(end) = tail.find("?=") else {
            out.extend_from_slice(rest.as_bytes());
            break;
        };
        let text = &tail[..end];
        if enc.eq_ignore_ascii_case("b") {
            out.extend(base64(text));
        } else {
            let mut bytes = text.bytes();
            while let Some(b) = bytes.next() {
                match b {
                    b'_' => out.push(b' '),
                    b'=' => {
                        let hex: String = bytes.by_ref().take(2).map(char::from).collect();
                        out.push(u8::from_str_radix(&hex, 16).expect("hex"));
                    }
                    b => out.push(b),
                }
            }
        }
        last_was_word = true;
        rest = &tail[end + 2..];
    }
    String::from_utf8(out).expect("a UTF-8 subject")
}

fn base64(s: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => panic!("not base64: {c}"),
    };
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0);
    for c in s.bytes().filter(|&c| c != b'=') {
        acc = (acc << 6) | u32::from(value(c));
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out
}
