//! Active contexts and the JSON-LD 1.1 Context Processing / Create Term Definition
//! algorithms, with jsonld.js's behaviour where it differs from the prose.

use crate::iri::{is_absolute, is_bcp47, is_keyword, looks_like_keyword, prepend_base};
use crate::{Error, Processor};
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// Identity of active contexts: the processed-context cache is keyed by it.
static NEXT_CONTEXT_ID: AtomicU64 = AtomicU64::new(1);

fn next_id() -> u64 {
    NEXT_CONTEXT_ID.fetch_add(1, Ordering::Relaxed)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Direction {
    Ltr,
    Rtl,
}

impl Direction {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Direction::Ltr => "ltr",
            Direction::Rtl => "rtl",
        }
    }

    fn parse(value: &Value) -> Result<Option<Direction>, ()> {
        match value {
            Value::Null => Ok(None),
            Value::String(s) if s == "ltr" => Ok(Some(Direction::Ltr)),
            Value::String(s) if s == "rtl" => Ok(Some(Direction::Rtl)),
            _ => Err(()),
        }
    }
}

/// `@container` values as bit flags.
pub(crate) mod container {
    pub(crate) const LIST: u8 = 1;
    pub(crate) const SET: u8 = 2;
    pub(crate) const INDEX: u8 = 4;
    pub(crate) const LANGUAGE: u8 = 8;
    pub(crate) const GRAPH: u8 = 16;
    pub(crate) const ID: u8 = 32;
    pub(crate) const TYPE: u8 = 64;

    pub(crate) fn parse(name: &str) -> Option<u8> {
        Some(match name {
            "@list" => LIST,
            "@set" => SET,
            "@index" => INDEX,
            "@language" => LANGUAGE,
            "@graph" => GRAPH,
            "@id" => ID,
            "@type" => TYPE,
            _ => return None,
        })
    }
}

/// A term's scoped context, kept raw (it is processed when used) with its cache key.
#[derive(Clone, Debug)]
pub(crate) struct ScopedContext {
    pub(crate) value: Arc<Value>,
    pub(crate) key: u64,
}

impl PartialEq for ScopedContext {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.value, &other.value) || self.value == other.value
    }
}

/// A term definition. Field presence mirrors jsonld.js's mapping object, because a
/// protected term may be redefined only by a deep-equal definition.
#[derive(Clone, Debug, PartialEq, Default)]
pub(crate) struct TermDef {
    /// `None`: the term maps to null (its values are dropped).
    pub(crate) id: Option<String>,
    pub(crate) reverse: bool,
    pub(crate) type_mapping: Option<String>,
    pub(crate) container: Option<u8>,
    pub(crate) language: Option<Option<String>>,
    pub(crate) direction: Option<Option<Direction>>,
    pub(crate) context: Option<ScopedContext>,
    pub(crate) index: Option<String>,
    pub(crate) nest: Option<String>,
    pub(crate) prefix: Option<bool>,
    pub(crate) protected: bool,
    pub(crate) term_has_colon: bool,
}

/// An active context. Immutable once built and shared through `Arc`.
#[derive(Debug)]
pub(crate) struct ActiveContext {
    pub(crate) id: u64,
    pub(crate) terms: HashMap<String, Arc<TermDef>>,
    pub(crate) has_protected: bool,
    /// `None`: no `@base` entry; `Some(None)`: `@base: null`.
    pub(crate) base: Option<Option<String>>,
    pub(crate) vocab: Option<String>,
    pub(crate) language: Option<String>,
    pub(crate) direction: Option<Direction>,
    /// The context to revert to when a type-scoped context stops propagating.
    pub(crate) previous: Option<Arc<ActiveContext>>,
}

impl ActiveContext {
    pub(crate) fn initial() -> ActiveContext {
        ActiveContext {
            id: next_id(),
            terms: HashMap::new(),
            has_protected: false,
            base: None,
            vocab: None,
            language: None,
            direction: None,
            previous: None,
        }
    }

    /// jsonld.js `clone()`: copies everything but `@direction`, which it drops.
    fn clone_child(&self) -> ActiveContext {
        ActiveContext {
            id: next_id(),
            terms: self.terms.clone(),
            has_protected: self.has_protected,
            base: self.base.clone(),
            vocab: self.vocab.clone(),
            language: self.language.clone(),
            direction: None,
            previous: self.previous.clone(),
        }
    }

    pub(crate) fn term(&self, term: &str) -> Option<&TermDef> {
        self.terms.get(term).map(|t| &**t)
    }

