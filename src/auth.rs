//! Passwords and bearer tokens.
//!
//! Passwords are hashed with argon2id (the `argon2` crate's defaults, OWASP's recommended
//! minimum). Tokens are 244 random bits from the OS (two UUIDv4s) prefixed `khkr_`; only their
//! SHA-256 is stored, so a copy of the database yields no usable token.
//!
//! Hashing is slow and memory-hard on purpose (argon2id holds 19 MiB while it runs), so it runs
//! on [`HashPool`]: a few dedicated threads (about the core count) fed by a bounded queue. At
//! most that many hashes are in flight, each thread reuses its own memory for the next hash, and
//! a request that finds the queue full is refused at once ([`PoolBusy`]) instead of waiting or
//! allocating: a flood of log-ins costs a bounded amount of memory and time.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use sha2::{Digest, Sha256};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex, OnceLock};

#[derive(Debug, thiserror::Error)]
#[error("password hashing failed: {0}")]
pub struct HashError(String);

pub fn hash_password(password: &str) -> Result<String, HashError> {
    // 16 random bytes from the OS (a UUIDv4's randomness) as the salt.
    let salt = SaltString::encode_b64(uuid::Uuid::new_v4().as_bytes())
        .map_err(|e| HashError(e.to_string()))?;
    Argon2::default()
        .hash_password(
            crate::domain::account::password_as_typed(password).as_bytes(),
            &salt,
        )
        .map(|h| h.to_string())
        .map_err(|e| HashError(e.to_string()))
}

/// False for a wrong password and for a hash that cannot be read. A password hashed before
/// `domain::account::password_as_typed` existed is checked as it was typed too, so nobody's password stops working.
pub fn verify_password(password: &str, hash: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    let check = |p: &str| {
        Argon2::default()
            .verify_password(p.as_bytes(), &parsed)
            .is_ok()
    };
    let typed = crate::domain::account::password_as_typed(password);
    check(&typed) || (typed != password && check(password))
}

/// The hashing queue is full: too many log-ins and sign-ups at once; retry shortly.
#[derive(Debug, Clone, Copy, thiserror::Error)]
#[error("the server is busy checking passwords; retry in a moment")]
pub struct PoolBusy;

type Job = Box<dyn FnOnce() + Send>;

/// A bounded pool of password-hashing threads (see the module comment).
pub struct HashPool {
    jobs: SyncSender<Job>,
    threads: usize,
}

impl HashPool {
    /// `threads` hashing threads (at least 1) and room for `queue` waiting jobs.
    pub fn new(threads: usize, queue: usize) -> Self {
        let threads = threads.max(1);
        let (jobs, rx) = sync_channel::<Job>(queue);
        let rx = Arc::new(Mutex::new(rx));
        for i in 0..threads {
            let rx = rx.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("khkr-hash-{i}"))
                .spawn(move || worker(&rx));
            if let Err(e) = spawned {
                tracing::error!(error = %e, "cannot start a password-hashing thread");
            }
        }
        HashPool { jobs, threads }
    }

    pub fn threads(&self) -> usize {
        self.threads
    }

    /// Runs `f` on a hashing thread; refused at once when the queue is full. A job whose caller
    /// went away before its turn (client disconnected, request timed out) is skipped.
    pub async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, PoolBusy> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move || {
            if !tx.is_closed() {
                let _ = tx.send(f());
            }
        });
        match self.jobs.try_send(job) {
            Ok(()) => {}
            Err(TrySendError::Full(_)) => return Err(PoolBusy),
            // No thread could be started: say busy rather than hang.
            Err(TrySendError::Disconnected(_)) => return Err(PoolBusy),
        }
        rx.await.map_err(|_| PoolBusy)
    }
}

fn worker(rx: &Mutex<Receiver<Job>>) {
    loop {
        // The lock is held only while taking a job, never while hashing.
        let job = match rx.lock() {
            Ok(rx) => rx.recv(),
            Err(_) => return,
        };
        match job {
            Ok(job) => job(),
            Err(_) => return,
        }
    }
}

