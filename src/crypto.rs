//! Encryption of secrets at rest (AES-256-GCM: cloud-account SKs, staff TOTP secrets) and
//! random tokens.
//!
//! The key lives outside the database (environment, or a 0600 file). Each ciphertext is bound
//! to its row's id as associated data, so moving ciphertexts between rows fails to decrypt.
//! A ciphertext that does not open (sealed under another key, or altered) is [`Undecryptable`]:
//! a state of the one row it belongs to, which callers show and let staff repair.

use std::path::Path;

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use anyhow::{Context, bail};
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};

/// The key that encrypts SKs. `Debug` never shows it.
#[derive(Clone)]
pub struct SecretBox {
    cipher: Aes256Gcm,
    /// A short fingerprint of the key, stored beside each ciphertext to support rotation.
    key_id: String,
    /// Root of the keys derived for other purposes (form tokens), so the key itself is used
    /// only for encryption.
    derive_root: [u8; 32],
}

impl std::fmt::Debug for SecretBox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SecretBox")
            .field("key_id", &self.key_id)
            .finish_non_exhaustive()
    }
}

/// A stored secret this key cannot open: it was sealed under another key, or altered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the stored secret does not decrypt with this key")]
pub struct Undecryptable;

/// An encrypted value as stored.
#[derive(Debug, Clone)]
pub struct Sealed {
    pub nonce: Vec<u8>,
    pub ciphertext: Vec<u8>,
    pub key_id: String,
}

impl SecretBox {
    /// Builds the box from base64 of exactly 32 bytes.
    pub fn from_base64(key: &SecretString) -> anyhow::Result<Self> {
        let bytes = STANDARD
            .decode(key.expose_secret().trim())
            .context("the secret key is not valid base64")?;
        if bytes.len() != 32 {
            bail!("the secret key must be 32 bytes (base64 of 32 random bytes)");
        }
        let cipher = Aes256Gcm::new_from_slice(&bytes).context("building the cipher")?;
        let key_id = hex::encode(&Sha256::digest(&bytes)[..4]);
        let derive_root = hmac_sha256(&bytes, b"cbc-portal derived keys v1");
        Ok(Self {
            cipher,
            key_id,
            derive_root,
        })
    }

    /// Reads the key from a file, refusing files that group or others can read.
    pub fn from_file(path: &Path) -> anyhow::Result<Self> {
        check_private_file(path)?;
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading the secret key file {}", path.display()))?;
        Self::from_base64(&SecretString::from(text))
    }

    /// Loads the key file, creating it (mode 0600) with a fresh random key if it is missing.
    pub fn load_or_create(path: &Path) -> anyhow::Result<Self> {
        if !path.exists() {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("creating {}", dir.display()))?;
            }
            let key = STANDARD.encode(random_bytes::<32>());
            write_private_file(path, key.as_bytes())?;
            tracing::info!(path = %path.display(), "generated a new secret key");
        }
        Self::from_file(path)
    }

    /// A 32-byte key for `purpose`, derived from this key (same key, same result).
    pub fn derive_key(&self, purpose: &str) -> [u8; 32] {
        hmac_sha256(&self.derive_root, purpose.as_bytes())
    }

    /// Fingerprint of the key in use.
    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    /// Encrypts `plain`, bound to `context` (the owning row's id).
    pub fn seal(&self, plain: &SecretString, context: &[u8]) -> anyhow::Result<Sealed> {
        let nonce_bytes = random_bytes::<12>();
        let nonce = Nonce::try_from(&nonce_bytes[..]).context("nonce length")?;
        let ciphertext = self
            .cipher
            .encrypt(
                &nonce,
                Payload {
                    msg: plain.expose_secret().as_bytes(),
                    aad: context,
                },
            )
            .map_err(|_| anyhow::anyhow!("encryption failed"))?;
        Ok(Sealed {
            nonce: nonce_bytes.to_vec(),
            ciphertext,
            key_id: self.key_id.clone(),
        })
    }

    /// Decrypts a sealed value; fails if it was tampered with or sealed for another context.
    pub fn open(&self, sealed: &Sealed, context: &[u8]) -> Result<SecretString, Undecryptable> {
        let nonce = Nonce::try_from(&sealed.nonce[..]).map_err(|_| Undecryptable)?;
        let plain = self
            .cipher
            .decrypt(
                &nonce,
                Payload {
                    msg: &sealed.ciphertext,
                    aad: context,
                },
            )
            .map_err(|_| Undecryptable)?;
        let text = String::from_utf8(plain).map_err(|_| Undecryptable)?;
        Ok(SecretString::from(text))
    }
}

