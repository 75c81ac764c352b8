//! RDF Dataset Canonicalization (RDFC-1.0) of JSON-LD documents, offline.
//!
//! A credential is turned into RDF with the JSON-LD 1.1 algorithms (sophia_jsonld), every
//! `@context` it names being served from the files in `contexts/` — never fetched — and the
//! dataset is written as canonical N-Quads (sophia_c14n). An unknown context is an error.

use std::collections::HashSet;

use serde_json::Value;
use sophia_api::prelude::*;
use sophia_api::quad::Spog;
use sophia_api::term::SimpleTerm;
use sophia_c14n::rdfc10;
use sophia_jsonld::loader::{ClosureLoader, FutureExt};
use sophia_jsonld::{JsonLdOptions, JsonLdParser, Policy, RdfDirection};

use crate::error::{CoreError, CoreResult};

/// The JSON-LD contexts Cairn knows, by the URL credentials use for them (see
/// `contexts/README.md`).
pub const CONTEXTS: [(&str, &str); 11] = [
    (
        "https://www.w3.org/ns/credentials/v2",
        include_str!("contexts/credentials-v2.jsonld"),
    ),
    (
        "https://www.w3.org/2018/credentials/v1",
        include_str!("contexts/credentials-v1.jsonld"),
    ),
    (
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        include_str!("contexts/ob-v3p0-context-3.0.3.json"),
    ),
    (
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json",
        include_str!("contexts/ob-v3p0-context-3.0.2.json"),
    ),
    (
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json",
        include_str!("contexts/ob-v3p0-context-3.0.1.json"),
    ),
    (
        "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json",
        include_str!("contexts/ob-v3p0-extensions.json"),
    ),
    (
        "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json",
        include_str!("contexts/clr-v2p0-context-2.0.1.json"),
    ),
    (
        "https://w3id.org/security/data-integrity/v2",
        include_str!("contexts/data-integrity-v2.jsonld"),
    ),
    (
        "https://w3id.org/security/suites/ed25519-2020/v1",
        include_str!("contexts/ed25519-2020-v1.jsonld"),
    ),
    (
        "https://w3id.org/security/multikey/v1",
        include_str!("contexts/multikey-v1.jsonld"),
    ),
    (
        "https://www.w3.org/ns/did/v1",
        include_str!("contexts/did-v1.jsonld"),
    ),
];

/// The context document for `url`, if Cairn has it.
pub fn context(url: &str) -> Option<&'static str> {
    CONTEXTS
        .iter()
        .find(|(known, _)| *known == url)
        .map(|(_, text)| *text)
}

type Dataset = HashSet<Spog<SimpleTerm<'static>>>;

/// The canonical N-Quads of a JSON-LD document, one quad per line, each ending in `\n`.
///
/// Runs the JSON-LD processor to completion on the calling thread (CPU work of a few
/// milliseconds): async code should call it through `tokio::task::spawn_blocking`.
pub fn canonical_nquads(document: &Value) -> CoreResult<String> {
    check_contexts(document)?;
    let text = serde_json::to_string(document)
        .map_err(|error| CoreError::invalid("credential", error.to_string()))?;
    let options = JsonLdOptions::new()
        .with_rdf_direction(RdfDirection::I18nDatatype)
        .with_produce_generalized_rdf(false)
        .with_expansion_policy(Policy::Strict)
        .with_document_loader_closure(|| {
            ClosureLoader::new(|url| {
                let found = context(url.as_str()).map(str::to_owned).ok_or_else(|| {
                    format!(
                        "the JSON-LD context {} is not one Cairn knows (contexts are never fetched)",
                        url.as_str()
                    )
                });
                async move { found }.boxed()
            })
        });
    let parser = JsonLdParser::new_with_options(options);
    // The loader answers at once (no I/O), so the processor's future completes without a
    // runtime: run it here, whatever thread this is (sophia's own `parse_str` would start a
    // tokio runtime, which panics inside another).
    let dataset: Dataset = futures::executor::block_on(parser.async_parse_str(&text))
        .collect_quads()
        .map_err(|error| CoreError::invalid("credential", format!("not valid JSON-LD: {error}")))?;
    let mut nquads = Vec::new();
    rdfc10::normalize(&dataset, &mut nquads).map_err(|error| {
        CoreError::invalid("credential", format!("cannot canonicalize: {error}"))
    })?;
    String::from_utf8(nquads).map_err(|error| CoreError::invalid("credential", error.to_string()))
}

/// Every `@context` entry must be a URL Cairn has; inline contexts and unknown URLs are refused
/// before the processor starts, with their name.
fn check_contexts(document: &Value) -> CoreResult<()> {
    let contexts = match document.get("@context") {
        Some(Value::Array(items)) => items.iter().collect::<Vec<_>>(),
        Some(single) => vec![single],
        None => return Err(CoreError::invalid("@context", "is missing")),
    };
    for item in contexts {
        match item.as_str() {
            Some(url) if context(url).is_some() => {}
            Some(url) => {
                return Err(CoreError::invalid(
                    "@context",
                    format!("{url} is not a context Cairn knows; contexts are never fetched"),
                ))
            }
            None => {
                return Err(CoreError::invalid(
                    "@context",
                    "inline contexts are not accepted; name a published context by its URL",
                ))
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_credential_becomes_canonical_nquads() {
        let nquads = canonical_nquads(&json!({
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiableCredential"],
            "issuer": "https://example.edu/issuers/1",
            "credentialSubject": {"id": "did:example:1"}
        }))
        .unwrap();
        assert!(nquads.contains(
            "<https://www.w3.org/2018/credentials#issuer> <https://example.edu/issuers/1>"
        ));
        assert!(nquads.ends_with(" .\n"));
        assert!(nquads.contains("_:c14n0"), "{nquads}");
    }

    #[test]
    fn unknown_contexts_are_refused_without_a_fetch() {
        let error = canonical_nquads(&json!({
            "@context": ["https://www.w3.org/ns/credentials/v2", "https://evil.example/context.json"],
            "type": ["VerifiableCredential"]
        }))
        .unwrap_err();
        assert!(
            error
                .to_string()
                .contains("https://evil.example/context.json"),
            "{error}"
        );
    }
}
