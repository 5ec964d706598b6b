//! One helper for every end-to-end test: spawns the real `khkr-match serve` binary on a free port
//! with a scratch SQLite file and index directory, and talks GraphQL to it over HTTP.
#![allow(dead_code)] // each test file uses a different part of this helper

pub mod postgres;
pub mod smtp;
pub mod web;

use std::future::Future;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{mpsc, Arc};
use std::time::Duration;

use khkr_match::store::Store;
use serde_json::{json, Value};

/// How long start-up may take (the demo load included) before the test gives up.
const START_TIMEOUT: Duration = Duration::from_secs(120);

pub struct TestServer {
    child: Option<Child>,
    /// Bearer tokens of an SME account and an INVESTOR account signed up at start.
    pub sme_token: String,
    pub investor_token: String,
    /// `http://127.0.0.1:PORT`
    pub base: String,
    /// The scratch directory holding the database, index and server log.
    pub dir: PathBuf,
    // Kept so the directory lives as long as the first server using it.
    _tmp: Option<tempfile::TempDir>,
    /// The `--database-url` it runs on.
    db_url: String,
    /// A PostgreSQL server's scratch schema, dropped after the server is killed.
    _schema: Option<postgres::Schema>,
}

/// Spawns `khkr-match serve` on the database `url` with its index and log in `dir`; returns
/// the child and its base URL once it listens.
fn spawn(dir: &Path, url: &str, args: &[&str]) -> (Child, String) {
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(dir.join("server.log"))
        .expect("log file");
    let mut child = Command::new(bin())
        .arg("serve")
        .arg("--bind")
        .arg("127.0.0.1:0")
        .arg("--database-url")
        .arg(url)
        .arg("--index-dir")
        .arg(dir.join("index"))
        .args(args)
        .env_remove("KHKR_DEMO")
        // Suites publish from one account of each role, dozens of profiles each (paging,
        // subscriptions, search): the per-account cap is off unless a test's own arguments set
        // it (`--max-profiles-per-account`, which wins over the variable; tests/profiles.rs).
        .env("KHKR_MAX_PROFILES_PER_ACCOUNT", "0")
        .env("KHKR_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(log)
        .spawn()
        .expect("spawn khkr-match");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(addr) = line.strip_prefix("listening on ") {
                let _ = tx.send(addr.to_string());
            }
        }
    });
    let base = match rx.recv_timeout(START_TIMEOUT) {
        Ok(base) => base,
        Err(_) => {
            let _ = child.kill();
            panic!(
                "server did not start; log:\n{}",
                std::fs::read_to_string(dir.join("server.log")).unwrap_or_default()
            );
        }
    };
    (child, base)
}

/// The database of a server whose scratch directory is `dir`.
fn database_url(dir: &Path) -> String {
    format!("sqlite:{}", dir.join("khkr.db").display())
}

pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_khkr-match")
}

impl TestServer {
    /// A server on a fresh, empty database.
    pub fn start() -> Self {
        Self::start_with(&[])
    }

    pub fn start_with(args: &[&str]) -> Self {
        // The end-to-end suites run on PostgreSQL a second time in the test binary
        // `on_postgres` (tests/on_postgres.rs includes them), and every test binary does with
        // `KHKR_TEST_BACKEND=postgres`. Servers started with `start_in`, over a directory of
        // their own, stay on SQLite.
        if std::env::var("KHKR_TEST_BACKEND").as_deref() == Ok("postgres") {
            return Self::start_postgres("KHKR_TEST_BACKEND=postgres", args)
                .unwrap_or_else(|| panic!("KHKR_TEST_BACKEND=postgres needs {}", postgres::ENV));
        }
        if env!("CARGO_CRATE_NAME") == "on_postgres" {
            // Without the database, `start_postgres` has printed the loud SKIPPED line; the
            // test still runs, on SQLite, so its assertions are exercised either way.
            if let Some(s) = Self::start_postgres("on_postgres (the suite on PostgreSQL)", args) {
                return s;
            }
        }
        let tmp = tempfile::tempdir().expect("temp dir");
        let dir = tmp.path().to_path_buf();
        let mut s = Self::start_in(&dir, args);
        s._tmp = Some(tmp);
        s
    }

