//! Signed checkpoints of the chain head.

use crate::Hash;
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};

/// A node's public key.
pub type PublicKey = VerifyingKey;

/// A signed statement that entry `seq` of the log had hash `head`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    /// The entry covered.
    pub seq: i64,
    /// Its hash.
    pub head: Hash,
    /// When the checkpoint was made (RFC 3339 UTC).
    pub at: String,
    /// ed25519 signature over [`Checkpoint::message`].
    pub signature: [u8; 64],
}

impl Checkpoint {
    /// The signed bytes.
    pub fn message(seq: i64, head: &Hash, at: &str) -> Vec<u8> {
        let mut m = b"concord-audit-checkpoint-v1".to_vec();
        m.extend_from_slice(&seq.to_be_bytes());
        m.extend_from_slice(head);
        m.extend_from_slice(at.as_bytes());
        m
    }

    /// The checkpoint as one line of a witness file: sequence number, head
    /// and signature in hex, then the time (which holds no space).
    pub fn to_line(&self) -> String {
        format!(
            "{} {} {} {}",
            self.seq,
            hex::encode(self.head),
            hex::encode(self.signature),
            self.at
        )
    }

    /// A checkpoint read back from [`Checkpoint::to_line`]'s form.
    pub fn from_line(line: &str) -> Result<Self, WitnessLineError> {
        let bad = |why: &str| WitnessLineError(why.to_owned());
        let mut parts = line.trim().splitn(4, ' ');
        let seq = parts
            .next()
            .and_then(|s| s.parse::<i64>().ok())
            .ok_or_else(|| bad("no sequence number"))?;
        let head = parts
            .next()
            .and_then(|h| hex::decode(h).ok())
            .and_then(|h| Hash::try_from(h).ok())
            .ok_or_else(|| bad("no 32-byte head"))?;
        let signature = parts
            .next()
            .and_then(|h| hex::decode(h).ok())
            .and_then(|h| <[u8; 64]>::try_from(h).ok())
            .ok_or_else(|| bad("no 64-byte signature"))?;
        let at = parts.next().filter(|a| !a.is_empty()).ok_or_else(|| bad("no time"))?;
        Ok(Checkpoint {
            seq,
            head,
            at: at.to_owned(),
            signature,
        })
    }

    /// Whether `key` signed this checkpoint.
    pub fn verify(&self, key: &PublicKey) -> bool {
        key.verify(
            &Self::message(self.seq, &self.head, &self.at),
            &Signature::from_bytes(&self.signature),
        )
        .is_ok()
    }
}

/// A witness line that is not a checkpoint.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct WitnessLineError(String);

/// The node's signing key.
#[derive(Clone)]
pub struct NodeKey(SigningKey);

impl std::fmt::Debug for NodeKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "NodeKey({})", hex::encode(self.public().as_bytes()))
    }
}

/// A key file could not be read.
#[derive(Debug, thiserror::Error)]
#[error("invalid node key: {0}")]
pub struct KeyError(String);

impl NodeKey {
    /// A fresh random key.
    pub fn generate() -> Result<Self, getrandom::Error> {
        let mut secret = [0u8; 32];
        getrandom::getrandom(&mut secret)?;
        Ok(NodeKey(SigningKey::from_bytes(&secret)))
    }

    /// The key from its hex-encoded secret, as written by [`NodeKey::to_hex`].
    pub fn from_hex(text: &str) -> Result<Self, KeyError> {
        let bytes = hex::decode(text.trim()).map_err(|e| KeyError(e.to_string()))?;
        let secret: [u8; 32] = bytes.try_into().map_err(|_| KeyError("expected 32 bytes".into()))?;
        Ok(NodeKey(SigningKey::from_bytes(&secret)))
    }

    /// The secret, hex-encoded.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0.to_bytes())
    }

    /// The public half.
    pub fn public(&self) -> PublicKey {
        self.0.verifying_key()
    }

    /// Signs a checkpoint of entry `seq` with hash `head`.
    pub fn checkpoint(&self, seq: i64, head: Hash, at: String) -> Checkpoint {
        let signature = self.0.sign(&Checkpoint::message(seq, &head, &at)).to_bytes();
        Checkpoint {
            seq,
            head,
            at,
            signature,
        }
    }
}
