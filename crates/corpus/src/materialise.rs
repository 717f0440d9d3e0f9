//! From plan to published bytes: every document built, signed with the verifier's own
//! signing code, damaged where the plan says so, baked where the format says so, and laid
//! out as files of the demo web. Credentials and presentations are signed in parallel; each
//! is a pure function of the plan, so the bytes do not depend on scheduling.

use std::collections::BTreeMap;
use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ed25519_dalek::SigningKey;
use rayon::prelude::*;
use serde_json::{Value, json};
use time::Duration;

use crate::documents::{self, Ob2Urls};
use crate::keys::{IssuerKeys, earner_key, issuer_keys, ob2_rsa_key};
use crate::plan::{Plan, STATUS_LIST_BITS};
use crate::rng::Rng;
use crate::site::{File, Resource, Visibility, escape_html, page, script_json};
use crate::types::*;
use crate::{Ecosystem, Error};

struct Context<'a> {
    plan: &'a Plan,
    verifier: verify::Verifier,
    keys: Vec<IssuerKeys>,
    rsa: BTreeMap<usize, rsa::RsaPrivateKey>,
    idats: Vec<Vec<u8>>,
    colours: Vec<[u8; 3]>,
}

/// A built credential: its bytes, and its signed JSON when a presentation may carry it.
struct Built {
    bytes: Vec<u8>,
    json: Option<Value>,
}

pub(crate) fn materialise(plan: Plan) -> Result<Ecosystem, Error> {
    let seed = plan.config.seed;
    let colours: Vec<[u8; 3]> = plan
        .issuers
        .iter()
        .map(|issuer| {
            let bytes = Rng::keyed(seed, &format!("colour/{}", issuer.slug), 0).bytes32();
            // Darker tones keep white initials readable.
            [bytes[0] / 2 + 20, bytes[1] / 2 + 20, bytes[2] / 2 + 20]
        })
        .collect();
    let rsa_keys: Result<Vec<(usize, rsa::RsaPrivateKey)>, Error> = plan
        .issuers
        .par_iter()
        .filter(|issuer| issuer.ob2)
        .map(|issuer| Ok((issuer.index, ob2_rsa_key(seed, &issuer.slug)?)))
        .collect();
    let context = Context {
        plan: &plan,
        verifier: verify::Verifier::new(Arc::new(verify::OfflineResolver)),
        keys: plan
            .issuers
            .iter()
            .map(|issuer| issuer_keys(seed, &issuer.slug))
            .collect(),
        rsa: rsa_keys?.into_iter().collect(),
        idats: colours
            .iter()
            .map(|colour| crate::bake::disc_idat(*colour))
            .collect(),
        colours,
    };
    let built: Vec<Built> = plan
        .credentials
        .par_iter()
        .map(|credential| build_credential(&context, credential))
        .collect::<Result<_, _>>()?;
    let presentations: Vec<Vec<u8>> = plan
        .presentations
        .par_iter()
        .map(|presentation| build_presentation(&context, presentation, &built))
        .collect::<Result<_, _>>()?;
    let mut files = Vec::new();
    issuer_files(&context, &mut files)?;
    let credential_bytes: Vec<Arc<[u8]>> = built
        .into_iter()
        .map(|built| Arc::from(built.bytes))
        .collect();
    credential_files(&context, &credential_bytes, &mut files);
    let presentation_bytes: Vec<Arc<[u8]>> = presentations.into_iter().map(Arc::from).collect();
    wallet_files(&context, &presentation_bytes, &mut files);
    demand_files(&context, &mut files);
    hub_files(&context, &mut files);
    drop(context);
    Ok(Ecosystem {
        plan,
        credential_bytes,
        presentation_bytes,
        files,
    })
}

fn json_bytes(value: &Value) -> Vec<u8> {
    // Compact: what issuers' APIs serve, and a third of the pretty-printed size.
    value.to_string().into_bytes()
}