    pub(crate) fn revert(self: &Arc<Self>) -> Arc<Self> {
        match &self.previous {
            Some(previous) => previous.clone(),
            None => self.clone(),
        }
    }

    pub(crate) fn container(&self, term: Option<&str>) -> u8 {
        term.and_then(|t| self.term(t))
            .and_then(|d| d.container)
            .unwrap_or(0)
    }

    /// `getContextValue(ctx, term, '@language')`.
    pub(crate) fn language_for(&self, term: Option<&str>) -> Option<&str> {
        match term
            .and_then(|t| self.term(t))
            .and_then(|d| d.language.as_ref())
        {
            Some(language) => language.as_deref(),
            None if term.is_some() => self.language.as_deref(),
            None => None,
        }
    }

    /// `getContextValue(ctx, term, '@direction')`.
    pub(crate) fn direction_for(&self, term: Option<&str>) -> Option<Direction> {
        match term.and_then(|t| self.term(t)).and_then(|d| d.direction) {
            Some(direction) => direction,
            None if term.is_some() => self.direction,
            None => None,
        }
    }

    /// IRI Expansion on a finished context. `None` is JSON null.
    pub(crate) fn expand_iri<'a>(
        &'a self,
        value: &'a str,
        vocab: bool,
        base: bool,
    ) -> Option<Cow<'a, str>> {
        if is_keyword(value) {
            return Some(Cow::Borrowed(value));
        }
        if looks_like_keyword(value) {
            return None;
        }
        if vocab && let Some(def) = self.term(value) {
            return def.id.as_deref().map(Cow::Borrowed);
        }
        if let Some(colon) = value.find(':').filter(|&c| c > 0) {
            let (prefix, suffix) = (&value[..colon], &value[colon + 1..]);
            if prefix == "_" || suffix.starts_with("//") {
                return Some(Cow::Borrowed(value));
            }
            if let Some(def) = self.term(prefix)
                && def.prefix == Some(true)
            {
                return Some(Cow::Owned(format!(
                    "{}{suffix}",
                    def.id.as_deref().unwrap_or("null")
                )));
            }
            if is_absolute(value) {
                return Some(Cow::Borrowed(value));
            }
        }
        if vocab && let Some(v) = &self.vocab {
            return Some(Cow::Owned(format!("{v}{value}")));
        }
        if base {
            return Some(Cow::Owned(self.resolve_against_base(value)));
        }
        Some(Cow::Borrowed(value))
    }

    /// Document-relative resolution. The document base is '' (jsonld.js canonize default).
    fn resolve_against_base(&self, value: &str) -> String {
        match &self.base {
            Some(Some(base)) if !base.is_empty() => {
                let base = prepend_base(Some(""), base);
                prepend_base(Some(&base), value)
            }
            Some(_) => value.to_string(),
            None => prepend_base(Some(""), value),
        }
    }
}

/// Structural hash of a JSON value, for cache keys (equality is re-checked on hit).
pub(crate) fn hash_value(value: &Value, depth: usize) -> Result<u64, Error> {
    fn feed(value: &Value, h: &mut std::hash::DefaultHasher, depth: usize) -> Result<(), Error> {
        if depth == 0 {
            return Err(Error::LimitExceeded("context nesting depth".into()));
        }
        match value {
            Value::Null => 0u8.hash(h),
            Value::Bool(b) => (1u8, b).hash(h),
            Value::Number(n) => (2u8, n).hash(h),
            Value::String(s) => (3u8, s).hash(h),
            Value::Array(items) => {
                (4u8, items.len()).hash(h);
                for item in items {
                    feed(item, h, depth - 1)?;
                }
            }
            Value::Object(map) => {
                (5u8, map.len()).hash(h);
                for (k, v) in map {
                    k.hash(h);
                    feed(v, h, depth - 1)?;
                }
            }
        }
        Ok(())
    }
    let mut h = std::hash::DefaultHasher::new();
    feed(value, &mut h, depth)?;
    Ok(h.finish())
}

fn is_falsy(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Bool(b) => !b,
        Value::Number(n) => n.as_f64() == Some(0.0),
        Value::String(s) => s.is_empty(),
        _ => false,
    }
}

/// One entry of a resolved `@context` array.
enum Resolved<'v> {
    Null,
    Local(&'v Value),
    Remote(Value),
}

impl Resolved<'_> {
    fn value(&self) -> Option<&Value> {
        match self {
            Resolved::Null => None,
            Resolved::Local(v) => Some(v),
            Resolved::Remote(v) => Some(v),
        }
    }
}