fn hmac_sha256(key: &[u8], msg: &[u8]) -> [u8; 32] {
    use hmac::{Hmac, KeyInit, Mac};
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key).expect("HMAC accepts any key");
    mac.update(msg);
    let mut out = [0u8; 32];
    out.copy_from_slice(&mac.finalize().into_bytes());
    out
}

/// Fails if `path` can be read by group or others.
pub fn check_private_file(path: &Path) -> anyhow::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let meta = std::fs::metadata(path).with_context(|| format!("reading {}", path.display()))?;
    let mode = meta.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        bail!(
            "{} has mode {mode:o}; secrets files must not be readable by group or others (chmod 600)",
            path.display()
        );
    }
    Ok(())
}

/// Writes a file readable only by its owner.
pub fn write_private_file(path: &Path, contents: &[u8]) -> anyhow::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("creating {}", path.display()))?;
    f.write_all(contents)
        .with_context(|| format!("writing {}", path.display()))
}

/// `N` bytes from the OS-seeded CSPRNG.
pub fn random_bytes<const N: usize>() -> [u8; N] {
    rand::random::<[u8; N]>()
}

/// A URL-safe random token with 256 bits of entropy.
pub fn random_token() -> String {
    URL_SAFE_NO_PAD.encode(random_bytes::<32>())
}

/// SHA-256 of a token, for storing tokens by hash.
pub fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// Constant-time equality for tokens.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn test_box() -> SecretBox {
        SecretBox::from_base64(&SecretString::from(STANDARD.encode([7u8; 32]))).expect("key")
    }

    #[test]
    fn sealed_secret_opens_only_in_its_context() {
        let b = test_box();
        let sealed = b
            .seal(&SecretString::from("s3cr3t-SK"), b"row-1")
            .expect("seal");
        assert!(!sealed.ciphertext.windows(9).any(|w| w == b"s3cr3t-SK"));
        assert_eq!(
            b.open(&sealed, b"row-1").expect("open").expose_secret(),
            "s3cr3t-SK"
        );
        assert!(b.open(&sealed, b"row-2").is_err());
        let mut tampered = sealed.clone();
        tampered.ciphertext[0] ^= 1;
        assert!(b.open(&tampered, b"row-1").is_err());
    }

    #[test]
    fn another_key_cannot_open_and_says_so_without_the_secret() {
        let sealed = test_box()
            .seal(&SecretString::from("s3cr3t-SK"), b"row-1")
            .expect("seal");
        let other =
            SecretBox::from_base64(&SecretString::from(STANDARD.encode([8u8; 32]))).expect("key");
        let err = other.open(&sealed, b"row-1").expect_err("another key");
        assert_eq!(err, Undecryptable);
        assert!(!format!("{err} {err:?}").contains("s3cr3t"));
    }

    #[test]
    fn debug_does_not_print_the_key() {
        let dbg = format!("{:?}", test_box());
        assert!(dbg.contains("key_id") && !dbg.contains("cipher"));
    }

    #[test]
    fn derived_keys_depend_on_the_key_and_the_purpose() {
        let a = test_box();
        let b =
            SecretBox::from_base64(&SecretString::from(STANDARD.encode([8u8; 32]))).expect("key");
        assert_eq!(a.derive_key("x"), test_box().derive_key("x"));
        assert_ne!(a.derive_key("x"), a.derive_key("y"));
        assert_ne!(a.derive_key("x"), b.derive_key("x"));
    }

    #[test]
    fn short_keys_are_refused() {
        assert!(SecretBox::from_base64(&SecretString::from(STANDARD.encode([1u8; 16]))).is_err());
    }
}