static POOL: OnceLock<HashPool> = OnceLock::new();

/// Default size of the hashing queue (jobs waiting for a thread).
pub const DEFAULT_HASH_QUEUE: usize = 64;

/// Sizes the process's hashing pool; the first call wins (the server calls it at start-up,
/// before any hash). `threads` 0 means the number of cores.
pub fn configure_pool(threads: usize, queue: usize) {
    let threads = if threads == 0 { cores() } else { threads };
    tracing::info!(threads, queue, "password hashing pool");
    if POOL.set(HashPool::new(threads, queue)).is_err() {
        tracing::debug!("password-hashing pool already configured");
    }
}

/// The process's hashing pool (default size when [`configure_pool`] was not called, as in
/// the command-line tools).
pub fn pool() -> &'static HashPool {
    POOL.get_or_init(|| HashPool::new(cores(), DEFAULT_HASH_QUEUE))
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}

/// A fresh bearer token.
pub fn new_token() -> String {
    format!(
        "khkr_{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    )
}

/// What is stored of a token.
pub fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// Lower-case hex of `bytes`.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The 32 bytes that 64 hex digits spell (a SHA-256, or an HMAC-SHA-256), else `None`.
pub(crate) fn sha256_from_hex(s: &str) -> Option<Vec<u8>> {
    if s.len() != 64 {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

/// An HMAC-SHA-256 keyed by `key` that has taken `label` first: each use has a label of its
/// own, so that one use's MAC is never another's.
pub(crate) fn labelled_mac(key: &[u8], label: &[u8]) -> hmac::Hmac<Sha256> {
    use hmac::Mac;
    // HMAC accepts keys of any length.
    let mut m = <hmac::Hmac<Sha256> as Mac>::new_from_slice(key)
        .unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
    m.update(label);
    m
}

/// What a device proof is MACed with besides its nonce (versioned, so a later format cannot be
/// mistaken for this one).
const DEVICE_LABEL: &[u8] = b"khkr-match device v1";
/// Hex digits of a proof's nonce and of its MAC, and the dot between.
const DEVICE_PROOF_LEN: usize = 32 + 1 + 64;

/// A device proof (OWASP's "device cookie"): handed to a client at a successful log-in, it lets
/// that client's later log-ins on the same account skip the account-wide back-off that anyone
/// who knows the e-mail can trigger. `nonce.mac`, the MAC an HMAC-SHA-256 keyed by the account's
/// stored password hash: nothing new to store or share between replicas (the hash is in the
/// database every replica reads), and a new password (changed or reset) ends every proof
/// made under the old one. A copy of the database could forge proofs, but it holds the hashes
/// themselves anyway.
pub fn device_proof(password_hash: &str, nonce: &str) -> String {
    use hmac::Mac;
    let mac = hex(&device_mac(password_hash, nonce).finalize().into_bytes());
    format!("{nonce}.{mac}")
}

/// A proof with a fresh nonce.
pub fn new_device_proof(password_hash: &str) -> String {
    device_proof(password_hash, &uuid::Uuid::new_v4().simple().to_string())
}

/// A proof of the same shape that no account made (what a sign-up answer carries for an e-mail
/// that has an account, so the answer tells nothing).
pub fn decoy_device_proof() -> String {
    let mac = format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    );
    format!("{}.{mac}", uuid::Uuid::new_v4().simple())
}

/// The nonce of `proof` when it was made for the account with this password hash (compared in
/// constant time); `None` for anything else, including input of another length.
pub fn device_nonce<'a>(password_hash: &str, proof: &'a str) -> Option<&'a str> {
    if proof.len() != DEVICE_PROOF_LEN {
        return None;
    }
    let (nonce, mac) = proof.split_once('.')?;
    if nonce.len() != 32 || !nonce.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    use hmac::Mac;
    device_mac(password_hash, nonce)
        .verify_slice(&sha256_from_hex(mac)?)
        .ok()
        .map(|()| nonce)
}

