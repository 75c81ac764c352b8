//! Keys and their published forms: Ed25519 as a Multikey (`publicKeyMultibase`), a `did:key`,
//! an `Ed25519VerificationKey2018` (`publicKeyBase58`) or a JWK; RSA as a JWK (RS256 VC-JWTs);
//! and the keys a controller document (an issuer profile, a DID document) lists.

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

/// A public key that checks signatures.
#[derive(Debug, Clone, PartialEq)]
pub enum PublicKey {
    Ed25519(VerifyingKey),
    Rsa(rsa::RsaPublicKey),
}

impl PublicKey {
    /// Bytes that tell keys apart (for remembering what a key has verified).
    pub fn fingerprint(&self) -> Vec<u8> {
        match self {
            PublicKey::Ed25519(key) => key.as_bytes().to_vec(),
            PublicKey::Rsa(key) => {
                use rsa::traits::PublicKeyParts;
                let mut bytes = key.n().to_bytes_be();
                bytes.extend(key.e().to_bytes_be());
                bytes
            }
        }
    }

    /// The Ed25519 key, for Data Integrity proofs (which Cairn checks only with Ed25519).
    pub fn ed25519(&self) -> CoreResult<&VerifyingKey> {
        match self {
            PublicKey::Ed25519(key) => Ok(key),
            PublicKey::Rsa(_) => Err(CoreError::invalid(
                "verificationMethod",
                "is an RSA key; this proof needs an Ed25519 key",
            )),
        }
    }
}

/// The smallest RSA modulus accepted (NIST: 2048 bits).
const MIN_RSA_BITS: usize = 2048;

/// The key of a public JWK: Ed25519 (`OKP`) or RSA of at least 2048 bits. A JWK carrying a
/// private part (`d`) is refused.
pub fn parse_public_jwk(jwk: &Value) -> CoreResult<PublicKey> {
    if jwk.get("d").is_some() {
        return Err(CoreError::invalid("jwk", "carries a private key"));
    }
    let part = |name: &str| -> CoreResult<Vec<u8>> {
        jwk.get(name)
            .and_then(Value::as_str)
            .and_then(|text| URL_SAFE_NO_PAD.decode(text).ok())
            .ok_or_else(|| CoreError::invalid("jwk", format!("has no base64url {name}")))
    };
    match (
        jwk.get("kty").and_then(Value::as_str),
        jwk.get("crv").and_then(Value::as_str),
    ) {
        (Some("OKP"), Some("Ed25519")) => {
            let x = <[u8; 32]>::try_from(part("x")?)
                .map_err(|_| CoreError::invalid("jwk", "has no 32-byte x"))?;
            VerifyingKey::from_bytes(&x)
                .map(PublicKey::Ed25519)
                .map_err(|_| CoreError::invalid("jwk", "is not a valid Ed25519 point"))
        }
        (Some("RSA"), _) => {
            let n = rsa::BigUint::from_bytes_be(&part("n")?);
            let e = rsa::BigUint::from_bytes_be(&part("e")?);
            if n.bits() < MIN_RSA_BITS {
                return Err(CoreError::invalid(
                    "jwk",
                    format!("is an RSA key shorter than {MIN_RSA_BITS} bits"),
                ));
            }
            rsa::RsaPublicKey::new(n, e)
                .map(PublicKey::Rsa)
                .map_err(|error| CoreError::invalid("jwk", format!("is not an RSA key: {error}")))
        }
        _ => Err(CoreError::invalid(
            "jwk",
            "is neither an Ed25519 (OKP) nor an RSA key",
        )),
    }
}

/// The key a verification method object publishes: `publicKeyMultibase` (Multikey,
/// Ed25519VerificationKey2020), `publicKeyBase58` (Ed25519VerificationKey2018) or
/// `publicKeyJwk` (JsonWebKey2020, JsonWebKey).
pub fn method_key(method: &Value) -> CoreResult<PublicKey> {
    if let Some(multibase) = method.get("publicKeyMultibase").and_then(Value::as_str) {
        return parse_public_multibase(multibase).map(PublicKey::Ed25519);
    }
    if let Some(jwk) = method.get("publicKeyJwk") {
        return parse_public_jwk(jwk);
    }
    if let Some(base58) = method.get("publicKeyBase58").and_then(Value::as_str) {
        let bytes = bs58::decode(base58)
            .into_vec()
            .ok()
            .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
            .ok_or_else(|| CoreError::invalid("publicKeyBase58", "is not a 32-byte key"))?;
        return VerifyingKey::from_bytes(&bytes)
            .map(PublicKey::Ed25519)
            .map_err(|_| CoreError::invalid("publicKeyBase58", "is not a valid Ed25519 point"));
    }
    Err(CoreError::invalid(
        "verificationMethod",
        "publishes no key Cairn reads (publicKeyMultibase, publicKeyJwk or publicKeyBase58)",
    ))
}