    /// A server on PostgreSQL (a fresh schema of the `KHKR_TEST_POSTGRES_URL` database,
    /// dropped afterwards) with its index in a scratch directory; `None` after a loud
    /// `SKIPPED` line when the variable is not set.
    pub fn start_postgres(test: &str, args: &[&str]) -> Option<Self> {
        let schema = postgres::Schema::create_blocking(test)?;
        let tmp = tempfile::tempdir().expect("temp dir");
        let mut s = Self::start_on(tmp.path(), &schema.url, args);
        s._tmp = Some(tmp);
        s._schema = Some(schema);
        Some(s)
    }

    /// A server over the database and index in `dir` (for restart tests).
    pub fn start_in(dir: &Path, args: &[&str]) -> Self {
        Self::start_on(dir, &database_url(dir), args)
    }

    /// A server on the database `url` with its index and log in `dir`.
    pub fn start_on(dir: &Path, url: &str, args: &[&str]) -> Self {
        let (child, base) = spawn(dir, url, args);
        let mut server = TestServer {
            child: Some(child),
            base,
            dir: dir.to_path_buf(),
            _tmp: None,
            db_url: url.to_string(),
            _schema: None,
            sme_token: String::new(),
            investor_token: String::new(),
        };
        server.sme_token = server.sign_up("SME").0;
        server.investor_token = server.sign_up("INVESTOR").0;
        server
    }

    /// A second server on this server's database with an index directory of its own, as a
    /// replica runs: on PostgreSQL the same URL; on SQLite the same file (and its WAL, which
    /// exists while this server runs) linked into another directory.
    pub fn replica(&self, args: &[&str]) -> Self {
        let tmp = tempfile::tempdir().expect("temp dir");
        let mut s = if self.db_url.starts_with("postgres") {
            Self::start_on(tmp.path(), &self.db_url, args)
        } else {
            for suffix in ["", "-wal", "-shm"] {
                let name = format!("khkr.db{suffix}");
                if suffix.is_empty() || self.dir.join(&name).exists() {
                    std::os::unix::fs::symlink(self.dir.join(&name), tmp.path().join(&name))
                        .expect("link the database");
                }
            }
            Self::start_in(tmp.path(), args)
        };
        s._tmp = Some(tmp);
        s
    }

    /// A server on the SQLite database of `dir` that signs nobody up at start (its tokens are
    /// empty): for settings under which a sign-up cannot succeed, with accounts made by an
    /// earlier server on the same directory.
    pub fn start_without_accounts(dir: &Path, args: &[&str]) -> Self {
        let url = database_url(dir);
        let (child, base) = spawn(dir, &url, args);
        TestServer {
            child: Some(child),
            base,
            dir: dir.to_path_buf(),
            _tmp: None,
            db_url: url,
            _schema: None,
            sme_token: String::new(),
            investor_token: String::new(),
        }
    }

    /// Signs up a fresh account of `role`; returns its token and id.
    pub fn sign_up(&self, role: &str) -> (String, String) {
        let email = format!(
            "{}-{}@test.example",
            role.to_lowercase(),
            uuid::Uuid::new_v4().simple()
        );
        let data = self.ok(
            "mutation($input: SignUpInput!) { signUp(input: $input) { token user { id } } }",
            json!({ "input": { "email": email, "password": "correct horse battery", "role": role } }),
        );
        (
            data["signUp"]["token"].as_str().expect("token").to_string(),
            data["signUp"]["user"]["id"]
                .as_str()
                .expect("id")
                .to_string(),
        )
    }