fn device_mac(password_hash: &str, nonce: &str) -> hmac::Hmac<Sha256> {
    use hmac::Mac;
    let mut m = labelled_mac(password_hash.as_bytes(), DEVICE_LABEL);
    m.update(nonce.as_bytes());
    m
}

/// A password humans can type from a printout, for demo accounts (not for real ones).
pub fn demo_password() -> String {
    let raw = uuid::Uuid::new_v4().simple().to_string();
    format!("demo-{}-{}", &raw[..6], &raw[6..12])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_is_the_same_from_any_keyboard_and_old_hashes_still_work() {
        let hash = hash_password("ប្រហុក\u{200B}ឆ្ងាញ់ណាស់៨៨").unwrap();
        for typed in ["ប្រហុកឆ្ងាញ់ណាស់88", "ប្រហុក\u{200B}ឆ្ងាញ់ណាស់៨៨", "ប្រហុកឆ្ងាញ់ណាស់៨8"]
        {
            assert!(verify_password(typed, &hash), "{typed}");
        }
        assert!(!verify_password("ប្រហុកឆ្ងាញ់ណាស់89", &hash));
        // A hash made from the password as typed, as before: still accepted.
        let salt = SaltString::encode_b64(uuid::Uuid::new_v4().as_bytes()).unwrap();
        let old = Argon2::default()
            .hash_password("ពាក្យ\u{200B}សម្ងាត់៨៨".as_bytes(), &salt)
            .unwrap()
            .to_string();
        assert!(verify_password("ពាក្យ\u{200B}សម្ងាត់៨៨", &old));
    }

    #[test]
    fn passwords_and_tokens() {
        let h = hash_password("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &h));
        assert!(!verify_password("wrong horse battery", &h));
        assert!(!verify_password("x", "not a hash"));
        let (a, b) = (new_token(), new_token());
        assert_ne!(a, b);
        assert_eq!(token_hash(&a).len(), 64);
        assert_eq!(token_hash(&a), token_hash(&a));
    }

    #[test]
    fn device_proofs_verify_only_for_their_account_and_password() {
        let (a, b) = (
            "$argon2id$v=19$m=19456,t=2,p=1$aaaa$bbbb",
            "$argon2id$other",
        );
        let proof = new_device_proof(a);
        assert_eq!(proof.len(), DEVICE_PROOF_LEN);
        let nonce = device_nonce(a, &proof).expect("its own account's proof");
        assert_eq!(proof, device_proof(a, nonce));
        // Another account, or the same one after a new password: no proof.
        assert_eq!(device_nonce(b, &proof), None);
        // Edited, cut, padded or made up: no proof, and no panic on odd input.
        let mut edited = proof.clone().into_bytes();
        edited[40] = if edited[40] == b'0' { b'1' } else { b'0' };
        for bad in [
            String::from_utf8(edited).unwrap(),
            proof[..96].to_string(),
            format!("{proof}0"),
            decoy_device_proof(),
            "x".repeat(DEVICE_PROOF_LEN),
            format!("{}.{}", "é".repeat(16), "0".repeat(64)),
            String::new(),
        ] {
            assert_eq!(device_nonce(a, &bad), None, "{bad:?}");
        }
        assert_eq!(decoy_device_proof().len(), DEVICE_PROOF_LEN);
    }

    #[tokio::test]
    async fn pool_refuses_past_its_queue() {
        let pool: &'static HashPool = Box::leak(Box::new(HashPool::new(1, 1)));
        let (hold, release) = std::sync::mpsc::channel::<()>();
        // One job occupies the thread, one waits in the queue, the third is refused at once.
        let busy = pool.run(move || {
            let _ = release.recv();
        });
        let busy = tokio::spawn(busy);
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        let queued = tokio::spawn(pool.run(|| 1));
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        assert!(pool.run(|| 2).await.is_err());
        hold.send(()).unwrap();
        busy.await.unwrap().unwrap();
        assert_eq!(queued.await.unwrap().unwrap(), 1);
    }
}
