//! The key that encrypts channel secrets at rest, and the sealing itself.
//!
//! A channel's signing secret must be readable by the delivery worker but
//! not by someone who only gets hold of the database (a backup, a dump, a
//! read replica). So it is sealed with AES-256-GCM under a key kept outside
//! the database:
//! - `CHIEF_SECRET_KEY`: base64 of 32 random bytes (every instance of a
//!   PostgreSQL deployment must share it); or else
//! - a key file `secret.key` (the same base64 text) next to the SQLite store,
//!   or in the data directory for PostgreSQL, created on first use with mode
//!   0600.
//!
//! A sealed value is base64 of a random 96-bit nonce followed by the
//! ciphertext and tag. The channel id is bound as associated data, so a
//! sealed secret copied onto another channel's row does not open.

use crate::{Db, StoreError};
use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use rand::RngCore;
use std::path::{Path, PathBuf};

/// The environment variable holding the key.
pub const KEY_ENV: &str = "CHIEF_SECRET_KEY";
/// The key file's name, next to the SQLite store or in the data directory.
pub const KEY_FILE: &str = "secret.key";

const NONCE_LEN: usize = 12;

/// Seals and opens secrets with the deployment's key.
#[derive(Clone)]
pub struct SecretBox {
    cipher: Aes256Gcm,
}

impl std::fmt::Debug for SecretBox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretBox(…)")
    }
}

impl SecretBox {
    /// A box from base64 text of 32 bytes; `source` names where the text
    /// came from in the error.
    pub fn from_key_text(text: &str, source: &str) -> Result<SecretBox, StoreError> {
        let bytes = B64.decode(text.trim()).map_err(|_| {
            StoreError::Config(format!(
                "{source} is not base64: it must hold 32 random bytes in base64 (try `openssl rand -base64 32`)"
            ))
        })?;
        let cipher = Aes256Gcm::new_from_slice(&bytes).map_err(|_| {
            StoreError::Config(format!(
                "{source} holds {} bytes; an AES-256 key is 32 (try `openssl rand -base64 32`)",
                bytes.len()
            ))
        })?;
        Ok(SecretBox { cipher })
    }

    /// The key from `env_key` (the value of `CHIEF_SECRET_KEY`) when set,
    /// else from `key_file`, which is created with a new random key when it
    /// does not exist.
    pub fn load(env_key: Option<&str>, key_file: &Path) -> Result<SecretBox, StoreError> {
        if let Some(text) = env_key.filter(|t| !t.trim().is_empty()) {
            return SecretBox::from_key_text(text, KEY_ENV);
        }
        let source = key_file.display().to_string();
        match std::fs::read_to_string(key_file) {
            Ok(text) => SecretBox::from_key_text(&text, &source),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                create_key_file(key_file)?;
                let text = std::fs::read_to_string(key_file)
                    .map_err(|e| StoreError::Config(format!("cannot read {source}: {e}")))?;
                SecretBox::from_key_text(&text, &source)
            }
            Err(e) => Err(StoreError::Config(format!(
                "cannot read the secret key file {source}: {e}"
            ))),
        }
    }

    /// The deployment's box for `db`: `CHIEF_SECRET_KEY`, or else the key
    /// file [`key_file_for`] names.
    pub fn locate(db: &Db, data_dir: Option<&Path>) -> Result<SecretBox, StoreError> {
        let env = std::env::var(KEY_ENV).ok();
        SecretBox::load(env.as_deref(), &key_file_for(db, data_dir)?)
    }

    /// Encrypts `plaintext` for the row named by `context`.
    pub fn seal(&self, plaintext: &[u8], context: &[u8]) -> String {
        let mut nonce = [0u8; NONCE_LEN];
        rand::rng().fill_bytes(&mut nonce);
        let sealed = self
            .cipher
            .encrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: plaintext,
                    aad: context,
                },
            )
            .expect("AES-GCM encrypts any message under 64 GiB");
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        B64.encode(out)
    }

    /// Decrypts what [`SecretBox::seal`] made for the same `context`.
    pub fn open(&self, sealed: &str, context: &[u8]) -> Result<Vec<u8>, StoreError> {
        let wrong_key = || {
            StoreError::Config(format!(
                "a stored secret does not open with this key: was {KEY_ENV} or the {KEY_FILE} file changed?"
            ))
        };
        let bytes = B64.decode(sealed).map_err(|_| wrong_key())?;
        if bytes.len() < NONCE_LEN {
            return Err(wrong_key());
        }
        let (nonce, ciphertext) = bytes.split_at(NONCE_LEN);
        let nonce: [u8; NONCE_LEN] = nonce.try_into().expect("split at its length");
        self.cipher
            .decrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: ciphertext,
                    aad: context,
                },
            )
            .map_err(|_| wrong_key())
    }
}

