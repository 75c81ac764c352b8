//! Embedded proofs over the canonical form of a credential: Data Integrity proofs with the
//! `eddsa-rdfc-2022` cryptosuite (W3C vc-di-eddsa), which Cairn signs with, and
//! `Ed25519Signature2020` proofs, which many credentials issued elsewhere carry. Both sign the
//! same bytes: the proof configuration and the document, each canonicalized (RDFC-1.0) and hashed
//! with SHA-256, concatenated proof-first, signed with Ed25519; the signature is `proofValue`,
//! base58btc. A credential may carry several proofs (a proof set): each signs the document
//! without any of them.

use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

use super::canon::canonical_nquads;
use crate::error::{CoreError, CoreResult};

pub const CRYPTOSUITE: &str = "eddsa-rdfc-2022";

/// The kinds of embedded proof Cairn checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Suite {
    /// `DataIntegrityProof` with `cryptosuite: eddsa-rdfc-2022`.
    EddsaRdfc2022,
    /// `Ed25519Signature2020` (its context, `https://w3id.org/security/suites/ed25519-2020/v1`,
    /// must be among the document's).
    Ed25519Signature2020,
}

impl Suite {
    /// The suite of a proof object, if Cairn supports it.
    pub fn of(proof: &Value) -> Option<Suite> {
        match (
            proof.get("type").and_then(Value::as_str),
            proof.get("cryptosuite").and_then(Value::as_str),
        ) {
            (Some("DataIntegrityProof"), Some(CRYPTOSUITE)) => Some(Suite::EddsaRdfc2022),
            (Some("Ed25519Signature2020"), _) => Some(Suite::Ed25519Signature2020),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Suite::EddsaRdfc2022 => "DataIntegrityProof (eddsa-rdfc-2022)",
            Suite::Ed25519Signature2020 => "Ed25519Signature2020",
        }
    }
}

/// The name of any proof, supported or not (for reports).
pub fn proof_name(proof: &Value) -> String {
    match Suite::of(proof) {
        Some(suite) => suite.name().to_owned(),
        None => match (
            proof.get("type").and_then(Value::as_str),
            proof.get("cryptosuite").and_then(Value::as_str),
        ) {
            (Some(kind), Some(suite)) => format!("{kind} ({suite})"),
            (Some(kind), None) => kind.to_owned(),
            (None, _) => "a proof without a type".to_owned(),
        },
    }
}

/// The options of a proof, before it is signed.
pub struct ProofOptions<'a> {
    /// The URL of the key that verifies it (`{issuer}#key-1`, or a `did:key` URL).
    pub verification_method: &'a str,
    /// When it was made (an XML Schema dateTime, e.g. `2026-11-25T09:00:00Z`).
    pub created: &'a str,
}

/// Signs `document` (which must not carry a proof yet) with an `eddsa-rdfc-2022` Data Integrity
/// proof and returns it with `proof` added. Blocking: canonicalization runs the JSON-LD
/// processor on this thread.
pub fn sign(document: &Value, key: &SigningKey, options: &ProofOptions) -> CoreResult<Value> {
    if as_object(document)?.contains_key("proof") {
        return Err(CoreError::invalid(
            "proof",
            "the document already carries a proof",
        ));
    }
    add_proof(document, key, options, Suite::EddsaRdfc2022)
}

/// Adds a proof of `suite` to `document`: the first becomes `proof`, a further one makes
/// `proof` a proof set (each proof signs the document without any proof).
pub fn add_proof(
    document: &Value,
    key: &SigningKey,
    options: &ProofOptions,
    suite: Suite,
) -> CoreResult<Value> {
    let mut secured = as_object(document)?.clone();
    let earlier = secured.remove("proof");
    let unsecured = Value::Object(secured.clone());
    let mut proof = proof_config(options, suite);
    let signed_bytes = hash_data(&unsecured, &proof)?;
    let signature = key.sign(&signed_bytes);
    proof["proofValue"] = Value::String(format!(
        "z{}",
        bs58::encode(signature.to_bytes()).into_string()
    ));
    let proof = match earlier {
        None => proof,
        Some(Value::Array(mut proofs)) => {
            proofs.push(proof);
            Value::Array(proofs)
        }
        Some(single) => Value::Array(vec![single, proof]),
    };
    secured.insert("proof".into(), proof);
    Ok(Value::Object(secured))
}