/// The key and verification method a credential is signed with.
fn signer<'a>(context: &'a Context<'_>, credential: &CredentialPlan) -> (&'a SigningKey, String) {
    let issuer = &context.plan.issuers[credential.issuer];
    let keys = &context.keys[credential.issuer];
    match credential.defect {
        Some(Defect::UnpublishedKey) => (&keys.rogue, format!("{}#key-9", issuer.id)),
        Some(Defect::UnlistedKey) => (&keys.authentication, issuer.authentication_method.clone()),
        _ => (&keys.assertion, issuer.assertion_method.clone()),
    }
}

/// A proof's options, before the document and the key.
fn proof(
    suite: verify::SigningSuite,
    method: &str,
    created: time::OffsetDateTime,
) -> verify::ProofOptions {
    verify::ProofOptions {
        suite,
        verification_method: method.to_owned(),
        proof_purpose: "assertionMethod".to_owned(),
        created,
        challenge: None,
        domain: None,
    }
}

fn sign(
    context: &Context<'_>,
    document: &Value,
    options: &verify::ProofOptions,
    key: &SigningKey,
) -> Result<Value, Error> {
    context
        .verifier
        .sign(document, options, key)
        .map_err(|error| Error::Signing(format!("{}: {error}", options.verification_method)))
}

fn di_suite(issuer: &Issuer) -> verify::SigningSuite {
    match issuer.platform {
        Platform::Rdfc | Platform::Legacy => verify::SigningSuite::EddsaRdfc2022,
        Platform::Jcs | Platform::Jwt => verify::SigningSuite::EddsaJcs2022,
    }
}

/// Appends to the achievement's name inside a signed credential (or a CLR's first member).
fn tamper(document: &mut Value) {
    let target = if document
        .pointer("/credentialSubject/verifiableCredential/0")
        .is_some()
    {
        document.pointer_mut(
            "/credentialSubject/verifiableCredential/0/credentialSubject/achievement/name",
        )
    } else {
        document.pointer_mut("/credentialSubject/achievement/name")
    };
    if let Some(Value::String(name)) = target {
        name.push_str(" (Honours)");
    } else if let Some(Value::String(name)) = document.get_mut("name") {
        name.push_str(" (Honours)");
    }
}

fn truncate(bytes: &mut Vec<u8>) {
    bytes.truncate(bytes.len() / 2);
}

