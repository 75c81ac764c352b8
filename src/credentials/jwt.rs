//! VC-JWT as Open Badges 3.0 defines it ("JSON Web Token Proof Format"): a JWS compact
//! serialization whose payload is the credential itself plus the claims `iss` (issuer id),
//! `jti` (credential id), `nbf` (validFrom), `sub` (subject id) and, with a `validUntil`,
//! `exp`. Cairn signs with EdDSA (Ed25519); it checks EdDSA and RS256 (the algorithm OB 3.0
//! names as the minimum), and reads the older VC 1.1 shape, the credential in a `vc` claim.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier};
use serde_json::{json, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::keys::PublicKey;
use crate::error::{CoreError, CoreResult};

/// The JWT of `credential`, signed with `key`, whose public key is published at `kid`.
pub fn sign(credential: &Value, key: &SigningKey, kid: &str) -> CoreResult<String> {
    let header = json!({"alg": "EdDSA", "typ": "JWT", "kid": kid});
    let mut payload = credential.clone();
    let claims = registered_claims(credential)?;
    let object = payload
        .as_object_mut()
        .ok_or_else(|| CoreError::invalid("credential", "is not a JSON object"))?;
    for (name, value) in claims {
        object.insert(name.into(), value);
    }
    let signing_input = format!("{}.{}", encode(&header), encode(&payload));
    let signature = key.sign(signing_input.as_bytes());
    Ok(format!(
        "{signing_input}.{}",
        URL_SAFE_NO_PAD.encode(signature.to_bytes())
    ))
}

/// The signature algorithms Cairn checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Algorithm {
    EdDsa,
    Rs256,
}

impl Algorithm {
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::EdDsa => "EdDSA",
            Algorithm::Rs256 => "RS256",
        }
    }
}

/// A JWT taken apart, its signature not yet checked.
#[derive(Debug, Clone)]
pub struct Decoded {
    pub header: Value,
    pub algorithm: Algorithm,
    /// The credential: the payload itself, or its `vc` claim in the older VC 1.1 shape (filled
    /// in from the registered claims where the `vc` claim leaves them out).
    pub credential: Value,
    payload: Value,
    signing_input: String,
    signature: Vec<u8>,
}

impl Decoded {
    /// The key id (`kid`) the header names.
    pub fn kid(&self) -> Option<&str> {
        self.header.get("kid").and_then(Value::as_str)
    }

    /// The public key embedded in the header (`jwk`), if any.
    pub fn jwk(&self) -> Option<&Value> {
        self.header.get("jwk")
    }

    /// Checks the signature and that the registered claims present agree with the credential.
    pub fn verify(&self, key: &PublicKey) -> CoreResult<()> {
        let mismatch = || CoreError::invalid("jwt", "the signature does not match the credential");
        match (self.algorithm, key) {
            (Algorithm::EdDsa, PublicKey::Ed25519(key)) => {
                let signature = <[u8; 64]>::try_from(self.signature.as_slice())
                    .map(|bytes| Signature::from_bytes(&bytes))
                    .map_err(|_| mismatch())?;
                key.verify(self.signing_input.as_bytes(), &signature)
                    .map_err(|_| mismatch())?;
            }
            (Algorithm::Rs256, PublicKey::Rsa(key)) => {
                use rsa::signature::Verifier as _;
                let verifier = rsa::pkcs1v15::VerifyingKey::<sha2::Sha256>::new(key.clone());
                let signature = rsa::pkcs1v15::Signature::try_from(self.signature.as_slice())
                    .map_err(|_| mismatch())?;
                verifier
                    .verify(self.signing_input.as_bytes(), &signature)
                    .map_err(|_| mismatch())?;
            }
            (algorithm, _) => {
                return Err(CoreError::invalid(
                    "jwt",
                    format!(
                        "signed with {}, but its key is of another kind",
                        algorithm.name()
                    ),
                ))
            }
        }
        for (name, expected) in registered_claims(&self.credential)? {
            let stated = self.payload.get(name);
            let agrees = match (name, stated) {
                (_, None) => true,
                ("nbf" | "exp", Some(stated)) => stated.as_i64() == expected.as_i64(),
                (_, Some(stated)) => *stated == expected,
            };
            if !agrees {
                return Err(CoreError::invalid(
                    "jwt",
                    format!("its {name} claim does not match the credential"),
                ));
            }
        }
        Ok(())
    }
}

