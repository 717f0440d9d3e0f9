//! The JSON-LD 1.1 Expansion algorithm, following jsonld.js `expand.js` step for step
//! (including which silently-dropped data raises a safe-mode event).

use crate::context::{ActiveContext, ContextRequest, container};
use crate::iri::{cmp_utf16, is_absolute, is_bcp47, is_blank, is_keyword, looks_like_keyword};
use crate::{Error, Processor};
use serde_json::{Map, Value};
use std::fmt::Write;
use std::sync::Arc;

enum Segment<'d> {
    Key(&'d str),
    Index(usize),
}

pub(crate) struct Expander<'p, 'd> {
    processor: &'p Processor,
    path: Vec<Segment<'d>>,
}

pub(crate) fn is_value(v: &Value) -> bool {
    v.as_object().is_some_and(|m| m.contains_key("@value"))
}

pub(crate) fn is_list(v: &Value) -> bool {
    v.as_object().is_some_and(|m| m.contains_key("@list"))
}

/// jsonld.js `graphTypes.isSubject`.
pub(crate) fn is_subject(v: &Value) -> bool {
    v.as_object().is_some_and(|m| {
        !(m.contains_key("@value") || m.contains_key("@set") || m.contains_key("@list"))
            && (m.len() > 1 || !m.contains_key("@id"))
    })
}

fn is_graph(v: &Value) -> bool {
    v.as_object().is_some_and(|m| {
        m.contains_key("@graph") && m.keys().filter(|k| *k != "@id" && *k != "@index").count() == 1
    })
}

fn as_items(v: &Value) -> &[Value] {
    match v {
        Value::Array(items) => items,
        single => std::slice::from_ref(single),
    }
}

fn into_items(v: Value) -> Vec<Value> {
    match v {
        Value::Array(items) => items,
        single => vec![single],
    }
}

fn sorted_keys(map: &Map<String, Value>) -> Vec<&String> {
    let mut keys: Vec<&String> = map.keys().collect();
    keys.sort_by(|a, b| cmp_utf16(a, b));
    keys
}

fn single(key: &str, value: Value) -> Value {
    let mut m = Map::new();
    m.insert(key.to_string(), value);
    Value::Object(m)
}

/// `addValue(parent, key, value, {propertyIsArray: true})`.
fn add_array(parent: &mut Map<String, Value>, key: &str, value: Value) {
    let slot = parent
        .entry(key.to_string())
        .or_insert_with(|| Value::Array(Vec::new()));
    if !slot.is_array() {
        let old = slot.take();
        *slot = Value::Array(vec![old]);
    }
    if let Value::Array(items) = slot {
        match value {
            Value::Array(values) => items.extend(values),
            v => items.push(v),
        }
    }
}

/// `addValue(parent, key, value)` (single value unless repeated).
fn add_single(parent: &mut Map<String, Value>, key: &str, value: Value) {
    if let Value::Array(values) = value {
        for v in values {
            add_single(parent, key, v);
        }
        return;
    }
    match parent.get_mut(key) {
        None => {
            parent.insert(key.to_string(), value);
        }
        Some(Value::Array(items)) => items.push(value),
        Some(slot) => {
            let old = slot.take();
            *slot = Value::Array(vec![old, value]);
        }
    }
}

/// Clones a document value after checking its nesting, so neither the clone nor a later
/// drop can overflow the stack.
fn bounded_clone(value: &Value, max_depth: usize) -> Result<Value, Error> {
    fn check(value: &Value, depth: usize) -> bool {
        match value {
            Value::Array(items) => depth > 0 && items.iter().all(|v| check(v, depth - 1)),
            Value::Object(map) => depth > 0 && map.values().all(|v| check(v, depth - 1)),
            _ => true,
        }
    }
    if !check(value, max_depth) {
        return Err(Error::LimitExceeded(format!(
            "value nesting deeper than {max_depth}"
        )));
    }
    Ok(value.clone())
}

fn string_or_null(s: Option<impl Into<String>>) -> Value {
    s.map_or(Value::Null, |s| Value::String(s.into()))
}

