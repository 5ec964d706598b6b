//! E-mail: sends the notices that pipeline changes owe (`domain::notice`), one task per
//! process.
//!
//! Notices are written with the change that owes them (`service::pipeline`), so a crash loses
//! none: this task claims the ones due, turns each into a letter through
//! `service::notices` (who it reaches and what it may say, decided by the visibility rules),
//! renders it in the recipient's language and hands it to an SMTP relay. A claim is a lease:
//! a process that dies mid-send leaves the notice to be claimed again when the lease ends, by
//! itself after a restart or by another replica. Delivery is at least once.
//!
//! A relay that refuses for now (4xx, a connection that fails or times out) is tried again
//! after `--mail-retry`, then twice as long each time, at most [`MAX_BACKOFF`], and given up
//! after [`MAX_ATTEMPTS`]; a permanent refusal (5xx) is given up at once. Each outcome is
//! kept on the notice (`last_error`).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use lettre::message::header::{ContentTransferEncoding, ContentType, HeaderName, HeaderValue};
use lettre::message::{Mailbox, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use time::OffsetDateTime;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::app::App;
use crate::domain::notice::NoticeKind;
use crate::domain::pipeline::Response;
use crate::service::notices::{letter, Letter};
use crate::store::StoredNotice;
use crate::web::i18n::Tr;

/// Attempts before a notice is given up (with the default first retry after a minute, the
/// last comes about fifteen hours after the change).
pub const MAX_ATTEMPTS: i64 = 10;
/// The longest wait between two attempts.
pub const MAX_BACKOFF: Duration = Duration::from_secs(6 * 3600);
/// How long a claim holds a notice: well beyond the longest a send may take
/// ([`SEND_DEADLINE`]), so another process never takes a notice that is being sent.
const LEASE: Duration = Duration::from_secs(900);
/// The most a relay may take to answer one step of a send.
const STEP_TIMEOUT: Duration = Duration::from_secs(60);
/// The most one whole send may take (connection, greeting, envelope, data, quit).
const SEND_DEADLINE: Duration = Duration::from_secs(120);
/// How often the task looks without being woken: notices written by other replicas, and
/// retries coming due.
const POLL: Duration = Duration::from_secs(30);

/// What this process's sender did since it started (`/metrics`).
#[derive(Debug, Default)]
pub struct MailStats {
    /// Notices the relay took.
    pub sent: AtomicU64,
    /// Attempts that failed and will be tried again.
    pub retried: AtomicU64,
    /// Notices given up (a refused address, the last attempt, nobody to send to).
    pub given_up: AtomicU64,
}

#[derive(Debug, thiserror::Error)]
pub enum MailConfigError {
    #[error("--smtp-url: {0}")]
    SmtpUrl(String),
    #[error("--mail-from {value:?}: {reason} (expected `Name <address>` or an address)")]
    From { value: String, reason: String },
    #[error("--public-url {0:?}: the site's address as people reach it (http:// or https://), for the links in e-mails and in the pipeline's spreadsheet; required with --smtp-url")]
    PublicUrl(String),
}

/// A configured sender.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    /// The site's base address for links, without a trailing slash.
    public_url: String,
    retry: Duration,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The transport holds the relay's credentials: never printed.
        f.debug_struct("Mailer")
            .field("from", &self.from.to_string())
            .field("public_url", &self.public_url)
            .finish_non_exhaustive()
    }
}