/// The proof's options as they are signed (without `@context` and `proofValue`).
fn proof_config(options: &ProofOptions, suite: Suite) -> Value {
    match suite {
        Suite::EddsaRdfc2022 => json!({
            "type": "DataIntegrityProof",
            "cryptosuite": CRYPTOSUITE,
            "created": options.created,
            "verificationMethod": options.verification_method,
            "proofPurpose": "assertionMethod",
        }),
        Suite::Ed25519Signature2020 => json!({
            "type": "Ed25519Signature2020",
            "created": options.created,
            "verificationMethod": options.verification_method,
            "proofPurpose": "assertionMethod",
        }),
    }
}

/// Every proof a secured document carries (none when it has no `proof`).
pub fn proofs(secured: &Value) -> Vec<&Value> {
    match secured.get("proof") {
        Some(Value::Array(proofs)) => proofs.iter().collect(),
        Some(proof) => vec![proof],
        None => Vec::new(),
    }
}

/// The verification method a proof names.
pub fn verification_method(proof: &Value) -> Option<&str> {
    match proof.get("verificationMethod") {
        Some(Value::String(method)) => Some(method),
        Some(method) => method.get("id").and_then(Value::as_str),
        None => None,
    }
}

/// Checks one proof of `secured` against `key`. Blocking, like [`sign`].
pub fn verify_proof(secured: &Value, proof: &Value, key: &VerifyingKey) -> CoreResult<()> {
    if Suite::of(proof).is_none() {
        return Err(CoreError::invalid(
            "proof",
            format!("{} is not a proof type Cairn checks", proof_name(proof)),
        ));
    }
    if proof.get("proofPurpose").and_then(Value::as_str) != Some("assertionMethod") {
        return Err(CoreError::invalid(
            "proof",
            "its purpose is not assertionMethod",
        ));
    }
    let proof_value = proof
        .get("proofValue")
        .and_then(Value::as_str)
        .ok_or_else(|| CoreError::invalid("proof", "has no proofValue"))?;
    let signature = proof_value
        .strip_prefix('z')
        .and_then(|encoded| bs58::decode(encoded).into_vec().ok())
        .and_then(|bytes| <[u8; 64]>::try_from(bytes).ok())
        .map(|bytes| Signature::from_bytes(&bytes))
        .ok_or_else(|| {
            CoreError::invalid("proof", "its proofValue is not a base58btc signature")
        })?;
    let mut unsecured = as_object(secured)?.clone();
    unsecured.remove("proof");
    let mut options = proof.clone();
    if let Some(options) = options.as_object_mut() {
        options.remove("proofValue");
    }
    let signed_bytes = hash_data(&Value::Object(unsecured), &options)?;
    key.verify(&signed_bytes, &signature)
        .map_err(|_| CoreError::invalid("proof", "the signature does not match the credential"))
}

/// Checks the first proof of `secured` Cairn supports against `key`.
pub fn verify(secured: &Value, key: &VerifyingKey) -> CoreResult<()> {
    let proof = proofs(secured)
        .into_iter()
        .find(|proof| Suite::of(proof).is_some())
        .ok_or_else(|| {
            CoreError::invalid("proof", "the credential carries no proof Cairn checks")
        })?;
    verify_proof(secured, proof, key)
}

/// SHA-256(canonical proof configuration) ‖ SHA-256(canonical document): the bytes signed.
fn hash_data(document: &Value, proof_options: &Value) -> CoreResult<Vec<u8>> {
    let mut config = proof_options.clone();
    config["@context"] = document
        .get("@context")
        .cloned()
        .ok_or_else(|| CoreError::invalid("@context", "is missing"))?;
    let mut bytes = Sha256::digest(canonical_nquads(&config)?.as_bytes()).to_vec();
    bytes.extend_from_slice(&Sha256::digest(canonical_nquads(document)?.as_bytes()));
    Ok(bytes)
}