fn build_credential(context: &Context<'_>, credential: &CredentialPlan) -> Result<Built, Error> {
    let plan = context.plan;
    let config = &plan.config;
    let issuer = &plan.issuers[credential.issuer];
    let first = &plan.achievements[credential.achievements[0]];
    let (key, method) = signer(context, credential);
    let suffix = config.domain_suffix.as_str();
    let defect = credential.defect;
    match credential.format {
        CredentialFormat::Ob3Rdfc
        | CredentialFormat::Ob3Jcs
        | CredentialFormat::Ob3Ed25519Signature2020 => {
            let suite = match credential.format {
                CredentialFormat::Ob3Rdfc => verify::SigningSuite::EddsaRdfc2022,
                CredentialFormat::Ob3Jcs => verify::SigningSuite::EddsaJcs2022,
                _ => verify::SigningSuite::Ed25519Signature2020,
            };
            let legacy = suite == verify::SigningSuite::Ed25519Signature2020;
            let unsigned = documents::ob3_credential(
                credential,
                &credential.id,
                issuer,
                first,
                suffix,
                legacy,
                true,
            );
            let mut signed = sign(
                context,
                &unsigned,
                &proof(suite, &method, credential.issued),
                key,
            )?;
            if defect == Some(Defect::Tampered) {
                tamper(&mut signed);
            }
            let mut bytes = json_bytes(&signed);
            if defect == Some(Defect::Malformed) {
                truncate(&mut bytes);
            }
            Ok(Built {
                bytes,
                json: defect.is_none().then_some(signed),
            })
        }
        CredentialFormat::VcJwt => {
            let unsigned = documents::ob3_credential(
                credential,
                &credential.id,
                issuer,
                first,
                suffix,
                false,
                true,
            );
            let mut payload = serde_json::Map::new();
            payload.insert("iss".into(), json!(issuer.id));
            payload.insert("jti".into(), json!(credential.id));
            if let Subject::Did(did) = &credential.subject {
                payload.insert("sub".into(), json!(did));
            }
            payload.insert("nbf".into(), json!(credential.issued.unix_timestamp()));
            payload.insert("iat".into(), json!(credential.issued.unix_timestamp()));
            if let Some(until) = credential.valid_until {
                payload.insert("exp".into(), json!(until.unix_timestamp()));
            }
            payload.insert("vc".into(), unsigned);
            let payload = Value::Object(payload);
            let mut token = verify::sign_compact_jws(&payload, &method, "JWT", key);
            if defect == Some(Defect::Tampered) {
                let mut altered = payload.clone();
                if let Some(vc) = altered.get_mut("vc") {
                    tamper(vc);
                }
                let parts: Vec<&str> = token.split('.').collect();
                if let [header, _, signature] = parts.as_slice() {
                    token = format!(
                        "{header}.{}.{signature}",
                        URL_SAFE_NO_PAD.encode(altered.to_string())
                    );
                }
            }
            if defect == Some(Defect::Malformed) {
                // Header and payload only: a compact JWS needs three segments.
                if let Some(cut) = token.rfind('.') {
                    token.truncate(cut);
                }
            }
            Ok(Built {
                bytes: token.into_bytes(),
                json: None,
            })
        }
        CredentialFormat::BakedPng | CredentialFormat::BakedSvg => {
            let unsigned = documents::ob3_credential(
                credential,
                &credential.id,
                issuer,
                first,
                suffix,
                false,
                true,
            );
            let mut signed = sign(
                context,
                &unsigned,
                &proof(di_suite(issuer), &method, credential.issued),
                key,
            )?;
            if defect == Some(Defect::Tampered) {
                tamper(&mut signed);
            }
            let text = signed.to_string();
            let bytes = if credential.format == CredentialFormat::BakedPng {
                let mut png = crate::bake::png(&context.idats[issuer.index], &text);
                if defect == Some(Defect::Malformed) {
                    crate::bake::corrupt_png(&mut png);
                }
                png
            } else {
                let mut svg = crate::bake::svg(
                    context.colours[issuer.index],
                    &initials(&issuer.institution),
                    &first.name,
                    &text,
                );
                if defect == Some(Defect::Malformed) {
                    // Cut before the closing tags: not well-formed XML.
                    truncate(&mut svg);
                }
                svg
            };
            Ok(Built { bytes, json: None })
        }
        CredentialFormat::Clr => {
            let suite = di_suite(issuer);
            let assertion = &context.keys[issuer.index].assertion;
            let mut members = Vec::new();
            let mut achievements = Vec::new();
            for (position, &achievement) in credential.achievements.iter().enumerate() {
                let achievement = &plan.achievements[achievement];
                achievements.push(achievement);
                let nested_id = credential
                    .nested_ids
                    .get(position)
                    .cloned()
                    .unwrap_or_default();
                let unsigned = documents::ob3_credential(
                    credential,
                    &nested_id,
                    issuer,
                    achievement,
                    suffix,
                    false,
                    false,
                );
                members.push(sign(
                    context,
                    &unsigned,
                    &proof(suite, &issuer.assertion_method, credential.issued),
                    assertion,
                )?);
            }
            let unsigned = documents::clr(credential, issuer, &achievements, members, suffix);
            let mut signed = sign(
                context,
                &unsigned,
                &proof(suite, &method, credential.issued),
                key,
            )?;
            if defect == Some(Defect::Tampered) {
                tamper(&mut signed);
            }
            let mut bytes = json_bytes(&signed);
            if defect == Some(Defect::Malformed) {
                truncate(&mut bytes);
            }
            Ok(Built {
                bytes,
                json: defect.is_none().then_some(signed),
            })
        }
        CredentialFormat::Ob2Hosted => {
            let assertion = documents::ob2_assertion(credential, issuer, first, None);
            Ok(Built {
                bytes: json_bytes(&assertion),
                json: None,
            })
        }
        CredentialFormat::Ob2Signed => {
            let urls = Ob2Urls::of(issuer);
            let assertion = documents::ob2_assertion(credential, issuer, first, Some(&urls.key));
            let rsa_key = context.rsa.get(&issuer.index).ok_or_else(|| {
                Error::Signing(format!("{} has no Open Badges 2.0 key", issuer.slug))
            })?;
            let header = json!({"alg": "RS256", "typ": "JWT"});
            let signing_input = format!(
                "{}.{}",
                URL_SAFE_NO_PAD.encode(header.to_string()),
                URL_SAFE_NO_PAD.encode(assertion.to_string())
            );
            let signature = {
                use rsa::signature::{SignatureEncoding as _, Signer as _};
                let signing_key = rsa::pkcs1v15::SigningKey::<sha2::Sha256>::new(rsa_key.clone());
                signing_key.sign(signing_input.as_bytes()).to_vec()
            };
            let mut token = format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(signature));
            if defect == Some(Defect::Tampered) {
                let mut altered = assertion.clone();
                altered["issuedOn"] =
                    json!(documents::datetime(credential.issued - Duration::days(365)));
                let parts: Vec<String> = token.split('.').map(str::to_owned).collect();
                if let [head, _, tail] = parts.as_slice() {
                    token = format!(
                        "{head}.{}.{tail}",
                        URL_SAFE_NO_PAD.encode(altered.to_string())
                    );
                }
            }
            if defect == Some(Defect::Malformed)
                && let Some(cut) = token.rfind('.')
            {
                token.truncate(cut);
            }
            Ok(Built {
                bytes: token.into_bytes(),
                json: None,
            })
        }
    }
}