impl Mailer {
    /// The sender `config` describes, or `None` when no relay is set.
    pub fn from_config(config: &crate::config::Mail) -> Result<Option<Mailer>, MailConfigError> {
        let from: Mailbox =
            config
                .mail_from
                .parse()
                .map_err(|e: lettre::address::AddressError| MailConfigError::From {
                    value: config.mail_from.clone(),
                    reason: e.to_string(),
                })?;
        let Some(url) = &config.smtp_url else {
            return Ok(None);
        };
        let relay = Relay::parse(url).map_err(MailConfigError::SmtpUrl)?;
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(relay.host)
            .port(relay.port)
            .timeout(Some(STEP_TIMEOUT));
        if let Some((user, password)) = relay.credentials {
            builder = builder.credentials(Credentials::new(user, password));
        }
        // Links in a letter must reach the site from the reader's phone: the address the
        // server listens on (127.0.0.1, a picked port) is no such address, so a relay needs it.
        let public_url = match &config.public_url {
            Some(u) => public_url(u)?,
            None => return Err(MailConfigError::PublicUrl(String::new())),
        };
        if from.email.domain() == "localhost" {
            tracing::warn!(from = %from, "--mail-from is at localhost: relays that check the sender \
                will refuse it; set the chamber's own address");
        }
        let transport = builder.build();
        Ok(Some(Mailer {
            transport,
            from,
            public_url,
            retry: config.mail_retry,
        }))
    }

    /// When to try a notice again after its `attempts`-th failed attempt; `None`: give up.
    fn retry_at(&self, attempts: i64, now: OffsetDateTime) -> Option<OffsetDateTime> {
        if attempts >= MAX_ATTEMPTS {
            return None;
        }
        let doublings = u32::try_from(attempts.saturating_sub(1).clamp(0, 30)).unwrap_or(30);
        let wait = self
            .retry
            .saturating_mul(1u32 << doublings)
            .min(MAX_BACKOFF);
        Some(now + wait)
    }

    /// Sends a password-reset link to `to`, in `lang`, now (not through the notices' queue:
    /// the link is good for an hour and its token is kept nowhere but in the letter). The
    /// error says why it did not go, for the log.
    pub async fn send_password_reset(
        &self,
        to: &str,
        lang: crate::domain::text::Lang,
        token: &str,
    ) -> Result<(), String> {
        let tr = Tr::new(lang);
        let link = format!(
            "{}/{}/password/reset?token={token}",
            self.public_url,
            lang.code()
        );
        let body = [
            tr.t("mail-hello"),
            tr.t1(
                "mail-reset-text",
                "minutes",
                crate::service::accounts::RESET_MINUTES,
            ),
            link,
            format!("-- \n{}", tr.t("mail-reset-footer")),
        ]
        .join("\n\n")
            + "\n";
        let message = self.plain(to, tr.t("mail-reset-subject"), body, "reset")?;
        match tokio::time::timeout(SEND_DEADLINE, self.transport.send(message)).await {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(e)) => Err(e.to_string()),
            Err(_) => Err(format!("{UNREACHABLE}: no answer within 2 minutes")),
        }
    }

    /// The message for `letter`: plain text, base64 (Khmer and Korean pass every relay).
    fn message(&self, letter: &Letter) -> Result<Message, String> {
        let (subject, body) = render(letter, &self.public_url);
        self.plain(letter.to.as_str(), subject, body, "notice")
    }

    /// A plain-text letter from the chamber to `to`, its Message-ID marked with `what`.
    fn plain(
        &self,
        to: &str,
        subject: String,
        body: String,
        what: &str,
    ) -> Result<Message, String> {
        let to: Mailbox = to
            .parse()
            .map_err(|e: lettre::address::AddressError| format!("recipient: {e}"))?;
        // A Message-ID of the sender's domain (large providers refuse mail without one) and
        // `Auto-Submitted` (RFC 3834), so out-of-office replies do not come back to it.
        let domain = self.from.email.domain();
        Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .message_id(Some(format!(
                "<{what}.{}@{domain}>",
                uuid::Uuid::new_v4().simple()
            )))
            .raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str("Auto-Submitted"),
                "auto-generated".to_string(),
            ))
            .singlepart(
                SinglePart::builder()
                    .header(ContentType::TEXT_PLAIN)
                    .header(ContentTransferEncoding::Base64)
                    .body(body),
            )
            .map_err(|e| e.to_string())
    }

    /// Tries one claimed notice and records the outcome.
    async fn deliver(&self, app: &App, n: &StoredNotice) {
        let now = OffsetDateTime::now_utc();
        let outcome = match letter(app, n).await {
            Ok(Ok(letter)) => match self.message(&letter) {
                Ok(message) => {
                    match tokio::time::timeout(SEND_DEADLINE, self.transport.send(message)).await {
                        Ok(Ok(_)) => Ok(()),
                        Ok(Err(e)) => {
                            let why = e.to_string();
                            if e.is_permanent() {
                                let permanent = bad_recipient(&why);
                                Err((why, permanent))
                            } else if e.is_transient() {
                                Err((why, false))
                            } else {
                                // No SMTP answer at all: the relay is down or unreachable.
                                Err((format!("{UNREACHABLE}: {why}"), false))
                            }
                        }
                        Err(_) => {
                            Err((format!("{UNREACHABLE}: no answer within 2 minutes"), false))
                        }
                    }
                }
                Err(why) => Err((why, true)),
            },
            Ok(Err(none)) => Err((none.as_str().to_string(), true)),
            Err(e) => Err((e.to_string(), false)),
        };
        let kind = n.notice.kind.as_str();
        let recorded = match outcome {
            Ok(()) => {
                tracing::info!(notice = n.id, kind, "notice sent");
                app.mail_stats.sent.fetch_add(1, Ordering::Relaxed);
                app.store.notice_sent(n, OffsetDateTime::now_utc()).await
            }
            Err((why, permanent)) => {
                let retry = if permanent {
                    None
                } else {
                    self.retry_at(n.attempts, now)
                };
                let counter = match retry {
                    Some(_) => &app.mail_stats.retried,
                    None => &app.mail_stats.given_up,
                };
                counter.fetch_add(1, Ordering::Relaxed);
                match retry {
                    Some(at) => tracing::warn!(notice = n.id, kind, error = %why, retry_at = %at,
                        "notice not sent; will retry"),
                    None => tracing::warn!(notice = n.id, kind, error = %why,
                        attempts = n.attempts, "notice given up"),
                }
                app.store.notice_failed(n, &why, now, retry).await
            }
        };
        match recorded {
            Ok(true) => {}
            Ok(false) => tracing::warn!(
                notice = n.id,
                "a notice's lease ran out before its outcome was recorded; the later claim's counts"
            ),
            // The lease ends and the notice is claimed again: sent twice rather than never.
            Err(e) => {
                tracing::error!(notice = n.id, error = %e, "could not record a notice's outcome")
            }
        }
    }
}