/// Term definitions one top-level context processing may copy. Every context processed
/// clones its active context's terms (as jsonld.js does), so many scoped terms on a large
/// context cost quadratic time; real contexts copy tens of thousands.
const MAX_CLONED_TERMS: usize = 2_000_000;

/// Bookkeeping of one top-level context processing.
#[derive(Default)]
struct Work {
    /// Scoped context URLs already validated (jsonld.js's `cycles`).
    scoped_urls: HashSet<String>,
    cloned_terms: usize,
}

impl Work {
    fn charge(&mut self, terms: usize) -> Result<(), Error> {
        self.cloned_terms += terms;
        if self.cloned_terms > MAX_CLONED_TERMS {
            return Err(Error::LimitExceeded(format!(
                "context processing copied more than {MAX_CLONED_TERMS} term definitions"
            )));
        }
        Ok(())
    }
}

/// What processing a context needs besides the contexts themselves.
pub(crate) struct ContextRequest<'v> {
    pub(crate) local: &'v Value,
    /// Set for term-scoped contexts: pointer equality short-cuts the cache check.
    pub(crate) shared: Option<&'v ScopedContext>,
    pub(crate) propagate: bool,
    pub(crate) override_protected: bool,
}

impl Processor {
    /// Context Processing with the processed-context cache in front.
    pub(crate) fn process_context(
        &self,
        active: &Arc<ActiveContext>,
        request: ContextRequest<'_>,
    ) -> Result<Arc<ActiveContext>, Error> {
        let local_key = match request.shared {
            Some(scoped) => scoped.key,
            None => hash_value(request.local, self.options.max_depth)?,
        };
        let key = crate::cache::ContextKey {
            active: active.id,
            local: local_key,
            propagate: request.propagate,
            override_protected: request.override_protected,
        };
        if let Some(hit) =
            self.cache
                .get_context(&key, request.local, request.shared.map(|s| &s.value))
        {
            return Ok(hit);
        }
        let mut work = Work::default();
        let result = self.process_uncached(
            active,
            request.local,
            request.propagate,
            request.override_protected,
            0,
            &mut work,
        )?;
        let stored = match request.shared {
            Some(scoped) => scoped.value.clone(),
            None => Arc::new(request.local.clone()),
        };
        self.cache.put_context(key, stored, result.clone());
        Ok(result)
    }

    fn process_uncached(
        &self,
        active: &Arc<ActiveContext>,
        local: &Value,
        mut propagate: bool,
        override_protected: bool,
        nesting: usize,
        work: &mut Work,
    ) -> Result<Arc<ActiveContext>, Error> {
        if nesting > self.options.max_context_nesting {
            return Err(Error::LimitExceeded(format!(
                "context nesting deeper than {}",
                self.options.max_context_nesting
            )));
        }
        let local = match local {
            Value::Object(map) => match map.get("@context") {
                Some(inner @ Value::Array(_)) => inner,
                _ => local,
            },
            _ => local,
        };
        let mut remote_chain = Vec::new();
        let resolved = self.resolve(local, &mut remote_chain)?;
        if resolved.is_empty() {
            return Ok(active.clone());
        }
        if let Some(Value::Object(first)) = resolved[0].value()
            && let Some(Value::Bool(p)) = first.get("@propagate")
        {
            propagate = *p;
        }
        let mut rval = active.clone();
        if !propagate && rval.previous.is_none() {
            let mut child = rval.clone_child();
            // jsonld.js reverts to a clone of the previous context, which has lost `@direction`.
            child.previous = Some(if active.direction.is_some() {
                Arc::new(active.clone_child())
            } else {
                active.clone()
            });
            rval = Arc::new(child);
        }
        for entry in &resolved {
            let Some(ctx) = entry.value() else {
                if !override_protected && rval.has_protected {
                    return Err(Error::context(
                        "invalid context nullification",
                        "tried to nullify a context with protected terms",
                    ));
                }
                rval = Arc::new(ActiveContext::initial());
                continue;
            };
            let ctx = match ctx {
                Value::Object(map) => map.get("@context").unwrap_or(ctx),
                other => other,
            };
            let Value::Object(map) = ctx else {
                return Err(Error::context(
                    "invalid local context",
                    "@context must be an object",
                ));
            };
            rval = Arc::new(self.process_object(&rval, map, override_protected, nesting, work)?);
        }
        Ok(rval)
    }