fn as_object(document: &Value) -> CoreResult<&Map<String, Value>> {
    document
        .as_object()
        .ok_or_else(|| CoreError::invalid("credential", "is not a JSON object"))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::credentials::keys::{parse_secret_multibase, public_multibase};

    /// 1EdTech's published OB 3.0 example (openbadges-specification,
    /// ob_v3p0/impl/linked-data-proof-ob.html and test-vectors/obv3p0/).
    pub(crate) fn published_credential() -> Value {
        json!({
            "@context": [
                "https://www.w3.org/ns/credentials/v2",
                "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
            ],
            "id": "http://example.com/credentials/3527",
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "issuer": {
                "id": "https://example.edu/issuers/565049",
                "type": ["Profile"],
                "url": "https://www.imsglobal.org",
                "name": "Example Corp"
            },
            "validFrom": "2010-01-01T00:00:00Z",
            "name": "Teamwork Badge",
            "credentialSubject": {
                "id": "did:example:ebfeb1f712ebc6f1c276e12ec21",
                "type": ["AchievementSubject"],
                "achievement": {
                    "id": "https://example.com/achievements/21st-century-skills/teamwork",
                    "type": ["Achievement"],
                    "criteria": {
                        "narrative": "Team members are nominated for this badge by their peers and recognized upon review by Example Corp management."
                    },
                    "description": "This badge recognizes the development of the capacity to collaborate within a group environment.",
                    "name": "Teamwork"
                }
            }
        })
    }

    pub(crate) const PUBLISHED_KEY: &str = "zrv2bqTbNwCTsRrHFcJCPjVAduh4Ezcnoq1A3ZxH1GWTNkxipLVuaAoMFmze2gFN9oNXfJjufxSHWVZzsJiUsMHFMcx";

    pub(crate) fn published_options() -> ProofOptions<'static> {
        ProofOptions {
            verification_method:
                "https://example.edu/issuers/565049#z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi",
            created: "2010-01-01T19:23:24Z",
        }
    }

    #[test]
    fn the_published_test_vector_is_reproduced() {
        let document = published_credential();
        assert_eq!(
            canonical_nquads(&document).unwrap(),
            include_str!("test-vectors/obv3p0-document-canon.txt")
        );
        let mut config = proof_config(&published_options(), Suite::EddsaRdfc2022);
        config["@context"] = document["@context"].clone();
        assert_eq!(
            canonical_nquads(&config).unwrap(),
            include_str!("test-vectors/obv3p0-proof-canon.txt")
        );
        let key = parse_secret_multibase(PUBLISHED_KEY).unwrap();
        assert_eq!(
            public_multibase(&key.verifying_key()),
            "z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi"
        );
        let secured = sign(&document, &key, &published_options()).unwrap();
        assert_eq!(
            secured["proof"]["proofValue"],
            "z5x9aCBYovW3CQCbKdNyhEm7ffYSw1YpEdPywQJoNbzDD2gkzQDKJ1sYKJaWvqZtkMtSbz35HcbgXVEDYHxCzgkCr"
        );
        verify(&secured, &key.verifying_key()).unwrap();
    }

    #[test]
    fn tampering_breaks_the_signature() {
        let key = parse_secret_multibase(PUBLISHED_KEY).unwrap();
        let mut secured = sign(&published_credential(), &key, &published_options()).unwrap();
        secured["credentialSubject"]["achievement"]["name"] = json!("Leadership");
        let error = verify(&secured, &key.verifying_key()).unwrap_err();
        assert!(error.to_string().contains("does not match"), "{error}");
    }

    #[test]
    fn another_key_does_not_verify() {
        let key = parse_secret_multibase(PUBLISHED_KEY).unwrap();
        let secured = sign(&published_credential(), &key, &published_options()).unwrap();
        let other = crate::credentials::keys::generate();
        assert!(verify(&secured, &other.verifying_key()).is_err());
    }
}