/// The code that starts `last_error` when the relay gave no SMTP answer (down, unreachable,
/// too slow), so pages can say so in the reader's language; the detail follows it.
pub const UNREACHABLE: &str = "RELAY_UNREACHABLE";

/// Whether a relay's permanent refusal is about this letter's recipient (RFC 3463 enhanced
/// status 5.1.1 bad mailbox, 5.1.2 bad system, 5.1.3 bad address syntax, 5.1.6 moved,
/// 5.1.10 null MX), so the notice is given up at once. Any other permanent refusal (a wrong
/// password, a sender the relay will not take) is the relay's setting, which an operator
/// fixes: those notices keep their retries rather than all be given up in one go.
fn bad_recipient(reply: &str) -> bool {
    reply
        .split(|c: char| !(c.is_ascii_digit() || c == '.'))
        .any(|w| matches!(w, "5.1.1" | "5.1.2" | "5.1.3" | "5.1.6" | "5.1.10"))
}

/// `smtp://[USER[:PASSWORD]@]HOST[:PORT]`, credentials percent-encoded.
#[derive(Debug, PartialEq)]
struct Relay {
    host: String,
    port: u16,
    credentials: Option<(String, String)>,
}

impl Relay {
    fn parse(s: &str) -> Result<Relay, String> {
        let u = url::Url::parse(s).map_err(|e| format!("{e} (expected smtp://HOST[:PORT])"))?;
        match u.scheme() {
            "smtp" => {}
            "smtps" => return Err(TLS.into()),
            other => return Err(format!("scheme {other:?}: expected smtp://HOST[:PORT]")),
        }
        if u.query().is_some_and(|q| q.contains("tls")) {
            return Err(TLS.into());
        }
        if !matches!(u.path(), "" | "/") || u.query().is_some() || u.fragment().is_some() {
            return Err("expected smtp://[USER:PASSWORD@]HOST[:PORT] and nothing after".into());
        }
        let host = u
            .host_str()
            .filter(|h| !h.is_empty())
            .ok_or("no host")?
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_string();
        let decode = |x: &str| {
            percent_encoding::percent_decode_str(x)
                .decode_utf8()
                .map(|c| c.into_owned())
                .map_err(|_| "credentials are not UTF-8 once decoded".to_string())
        };
        let credentials = if u.username().is_empty() {
            None
        } else {
            Some((decode(u.username())?, decode(u.password().unwrap_or(""))?))
        };
        Ok(Relay {
            host,
            port: u.port().unwrap_or(25),
            credentials,
        })
    }
}

