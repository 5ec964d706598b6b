//! What the HTTP benchmarks (`bench pages`, `bench load`) share: a demo server started from this
//! very binary in a scratch directory, and a small keep-alive HTTP/1.1 client that can speak from
//! any loopback address (so a "stranger" and the ordinary users have addresses of their own, as
//! they would on the internet, and per-address limits see them apart).

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpSocket, TcpStream};

use super::{setup, BenchError};

/// `serve --demo` on a free port; killed and its directory removed when dropped.
pub struct Server {
    child: Child,
    pub addr: SocketAddr,
    dir: PathBuf,
    /// (role, password) of the demo accounts, as printed at start-up.
    pub passwords: Vec<(String, String)>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl Server {
    /// Starts the demo server with `extra` arguments; waits until it listens.
    pub fn start(label: &str, extra: &[&str]) -> Result<Server, BenchError> {
        let dir = std::env::temp_dir().join(format!("khkr-bench-{label}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).map_err(setup)?;
        let exe = std::env::current_exe().map_err(setup)?;
        let mut child = Command::new(exe)
            .arg("serve")
            .arg("--demo")
            .arg("--bind")
            .arg("127.0.0.1:0")
            .arg("--database-url")
            .arg(format!("sqlite:{}", dir.join("demo.db").display()))
            .arg("--index-dir")
            .arg(dir.join("index"))
            .args(extra)
            .env("KHKR_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(setup)?;
        let (stdout, stderr) = match (child.stdout.take(), child.stderr.take()) {
            (Some(o), Some(e)) => (o, e),
            _ => return Err(setup("the server's output could not be read")),
        };
        // The demo passwords are printed on standard error before the port is bound.
        let (pw_tx, pw_rx) = mpsc::channel();
        std::thread::spawn(move || {
            use std::io::BufRead;
            for line in std::io::BufReader::new(stderr)
                .lines()
                .map_while(Result::ok)
            {
                let words: Vec<&str> = line.split_whitespace().collect();
                if let [role, email, password] = words[..] {
                    if email.ends_with("@demo.khkr.example") {
                        let _ = pw_tx.send((role.to_string(), password.to_string()));
                    }
                }
            }
        });
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            use std::io::BufRead;
            for line in std::io::BufReader::new(stdout)
                .lines()
                .map_while(Result::ok)
            {
                if let Some(addr) = line.strip_prefix("listening on http://") {
                    let _ = tx.send(addr.to_string());
                }
            }
        });
        eprintln!("starting the demo server (2,000 SMEs, 300 investors)…");
        let addr = match rx.recv_timeout(Duration::from_secs(600)) {
            Ok(a) => a.parse().map_err(setup)?,
            Err(_) => {
                let _ = child.kill();
                return Err(setup("the demo server did not start within 10 minutes"));
            }
        };
        let passwords = pw_rx.try_iter().collect();
        Ok(Server {
            child,
            addr,
            dir,
            passwords,
        })
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The demo password of `role` (`SME`, `INVESTOR`, `STAFF`, `ADMIN`).
    pub fn password(&self, role: &str) -> Result<&str, BenchError> {
        self.passwords
            .iter()
            .find(|(r, _)| r == role)
            .map(|(_, p)| p.as_str())
            .ok_or_else(|| {
                setup(format!(
                    "no demo password for {role} on the server's output"
                ))
            })
    }
}

/// The server's resident memory now and at its peak, in bytes (Linux `/proc`).
pub fn memory(pid: u32) -> Option<(u64, u64)> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let kb = |key: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(key))
            .and_then(|v| v.split_whitespace().next()?.parse::<u64>().ok())
            .map(|v| v * 1024)
    };
    Some((kb("VmRSS:")?, kb("VmHWM:")?))
}

/// A keep-alive HTTP/1.1 connection: just enough client for our own server's answers.
pub struct Conn {
    reader: BufReader<TcpStream>,
    from: IpAddr,
    addr: SocketAddr,
}

pub struct Answer {
    pub status: u16,
    pub body: Vec<u8>,
}

impl Answer {
    /// The GraphQL error code of the first error, if any.
    pub fn graphql_code(&self) -> Option<String> {
        let v: serde_json::Value = serde_json::from_slice(&self.body).ok()?;
        v["errors"][0]["extensions"]["code"]
            .as_str()
            .map(str::to_string)
    }
}