/// Everything `expand_object` needs to know about the object being expanded.
struct Frame<'a> {
    active: &'a Arc<ActiveContext>,
    active_property: Option<&'a str>,
    expanded_active_property: Option<&'a str>,
    type_key: Option<&'a str>,
    type_scoped: &'a Arc<ActiveContext>,
    depth: usize,
}

impl<'p, 'd> Expander<'p, 'd> {
    pub(crate) fn new(processor: &'p Processor) -> Self {
        Expander {
            processor,
            path: Vec::new(),
        }
    }

    fn path_string(&self) -> String {
        let mut out = String::from("$");
        for segment in &self.path {
            match segment {
                Segment::Key(k) => {
                    let _ = write!(out, ".{k}");
                }
                Segment::Index(i) => {
                    let _ = write!(out, "[{i}]");
                }
            }
        }
        out
    }

    fn event(&self, what: &'static str, term: &str) -> Result<(), Error> {
        if self.processor.options.safe_mode {
            return Err(Error::DataLoss {
                what,
                term: term.to_string(),
                path: self.path_string(),
            });
        }
        Ok(())
    }

    fn syntax(&self, code: &'static str, detail: &str) -> Error {
        Error::syntax(code, format!("{detail} at {}", self.path_string()))
    }

    fn process(
        &self,
        active: &Arc<ActiveContext>,
        request: ContextRequest<'_>,
    ) -> Result<Arc<ActiveContext>, Error> {
        self.processor.process_context(active, request)
    }

    /// jsonld.js `expand()` top level: always an array.
    pub(crate) fn expand_document(&mut self, document: &'d Value) -> Result<Vec<Value>, Error> {
        let initial = self.processor.initial.clone();
        let expanded = self.expand(&initial, None, document, false, false, None, 0)?;
        let expanded = match expanded {
            Some(Value::Object(mut m)) if m.len() == 1 && m.contains_key("@graph") => {
                m.remove("@graph")
            }
            other => other,
        };
        Ok(expanded.map(into_items).unwrap_or_default())
    }