fn initials(name: &str) -> String {
    name.split_whitespace()
        .filter(|word| word.chars().next().is_some_and(char::is_uppercase) && *word != "of")
        .filter_map(|word| word.chars().next())
        .take(3)
        .collect()
}

fn build_presentation(
    context: &Context<'_>,
    presentation: &PresentationPlan,
    built: &[Built],
) -> Result<Vec<u8>, Error> {
    let plan = context.plan;
    let earner = &plan.earners[presentation.earner];
    let EarnerIdentity::Did(did) = &earner.identity else {
        return Err(Error::Data(format!(
            "earner {} has no DID but a presentation",
            earner.index
        )));
    };
    let members: Vec<Value> = presentation
        .credentials
        .iter()
        .filter_map(|&credential| built.get(credential).and_then(|b| b.json.clone()))
        .collect();
    let unsigned = documents::presentation(&presentation.id, did, &presentation.fsa, members);
    let newest = presentation
        .credentials
        .iter()
        .map(|&credential| plan.credentials[credential].issued)
        .max()
        .unwrap_or(plan.config.now);
    let mut rng = Rng::keyed(plan.config.seed, "presented", presentation.index as u64);
    let created = newest.max(plan.config.now - Duration::days(rng.between(1, 60)));
    let key = earner_key(plan.config.seed, earner.index);
    let (_, method) = verify::did_key(&key);
    let suite = if rng.chance(0.7) {
        verify::SigningSuite::EddsaJcs2022
    } else {
        verify::SigningSuite::EddsaRdfc2022
    };
    let options = verify::ProofOptions {
        proof_purpose: "authentication".to_owned(),
        domain: Some(presentation.domain.clone()),
        ..proof(suite, &method, created)
    };
    let signed = sign(context, &unsigned, &options, &key)?;
    Ok(json_bytes(&signed))
}

