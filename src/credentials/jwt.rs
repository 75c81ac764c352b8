//! VC-JWT as Open Badges 3.0 defines it ("JSON Web Token Proof Format"): a JWS compact
//! serialization signed with EdDSA (Ed25519) whose payload is the credential itself plus the
//! claims `iss` (issuer id), `jti` (credential id), `nbf` (validFrom), `sub` (subject id) and,
//! with a `validUntil`, `exp`.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use serde_json::{json, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

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

/// A JWT taken apart, its signature not yet checked.
#[derive(Debug, Clone)]
pub struct Decoded {
    pub header: Value,
    /// The credential: the payload itself, or its `vc` claim in the older VC 1.1 shape.
    pub credential: Value,
    payload: Value,
    signing_input: String,
    signature: Signature,
}

impl Decoded {
    /// The key id (`kid`) or embedded public key (`jwk`) the header names.
    pub fn kid(&self) -> Option<&str> {
        self.header.get("kid").and_then(Value::as_str)
    }

    pub fn jwk(&self) -> Option<&Value> {
        self.header.get("jwk")
    }

    /// Checks the signature and that the registered claims agree with the credential.
    pub fn verify(&self, key: &VerifyingKey) -> CoreResult<()> {
        key.verify(self.signing_input.as_bytes(), &self.signature)
            .map_err(|_| {
                CoreError::invalid("jwt", "the signature does not match the credential")
            })?;
        for (name, expected) in registered_claims(&self.credential)? {
            if self.payload.get(name) != Some(&expected) {
                return Err(CoreError::invalid(
                    "jwt",
                    format!("its {name} claim does not match the credential"),
                ));
            }
        }
        Ok(())
    }
}

/// Splits a compact JWS; refuses anything but EdDSA.
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
    if header_json.get("alg").and_then(Value::as_str) != Some("EdDSA") {
        return Err(invalid("only EdDSA (Ed25519) signatures are accepted"));
    }
    let payload_json = part(payload)?;
    let signature_bytes = URL_SAFE_NO_PAD
        .decode(signature)
        .ok()
        .and_then(|bytes| <[u8; 64]>::try_from(bytes).ok())
        .ok_or_else(|| invalid("the signature is not 64 base64url bytes"))?;
    let credential = match payload_json.get("vc") {
        Some(vc) if vc.is_object() => vc.clone(),
        _ => {
            let mut credential = payload_json.clone();
            if let Some(object) = credential.as_object_mut() {
                for claim in ["iss", "jti", "nbf", "sub", "exp", "iat"] {
                    object.remove(claim);
                }
            }
            credential
        }
    };
    Ok(Decoded {
        header: header_json,
        credential,
        payload: payload_json,
        signing_input: format!("{header}.{payload}"),
        signature: Signature::from_bytes(&signature_bytes),
    })
}

fn encode(value: &Value) -> String {
    URL_SAFE_NO_PAD.encode(value.to_string())
}

/// The JWT claims OB 3.0 derives from a credential.
fn registered_claims(credential: &Value) -> CoreResult<Vec<(&'static str, Value)>> {
    let issuer = match &credential["issuer"] {
        Value::String(id) => Some(id.clone()),
        issuer => issuer.get("id").and_then(Value::as_str).map(str::to_owned),
    };
    let mut claims = vec![
        (
            "iss",
            json!(issuer.ok_or_else(|| CoreError::invalid("issuer", "has no id"))?),
        ),
        ("jti", credential["id"].clone()),
        ("sub", credential["credentialSubject"]["id"].clone()),
        (
            "nbf",
            json!(numeric_date(&credential["validFrom"], "validFrom")?),
        ),
    ];
    if !credential["validUntil"].is_null() {
        claims.push((
            "exp",
            json!(numeric_date(&credential["validUntil"], "validUntil")?),
        ));
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
mod tests {
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
        assert_eq!(decoded.credential, credential());
        decoded.verify(&key.verifying_key()).unwrap();
        assert!(decoded.verify(&generate().verifying_key()).is_err());
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
            .verify(&key.verifying_key())
            .is_err());
        assert!(decode("a.b").is_err());
    }
}