const TLS: &str = "TLS is not built in: give a plain smtp:// relay on this host or network (one \
                   that does TLS onwards itself)";

/// `--public-url` checked, without its trailing `/`.
pub fn public_url(u: &str) -> Result<String, MailConfigError> {
    let trimmed = u.trim_end_matches('/');
    let ok = (trimmed.starts_with("http://") || trimmed.starts_with("https://"))
        && trimmed.len() > "https://".len()
        && !trimmed.chars().any(|c| c.is_whitespace() || c.is_control());
    if ok {
        Ok(trimmed.to_string())
    } else {
        Err(MailConfigError::PublicUrl(u.to_string()))
    }
}

/// Subject and plain-text body of `letter`, in its language, with links under `base`.
pub fn render(letter: &Letter, base: &str) -> (String, String) {
    let tr = Tr::new(letter.lang);
    let lang = letter.lang.code();
    let own = letter.own.clone().unwrap_or_default();
    let two = |key: &str| tr.t2(key, ("own", own.clone()), ("other", letter.other.clone()));
    let (subject, paragraphs, link) = match letter.kind {
        NoticeKind::Introduced => (
            tr.t1("mail-introduced-subject", "own", own.as_str()),
            vec![two("mail-introduced-text")],
            format!("{base}/{lang}/me/introductions?match={}", letter.match_id),
        ),
        NoticeKind::Connected => (
            tr.t1("mail-connected-subject", "own", own.as_str()),
            vec![two("mail-connected-text")],
            format!("{base}/{lang}/me/introductions?match={}", letter.match_id),
        ),
        NoticeKind::Answered(side, answer) => {
            let (party, other) = match side {
                crate::domain::pipeline::Side::Sme => (&letter.sme, &letter.investor),
                crate::domain::pipeline::Side::Investor => (&letter.investor, &letter.sme),
            };
            let key = match answer {
                Response::Accepted => "mail-answer-accepted-subject",
                Response::Declined => "mail-answer-declined-subject",
            };
            (
                tr.t2(key, ("party", party.clone()), ("other", other.clone())),
                if letter.both_accepted {
                    vec![tr.t("mail-answer-connected"), tr.t("mail-answer-text")]
                } else {
                    vec![tr.t("mail-answer-text")]
                },
                format!("{base}/{lang}/staff/matches/{}", letter.match_id),
            )
        }
        NoticeKind::Withdrawn => (
            tr.t2(
                "mail-withdrawn-subject",
                ("sme", letter.sme.clone()),
                ("investor", letter.investor.clone()),
            ),
            vec![tr.t1("mail-withdrawn-text", "gone", letter.other.clone())],
            format!("{base}/{lang}/staff/matches/{}", letter.match_id),
        ),
    };
    let mut body = vec![tr.t("mail-hello")];
    body.extend(paragraphs);
    body.push(link);
    if let Some(message) = &letter.message {
        // As typed, each line quoted the way mail programs show another's words, so the
        // staff's text cannot pass for the service's own lines.
        let quoted: Vec<String> = message
            .trim()
            .lines()
            .map(|l| match l.trim_end() {
                "" => ">".to_string(),
                l => format!("> {l}"),
            })
            .collect();
        body.push(format!(
            "{}\n{}",
            tr.t("mail-introduced-message"),
            quoted.join("\n")
        ));
    }
    // Said with an introduction; after both accepted it would read as a contradiction.
    if letter.kind == NoticeKind::Introduced {
        body.push(tr.t("mail-contacts-rule"));
    }
    let footer = match letter.kind {
        NoticeKind::Answered(..) | NoticeKind::Withdrawn => "mail-footer-curator",
        _ => "mail-footer",
    };
    body.push(format!("-- \n{}", tr.t(footer)));
    // Subjects are one line whatever a profile's name holds.
    let subject = subject.replace(['\r', '\n'], " ");
    (subject, body.join("\n\n") + "\n")
}

