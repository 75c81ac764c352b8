//! Ed25519 keys and their published forms: Multikey (`publicKeyMultibase`), `did:key`, and JWK.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
pub use ed25519_dalek::{SigningKey, VerifyingKey};
use serde_json::{json, Value};

use crate::error::{CoreError, CoreResult};

/// Multicodec prefix of an Ed25519 public key (`ed25519-pub`, varint 0xed).
const ED25519_PUB: [u8; 2] = [0xed, 0x01];
/// Multicodec prefix of an Ed25519 private key (`ed25519-priv`, varint 0x1300).
const ED25519_PRIV: [u8; 2] = [0x80, 0x26];

/// A new random signing key.
pub fn generate() -> SigningKey {
    SigningKey::from_bytes(&rand::random::<[u8; 32]>())
}

/// `z` + base58btc(0xed01 + key): the `publicKeyMultibase` of a Multikey.
pub fn public_multibase(key: &VerifyingKey) -> String {
    let mut bytes = ED25519_PUB.to_vec();
    bytes.extend_from_slice(key.as_bytes());
    format!("z{}", bs58::encode(bytes).into_string())
}

/// `z` + base58btc(0x8026 + seed): how Cairn stores a signing key.
pub fn secret_multibase(key: &SigningKey) -> String {
    let mut bytes = ED25519_PRIV.to_vec();
    bytes.extend_from_slice(&key.to_bytes());
    format!("z{}", bs58::encode(bytes).into_string())
}

fn base58btc(multibase: &str, what: &str) -> CoreResult<Vec<u8>> {
    let encoded = multibase
        .strip_prefix('z')
        .ok_or_else(|| CoreError::invalid(what, "is not base58btc multibase (no leading z)"))?;
    bs58::decode(encoded)
        .into_vec()
        .map_err(|_| CoreError::invalid(what, "is not valid base58btc"))
}

/// The Ed25519 key of a `publicKeyMultibase`.
pub fn parse_public_multibase(multibase: &str) -> CoreResult<VerifyingKey> {
    let bytes = base58btc(multibase, "publicKeyMultibase")?;
    let key = bytes
        .strip_prefix(&ED25519_PUB)
        .ok_or_else(|| CoreError::invalid("publicKeyMultibase", "is not an Ed25519 public key"))?;
    let key: [u8; 32] = key
        .try_into()
        .map_err(|_| CoreError::invalid("publicKeyMultibase", "is not 32 bytes long"))?;
    VerifyingKey::from_bytes(&key)
        .map_err(|_| CoreError::invalid("publicKeyMultibase", "is not a valid Ed25519 point"))
}

/// A signing key from its multibase form: the 32-byte seed, or seed + public key (64 bytes,
/// as some libraries write it).
pub fn parse_secret_multibase(multibase: &str) -> CoreResult<SigningKey> {
    let bytes = base58btc(multibase, "secretKeyMultibase")?;
    let key = bytes
        .strip_prefix(&ED25519_PRIV)
        .ok_or_else(|| CoreError::invalid("secretKeyMultibase", "is not an Ed25519 secret key"))?;
    let seed: [u8; 32] = key
        .get(..32)
        .and_then(|seed| seed.try_into().ok())
        .ok_or_else(|| CoreError::invalid("secretKeyMultibase", "is too short"))?;
    Ok(SigningKey::from_bytes(&seed))
}

/// The key a `did:key:z6Mk…` identifier (or one of its `#fragment` URLs) stands for.
pub fn resolve_did_key(url: &str) -> Option<VerifyingKey> {
    let did = url.strip_prefix("did:key:")?;
    let multibase = did.split('#').next()?;
    parse_public_multibase(multibase).ok()
}

/// The public key as a JWK (RFC 8037, `OKP` / `Ed25519`).
pub fn public_jwk(key: &VerifyingKey) -> Value {
    json!({"kty": "OKP", "crv": "Ed25519", "x": URL_SAFE_NO_PAD.encode(key.as_bytes())})
}

/// The Ed25519 key of a public JWK; a JWK carrying a private part (`d`) is refused.
pub fn parse_public_jwk(jwk: &Value) -> CoreResult<VerifyingKey> {
    if jwk.get("d").is_some() {
        return Err(CoreError::invalid("jwk", "carries a private key"));
    }
    if jwk.get("kty").and_then(Value::as_str) != Some("OKP")
        || jwk.get("crv").and_then(Value::as_str) != Some("Ed25519")
    {
        return Err(CoreError::invalid("jwk", "is not an Ed25519 (OKP) key"));
    }
    let x = jwk
        .get("x")
        .and_then(Value::as_str)
        .and_then(|x| URL_SAFE_NO_PAD.decode(x).ok())
        .and_then(|x| <[u8; 32]>::try_from(x).ok())
        .ok_or_else(|| CoreError::invalid("jwk", "has no 32-byte x"))?;
    VerifyingKey::from_bytes(&x)
        .map_err(|_| CoreError::invalid("jwk", "is not a valid Ed25519 point"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn published_multikey_round_trips() {
        // The key of 1EdTech's OB 3.0 eddsa-rdfc-2022 example (linked-data-proof-ob.html).
        let key =
            parse_public_multibase("z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi").unwrap();
        assert_eq!(
            hex(key.as_bytes()),
            "4bdeafde2ea8beefadd8c699b5c7e0704cf51154d52e17b20b71337ca04cc5a5"
        );
        assert_eq!(
            public_multibase(&key),
            "z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi"
        );
        let secret = parse_secret_multibase(
            "zrv2bqTbNwCTsRrHFcJCPjVAduh4Ezcnoq1A3ZxH1GWTNkxipLVuaAoMFmze2gFN9oNXfJjufxSHWVZzsJiUsMHFMcx",
        )
        .unwrap();
        assert_eq!(secret.verifying_key(), key);
    }

    #[test]
    fn a_generated_key_survives_its_stored_form() {
        let key = generate();
        let stored = secret_multibase(&key);
        assert_eq!(
            parse_secret_multibase(&stored).unwrap().to_bytes(),
            key.to_bytes()
        );
        let did = format!("did:key:{0}#{0}", public_multibase(&key.verifying_key()));
        assert_eq!(resolve_did_key(&did), Some(key.verifying_key()));
        let jwk = public_jwk(&key.verifying_key());
        assert_eq!(parse_public_jwk(&jwk).unwrap(), key.verifying_key());
    }

    #[test]
    fn other_key_types_are_refused() {
        // A P-256 Multikey (prefix 0x8024) is not an Ed25519 key.
        assert!(
            parse_public_multibase("zDnaerDaTF5BXEavCrfRZEk316dpbLsfPDZ3WJ5hRTPFU2169").is_err()
        );
        assert!(parse_public_multibase("6MkjZRZv3aez").is_err());
    }

    pub(crate) fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }
}