/// Splits a compact JWS; refuses algorithms other than EdDSA and RS256.
pub fn decode(token: &str) -> CoreResult<Decoded> {
    let invalid = |reason: &str| CoreError::invalid("jwt", reason);
    let mut parts = token.trim().split('.');
    let (Some(header), Some(payload), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(invalid("is not a compact JWS (three parts)"));
    };
    let part = |text: &str| -> CoreResult<Value> {
        URL_SAFE_NO_PAD
            .decode(text)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .ok_or_else(|| invalid("a part is not base64url JSON"))
    };
    let header_json = part(header)?;
    let algorithm = match header_json.get("alg").and_then(Value::as_str) {
        Some("EdDSA") => Algorithm::EdDsa,
        Some("RS256") => Algorithm::Rs256,
        Some(other) => {
            return Err(CoreError::invalid(
                "jwt",
                format!("its algorithm {other} is not one Cairn checks (EdDSA, RS256)"),
            ))
        }
        None => return Err(invalid("its header names no algorithm")),
    };
    let payload_json = part(payload)?;
    let signature_bytes = URL_SAFE_NO_PAD
        .decode(signature)
        .map_err(|_| invalid("the signature is not base64url"))?;
    let credential = match payload_json.get("vc") {
        Some(vc) if vc.is_object() => from_vc_claim(vc, &payload_json),
        _ => {
            let mut credential = payload_json.clone();
            if let Some(object) = credential.as_object_mut() {
                for claim in ["iss", "jti", "nbf", "sub", "exp", "iat", "aud"] {
                    object.remove(claim);
                }
            }
            credential
        }
    };
    Ok(Decoded {
        header: header_json,
        algorithm,
        credential,
        payload: payload_json,
        signing_input: format!("{header}.{payload}"),
        signature: signature_bytes,
    })
}

/// A VC 1.1 JWT's credential: its `vc` claim, with what the claims carry instead (`iss`,
/// `jti`, `sub`, `nbf`, `exp`) put back where the data model has it.
fn from_vc_claim(vc: &Value, payload: &Value) -> Value {
    let mut credential = vc.clone();
    let date = |claim: &str| {
        payload
            .get(claim)
            .and_then(Value::as_i64)
            .and_then(|seconds| OffsetDateTime::from_unix_timestamp(seconds).ok())
            .and_then(|at| at.format(&Rfc3339).ok())
    };
    let modern = credential.get("validFrom").is_some();
    let fills = [
        ("issuer", payload.get("iss").cloned()),
        ("id", payload.get("jti").cloned()),
        (
            if modern { "validFrom" } else { "issuanceDate" },
            date("nbf").map(Value::String),
        ),
        (
            if modern {
                "validUntil"
            } else {
                "expirationDate"
            },
            date("exp").map(Value::String),
        ),
    ];
    if let Some(object) = credential.as_object_mut() {
        for (field, value) in fills {
            if let (false, Some(value)) = (object.contains_key(field), value) {
                object.insert(field.into(), value);
            }
        }
    }
    if let (Some(sub), Some(subject)) = (
        payload.get("sub"),
        credential
            .get_mut("credentialSubject")
            .and_then(Value::as_object_mut),
    ) {
        subject.entry("id").or_insert_with(|| sub.clone());
    }
    credential
}

fn encode(value: &Value) -> String {
    URL_SAFE_NO_PAD.encode(value.to_string())
}

/// The JWT claims OB 3.0 derives from a credential (VC 2.0 `validFrom`/`validUntil`, or VC 1.1
/// `issuanceDate`/`expirationDate`).
fn registered_claims(credential: &Value) -> CoreResult<Vec<(&'static str, Value)>> {
    let issuer = match &credential["issuer"] {
        Value::String(id) => Some(id.clone()),
        issuer => issuer.get("id").and_then(Value::as_str).map(str::to_owned),
    };
    let mut claims = vec![(
        "iss",
        json!(issuer.ok_or_else(|| CoreError::invalid("issuer", "has no id"))?),
    )];
    if !credential["id"].is_null() {
        claims.push(("jti", credential["id"].clone()));
    }
    if !credential["credentialSubject"]["id"].is_null() {
        claims.push(("sub", credential["credentialSubject"]["id"].clone()));
    }
    for (claim, fields) in [
        ("nbf", ["validFrom", "issuanceDate"]),
        ("exp", ["validUntil", "expirationDate"]),
    ] {
        if let Some(field) = fields.iter().find(|field| !credential[**field].is_null()) {
            claims.push((claim, json!(numeric_date(&credential[*field], field)?)));
        }
    }
    Ok(claims)
}