/// Starts the sender; it stops between two notices once `stop` becomes `true`.
pub fn spawn(app: Arc<App>, mailer: Mailer, mut stop: watch::Receiver<bool>) -> JoinHandle<()> {
    tokio::spawn(async move {
        let idle = POLL.min(mailer.retry.max(Duration::from_millis(50)));
        loop {
            if *stop.borrow() {
                break;
            }
            // One at a time: a lease covers the one send it was taken for, however slow the
            // relay is with the others.
            let now = OffsetDateTime::now_utc();
            let claimed = match app.store.claim_notices(now, now + LEASE, 1).await {
                Ok(c) => c,
                Err(e) => {
                    tracing::warn!(error = %e, "could not read the notices due");
                    Vec::new()
                }
            };
            if let Some(n) = claimed.first() {
                mailer.deliver(&app, n).await;
                continue;
            }
            tokio::select! {
                _ = app.notices_owed.notified() => {}
                _ = tokio::time::sleep(idle) => {}
                _ = stop.changed() => {}
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::contact::Email;
    use crate::domain::ids::ProfileId;
    use crate::domain::pipeline::Side;
    use crate::domain::text::Lang;

    fn letter(kind: NoticeKind, lang: Lang) -> Letter {
        Letter {
            to: Email::parse("owner@example.com").expect("email"),
            lang,
            kind,
            match_id: ProfileId::from_u128(7),
            own: Some("Angkor Cashew".into()),
            other: "Hanbit Trading".into(),
            sme: "Angkor Cashew".into(),
            investor: "Hanbit Trading".into(),
            message: None,
            both_accepted: false,
        }
    }

    #[test]
    fn a_letter_says_what_happened_in_its_language_with_a_link() {
        let id = ProfileId::from_u128(7);
        let (s, b) = render(
            &letter(NoticeKind::Introduced, Lang::Km),
            "https://match.example.org",
        );
        assert_eq!(s, "Angkor Cashew៖ ការណែនាំដៃគូថ្មី");
        assert!(b.contains("ឱ្យស្គាល់ Hanbit Trading"), "{b}");
        assert!(b.contains(&format!(
            "https://match.example.org/km/me/introductions?match={id}"
        )));
        assert!(b.contains("ព័ត៌មានទំនាក់ទំនង"), "the contact rule: {b}");

        let (s, b) = render(
            &letter(
                NoticeKind::Answered(Side::Investor, Response::Declined),
                Lang::En,
            ),
            "http://127.0.0.1:8080",
        );
        assert_eq!(
            s,
            "Hanbit Trading declined the introduction to Angkor Cashew"
        );
        assert!(b.contains(&format!("http://127.0.0.1:8080/en/staff/matches/{id}")));
        assert!(b.contains("you curate this match"), "{b}");
        assert!(!b.contains("Both sides have now accepted"), "{b}");
        let mut both = letter(
            NoticeKind::Answered(Side::Investor, Response::Accepted),
            Lang::En,
        );
        both.both_accepted = true;
        let (_, b) = render(&both, "http://h");
        assert!(b.contains("Both sides have now accepted"), "{b}");
    }

    #[test]
    fn an_introduction_letter_quotes_the_staff_message_line_by_line() {
        let mut l = letter(NoticeKind::Introduced, Lang::Ko);
        l.message = Some("Both of you export cashew.\r\n\nPlease meet on Friday.  \n".into());
        let (_, b) = render(&l, "http://h");
        assert!(
            b.contains(
                "담당자의 메시지:\n> Both of you export cashew.\n>\n> Please meet on Friday.\n"
            ),
            "{b}"
        );
        // After the link, before the contact rule.
        let (link, quote) = (
            b.find("http://h/ko/").unwrap_or(usize::MAX),
            b.find("> Both"),
        );
        assert!(quote.is_some_and(|q| link < q), "{b}");
    }

    #[test]
    fn a_name_cannot_add_a_header_line() {
        let mut l = letter(NoticeKind::Connected, Lang::Ko);
        l.own = Some("Evil\r\nBcc: x@example.com".into());
        let (s, _) = render(&l, "http://h");
        assert!(!s.contains('\n') && !s.contains('\r'), "{s:?}");
    }

    #[test]
    fn retries_wait_twice_as_long_each_time_then_give_up() {
        let mailer = |retry| Mailer {
            transport: AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous("localhost").build(),
            from: "x <x@localhost>".parse().expect("mailbox"),
            public_url: "http://h".into(),
            retry,
        };
        let t = OffsetDateTime::UNIX_EPOCH;
        let minute = mailer(Duration::from_secs(60));
        let wait = |m: &Mailer, a| m.retry_at(a, t).map(|at| (at - t).whole_seconds());
        assert_eq!(wait(&minute, 1), Some(60));
        assert_eq!(wait(&minute, 2), Some(120));
        assert_eq!(wait(&minute, 3), Some(240));
        assert_eq!(wait(&minute, 9), Some(60 << 8));
        assert_eq!(wait(&minute, MAX_ATTEMPTS), None, "given up");
        let hour = mailer(Duration::from_secs(3600));
        assert_eq!(wait(&hour, 4), Some(6 * 3600), "capped at six hours");
    }

    #[test]
    fn only_a_refused_recipient_gives_a_notice_up_at_once() {
        assert!(bad_recipient(
            "permanent error (550): 5.1.1 <x@example.com>: no such mailbox"
        ));
        assert!(bad_recipient("permanent error (553): 5.1.3 bad address"));
        assert!(!bad_recipient(
            "permanent error (535): 5.7.8 authentication failed"
        ));
        assert!(!bad_recipient("permanent error (550): relaying denied"));
        assert!(!bad_recipient("permanent error (550): 5.1.15 x"));
    }

    #[test]
    fn relays_are_read_from_their_url() {
        assert_eq!(
            Relay::parse("smtp://127.0.0.1:2525"),
            Ok(Relay {
                host: "127.0.0.1".into(),
                port: 2525,
                credentials: None
            })
        );
        assert_eq!(
            Relay::parse("smtp://chamber%40mail:p%2Fss@mail.example.org/"),
            Ok(Relay {
                host: "mail.example.org".into(),
                port: 25,
                credentials: Some(("chamber@mail".into(), "p/ss".into()))
            })
        );
        assert!(Relay::parse("smtps://mail.example.org")
            .unwrap_err()
            .contains("TLS"));
        assert!(Relay::parse("smtp://mail.example.org?tls=required")
            .unwrap_err()
            .contains("TLS"));
        assert!(Relay::parse("http://mail.example.org").is_err());
        assert!(Relay::parse("mail.example.org:25").is_err());
        assert!(Relay::parse("smtp://mail.example.org/x").is_err());
    }

    #[test]
    fn public_urls_are_checked() {
        assert_eq!(
            public_url("https://match.example.org/").ok().as_deref(),
            Some("https://match.example.org")
        );
        assert!(public_url("match.example.org").is_err());
        assert!(public_url("https://").is_err());
        assert!(public_url("https://a b").is_err());
    }
}