fn listed(url: String, resource: Resource) -> File {
    File {
        url,
        resource,
        visibility: Visibility::Always,
        listed: true,
    }
}

fn unlisted(url: String, resource: Resource) -> File {
    File {
        url,
        resource,
        visibility: Visibility::Always,
        listed: false,
    }
}

fn issuer_files(context: &Context<'_>, files: &mut Vec<File>) -> Result<(), Error> {
    let plan = context.plan;
    let config = &plan.config;
    let now = config.now;
    for issuer in &plan.issuers {
        let keys = &context.keys[issuer.index];
        let assertion_key = verify::multikey(&keys.assertion);
        let authentication_key = verify::multikey(&keys.authentication);
        let (document, content_type) = match issuer.identity {
            IssuerIdentity::DidWeb => (
                documents::did_document(issuer, &assertion_key, &authentication_key),
                "application/did+json",
            ),
            IssuerIdentity::HttpsProfile => (
                documents::https_profile(issuer, &assertion_key, &authentication_key),
                "application/ld+json",
            ),
        };
        files.push(listed(
            issuer.controller_document_url.clone(),
            Resource::ok(content_type, json_bytes(&document)),
        ));

        // Status lists: bits of revoked credentials; late revocations only in the current state.
        let mut lists: BTreeMap<String, (Vec<usize>, Vec<usize>)> = BTreeMap::new();
        let mut highest = 0u32;
        for credential in plan.credentials.iter().filter(|c| c.issuer == issuer.index) {
            if let Some((url, index)) = &credential.status {
                let entry = lists.entry(url.clone()).or_default();
                match credential.defect {
                    Some(Defect::Revoked) => {
                        entry.0.push(*index as usize);
                        entry.1.push(*index as usize);
                    }
                    Some(Defect::RevokedLater) => entry.1.push(*index as usize),
                    _ => {}
                }
                highest = highest.max(1);
            }
        }
        if highest == 0 {
            // An issuer whose credentials carry no status still publishes an (empty) list.
            lists.insert(
                format!("{}/status/revocation/1", issuer.origin),
                (Vec::new(), Vec::new()),
            );
        }
        for (url, (initial, current)) in &lists {
            let versions: Vec<(Visibility, &Vec<usize>, time::OffsetDateTime)> =
                if initial == current {
                    vec![(Visibility::Always, current, now - Duration::days(30))]
                } else {
                    vec![
                        (
                            Visibility::Only(SiteState::Initial),
                            initial,
                            now - Duration::days(30),
                        ),
                        (
                            Visibility::Only(SiteState::Current),
                            current,
                            now - Duration::days(1),
                        ),
                    ]
                };
            for (visibility, bits, valid_from) in versions {
                let encoded = verify::encode_status_list(STATUS_LIST_BITS as usize, bits);
                let unsigned = documents::status_list(
                    issuer,
                    url,
                    &encoded,
                    valid_from,
                    now + Duration::days(180),
                );
                let options = proof(
                    verify::SigningSuite::EddsaRdfc2022,
                    &issuer.assertion_method,
                    valid_from,
                );
                let signed = sign(context, &unsigned, &options, &keys.assertion)?;
                files.push(File {
                    url: url.clone(),
                    resource: Resource::ok("application/vc+ld+json", json_bytes(&signed)),
                    visibility,
                    listed: false,
                });
            }
        }

        // Achievement pages: the achievement ids, with the Achievement as JSON-LD.
        let mut links = String::new();
        for &achievement in &issuer.achievements {
            let achievement = &plan.achievements[achievement];
            let data = documents::achievement(achievement, &config.domain_suffix);
            let skills: String = achievement
                .skills
                .iter()
                .map(|skill| format!("<li>{}</li>\n", escape_html(&skill.label)))
                .collect();
            let credits = achievement
                .credits
                .map(|c| format!(", {c} credits"))
                .unwrap_or_default();
            let body = format!(
                "<h1>{}</h1>\n<p>{} · {} hours{}</p>\n<p>{}</p>\n<h2>Criteria</h2>\n<p>{}</p>\n<h2>Skills</h2>\n<ul>\n{}</ul>\n<p><a href=\"/\">{}</a></p>\n",
                escape_html(&achievement.name),
                escape_html(&achievement.achievement_type),
                achievement.hours,
                credits,
                escape_html(&achievement.description),
                escape_html(&achievement.criteria),
                skills,
                escape_html(&issuer.name)
            );
            let head = format!(
                "<script type=\"application/ld+json\">{}</script>\n",
                script_json(&data)
            );
            files.push(listed(
                achievement.id.clone(),
                Resource::ok(
                    "text/html; charset=utf-8",
                    page(&achievement.name, &head, &body),
                ),
            ));
            links.push_str(&format!(
                "<li><a href=\"{}\">{}</a></li>\n",
                escape_html(&achievement.id),
                escape_html(&achievement.name)
            ));
        }
        let key_link = match issuer.identity {
            IssuerIdentity::DidWeb => format!(
                "DID: <code>{}</code> (<a href=\"/.well-known/did.json\">DID document</a>)",
                escape_html(&issuer.id)
            ),
            IssuerIdentity::HttpsProfile => {
                "<a href=\"/issuer\">Issuer profile and keys</a>".to_owned()
            }
        };
        let body = format!(
            "<h1>{}</h1>\n<p>{}</p>\n<p>{} · {}, Ontario ({})</p>\n<h2>Programs</h2>\n<ul>\n{}</ul>\n<p><a href=\"/sitemap.xml\">All published credentials</a></p>\n",
            escape_html(&issuer.name),
            escape_html(&issuer.description),
            key_link,
            escape_html(&issuer.city),
            escape_html(&issuer.fsa),
            links
        );
        files.push(listed(
            format!("{}/", issuer.origin),
            Resource::ok("text/html; charset=utf-8", page(&issuer.name, "", &body)),
        ));

        if issuer.ob2 {
            ob2_files(context, issuer, files)?;
        }
    }
    Ok(())
}