    /// Requests as the SME account signed up at start.
    pub fn as_sme(&self) -> Client<'_> {
        self.as_token(&self.sme_token)
    }

    /// Requests as the INVESTOR account signed up at start.
    pub fn as_investor(&self) -> Client<'_> {
        self.as_token(&self.investor_token)
    }

    /// Requests without a token.
    pub fn anonymous(&self) -> Client<'_> {
        Client {
            base: &self.base,
            token: None,
        }
    }

    pub fn as_token(&self, token: &str) -> Client<'_> {
        Client {
            base: &self.base,
            token: Some(token.to_string()),
        }
    }

    /// The server process's id (to read its memory from /proc, or signal it).
    pub fn pid(&self) -> u32 {
        self.child.as_ref().expect("server running").id()
    }

    pub fn db_path(&self) -> PathBuf {
        self.dir.join("khkr.db")
    }

    /// The `--database-url` the server runs on.
    pub fn database_url(&self) -> String {
        self.db_url.clone()
    }

    /// POSTs a GraphQL request as an anonymous visitor; returns the whole response body.
    pub fn gql(&self, query: &str, variables: Value) -> Value {
        Client {
            base: &self.base,
            token: None,
        }
        .gql(query, variables)
    }

    /// Like [`gql`] but fails the test on any GraphQL error; returns `data`.
    pub fn ok(&self, query: &str, variables: Value) -> Value {
        Client {
            base: &self.base,
            token: None,
        }
        .ok(query, variables)
    }

    pub fn get(&self, path: &str) -> (u16, String) {
        match ureq::get(&format!("{}{path}", self.base)).call() {
            Ok(r) => (r.status(), r.into_string().unwrap_or_default()),
            Err(ureq::Error::Status(code, r)) => (code, r.into_string().unwrap_or_default()),
            Err(e) => panic!("request failed: {e}"),
        }
    }

    /// Stops the server as an operator would (SIGTERM) and waits for it to exit.
    pub fn stop(mut self) {
        if let Some(mut child) = self.child.take() {
            let status = Command::new("kill")
                .arg("-TERM")
                .arg(child.id().to_string())
                .status()
                .expect("kill -TERM");
            assert!(status.success());
            let exit = child.wait().expect("wait");
            assert!(exit.success(), "server exited with {exit}");
        }
    }

    /// Kills the server with SIGKILL: no chance to flush or clean up.
    pub fn crash(mut self) {
        if let Some(mut child) = self.child.take() {
            child.kill().expect("SIGKILL");
            let _ = child.wait();
        }
    }
}

/// Requests with (or without) a bearer token.
pub struct Client<'a> {
    base: &'a str,
    token: Option<String>,
}