fn numeric_date(value: &Value, field: &str) -> CoreResult<i64> {
    value
        .as_str()
        .and_then(|text| OffsetDateTime::parse(text, &Rfc3339).ok())
        .map(OffsetDateTime::unix_timestamp)
        .ok_or_else(|| CoreError::invalid(field, "is not an RFC 3339 date-time"))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::credentials::keys::generate;

    fn credential() -> Value {
        json!({
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "id": "https://school.example/credentials/1",
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "issuer": {"id": "https://school.example/issuers/1", "type": ["Profile"], "name": "School"},
            "validFrom": "2026-11-25T09:00:00Z",
            "credentialSubject": {"id": "urn:uuid:1", "type": ["AchievementSubject"]}
        })
    }

    #[test]
    fn a_signed_jwt_verifies_and_carries_the_claims() {
        let key = generate();
        let token = sign(
            &credential(),
            &key,
            "https://school.example/issuers/1#key-1",
        )
        .unwrap();
        let decoded = decode(&token).unwrap();
        assert_eq!(
            decoded.kid(),
            Some("https://school.example/issuers/1#key-1")
        );
        assert_eq!(decoded.payload["iss"], "https://school.example/issuers/1");
        assert_eq!(decoded.payload["nbf"], 1_795_597_200);
        assert_eq!(decoded.algorithm, Algorithm::EdDsa);
        assert_eq!(decoded.credential, credential());
        decoded
            .verify(&PublicKey::Ed25519(key.verifying_key()))
            .unwrap();
        assert!(decoded
            .verify(&PublicKey::Ed25519(generate().verifying_key()))
            .is_err());
    }

    #[test]
    fn a_changed_payload_fails() {
        let key = generate();
        let token = sign(&credential(), &key, "kid").unwrap();
        let parts: Vec<&str> = token.split('.').collect();
        let mut payload = credential();
        payload["credentialSubject"]["id"] = json!("urn:uuid:2");
        let forged = format!("{}.{}.{}", parts[0], encode(&payload), parts[2]);
        assert!(decode(&forged)
            .unwrap()
            .verify(&PublicKey::Ed25519(key.verifying_key()))
            .is_err());
        assert!(decode("a.b").is_err());
    }

    /// Signs like platforms that use RS256 and the VC 1.1 shape: the credential in `vc`, its
    /// id, issuer, subject and dates only in the claims.
    pub(crate) fn rs256_vc11(vc: &Value, claims: Value, kid: &str) -> String {
        use rsa::signature::{SignatureEncoding, Signer as _};
        let jwk: Value =
            serde_json::from_str(include_str!("test-vectors/rsa-test-key.json")).unwrap();
        let part = |name: &str| {
            rsa::BigUint::from_bytes_be(
                &URL_SAFE_NO_PAD.decode(jwk[name].as_str().unwrap()).unwrap(),
            )
        };
        let private = rsa::RsaPrivateKey::from_components(
            part("n"),
            part("e"),
            part("d"),
            vec![part("p"), part("q")],
        )
        .unwrap();
        let signer = rsa::pkcs1v15::SigningKey::<sha2::Sha256>::new(private);
        let header = json!({"alg": "RS256", "typ": "JWT", "kid": kid});
        let mut payload = claims;
        payload["vc"] = vc.clone();
        let input = format!("{}.{}", encode(&header), encode(&payload));
        let signature = signer.sign(input.as_bytes()).to_vec();
        format!("{input}.{}", URL_SAFE_NO_PAD.encode(signature))
    }

    pub(crate) fn rsa_public_jwk() -> Value {
        let jwk: Value =
            serde_json::from_str(include_str!("test-vectors/rsa-test-key.json")).unwrap();
        json!({"kty": "RSA", "n": jwk["n"], "e": jwk["e"]})
    }

    #[test]
    fn an_rs256_jwt_in_the_vc_1_1_shape_verifies() {
        let vc = json!({
            "@context": ["https://www.w3.org/2018/credentials/v1"],
            "type": ["VerifiableCredential"],
            "credentialSubject": {"name": "Ada"}
        });
        let token = rs256_vc11(
            &vc,
            json!({"iss": "https://badges.example.org", "jti": "urn:uuid:5", "sub": "did:example:ada", "nbf": 1_700_000_000}),
            "https://badges.example.org#rsa",
        );
        let decoded = decode(&token).unwrap();
        assert_eq!(decoded.algorithm, Algorithm::Rs256);
        assert_eq!(decoded.credential["issuer"], "https://badges.example.org");
        assert_eq!(decoded.credential["issuanceDate"], "2023-11-14T22:13:20Z");
        assert_eq!(
            decoded.credential["credentialSubject"]["id"],
            "did:example:ada"
        );
        let key = crate::credentials::keys::parse_public_jwk(&rsa_public_jwk()).unwrap();
        decoded.verify(&key).unwrap();
        let parts: Vec<&str> = token.split('.').collect();
        let mut changed = decoded.payload.clone();
        changed["vc"]["credentialSubject"]["name"] = json!("Eve");
        let forged = format!("{}.{}.{}", parts[0], encode(&changed), parts[2]);
        assert!(decode(&forged).unwrap().verify(&key).is_err());
        assert!(decoded
            .verify(&PublicKey::Ed25519(generate().verifying_key()))
            .is_err());
    }
}