fn ob2_files(context: &Context<'_>, issuer: &Issuer, files: &mut Vec<File>) -> Result<(), Error> {
    let plan = context.plan;
    let urls = Ob2Urls::of(issuer);
    files.push(unlisted(
        urls.issuer.clone(),
        Resource::ok(
            "application/ld+json",
            json_bytes(&documents::ob2_issuer(issuer, &urls)),
        ),
    ));
    let png = crate::bake::plain_png(&context.idats[issuer.index]);
    for &achievement in &issuer.achievements {
        let achievement = &plan.achievements[achievement];
        files.push(unlisted(
            Ob2Urls::badge(issuer, achievement),
            Resource::ok(
                "application/ld+json",
                json_bytes(&documents::ob2_badge(issuer, achievement, &urls)),
            ),
        ));
        files.push(unlisted(
            Ob2Urls::badge_image(issuer, achievement),
            Resource::ok("image/png", png.clone()),
        ));
    }
    if let Some(key) = context.rsa.get(&issuer.index) {
        use rsa::pkcs8::EncodePublicKey as _;
        let pem = key
            .to_public_key()
            .to_public_key_pem(rsa::pkcs8::LineEnding::LF)
            .map_err(|error| Error::Signing(format!("{}: PEM: {error}", issuer.slug)))?;
        files.push(unlisted(
            urls.key.clone(),
            Resource::ok(
                "application/ld+json",
                json_bytes(&documents::ob2_key(&urls, &pem)),
            ),
        ));
    }
    let signed: Vec<&CredentialPlan> = plan
        .credentials
        .iter()
        .filter(|c| c.issuer == issuer.index && c.format == CredentialFormat::Ob2Signed)
        .collect();
    let revoked = |late: bool| -> Vec<&str> {
        signed
            .iter()
            .filter(|c| {
                c.defect == Some(Defect::Revoked)
                    || (late && c.defect == Some(Defect::RevokedLater))
            })
            .map(|c| c.id.as_str())
            .collect()
    };
    let (initial, current) = (revoked(false), revoked(true));
    if initial == current {
        files.push(unlisted(
            urls.revocations.clone(),
            Resource::ok(
                "application/ld+json",
                json_bytes(&documents::ob2_revocations(&urls, &current)),
            ),
        ));
    } else {
        for (state, list) in [
            (SiteState::Initial, &initial),
            (SiteState::Current, &current),
        ] {
            files.push(File {
                url: urls.revocations.clone(),
                resource: Resource::ok(
                    "application/ld+json",
                    json_bytes(&documents::ob2_revocations(&urls, list)),
                ),
                visibility: Visibility::Only(state),
                listed: false,
            });
        }
    }
    Ok(())
}