    /// jsonld.js ContextResolver.resolve: flattens strings (remote contexts) into objects.
    fn resolve<'v>(
        &self,
        local: &'v Value,
        chain: &mut Vec<String>,
    ) -> Result<Vec<Resolved<'v>>, Error> {
        let local = match local {
            Value::Object(map) => match map.get("@context") {
                Some(inner) if !is_falsy(inner) => inner,
                _ => local,
            },
            _ => local,
        };
        let items: &[Value] = match local {
            Value::Array(items) => items,
            single => std::slice::from_ref(single),
        };
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            match item {
                Value::String(url) => {
                    for remote in self.resolve_remote(url, chain)? {
                        out.push(remote);
                    }
                }
                Value::Null => out.push(Resolved::Null),
                Value::Object(_) => out.push(Resolved::Local(item)),
                _ => {
                    return Err(Error::context(
                        "invalid local context",
                        "@context must be an object",
                    ));
                }
            }
        }
        Ok(out)
    }

    fn resolve_remote(
        &self,
        url: &str,
        chain: &mut Vec<String>,
    ) -> Result<Vec<Resolved<'static>>, Error> {
        let url = prepend_base(Some(""), url);
        if chain.len() >= self.options.max_remote_contexts {
            return Err(Error::LimitExceeded(format!(
                "more than {} nested remote contexts",
                self.options.max_remote_contexts
            )));
        }
        if chain.contains(&url) {
            return Err(Error::context("recursive context inclusion", url));
        }
        let document = self.load_document(&url)?;
        let Value::Object(document) = &*document else {
            return Err(Error::context(
                "invalid remote context",
                format!("{url} is not a JSON object"),
            ));
        };
        chain.push(url.clone());
        let inner = document
            .get("@context")
            .cloned()
            .unwrap_or_else(|| Value::Object(Map::new()));
        // Relative context references inside a remote context resolve against its URL.
        let inner = match inner {
            Value::String(s) => Value::String(prepend_base(Some(&url), &s)),
            Value::Array(items) => Value::Array(
                items
                    .into_iter()
                    .map(|v| match v {
                        Value::String(s) => Value::String(prepend_base(Some(&url), &s)),
                        other => other,
                    })
                    .collect(),
            ),
            other => other,
        };
        let wrapped = {
            let mut m = Map::new();
            m.insert("@context".into(), inner);
            Value::Object(m)
        };
        let resolved = self.resolve(&wrapped, chain)?;
        let owned = resolved
            .into_iter()
            .map(|r| match r {
                Resolved::Null => Resolved::Null,
                Resolved::Local(v) => Resolved::Remote(v.clone()),
                Resolved::Remote(v) => Resolved::Remote(v),
            })
            .collect();
        chain.pop();
        Ok(owned)
    }

    /// Context Processing step 5 for one context object.
    fn process_object(
        &self,
        active: &Arc<ActiveContext>,
        ctx: &Map<String, Value>,
        override_protected: bool,
        nesting: usize,
        work: &mut Work,
    ) -> Result<ActiveContext, Error> {
        work.charge(active.terms.len())?;
        let mut result = active.clone_child();
        let mut defined: HashMap<String, bool> = HashMap::new();
        if let Some(version) = ctx.get("@version") {
            if version.as_f64() != Some(1.1) {
                return Err(Error::context(
                    "invalid @version value",
                    format!("unsupported @version {version}"),
                ));
            }
            defined.insert("@version".into(), true);
        }
        if let Some(base) = ctx.get("@base") {
            result.base = Some(match base {
                Value::Null => None,
                Value::String(b) if is_absolute(b) => Some(b.clone()),
                Value::String(b) => Some(match &result.base {
                    None => prepend_base(Some(""), b),
                    Some(None) => b.clone(),
                    Some(Some(current)) => prepend_base(Some(current), b),
                }),
                _ => {
                    return Err(Error::context(
                        "invalid base IRI",
                        "@base must be a string or null",
                    ));
                }
            });
            defined.insert("@base".into(), true);
        }
        if let Some(vocab) = ctx.get("@vocab") {
            match vocab {
                Value::Null => result.vocab = None,
                Value::String(v) => {
                    let expanded = result.expand_iri(v, true, true).map(Cow::into_owned);
                    if !expanded.as_deref().is_some_and(is_absolute) {
                        self.event("relative @vocab reference", v, "@context.@vocab")?;
                    }
                    result.vocab = expanded;
                }
                _ => {
                    return Err(Error::context(
                        "invalid vocab mapping",
                        "@vocab must be a string or null",
                    ));
                }
            }
            defined.insert("@vocab".into(), true);
        }
        if let Some(language) = ctx.get("@language") {
            match language {
                Value::Null => result.language = None,
                Value::String(l) => {
                    if !is_bcp47(l) {
                        self.event("invalid @language value", l, "@context.@language")?;
                    }
                    result.language = Some(l.to_lowercase());
                }
                _ => {
                    return Err(Error::context(
                        "invalid default language",
                        "@language must be a string or null",
                    ));
                }
            }
            defined.insert("@language".into(), true);
        }
        if let Some(direction) = ctx.get("@direction") {
            result.direction = Direction::parse(direction).map_err(|()| {
                Error::context(
                    "invalid base direction",
                    "@direction must be null, ltr or rtl",
                )
            })?;
            defined.insert("@direction".into(), true);
        }
        if let Some(propagate) = ctx.get("@propagate") {
            if !propagate.is_boolean() {
                return Err(Error::context(
                    "invalid @propagate value",
                    "@propagate must be a boolean",
                ));
            }
            defined.insert("@propagate".into(), true);
        }
        let mut merged: Option<Map<String, Value>> = None;
        if let Some(import) = ctx.get("@import") {
            let Value::String(url) = import else {
                return Err(Error::context(
                    "invalid @import value",
                    "@import must be a string",
                ));
            };
            let mut chain = Vec::new();
            let resolved = self.resolve_remote(url, &mut chain)?;
            let imported = match resolved.as_slice() {
                [Resolved::Remote(Value::Object(m))] => m,
                _ => {
                    return Err(Error::context(
                        "invalid remote context",
                        "@import must reference a single context",
                    ));
                }
            };
            if imported.contains_key("@import") {
                return Err(Error::context(
                    "invalid context entry",
                    "imported context must not include @import",
                ));
            }
            let mut m = ctx.clone();
            for (k, v) in imported {
                m.entry(k.clone()).or_insert_with(|| v.clone());
            }
            merged = Some(m);
            defined.insert("@import".into(), true);
        }
        let ctx = merged.as_ref().unwrap_or(ctx);
        let protected_default = matches!(ctx.get("@protected"), Some(Value::Bool(true)));
        // jsonld.js records `@protected || false`; a falsy value then trips its cycle check.
        defined.insert(
            "@protected".into(),
            ctx.get("@protected").is_some_and(|v| !is_falsy(v)),
        );
        let mut builder = TermBuilder {
            processor: self,
            ctx: &mut result,
            local: ctx,
            defined,
            protected_default,
            pending: 0,
        };
        for (term, value) in ctx {
            builder.create(term, override_protected)?;
            if let Value::Object(def) = value
                && let Some(scoped) = def.get("@context")
            {
                // Validate scoped contexts eagerly, as jsonld.js does, so a broken or unknown
                // one fails the whole context even if the term is never used.
                let mut validate = true;
                if let Value::String(url) = scoped {
                    validate = work.scoped_urls.insert(prepend_base(Some(""), url));
                }
                if validate {
                    work.charge(builder.ctx.terms.len())?;
                    let snapshot = Arc::new(builder.ctx.clone_child());
                    self.process_uncached(&snapshot, scoped, true, true, nesting + 1, work)?;
                }
            }
        }
        Ok(result)
    }

    /// A jsonld.js safe-mode event: an error in safe mode, ignored otherwise.
    pub(crate) fn event(&self, what: &'static str, term: &str, path: &str) -> Result<(), Error> {
        if self.options.safe_mode {
            return Err(Error::DataLoss {
                what,
                term: term.to_string(),
                path: path.to_string(),
            });
        }
        Ok(())
    }
}