    #[allow(clippy::too_many_arguments)]
    fn expand(
        &mut self,
        active: &Arc<ActiveContext>,
        active_property: Option<&str>,
        element: &'d Value,
        inside_list: bool,
        inside_index: bool,
        type_scoped: Option<&Arc<ActiveContext>>,
        depth: usize,
    ) -> Result<Option<Value>, Error> {
        if depth > self.processor.options.max_depth {
            return Err(Error::LimitExceeded(format!(
                "JSON nesting deeper than {} at {}",
                self.processor.options.max_depth,
                self.path_string()
            )));
        }
        match element {
            Value::Null => Ok(None),
            Value::Array(items) => Ok(Some(Value::Array(self.expand_items(
                active,
                active_property,
                items,
                inside_list,
                inside_index,
                type_scoped,
                depth,
            )?))),
            Value::Object(map) => self.expand_node(
                active,
                active_property,
                map,
                inside_list,
                inside_index,
                type_scoped,
                depth,
            ),
            scalar => {
                let is_graph_property = active_property
                    .is_none_or(|p| active.expand_iri(p, true, false).as_deref() == Some("@graph"));
                if !inside_list && is_graph_property {
                    self.event("free-floating scalar", &scalar.to_string())?;
                    return Ok(None);
                }
                self.expand_value(active, active_property, scalar)
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn expand_items(
        &mut self,
        active: &Arc<ActiveContext>,
        active_property: Option<&str>,
        items: &'d [Value],
        inside_list: bool,
        inside_index: bool,
        type_scoped: Option<&Arc<ActiveContext>>,
        depth: usize,
    ) -> Result<Vec<Value>, Error> {
        let inside_list = inside_list || active.container(active_property) & container::LIST != 0;
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            self.path.push(Segment::Index(i));
            let expanded = self.expand(
                active,
                active_property,
                item,
                false,
                inside_index,
                type_scoped,
                depth + 1,
            )?;
            self.path.pop();
            let expanded = match expanded {
                Some(Value::Array(list)) if inside_list => single("@list", Value::Array(list)),
                Some(v) => v,
                None => continue,
            };
            match expanded {
                Value::Array(values) => out.extend(values),
                v => out.push(v),
            }
        }
        Ok(out)
    }

    #[allow(clippy::too_many_arguments)]
    fn expand_node(
        &mut self,
        active: &Arc<ActiveContext>,
        active_property: Option<&str>,
        element: &'d Map<String, Value>,
        inside_list: bool,
        inside_index: bool,
        type_scoped: Option<&Arc<ActiveContext>>,
        depth: usize,
    ) -> Result<Option<Value>, Error> {
        let mut active = active.clone();
        let expanded_active_property: Option<String> =
            active_property.and_then(|p| active.expand_iri(p, true, false).map(|c| c.into_owned()));
        let property_scoped = active_property
            .and_then(|p| active.term(p))
            .and_then(|d| d.context.clone());
        let type_scoped: Option<Arc<ActiveContext>> = type_scoped
            .cloned()
            .or_else(|| active.previous.is_some().then(|| active.clone()));
        let keys = sorted_keys(element);
        let mut must_revert = !inside_index;
        if must_revert
            && let Some(scoped) = &type_scoped
            && keys.len() <= 2
            && !element.contains_key("@context")
        {
            for key in &keys {
                let expanded = scoped.expand_iri(key, true, false);
                if expanded.as_deref() == Some("@value") {
                    must_revert = false;
                    active = scoped.clone();
                    break;
                }
                if expanded.as_deref() == Some("@id") && keys.len() == 1 {
                    must_revert = false;
                    break;
                }
            }
        }
        if must_revert {
            active = active.revert();
        }
        if let Some(scoped) = &property_scoped {
            active = self.process(
                &active,
                ContextRequest {
                    local: &scoped.value,
                    shared: Some(scoped),
                    propagate: true,
                    override_protected: true,
                },
            )?;
        }
        if let Some(local) = element.get("@context") {
            self.path.push(Segment::Key("@context"));
            active = self.process(
                &active,
                ContextRequest {
                    local,
                    shared: None,
                    propagate: true,
                    override_protected: false,
                },
            )?;
            self.path.pop();
        }
        let type_scoped_ctx = active.clone();
        let mut type_key: Option<&'d str> = None;
        for key in &keys {
            if active.expand_iri(key, true, false).as_deref() != Some("@type") {
                continue;
            }
            type_key.get_or_insert(key.as_str());
            let mut types: Vec<&str> = as_items(&element[key.as_str()])
                .iter()
                .filter_map(Value::as_str)
                .collect();
            types.sort_by(|a, b| cmp_utf16(a, b));
            for t in types {
                if let Some(scoped) = type_scoped_ctx.term(t).and_then(|d| d.context.as_ref()) {
                    active = self.process(
                        &active,
                        ContextRequest {
                            local: &scoped.value,
                            shared: Some(scoped),
                            propagate: false,
                            override_protected: false,
                        },
                    )?;
                }
            }
        }
        let mut result = Map::new();
        let frame = Frame {
            active: &active,
            active_property,
            expanded_active_property: expanded_active_property.as_deref(),
            type_key,
            type_scoped: &type_scoped_ctx,
            depth,
        };
        self.expand_object(&frame, element, &mut result)?;
        self.finish_node(
            &active,
            active_property,
            expanded_active_property.as_deref(),
            inside_list,
            result,
        )
    }

    /// Expansion steps 15-20: validate value/list/set objects and drop unsafe ones.
    fn finish_node(
        &mut self,
        active: &Arc<ActiveContext>,
        active_property: Option<&str>,
        expanded_active_property: Option<&str>,
        inside_list: bool,
        mut result: Map<String, Value>,
    ) -> Result<Option<Value>, Error> {
        let mut count = result.len();
        let output: Option<Value>;
        if result.contains_key("@value") {
            let has = |k: &str| result.contains_key(k);
            if has("@type") && (has("@language") || has("@direction")) {
                return Err(self.syntax(
                    "invalid value object",
                    "@value with both @type and @language/@direction",
                ));
            }
            let valid = count
                - 1
                - usize::from(has("@type"))
                - usize::from(has("@index"))
                - usize::from(has("@language"))
                - usize::from(has("@direction"));
            if valid != 0 {
                return Err(self.syntax("invalid value object", "@value with unexpected members"));
            }
            let values: &[Value] = match &result["@value"] {
                Value::Null => &[],
                v => as_items(v),
            };
            let types: &[Value] = result.get("@type").map(as_items).unwrap_or(&[]);
            let empty_object = |v: &Value| v.as_object().is_some_and(Map::is_empty);
            if types.len() == 1 && types[0] == "@json" {
                output = Some(Value::Object(result));
            } else if values.is_empty() {
                self.event("null @value value", "@value")?;
                output = None;
            } else if has("@language") && !values.iter().all(|v| v.is_string() || empty_object(v)) {
                return Err(self.syntax(
                    "invalid language-tagged value",
                    "only strings may be language-tagged",
                ));
            } else if !types.iter().all(|t| {
                t.as_str().is_some_and(|t| is_absolute(t) && !is_blank(t)) || empty_object(t)
            }) {
                return Err(self.syntax(
                    "invalid typed value",
                    "@type of a value must be an absolute IRI",
                ));
            } else {
                output = Some(Value::Object(result));
            }
        } else if result.get("@type").is_some_and(|t| !t.is_array()) {
            let t = result.remove("@type").unwrap_or(Value::Null);
            result.insert("@type".into(), Value::Array(vec![t]));
            output = Some(Value::Object(result));
        } else if result.contains_key("@set") || result.contains_key("@list") {
            if count > 1 && !(count == 2 && result.contains_key("@index")) {
                return Err(self.syntax(
                    "invalid set or list object",
                    "@set/@list with other members",
                ));
            }
            if let Some(set) = result.remove("@set") {
                count = set.as_object().map_or(0, Map::len);
                output = Some(set);
            } else {
                output = Some(Value::Object(result));
            }
        } else if count == 1 && result.contains_key("@language") {
            self.event("object with only @language", "@language")?;
            output = None;
        } else {
            output = Some(Value::Object(result));
        }
        if let Some(Value::Object(map)) = &output
            && !inside_list
            && (active_property.is_none()
                || expanded_active_property == Some("@graph")
                || active.container(active_property) & container::GRAPH != 0)
            && self.drop_unsafe(map, count)?
        {
            return Ok(None);
        }
        Ok(output)
    }

    /// jsonld.js `_dropUnsafeObject`: true when the object would vanish.
    fn drop_unsafe(&self, map: &Map<String, Value>, count: usize) -> Result<bool, Error> {
        let what = if count == 0 {
            "empty object"
        } else if map.contains_key("@value") {
            "object with only @value"
        } else if map.contains_key("@list") {
            "object with only @list"
        } else if count == 1 && map.contains_key("@id") {
            "object with only @id"
        } else {
            return Ok(false);
        };
        let term = map.get("@id").and_then(Value::as_str).unwrap_or("");
        self.event(what, term)?;
        Ok(true)
    }

    fn expand_object(
        &mut self,
        frame: &Frame<'_>,
        element: &'d Map<String, Value>,
        parent: &mut Map<String, Value>,
    ) -> Result<(), Error> {
        let active = frame.active;
        let mut nests: Vec<&'d str> = Vec::new();
        let mut unexpanded_value: Option<&'d Value> = None;
        let is_json_type = frame
            .type_key
            .and_then(|k| element.get(k))
            .and_then(|v| match v {
                Value::Array(items) => items.first(),
                v => Some(v),
            })
            .and_then(Value::as_str)
            .is_some_and(|t| active.expand_iri(t, true, false).as_deref() == Some("@json"));
        for key in sorted_keys(element) {
            if key == "@context" {
                continue;
            }
            let value = &element[key.as_str()];
            self.path.push(Segment::Key(key));
            self.expand_member(
                frame,
                key,
                value,
                parent,
                is_json_type,
                &mut nests,
                &mut unexpanded_value,
            )?;
            self.path.pop();
        }
        if parent.contains_key("@value") {
            let json_typed = parent.get("@type").and_then(Value::as_str) == Some("@json");
            if !json_typed && unexpanded_value.is_some_and(|v| v.is_object() || v.is_array()) {
                return Err(self.syntax(
                    "invalid value object value",
                    "@value must not be an object or an array",
                ));
            }
        }
        for key in nests {
            self.path.push(Segment::Key(key));
            for nested in as_items(&element[key]) {
                let Value::Object(nested) = nested else {
                    return Err(
                        self.syntax("invalid @nest value", "nested value must be a node object")
                    );
                };
                if nested
                    .keys()
                    .any(|k| active.expand_iri(k, true, false).as_deref() == Some("@value"))
                {
                    return Err(
                        self.syntax("invalid @nest value", "nested value must be a node object")
                    );
                }
                let inner = Frame {
                    depth: frame.depth + 1,
                    ..*frame
                };
                if inner.depth > self.processor.options.max_depth {
                    return Err(Error::LimitExceeded(format!(
                        "@nest deeper than {}",
                        self.processor.options.max_depth
                    )));
                }
                self.expand_object(&inner, nested, parent)?;
            }
            self.path.pop();
        }
        Ok(())
    }

    #[allow(clippy::too_many_arguments)]
    fn expand_member(
        &mut self,
        frame: &Frame<'_>,
        key: &'d str,
        value: &'d Value,
        parent: &mut Map<String, Value>,
        is_json_type: bool,
        nests: &mut Vec<&'d str>,
        unexpanded_value: &mut Option<&'d Value>,
    ) -> Result<(), Error> {
        let active = frame.active;
        let depth = frame.depth + 1;
        let expanded_property = active.expand_iri(key, true, false);
        let Some(property) = expanded_property.filter(|p| is_absolute(p) || is_keyword(p)) else {
            return self.event("invalid property", key);
        };
        let property: &str = &property;
        if is_keyword(property) {
            if frame.expanded_active_property == Some("@reverse") {
                return Err(self.syntax(
                    "invalid reverse property map",
                    "a keyword cannot be a @reverse property",
                ));
            }
            if parent.contains_key(property) && property != "@included" && property != "@type" {
                return Err(self.syntax("colliding keywords", property));
            }
        }
        match property {
            "@id" => {
                let Value::String(id) = value else {
                    return Err(self.syntax("invalid @id value", "@id must be a string"));
                };
                let expanded = active.expand_iri(id, false, true);
                match &expanded {
                    None => self.event("reserved @id value", id)?,
                    Some(e) if !is_absolute(e) => self.event("relative @id reference", id)?,
                    Some(_) => {}
                }
                add_single(parent, "@id", string_or_null(expanded));
                return Ok(());
            }
            "@type" => {
                let types = match value {
                    Value::String(_) => as_items(value),
                    Value::Array(items) if items.iter().all(Value::is_string) => items,
                    _ => {
                        return Err(self.syntax(
                            "invalid type value",
                            "@type must be a string or an array of strings",
                        ));
                    }
                };
                for t in types.iter().filter_map(Value::as_str) {
                    let expanded = frame.type_scoped.expand_iri(t, true, true);
                    if expanded.as_deref() != Some("@json")
                        && !expanded.as_deref().is_some_and(is_absolute)
                    {
                        self.event("relative @type reference", t)?;
                    }
                    add_single(parent, "@type", string_or_null(expanded));
                }
                return Ok(());
            }
            "@included" => {
                let included = self.expand(
                    active,
                    frame.active_property,
                    value,
                    false,
                    false,
                    None,
                    depth,
                )?;
                let included = included.map(into_items).unwrap_or_default();
                if !included.iter().all(is_subject) {
                    return Err(self.syntax(
                        "invalid @included value",
                        "values of @included must be node objects",
                    ));
                }
                add_array(parent, "@included", Value::Array(included));
                return Ok(());
            }
            "@graph" if !(value.is_object() || value.is_array()) => {
                return Err(self.syntax(
                    "invalid @graph value",
                    "@graph must be an object or an array",
                ));
            }
            "@value" => {
                *unexpanded_value = Some(value);
                let value = bounded_clone(value, self.processor.options.max_depth)?;
                if is_json_type {
                    parent.insert("@value".into(), value);
                } else {
                    add_single(parent, "@value", value);
                }
                return Ok(());
            }
            "@language" => {
                match value {
                    Value::Null => {}
                    Value::String(language) => {
                        let lower = language.to_lowercase();
                        if !is_bcp47(&lower) {
                            self.event("invalid @language value", language)?;
                        }
                        add_single(parent, "@language", Value::String(lower));
                    }
                    _ => {
                        return Err(self.syntax(
                            "invalid language-tagged string",
                            "@language must be a string",
                        ));
                    }
                }
                return Ok(());
            }
            "@direction" => {
                match value.as_str() {
                    Some(d @ ("ltr" | "rtl")) => {
                        add_single(parent, "@direction", Value::String(d.into()))
                    }
                    _ => {
                        return Err(
                            self.syntax("invalid base direction", "@direction must be ltr or rtl")
                        );
                    }
                }
                return Ok(());
            }
            "@index" => {
                let Value::String(index) = value else {
                    return Err(self.syntax("invalid @index value", "@index must be a string"));
                };
                add_single(parent, "@index", Value::String(index.clone()));
                return Ok(());
            }
            "@reverse" => {
                if !value.is_object() {
                    return Err(self.syntax("invalid @reverse value", "@reverse must be an object"));
                }
                let expanded =
                    self.expand(active, Some("@reverse"), value, false, false, None, depth)?;
                if let Some(Value::Object(mut expanded)) = expanded {
                    if let Some(Value::Object(double)) = expanded.remove("@reverse") {
                        for (p, v) in double {
                            add_array(parent, &p, v);
                        }
                    }
                    for (p, items) in expanded {
                        let items = into_items(items);
                        if items.iter().any(|i| is_value(i) || is_list(i)) {
                            return Err(self.syntax(
                                "invalid reverse property value",
                                "@reverse value is a @value or @list",
                            ));
                        }
                        let reverse_map = parent
                            .entry("@reverse")
                            .or_insert_with(|| Value::Object(Map::new()));
                        if let Value::Object(reverse_map) = reverse_map {
                            add_array(reverse_map, &p, Value::Array(items));
                        }
                    }
                }
                return Ok(());
            }
            "@nest" => {
                nests.push(key);
                return Ok(());
            }
            _ => {}
        }
        let term = active.term(key);
        let term_ctx = match term.and_then(|d| d.context.as_ref()) {
            Some(scoped) => self.process(
                active,
                ContextRequest {
                    local: &scoped.value,
                    shared: Some(scoped),
                    propagate: true,
                    override_protected: true,
                },
            )?,
            None => active.clone(),
        };
        let containers = term.and_then(|d| d.container).unwrap_or(0);
        let expanded: Option<Value> = match value {
            Value::Object(map) if containers & container::LANGUAGE != 0 => {
                Some(Value::Array(self.expand_language_map(&term_ctx, key, map)?))
            }
            Value::Object(map) if containers & container::INDEX != 0 => {
                let index_key = term_ctx
                    .term(key)
                    .and_then(|d| d.index.clone())
                    .unwrap_or_else(|| "@index".into());
                let property_index = if index_key == "@index" {
                    None
                } else {
                    active
                        .expand_iri(&index_key, true, false)
                        .map(|c| c.into_owned())
                };
                let map_frame = IndexMap {
                    active_property: key,
                    as_graph: containers & container::GRAPH != 0,
                    index_key: &index_key,
                    property_index: property_index.as_deref(),
                };
                Some(Value::Array(self.expand_index_map(
                    term_ctx.clone(),
                    &map_frame,
                    map,
                    depth,
                )?))
            }
            Value::Object(map) if containers & container::ID != 0 => {
                let map_frame = IndexMap {
                    active_property: key,
                    as_graph: containers & container::GRAPH != 0,
                    index_key: "@id",
                    property_index: None,
                };
                Some(Value::Array(self.expand_index_map(
                    term_ctx.clone(),
                    &map_frame,
                    map,
                    depth,
                )?))
            }
            Value::Object(map) if containers & container::TYPE != 0 => {
                let map_frame = IndexMap {
                    active_property: key,
                    as_graph: false,
                    index_key: "@type",
                    property_index: None,
                };
                Some(Value::Array(self.expand_index_map(
                    term_ctx.revert(),
                    &map_frame,
                    map,
                    depth,
                )?))
            }
            _ => {
                let is_list_keyword = property == "@list";
                if is_list_keyword || property == "@set" {
                    let next =
                        if is_list_keyword && frame.expanded_active_property == Some("@graph") {
                            None
                        } else {
                            frame.active_property
                        };
                    self.expand(&term_ctx, next, value, is_list_keyword, false, None, depth)?
                } else if term.and_then(|d| d.type_mapping.as_deref()) == Some("@json") {
                    let mut m = Map::new();
                    m.insert("@type".into(), Value::String("@json".into()));
                    m.insert(
                        "@value".into(),
                        bounded_clone(value, self.processor.options.max_depth)?,
                    );
                    Some(Value::Object(m))
                } else {
                    self.expand(&term_ctx, Some(key), value, false, false, None, depth)?
                }
            }
        };
        let Some(mut expanded) = expanded else {
            return Ok(());
        };
        if property != "@list" && !is_list(&expanded) && containers & container::LIST != 0 {
            expanded = single("@list", Value::Array(into_items(expanded)));
        }
        if containers & container::GRAPH != 0
            && containers & (container::ID | container::INDEX) == 0
        {
            let mut graphs = Vec::new();
            for item in into_items(expanded) {
                let count = item.as_object().map_or(0, Map::len);
                let dropped = match &item {
                    Value::Object(m) => self.drop_unsafe(m, count)?,
                    _ => false,
                };
                if !dropped {
                    graphs.push(single("@graph", Value::Array(into_items(item))));
                }
            }
            if graphs.is_empty() {
                return Ok(());
            }
            expanded = Value::Array(graphs);
        }
        if term_ctx.term(key).is_some_and(|d| d.reverse) {
            let items = into_items(expanded);
            if items.iter().any(|i| is_value(i) || is_list(i)) {
                return Err(self.syntax(
                    "invalid reverse property value",
                    "@reverse value is a @value or @list",
                ));
            }
            let reverse_map = parent
                .entry("@reverse")
                .or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(reverse_map) = reverse_map {
                add_array(reverse_map, property, Value::Array(items));
            }
            return Ok(());
        }
        add_array(parent, property, expanded);
        Ok(())
    }

    /// Value Expansion.
    fn expand_value(
        &self,
        active: &Arc<ActiveContext>,
        active_property: Option<&str>,
        value: &Value,
    ) -> Result<Option<Value>, Error> {
        if value.is_null() {
            return Ok(None);
        }
        let expanded_property = active_property.and_then(|p| active.expand_iri(p, true, false));
        match (expanded_property.as_deref(), value) {
            (Some("@id"), Value::String(s)) => {
                return Ok(Some(string_or_null(active.expand_iri(s, false, true))));
            }
            (Some("@type"), Value::String(s)) => {
                return Ok(Some(string_or_null(active.expand_iri(s, true, true))));
            }
            (Some("@id" | "@type"), other) => return Ok(Some(other.clone())),
            _ => {}
        }
        let type_mapping = active_property
            .and_then(|p| active.term(p))
            .and_then(|d| d.type_mapping.as_deref());
        if let Value::String(s) = value {
            if type_mapping == Some("@id") || expanded_property.as_deref() == Some("@graph") {
                let expanded = active.expand_iri(s, false, true);
                if expanded.is_none() && looks_like_keyword(s) {
                    self.event("reserved @id value", s)?;
                }
                return Ok(Some(single("@id", string_or_null(expanded))));
            }
            if type_mapping == Some("@vocab") {
                return Ok(Some(single(
                    "@id",
                    string_or_null(active.expand_iri(s, true, true)),
                )));
            }
        }
        if expanded_property.as_deref().is_some_and(is_keyword) {
            return Ok(Some(value.clone()));
        }
        let mut result = Map::new();
        match type_mapping {
            Some(t) if !matches!(t, "@id" | "@vocab" | "@none") => {
                result.insert("@type".into(), Value::String(t.into()));
            }
            _ if value.is_string() => {
                if let Some(language) = active.language_for(active_property) {
                    result.insert("@language".into(), Value::String(language.into()));
                }
                if let Some(direction) = active.direction_for(active_property) {
                    result.insert(
                        "@direction".into(),
                        Value::String(direction.as_str().into()),
                    );
                }
            }
            _ => {}
        }
        result.insert("@value".into(), value.clone());
        Ok(Some(Value::Object(result)))
    }

    fn expand_language_map(
        &mut self,
        term_ctx: &Arc<ActiveContext>,
        key: &str,
        map: &'d Map<String, Value>,
    ) -> Result<Vec<Value>, Error> {
        let direction = term_ctx.direction_for(Some(key));
        let mut out = Vec::new();
        for language in sorted_keys(map) {
            let expanded_key = term_ctx.expand_iri(language, true, false);
            self.path.push(Segment::Key(language));
            for item in as_items(&map[language.as_str()]) {
                let text = match item {
                    Value::Null => continue,
                    Value::String(text) => text,
                    _ => {
                        return Err(self.syntax(
                            "invalid language map value",
                            "language map values must be strings",
                        ));
                    }
                };
                let mut v = Map::new();
                v.insert("@value".into(), Value::String(text.clone()));
                if expanded_key.as_deref() != Some("@none") {
                    if !is_bcp47(language) {
                        self.event("invalid @language value", language)?;
                    }
                    v.insert("@language".into(), Value::String(language.to_lowercase()));
                }
                if let Some(direction) = direction {
                    v.insert(
                        "@direction".into(),
                        Value::String(direction.as_str().into()),
                    );
                }
                out.push(Value::Object(v));
            }
            self.path.pop();
        }
        Ok(out)
    }

    fn expand_index_map(
        &mut self,
        mut active: Arc<ActiveContext>,
        frame: &IndexMap<'_>,
        map: &'d Map<String, Value>,
        depth: usize,
    ) -> Result<Vec<Value>, Error> {
        let is_type_index = frame.index_key == "@type";
        let mut out = Vec::new();
        for key in sorted_keys(map) {
            if is_type_index && let Some(scoped) = active.term(key).and_then(|d| d.context.clone())
            {
                active = self.process(
                    &active,
                    ContextRequest {
                        local: &scoped.value,
                        shared: Some(&scoped),
                        propagate: false,
                        override_protected: false,
                    },
                )?;
            }
            self.path.push(Segment::Key(key));
            let items = self.expand_items(
                &active,
                Some(frame.active_property),
                as_items(&map[key.as_str()]),
                false,
                true,
                None,
                depth + 1,
            )?;
            self.path.pop();
            let expanded_key: Value = match frame.property_index {
                Some(_) if key == "@none" => Value::String("@none".into()),
                Some(_) => self
                    .expand_value(&active, Some(frame.index_key), &Value::String(key.clone()))?
                    .unwrap_or(Value::Null),
                None => string_or_null(active.expand_iri(key, true, false)),
            };
            let is_none = expanded_key == "@none";
            let index_value: Value = if frame.index_key == "@id" {
                string_or_null(active.expand_iri(key, false, true))
            } else if is_type_index {
                expanded_key.clone()
            } else {
                Value::String(key.clone())
            };
            for mut item in items {
                if frame.as_graph && !is_graph(&item) {
                    item = single("@graph", Value::Array(vec![item]));
                }
                if is_type_index {
                    if !is_none && let Value::Object(m) = &mut item {
                        let mut types = vec![index_value.clone()];
                        if let Some(existing) = m.remove("@type") {
                            types.extend(into_items(existing));
                        }
                        m.insert("@type".into(), Value::Array(types));
                    }
                } else if is_value(&item)
                    && !matches!(frame.index_key, "@language" | "@type" | "@index")
                {
                    return Err(self.syntax(
                        "invalid value object",
                        "index map value cannot take this index",
                    ));
                } else if let Some(property_index) = frame.property_index {
                    if !is_none && let Value::Object(m) = &mut item {
                        let mut values = vec![expanded_key.clone()];
                        if let Some(existing) = m.remove(property_index) {
                            values.extend(into_items(existing));
                        }
                        m.insert(property_index.to_string(), Value::Array(values));
                    }
                } else if !is_none
                    && let Value::Object(m) = &mut item
                    && !m.contains_key(frame.index_key)
                {
                    m.insert(frame.index_key.to_string(), index_value.clone());
                }
                out.push(item);
            }
        }
        Ok(out)
    }
}

struct IndexMap<'a> {
    active_property: &'a str,
    as_graph: bool,
    index_key: &'a str,
    property_index: Option<&'a str>,
}