/// A controller document's identifier and the keys it lists in `verificationMethod` and
/// `assertionMethod` (method ids given as `#fragment` are made absolute). A document that
/// lists no key Cairn can read is refused with the reason.
pub fn document_keys(document: &Value) -> CoreResult<(String, Vec<(String, PublicKey)>)> {
    let controller = document
        .get("id")
        .and_then(Value::as_str)
        .filter(|id| !id.is_empty())
        .ok_or_else(|| CoreError::invalid("document", "has no id (the issuer's DID or URL)"))?
        .to_owned();
    let absolute = |id: &str| {
        if id.starts_with('#') {
            format!("{controller}{id}")
        } else {
            id.to_owned()
        }
    };
    let mut keys: Vec<(String, PublicKey)> = Vec::new();
    let mut last_error = None;
    for field in ["verificationMethod", "assertionMethod"] {
        let methods = match document.get(field) {
            Some(Value::Array(methods)) => methods.iter().collect::<Vec<_>>(),
            Some(method) => vec![method],
            None => continue,
        };
        for method in methods.into_iter().filter(|method| method.is_object()) {
            let Some(id) = method.get("id").and_then(Value::as_str).map(absolute) else {
                continue;
            };
            match method_key(method) {
                Ok(key) if !keys.iter().any(|(known, _)| *known == id) => keys.push((id, key)),
                Ok(_) => {}
                Err(error) => last_error = Some(error),
            }
        }
    }
    if keys.is_empty() {
        return Err(last_error.unwrap_or_else(|| {
            CoreError::invalid("document", "lists no verification method with a public key")
        }));
    }
    Ok((controller, keys))
}

/// The address a `did:web` identifier's DID document is published at (not fetched: an
/// administrator uploads it, or the command line is given it).
pub fn did_web_url(did: &str) -> Option<String> {
    let rest = did.strip_prefix("did:web:")?.split('#').next()?;
    let mut parts = rest.split(':');
    let host = parts.next()?.replace("%3A", ":");
    let path: Vec<&str> = parts.collect();
    Some(if path.is_empty() {
        format!("https://{host}/.well-known/did.json")
    } else {
        format!("https://{host}/{}/did.json", path.join("/"))
    })
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
        assert_eq!(
            parse_public_jwk(&jwk).unwrap(),
            PublicKey::Ed25519(key.verifying_key())
        );
    }

    #[test]
    fn other_key_types_are_refused() {
        // A P-256 Multikey (prefix 0x8024) is not an Ed25519 key.
        assert!(
            parse_public_multibase("zDnaerDaTF5BXEavCrfRZEk316dpbLsfPDZ3WJ5hRTPFU2169").is_err()
        );
        assert!(parse_public_multibase("6MkjZRZv3aez").is_err());
    }

    #[test]
    fn a_did_document_lists_its_keys() {
        let key = generate().verifying_key();
        let document = json!({
            "@context": ["https://www.w3.org/ns/did/v1"],
            "id": "did:web:badges.example.org:issuers:7",
            "verificationMethod": [{
                "id": "#key-1",
                "type": "Ed25519VerificationKey2020",
                "controller": "did:web:badges.example.org:issuers:7",
                "publicKeyMultibase": public_multibase(&key),
            }],
            "assertionMethod": ["#key-1"],
        });
        let (controller, keys) = document_keys(&document).unwrap();
        assert_eq!(controller, "did:web:badges.example.org:issuers:7");
        assert_eq!(
            keys,
            vec![(
                "did:web:badges.example.org:issuers:7#key-1".to_owned(),
                PublicKey::Ed25519(key)
            )]
        );
        assert_eq!(
            did_web_url(&controller).unwrap(),
            "https://badges.example.org/issuers/7/did.json"
        );
        assert!(document_keys(&json!({"id": "did:web:x.example"})).is_err());
    }

    #[test]
    fn short_rsa_keys_and_private_jwks_are_refused() {
        let short = json!({"kty": "RSA", "n": "AQAB", "e": "AQAB"});
        assert!(parse_public_jwk(&short)
            .unwrap_err()
            .to_string()
            .contains("2048"));
        let private: Value =
            serde_json::from_str(include_str!("test-vectors/rsa-test-key.json")).unwrap();
        assert!(parse_public_jwk(&private).is_err());
        let mut public = private.clone();
        for part in ["d", "p", "q"] {
            public.as_object_mut().unwrap().remove(part);
        }
        assert!(matches!(parse_public_jwk(&public), Ok(PublicKey::Rsa(_))));
    }

    pub(crate) fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }
}