impl Client<'_> {
    pub fn gql(&self, query: &str, variables: Value) -> Value {
        let mut req = ureq::post(&format!("{}/graphql", self.base));
        if let Some(t) = &self.token {
            req = req.set("Authorization", &format!("Bearer {t}"));
        }
        match req.send_json(json!({ "query": query, "variables": variables })) {
            Ok(r) => r.into_json().expect("JSON body"),
            Err(ureq::Error::Status(code, r)) => {
                panic!("HTTP {code}: {}", r.into_string().unwrap_or_default())
            }
            Err(e) => panic!("request failed: {e}"),
        }
    }

    pub fn ok(&self, query: &str, variables: Value) -> Value {
        let body = self.gql(query, variables);
        assert!(body.get("errors").is_none(), "unexpected errors: {body:#}");
        body["data"].clone()
    }

    /// The HTTP status and JSON body, whatever the status (a refusal such as 429 answers a
    /// GraphQL body too).
    pub fn gql_status(&self, query: &str, variables: Value) -> (u16, Value) {
        let mut req = ureq::post(&format!("{}/graphql", self.base));
        if let Some(t) = &self.token {
            req = req.set("Authorization", &format!("Bearer {t}"));
        }
        match req.send_json(json!({ "query": query, "variables": variables })) {
            Ok(r) => (r.status(), r.into_json().expect("JSON body")),
            Err(ureq::Error::Status(code, r)) => (code, r.into_json().expect("JSON body")),
            Err(e) => panic!("request failed: {e}"),
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Polls `check` until it holds or `within` passes; returns how long it took.
pub fn eventually(
    within: std::time::Duration,
    mut check: impl FnMut() -> bool,
) -> Option<std::time::Duration> {
    let start = std::time::Instant::now();
    loop {
        if check() {
            return Some(start.elapsed());
        }
        if start.elapsed() > within {
            return None;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// The first error's `extensions.code`.
pub fn error_code(body: &Value) -> &str {
    body["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("no error code in {body:#}"))
}

/// Runs `f` on the server's store, opened through the library as the server opens it (any
/// backend the database URL names), independently of the server process. Tests ask the store
/// contract rather than read tables, so they hold on any backend.
pub fn with_store<T, F, Fut>(s: &TestServer, f: F) -> T
where
    F: FnOnce(Arc<dyn Store>) -> Fut,
    Fut: Future<Output = T>,
{
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let store = khkr_match::store::open(&s.database_url())
            .await
            .expect("open the store");
        let out = f(store.clone()).await;
        store.close().await;
        out
    })
}

/// An id as the API shows it, for store calls.
pub fn parse_id(id: &str) -> khkr_match::domain::ids::ProfileId {
    khkr_match::domain::ids::ProfileId::parse(id).expect("an id")
}

/// Row counts every mutation writes: SMEs and investors (whatever their status) and outbox
/// entries.
pub fn row_counts(s: &TestServer) -> (i64, i64, i64) {
    with_store(s, |store| async move {
        let counts = store.counts().await.expect("counts");
        let outbox = store.outbox_len().await.expect("outbox length");
        (counts.smes, counts.investors, outbox)
    })
}

/// Runs one SQL scalar query against the server's database (SQLite or PostgreSQL, by its URL),
/// independently of the server. Only for tests about what the database itself holds (bytes as
/// stored); everything else asks the store through [`with_store`].
pub fn sql_scalar(s: &TestServer, sql: &str) -> Value {
    use sqlx::{Column, Connection, Row};
    fn value<R: Row>(row: &R) -> Value
    where
        usize: sqlx::ColumnIndex<R>,
        for<'r> i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
        for<'r> Option<String>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    {
        if let Ok(i) = row.try_get::<i64, _>(0) {
            json!(i)
        } else {
            let name = row.columns().first().map(|c| c.name().to_string());
            json!(row
                .try_get::<Option<String>, _>(0)
                .unwrap_or_else(|e| panic!("{name:?}: text or integer column: {e}")))
        }
    }
    let url = s.database_url();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        if url.starts_with("postgres") {
            let mut conn = sqlx::PgConnection::connect(&url).await.expect("open db");
            let row = sqlx::query(sql).fetch_one(&mut conn).await.expect("query");
            let v = value(&row);
            let _ = conn.close().await;
            v
        } else {
            let mut conn = sqlx::SqliteConnection::connect(&url)
                .await
                .expect("open db");
            let row = sqlx::query(sql).fetch_one(&mut conn).await.expect("query");
            let v = value(&row);
            let _ = conn.close().await;
            v
        }
    })
}

pub const SME_FIELDS: &str = "id name { en km ko } displayName description { en km ko } sectorCode \
    secondarySectorCodes provinceCode employees foundedYear capitalSoughtMinUsd capitalSoughtMaxUsd \
    partnershipTypes digitalIndicators digitalLevel digitalScore languages \
    contact { person email phone telegram } visibility status version";

pub const INVESTOR_FIELDS: &str = "id name { en km ko } description { en km ko } organizationType \
    sectorInterests excludedSectors ticketMinUsd ticketMaxUsd partnershipTypes preferredProvinces \
    preferredDigitalLevels incentivePreferences languages contact { person email phone telegram } \
    status version";

/// A complete, valid SME input (a cashew processor in Kampong Thom).
pub fn sme_input() -> Value {
    json!({
        "name": { "en": "Sokha Cashew Processing", "km": "រោងចក្រកែច្នៃគ្រាប់ស្វាយចន្ទីសុខា" },
        "description": {
            "en": "We roast and pack cashew nuts from Kampong Thom farms for export.",
            "km": "យើងលីង និងវេចខ្ចប់គ្រាប់ស្វាយចន្ទីពីចម្ការនៅកំពង់ធំ សម្រាប់នាំចេញ។"
        },
        "sectorCode": "1030",
        "secondarySectorCodes": ["0125"],
        "provinceCode": "KH-6",
        "employees": 35,
        "foundedYear": 2016,
        "capitalSoughtMinUsd": 100000,
        "capitalSoughtMaxUsd": 400000,
        "partnershipTypes": ["EQUITY", "EXPORT_MARKET_ACCESS"],
        "digitalIndicators": ["SOCIAL_MEDIA", "MESSAGING_SALES", "E_PAYMENT"],
        "languages": ["km", "en"],
        "contact": { "person": "Chan Sokha", "email": "sokha@sokha-cashew.example",
                     "phone": "+855 12 345 678", "telegram": "@sokha_cashew" }
    })
}

/// A complete, valid investor input (a Korean K-beauty distributor).
pub fn investor_input() -> Value {
    json!({
        "name": { "en": "Hanbit Beauty Trading", "ko": "한빛뷰티 무역" },
        "description": {
            "en": "Distributes Korean cosmetics in Southeast Asia and sources natural ingredients.",
            "ko": "동남아시아에서 한국 화장품을 유통하고 천연 원료를 조달합니다."
        },
        "organizationType": "TRADING_DISTRIBUTOR",
        "sectorInterests": ["2023", "4772"],
        "excludedSectors": ["1200"],
        "ticketMinUsd": 50000,
        "ticketMaxUsd": 500000,
        "partnershipTypes": ["DISTRIBUTION", "MANUFACTURING"],
        "preferredProvinces": ["KH-12", "KH-18"],
        "preferredDigitalLevels": ["INTERMEDIATE", "ADVANCED"],
        "incentivePreferences": ["KOREA_FTA_EXPORT"],
        "languages": ["ko", "en"],
        "contact": { "person": "Kim Minji", "email": "minji@hanbit-beauty.example" }
    })
}

pub const PUBLISH_SME: &str = "mutation($input: SmeInput!) { publishSme(input: $input) { id } }";
pub const PUBLISH_INVESTOR: &str =
    "mutation($input: InvestorInput!) { publishInvestor(input: $input) { id } }";

/// Publishes an SME and returns its id.
pub fn publish_sme(s: &TestServer, input: Value) -> String {
    let data = s.as_sme().ok(PUBLISH_SME, json!({ "input": input }));
    data["publishSme"]["id"].as_str().expect("id").to_string()
}

pub fn publish_investor(s: &TestServer, input: Value) -> String {
    let data = s
        .as_investor()
        .ok(PUBLISH_INVESTOR, json!({ "input": input }));
    data["publishInvestor"]["id"]
        .as_str()
        .expect("id")
        .to_string()
}

/// A GraphQL request that reports failure instead of panicking (for load and crash tests).
pub fn try_gql(base: &str, token: &str, query: &str, variables: Value) -> Result<Value, String> {
    let resp = ureq::post(&format!("{base}/graphql"))
        .timeout(Duration::from_secs(60))
        .set("Authorization", &format!("Bearer {token}"))
        .send_json(json!({ "query": query, "variables": variables }))
        .map_err(|e| e.to_string())?;
    let body: Value = resp.into_json().map_err(|e| e.to_string())?;
    if body.get("errors").is_some() {
        return Err(body.to_string());
    }
    Ok(body["data"].clone())
}

/// A word made of letters only, unique for `n`, that no analyzer splits or stems away.
pub fn token(n: usize) -> String {
    let mut s = String::from("zq");
    let mut n = n;
    loop {
        s.push((b'a' + (n % 26) as u8) as char);
        n /= 26;
        if n == 0 {
            break;
        }
    }
    s.push('x');
    s
}

/// Staff (`staff`: a token) shortlist the pair and, with a message, introduce it; the match id.
pub fn introduced(
    s: &TestServer,
    staff: &str,
    sme: &str,
    investor: &str,
    message: Option<&str>,
) -> String {
    let id = s.as_token(staff).ok(
        "mutation($s: ID!, $i: ID!) { shortlistMatch(smeId: $s, investorId: $i) { id } }",
        json!({ "s": sme, "i": investor }),
    )["shortlistMatch"]["id"]
        .as_str()
        .expect("a match id")
        .to_string();
    if let Some(m) = message {
        s.as_token(staff).ok(
            "mutation($id: ID!, $m: String!) { introduce(matchId: $id, message: $m) { stage } }",
            json!({ "id": id, "m": m }),
        );
    }
    id
}

/// Creates an account with the operator's CLI (`khkr-match user create`) on the server's
/// database, logs it in, and returns its token and id.
pub fn operator_account(s: &TestServer, role: &str) -> (String, String) {
    let (_, token, id) = operator_account_with_email(s, role);
    (token, id)
}

/// The password of the accounts [`operator_account`] creates.
pub const OPERATOR_PASSWORD: &str = "staff password 1";

/// Like [`operator_account`], and also returns the e-mail (to log in through a form).
pub fn operator_account_with_email(s: &TestServer, role: &str) -> (String, String, String) {
    let email = format!(
        "{}-{}@chamber.example",
        role.to_lowercase(),
        uuid::Uuid::new_v4().simple()
    );
    let out = Command::new(bin())
        .args([
            "user",
            "create",
            "--email",
            &email,
            "--password",
            OPERATOR_PASSWORD,
            "--role",
            role,
        ])
        .arg("--database-url")
        .arg(s.database_url())
        .output()
        .expect("run user create");
    assert!(
        out.status.success(),
        "user create: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let data = s.ok(
        "mutation($e: String!, $p: String!) { logIn(email: $e, password: $p) { token user { id role } } }",
        json!({ "e": email, "p": OPERATOR_PASSWORD }),
    );
    assert_eq!(data["logIn"]["user"]["role"], role);
    (
        email,
        data["logIn"]["token"].as_str().expect("token").to_string(),
        data["logIn"]["user"]["id"]
            .as_str()
            .expect("id")
            .to_string(),
    )
}

/// One HTTP/1.1 exchange written by hand, for tests of the transport itself: unlike ureq it
/// sends exactly the headers given (no default `Accept`, no `Content-Type`).
pub struct RawResponse {
    pub status: u16,
    /// Header names lower-cased, in the order received.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl RawResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8(self.body.clone()).expect("UTF-8 body")
    }

    /// The body as JSON (fails the test when it is not).
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "HTTP {} body is not JSON ({e}): {}",
                self.status,
                String::from_utf8_lossy(&self.body)
            )
        })
    }
}