impl Conn {
    /// A connection to `addr` from the loopback address `from` (any of 127.0.0.0/8).
    pub async fn open(from: IpAddr, addr: SocketAddr) -> Result<Self, BenchError> {
        let socket = TcpSocket::new_v4().map_err(setup)?;
        socket.bind(SocketAddr::new(from, 0)).map_err(setup)?;
        let stream = socket.connect(addr).await.map_err(setup)?;
        stream.set_nodelay(true).map_err(setup)?;
        Ok(Conn {
            reader: BufReader::new(stream),
            from,
            addr,
        })
    }

    /// Opens the connection again (after the server closed it).
    pub async fn reopen(&mut self) -> Result<(), BenchError> {
        *self = Conn::open(self.from, self.addr).await?;
        Ok(())
    }

    pub async fn send(
        &mut self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        json: Option<&str>,
    ) -> Result<Answer, BenchError> {
        let mut req = format!("{method} {path} HTTP/1.1\r\nHost: {}\r\n", self.addr);
        for (k, v) in headers {
            req.push_str(&format!("{k}: {v}\r\n"));
        }
        if let Some(b) = json {
            req.push_str(&format!(
                "Content-Type: application/json\r\nContent-Length: {}\r\n",
                b.len()
            ));
        }
        req.push_str("\r\n");
        if let Some(b) = json {
            req.push_str(b);
        }
        self.reader
            .get_mut()
            .write_all(req.as_bytes())
            .await
            .map_err(setup)?;
        let mut line = String::new();
        self.reader.read_line(&mut line).await.map_err(setup)?;
        let status = line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| setup(format!("bad status line {line:?} for {path}")))?;
        let (mut length, mut chunked) = (None, false);
        loop {
            line.clear();
            self.reader.read_line(&mut line).await.map_err(setup)?;
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            if let Some((k, v)) = l.split_once(':') {
                let (k, v) = (k.trim().to_ascii_lowercase(), v.trim());
                if k == "content-length" {
                    length = v.parse::<usize>().ok();
                } else if k == "transfer-encoding" && v.eq_ignore_ascii_case("chunked") {
                    chunked = true;
                }
            }
        }
        let mut body = Vec::new();
        if chunked {
            loop {
                line.clear();
                self.reader.read_line(&mut line).await.map_err(setup)?;
                let size = usize::from_str_radix(line.trim(), 16).map_err(setup)?;
                let mut chunk = vec![0; size + 2];
                self.reader.read_exact(&mut chunk).await.map_err(setup)?;
                if size == 0 {
                    break;
                }
                body.extend_from_slice(&chunk[..size]);
            }
        } else if let Some(n) = length {
            body.resize(n, 0);
            self.reader.read_exact(&mut body).await.map_err(setup)?;
        }
        Ok(Answer { status, body })
    }

    /// A page, as the signed-in holder of `token` when given (the session cookie).
    pub async fn page(&mut self, path: &str, token: Option<&str>) -> Result<Answer, BenchError> {
        let cookie = token.map(|t| format!("{}={t}", crate::web::session::SESSION_COOKIE));
        match &cookie {
            Some(c) => self.send("GET", path, &[("Cookie", c)], None).await,
            None => self.send("GET", path, &[], None).await,
        }
    }

    /// A GraphQL request, as the holder of `token` when given (a bearer token).
    pub async fn graphql(
        &mut self,
        query: &str,
        variables: serde_json::Value,
        token: Option<&str>,
    ) -> Result<Answer, BenchError> {
        let body = serde_json::json!({ "query": query, "variables": variables }).to_string();
        let bearer = token.map(|t| format!("Bearer {t}"));
        match &bearer {
            Some(b) => {
                self.send("POST", "/graphql", &[("Authorization", b)], Some(&body))
                    .await
            }
            None => self.send("POST", "/graphql", &[], Some(&body)).await,
        }
    }
}

/// Signs in over GraphQL; the session token (the API's bearer token, the pages' cookie).
pub async fn log_in(conn: &mut Conn, email: &str, password: &str) -> Result<String, BenchError> {
    let a = conn
        .graphql(
            "mutation($e: String!, $p: String!) { logIn(email: $e, password: $p) { token } }",
            serde_json::json!({ "e": email, "p": password }),
            None,
        )
        .await?;
    let v: serde_json::Value = serde_json::from_slice(&a.body).map_err(setup)?;
    let token = v["data"]["logIn"]["token"]
        .as_str()
        .ok_or_else(|| setup(format!("log-in as {email} failed: {v}")))?;
    Ok(token.to_string())
}