fn credential_files(context: &Context<'_>, bytes: &[Arc<[u8]>], files: &mut Vec<File>) {
    for (credential, body) in context.plan.credentials.iter().zip(bytes) {
        let resource = Resource {
            status: 200,
            content_type: credential.media_type.to_owned(),
            body: Arc::clone(body),
        };
        // Hosted Open Badges 2.0: revocation is the assertion's URL answering 410 Gone.
        let hosted = credential.format == CredentialFormat::Ob2Hosted;
        match (hosted, credential.defect) {
            (true, Some(Defect::Revoked)) => files.push(File {
                url: credential.url.clone(),
                resource: Resource::gone(),
                visibility: Visibility::Always,
                listed: true,
            }),
            (true, Some(Defect::RevokedLater)) => {
                files.push(File {
                    url: credential.url.clone(),
                    resource,
                    visibility: Visibility::Only(SiteState::Initial),
                    listed: true,
                });
                files.push(File {
                    url: credential.url.clone(),
                    resource: Resource::gone(),
                    visibility: Visibility::Only(SiteState::Current),
                    listed: true,
                });
            }
            _ => files.push(listed(credential.url.clone(), resource)),
        }
    }
}

fn wallet_files(context: &Context<'_>, bytes: &[Arc<[u8]>], files: &mut Vec<File>) {
    let config = &context.plan.config;
    let origin = config.origin(&config.host("wallet"));
    let body = "<h1>Demo learner wallet</h1>\n<p>Learners who chose to be found publish a signed presentation here, with their forward sortation area only.</p>\n<p><a href=\"/sitemap.xml\">Published portfolios</a></p>\n";
    files.push(listed(
        format!("{origin}/"),
        Resource::ok(
            "text/html; charset=utf-8",
            page("Demo learner wallet", "", body),
        ),
    ));
    for (presentation, body) in context.plan.presentations.iter().zip(bytes) {
        let earner = &context.plan.earners[presentation.earner];
        let head = format!(
            "<link rel=\"alternate\" type=\"application/vp+ld+json\" href=\"{}\">\n",
            escape_html(&presentation.url)
        );
        let html = format!(
            "<h1>Portfolio {}</h1>\n<p>Location: {} (forward sortation area).</p>\n<p><a href=\"{}\">Signed presentation of {} credentials</a></p>\n",
            escape_html(&earner.handle),
            escape_html(&presentation.fsa),
            escape_html(&presentation.url),
            presentation.credentials.len()
        );
        let page_resource = Resource::ok(
            "text/html; charset=utf-8",
            page(&format!("Portfolio {}", earner.handle), &head, &html),
        );
        let json_resource = Resource {
            status: 200,
            content_type: "application/vp+ld+json".to_owned(),
            body: Arc::clone(body),
        };
        for (url, resource) in [
            (presentation.page_url.clone(), page_resource),
            (presentation.url.clone(), json_resource),
        ] {
            if presentation.withdrawn {
                files.push(File {
                    url: url.clone(),
                    resource,
                    visibility: Visibility::Only(SiteState::Initial),
                    listed: true,
                });
                files.push(File {
                    url,
                    resource: Resource::gone(),
                    visibility: Visibility::Only(SiteState::Current),
                    listed: false,
                });
            } else {
                files.push(listed(url, resource));
            }
        }
    }
}