/// Sends `method path` to `base` (`http://127.0.0.1:PORT`) with exactly `headers` and `body`.
pub fn raw_http(
    base: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&[u8]>,
) -> RawResponse {
    use std::io::{Read, Write};
    let authority = base.strip_prefix("http://").expect("http:// base");
    let mut stream = std::net::TcpStream::connect(authority).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .expect("timeout");
    let mut request =
        format!("{method} {path} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    if let Some(body) = body {
        request.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    request.push_str("\r\n");
    stream
        .write_all(request.as_bytes())
        .expect("send request head");
    // A server may refuse on the head alone (413 by Content-Length) and close without reading
    // the body: then the answer is read instead of writing into a closed connection, whose
    // reset could discard it.
    // Only large bodies are worth the wait: small ones are read whole by any server.
    let large = body.is_some_and(|b| b.len() > 64 * 1024);
    stream
        .set_read_timeout(Some(Duration::from_millis(300)))
        .expect("timeout");
    let answered_early = large && matches!(stream.peek(&mut [0u8; 1]), Ok(n) if n > 0);
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .expect("timeout");
    if let (Some(body), false) = (body, answered_early) {
        if let Err(e) = stream.write_all(body) {
            let closed = matches!(
                e.kind(),
                std::io::ErrorKind::BrokenPipe | std::io::ErrorKind::ConnectionReset
            );
            assert!(closed, "send request body: {e}");
        }
    }
    let mut raw = Vec::new();
    if let Err(e) = stream.read_to_end(&mut raw) {
        // A reset after the answer: what arrived before it is the answer.
        assert!(!raw.is_empty(), "read response: {e}");
    }
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("end of response headers");
    let head = String::from_utf8_lossy(&raw[..split]).to_string();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .expect("status line");
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    let chunked = headers
        .iter()
        .any(|(n, v)| n == "transfer-encoding" && v.eq_ignore_ascii_case("chunked"));
    if chunked {
        body = dechunk(&body);
    }
    RawResponse {
        status,
        headers,
        body,
    }
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let line_end = data
            .windows(2)
            .position(|w| w == b"\r\n")
            .expect("chunk size line");
        let size_text = String::from_utf8_lossy(&data[..line_end]).to_string();
        let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16)
            .expect("chunk size");
        data = &data[line_end + 2..];
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&data[..size]);
        data = &data[size + 2..];
    }
}