struct TermBuilder<'c> {
    processor: &'c Processor,
    ctx: &'c mut ActiveContext,
    local: &'c Map<String, Value>,
    defined: HashMap<String, bool>,
    protected_default: bool,
    /// Nesting of term definitions that wait for their dependencies (bounded: no stack overflow).
    pending: usize,
}

fn invalid(code: &'static str, term: &str, detail: &str) -> Error {
    Error::context(code, format!("term {term:?}: {detail}"))
}

impl TermBuilder<'_> {
    /// IRI Expansion while a local context is being defined (creates dependencies first).
    fn expand_iri(&mut self, value: &str, vocab: bool) -> Result<Option<String>, Error> {
        if is_keyword(value) {
            return Ok(Some(value.to_string()));
        }
        if looks_like_keyword(value) {
            return Ok(None);
        }
        if self.local.contains_key(value) && self.defined.get(value) != Some(&true) {
            self.create(value, false)?;
        }
        if vocab && let Some(def) = self.ctx.term(value) {
            return Ok(def.id.clone());
        }
        if let Some(colon) = value.find(':').filter(|&c| c > 0) {
            let (prefix, suffix) = (&value[..colon], &value[colon + 1..]);
            if prefix == "_" || suffix.starts_with("//") {
                return Ok(Some(value.to_string()));
            }
            if self.local.contains_key(prefix) {
                self.create(prefix, false)?;
            }
            if let Some(def) = self.ctx.term(prefix)
                && def.prefix == Some(true)
            {
                return Ok(Some(format!(
                    "{}{suffix}",
                    def.id.as_deref().unwrap_or("null")
                )));
            }
            if is_absolute(value) {
                return Ok(Some(value.to_string()));
            }
        }
        if vocab && let Some(v) = &self.ctx.vocab {
            return Ok(Some(format!("{v}{value}")));
        }
        Ok(Some(value.to_string()))
    }

    /// Create Term Definition (JSON-LD 1.1 API §4.2.2) as jsonld.js implements it.
    fn create(&mut self, term: &str, override_protected: bool) -> Result<(), Error> {
        if self.pending >= self.processor.options.max_depth {
            return Err(Error::LimitExceeded(format!(
                "term definitions depending on each other deeper than {}",
                self.processor.options.max_depth
            )));
        }
        self.pending += 1;
        let result = self.create_inner(term, override_protected);
        self.pending -= 1;
        result
    }

    fn create_inner(&mut self, term: &str, override_protected: bool) -> Result<(), Error> {
        match self.defined.get(term) {
            Some(true) => return Ok(()),
            Some(false) => {
                return Err(invalid(
                    "cyclic IRI mapping",
                    term,
                    "cyclic term definition",
                ));
            }
            None => {}
        }
        self.defined.insert(term.to_string(), false);
        let value = self.local.get(term).unwrap_or(&Value::Null);
        let type_term_ok = term == "@type"
            && match value {
                Value::Object(m) => match m.get("@container") {
                    None => true,
                    Some(c) if is_falsy(c) => true,
                    Some(Value::String(c)) => c == "@set",
                    _ => false,
                },
                _ => false,
            };
        if type_term_ok {
            let keys_ok = match value {
                Value::Object(m) => {
                    !m.is_empty()
                        && m.keys()
                            .all(|k| matches!(k.as_str(), "@container" | "@id" | "@protected"))
                }
                _ => false,
            };
            if !keys_ok {
                return Err(invalid(
                    "keyword redefinition",
                    term,
                    "keywords cannot be overridden",
                ));
            }
        } else if is_keyword(term) {
            return Err(invalid(
                "keyword redefinition",
                term,
                "keywords cannot be overridden",
            ));
        } else if looks_like_keyword(term) {
            self.processor.event("reserved term", term, "@context")?;
            return Ok(());
        } else if term.is_empty() {
            return Err(invalid(
                "invalid term definition",
                term,
                "a term cannot be empty",
            ));
        }
        let previous = self.ctx.terms.remove(term);
        let simple_term = matches!(value, Value::String(_) | Value::Null);
        let owned_simple;
        let value: &Map<String, Value> = match value {
            Value::Object(m) => m,
            Value::String(_) | Value::Null => {
                let mut m = Map::new();
                m.insert("@id".into(), value.clone());
                owned_simple = m;
                &owned_simple
            }
            _ => {
                return Err(invalid(
                    "invalid term definition",
                    term,
                    "must be a string or an object",
                ));
            }
        };
        for key in value.keys() {
            if !matches!(
                key.as_str(),
                "@container"
                    | "@id"
                    | "@language"
                    | "@reverse"
                    | "@type"
                    | "@context"
                    | "@direction"
                    | "@index"
                    | "@nest"
                    | "@prefix"
                    | "@protected"
            ) {
                return Err(invalid(
                    "invalid term definition",
                    term,
                    &format!("must not contain {key}"),
                ));
            }
        }
        let colon = term.find(':').filter(|&c| c > 0);
        let mut def = TermDef {
            term_has_colon: colon.is_some(),
            ..TermDef::default()
        };
        // None: not yet set; Some(None): explicitly null.
        let mut id: Option<Option<String>> = None;
        if let Some(reverse) = value.get("@reverse") {
            if value.contains_key("@id") || value.contains_key("@nest") {
                return Err(invalid(
                    "invalid reverse property",
                    term,
                    "@reverse with @id or @nest",
                ));
            }
            let Value::String(reverse) = reverse else {
                return Err(invalid(
                    "invalid IRI mapping",
                    term,
                    "@reverse must be a string",
                ));
            };
            if looks_like_keyword(reverse) {
                self.processor
                    .event("reserved @reverse value", reverse, "@context")?;
                if let Some(previous) = previous {
                    self.ctx.terms.insert(term.to_string(), previous);
                }
                return Ok(());
            }
            let expanded = self.expand_iri(reverse, true)?;
            if !expanded.as_deref().is_some_and(is_absolute) {
                return Err(invalid(
                    "invalid IRI mapping",
                    term,
                    "@reverse must expand to an absolute IRI",
                ));
            }
            id = Some(expanded);
            def.reverse = true;
        } else if let Some(raw_id) = value.get("@id") {
            match raw_id {
                Value::Null => id = Some(None),
                Value::String(raw) => {
                    if !is_keyword(raw) && looks_like_keyword(raw) {
                        self.processor
                            .event("reserved @id value", raw, "@context")?;
                        if let Some(previous) = previous {
                            self.ctx.terms.insert(term.to_string(), previous);
                        }
                        return Ok(());
                    }
                    if raw != term {
                        let expanded = self.expand_iri(raw, true)?;
                        let Some(expanded) = expanded.filter(|e| is_absolute(e) || is_keyword(e))
                        else {
                            return Err(invalid(
                                "invalid IRI mapping",
                                term,
                                "@id must be an IRI or keyword",
                            ));
                        };
                        if term_looks_like_iri(term) {
                            self.defined.insert(term.to_string(), true);
                            let term_iri = self.expand_iri(term, true);
                            self.defined.insert(term.to_string(), false);
                            if term_iri?.as_deref() != Some(expanded.as_str()) {
                                return Err(invalid(
                                    "invalid IRI mapping",
                                    term,
                                    "IRI-like term must expand to its @id",
                                ));
                            }
                        }
                        def.prefix = Some(
                            simple_term
                                && colon.is_none()
                                && expanded.ends_with([':', '/', '?', '#', '[', ']', '@']),
                        );
                        id = Some(Some(expanded));
                    }
                }
                _ => return Err(invalid("invalid IRI mapping", term, "@id must be a string")),
            }
        }
        let id = match id {
            Some(id) => id,
            None => Some(if let Some(colon) = colon {
                let prefix = &term[..colon];
                if self.local.contains_key(prefix) {
                    self.create(prefix, false)?;
                }
                match self.ctx.term(prefix) {
                    Some(p) => format!(
                        "{}{}",
                        p.id.as_deref().unwrap_or("null"),
                        &term[colon + 1..]
                    ),
                    None => term.to_string(),
                }
            } else if term == "@type" {
                term.to_string()
            } else {
                match &self.ctx.vocab {
                    Some(vocab) => format!("{vocab}{term}"),
                    None => {
                        return Err(invalid("invalid IRI mapping", term, "no @id and no @vocab"));
                    }
                }
            }),
        };
        def.id = id;
        let protected_flag = value.get("@protected");
        if protected_flag == Some(&Value::Bool(true))
            || (self.protected_default && protected_flag != Some(&Value::Bool(false)))
        {
            self.ctx.has_protected = true;
            def.protected = true;
        }
        self.defined.insert(term.to_string(), true);
        if let Some(type_mapping) = value.get("@type") {
            let Value::String(t) = type_mapping else {
                return Err(invalid(
                    "invalid type mapping",
                    term,
                    "@type must be a string",
                ));
            };
            let t = if matches!(t.as_str(), "@json" | "@none" | "@id" | "@vocab") {
                t.clone()
            } else {
                let expanded = self.expand_iri(t, true)?;
                match expanded {
                    Some(e) if is_absolute(&e) && !e.starts_with("_:") => e,
                    _ => {
                        return Err(invalid(
                            "invalid type mapping",
                            term,
                            "@type must be an absolute IRI",
                        ));
                    }
                }
            };
            def.type_mapping = Some(t);
        }
        if let Some(raw) = value.get("@container") {
            let names: Vec<&str> = match raw {
                Value::String(s) => vec![s.as_str()],
                Value::Null => Vec::new(),
                Value::Array(items) => {
                    let mut names = Vec::with_capacity(items.len());
                    for item in items {
                        match item {
                            Value::String(s) => names.push(s.as_str()),
                            _ => {
                                return Err(invalid(
                                    "invalid container mapping",
                                    term,
                                    "non-string @container",
                                ));
                            }
                        }
                    }
                    names
                }
                _ => {
                    return Err(invalid(
                        "invalid container mapping",
                        term,
                        "invalid @container",
                    ));
                }
            };
            let mut flags = 0u8;
            for name in &names {
                flags |= container::parse(name).ok_or_else(|| {
                    invalid(
                        "invalid container mapping",
                        term,
                        &format!("unknown container {name}"),
                    )
                })?;
            }
            let has_set = flags & container::SET != 0;
            let valid = if flags & container::LIST != 0 {
                if names.len() != 1 {
                    return Err(invalid(
                        "invalid container mapping",
                        term,
                        "@list must be alone",
                    ));
                }
                true
            } else if flags & container::GRAPH != 0 {
                if flags & !(container::GRAPH | container::ID | container::INDEX | container::SET)
                    != 0
                {
                    return Err(invalid(
                        "invalid container mapping",
                        term,
                        "@graph with incompatible containers",
                    ));
                }
                true
            } else {
                names.len() <= if has_set { 2 } else { 1 }
            };
            if flags & container::TYPE != 0 {
                let t = def.type_mapping.get_or_insert_with(|| "@id".to_string());
                if t != "@id" && t != "@vocab" {
                    return Err(invalid(
                        "invalid type mapping",
                        term,
                        "@type container requires @id or @vocab",
                    ));
                }
            }
            if !valid || (has_set && flags & container::LIST != 0) {
                return Err(invalid(
                    "invalid container mapping",
                    term,
                    "invalid @container combination",
                ));
            }
            if def.reverse && flags & !(container::INDEX | container::SET) != 0 {
                return Err(invalid(
                    "invalid reverse property",
                    term,
                    "@reverse container must be @index or @set",
                ));
            }
            def.container = Some(flags);
        }
        if let Some(index) = value.get("@index") {
            if def.container.unwrap_or(0) & container::INDEX == 0 {
                return Err(invalid(
                    "invalid term definition",
                    term,
                    "@index without @index container",
                ));
            }
            match index {
                Value::String(s) if !s.starts_with('@') => def.index = Some(s.clone()),
                _ => {
                    return Err(invalid(
                        "invalid term definition",
                        term,
                        "@index must expand to an IRI",
                    ));
                }
            }
        }
        if let Some(scoped) = value.get("@context") {
            // Hash first: it bounds the depth before the (recursive) clone.
            let key = hash_value(scoped, self.processor.options.max_depth)?;
            def.context = Some(ScopedContext {
                value: Arc::new(scoped.clone()),
                key,
            });
        }
        if let Some(language) = value.get("@language")
            && !value.contains_key("@type")
        {
            def.language = Some(match language {
                Value::Null => None,
                Value::String(l) => Some(l.to_lowercase()),
                _ => {
                    return Err(invalid(
                        "invalid language mapping",
                        term,
                        "@language must be a string or null",
                    ));
                }
            });
        }
        if let Some(prefix) = value.get("@prefix") {
            if term.contains([':', '/']) {
                return Err(invalid(
                    "invalid term definition",
                    term,
                    "@prefix on a compact IRI term",
                ));
            }
            if def.id.as_deref().is_some_and(is_keyword) {
                return Err(invalid(
                    "invalid term definition",
                    term,
                    "keywords may not be prefixes",
                ));
            }
            let Value::Bool(p) = prefix else {
                return Err(invalid(
                    "invalid @prefix value",
                    term,
                    "@prefix must be a boolean",
                ));
            };
            def.prefix = Some(*p);
        }
        if let Some(direction) = value.get("@direction") {
            def.direction = Some(Direction::parse(direction).map_err(|()| {
                invalid(
                    "invalid base direction",
                    term,
                    "@direction must be null, ltr or rtl",
                )
            })?);
        }
        if let Some(nest) = value.get("@nest") {
            match nest {
                Value::String(n) if n == "@nest" || !n.starts_with('@') => {
                    def.nest = Some(n.clone())
                }
                _ => {
                    return Err(invalid(
                        "invalid @nest value",
                        term,
                        "@nest must be @nest or a non-keyword",
                    ));
                }
            }
        }
        if matches!(def.id.as_deref(), Some("@context" | "@preserve")) {
            return Err(invalid(
                "invalid keyword alias",
                term,
                "@context and @preserve cannot be aliased",
            ));
        }
        if let Some(previous) = &previous
            && previous.protected
            && !override_protected
        {
            self.ctx.has_protected = true;
            def.protected = true;
            // JSON-LD 1.1 step 27: an identical redefinition of a protected term is allowed.
            if **previous != def {
                return Err(Error::ProtectedTermRedefinition(term.to_string()));
            }
        }
        self.ctx.terms.insert(term.to_string(), Arc::new(def));
        Ok(())
    }
}

/// `/(?::[^:])|\//`: a term that looks like a compact IRI or an IRI.
fn term_looks_like_iri(term: &str) -> bool {
    if term.contains('/') {
        return true;
    }
    let bytes = term.as_bytes();
    bytes.windows(2).any(|w| w[0] == b':' && w[1] != b':')
}