/// Where the key file lives: next to the SQLite store, or in `data_dir`
/// (else the user's data directory) for PostgreSQL.
pub fn key_file_for(db: &Db, data_dir: Option<&Path>) -> Result<PathBuf, StoreError> {
    if let Db::Sqlite(pool, _) = db {
        let options = pool.connect_options();
        let store = options.get_filename();
        if let Some(dir) = store.parent() {
            return Ok(dir.join(KEY_FILE));
        }
    }
    let dir = match data_dir {
        Some(d) => d.to_path_buf(),
        None => dirs::data_dir().map(|d| d.join("chief")).ok_or_else(|| {
            StoreError::Config(format!(
                "no place for the secret key: set {KEY_ENV} or --data-dir"
            ))
        })?,
    };
    Ok(dir.join(KEY_FILE))
}

/// Writes a new random key to `path` (mode 0600) unless one appears there
/// first: the key is written to a private temporary file and hard-linked
/// into place, which fails rather than overwrites, so two processes
/// starting at once agree on one key.
fn create_key_file(path: &Path) -> Result<(), StoreError> {
    let fail = |e: std::io::Error| {
        StoreError::Config(format!(
            "cannot create the secret key file {}: {e} (or set {KEY_ENV})",
            path.display()
        ))
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(fail)?;
    }
    let mut key = [0u8; 32];
    rand::rng().fill_bytes(&mut key);
    let tmp = path.with_extension(format!(
        "tmp-{}-{}",
        std::process::id(),
        rand::random::<u32>()
    ));
    write_private(&tmp, format!("{}\n", B64.encode(key)).as_bytes()).map_err(fail)?;
    let linked = std::fs::hard_link(&tmp, path);
    let _ = std::fs::remove_file(&tmp);
    match linked {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(fail(e)),
    }
}

fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    let mut file = opts.open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_secret_opens_only_with_its_key_and_row() {
        let dir = tempfile::tempdir().unwrap();
        let a = SecretBox::load(None, &dir.path().join(KEY_FILE)).unwrap();
        let sealed = a.seal(b"whsec_abc", b"channel:1");
        assert!(!sealed.contains("whsec"));
        assert_ne!(sealed, a.seal(b"whsec_abc", b"channel:1"), "fresh nonce");
        assert_eq!(a.open(&sealed, b"channel:1").unwrap(), b"whsec_abc");
        assert!(a.open(&sealed, b"channel:2").is_err());
        let other = SecretBox::load(None, &dir.path().join("other.key")).unwrap();
        assert!(other.open(&sealed, b"channel:1").is_err());
        assert!(a.open("not base64 ✗", b"channel:1").is_err());
    }

    #[test]
    fn the_key_file_is_created_once_private_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested").join(KEY_FILE);
        let first = SecretBox::load(None, &path).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let again = SecretBox::load(None, &path).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
        let sealed = first.seal(b"x", b"c");
        assert_eq!(again.open(&sealed, b"c").unwrap(), b"x");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn the_environment_key_wins_and_a_bad_one_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(KEY_FILE);
        let key = B64.encode([7u8; 32]);
        SecretBox::load(Some(&key), &path).unwrap();
        assert!(
            !path.exists(),
            "no key file when the environment has the key"
        );
        let short = SecretBox::load(Some(&B64.encode([1u8; 16])), &path).unwrap_err();
        assert!(
            short
                .to_string()
                .contains("CHIEF_SECRET_KEY holds 16 bytes"),
            "{short}"
        );
        let garbage = SecretBox::load(Some("🔑🔑"), &path).unwrap_err();
        assert!(garbage.to_string().contains("not base64"), "{garbage}");
    }
}