fn demand_files(context: &Context<'_>, files: &mut Vec<File>) {
    let plan = context.plan;
    let config = &plan.config;
    for employer in &plan.employers {
        let origin = config.origin(&employer.host);
        let body = format!(
            "<h1>{}</h1>\n<p>A fictional employer hiring in economic region {}.</p>\n<p><a href=\"/sitemap.xml\">Open positions</a></p>\n",
            escape_html(&employer.name),
            escape_html(&employer.eruid)
        );
        files.push(listed(
            format!("{origin}/"),
            Resource::ok("text/html; charset=utf-8", page(&employer.name, "", &body)),
        ));
    }
    for posting in &plan.postings {
        let employer = &plan.employers[posting.employer];
        let labels: Vec<&str> = posting
            .skills
            .iter()
            .map(|skill| skill.label.as_str())
            .collect();
        let place = &posting.place;
        let description = format!(
            "{} is hiring a {} in {}. Responsibilities and skills: {}. Demo posting: the employer and the position are fictional.",
            employer.name,
            posting.title.to_lowercase(),
            place,
            labels.join("; ")
        );
        let data = json!({
            "@context": "https://schema.org",
            "@type": "JobPosting",
            "title": posting.title,
            "description": description,
            "identifier": {"@type": "PropertyValue", "name": employer.name, "value": posting.url},
            "url": posting.url,
            "datePosted": documents::date(posting.date_posted),
            "validThrough": documents::datetime(posting.date_posted + Duration::days(60)),
            "employmentType": "FULL_TIME",
            "totalJobOpenings": posting.vacancies,
            "hiringOrganization": {"@type": "Organization", "name": employer.name, "sameAs": config.origin(&employer.host)},
            "jobLocation": {
                "@type": "Place",
                "address": {
                    "@type": "PostalAddress",
                    "addressLocality": place,
                    "addressRegion": "ON",
                    "postalCode": posting.fsa,
                    "addressCountry": "CA"
                }
            },
            "occupationalCategory": {
                "@type": "CategoryCode",
                "codeValue": posting.noc,
                "inCodeSet": "NOC 2021",
                "name": posting.title
            }
        });
        let head = format!(
            "<script type=\"application/ld+json\">{}</script>\n",
            script_json(&data)
        );
        let body = format!(
            "<h1>{}</h1>\n<p>{} · {} ({})</p>\n<p>{}</p>\n",
            escape_html(&posting.title),
            escape_html(&employer.name),
            escape_html(place),
            escape_html(&posting.fsa),
            escape_html(&description)
        );
        files.push(listed(
            posting.url.clone(),
            Resource::ok(
                "text/html; charset=utf-8",
                page(&posting.title, &head, &body),
            ),
        ));
    }
}

fn hub_files(context: &Context<'_>, files: &mut Vec<File>) {
    let plan = context.plan;
    let config = &plan.config;
    let origin = config.origin(&config.host("hub"));
    let mut items = String::new();
    for url in plan.seed_urls() {
        if url.starts_with(&origin) {
            continue;
        }
        items.push_str(&format!(
            "<li><a href=\"{0}\">{0}</a> (<a href=\"{0}sitemap.xml\">sitemap</a>)</li>\n",
            escape_html(&url)
        ));
    }
    let body = format!(
        "<h1>skillproof demo ecosystem</h1>\n<p>Demo issuers modelled on Ontario institutions, a learner wallet and demo employers. Everything here is synthetic, signed with demo keys.</p>\n<ul>\n{items}</ul>\n"
    );
    files.push(listed(
        format!("{origin}/"),
        Resource::ok(
            "text/html; charset=utf-8",
            page("skillproof demo ecosystem", "", &body),
        ),
    ));
}
