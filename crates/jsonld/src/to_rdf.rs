//! Node Map Generation and Deserialize JSON-LD to RDF, as jsonld.js `nodeMap.js`
//! and `toRdf.js` do them (value de-duplication, number forms, safe-mode events).

use crate::expand::{is_list, is_subject, is_value};
use crate::iri::{is_absolute, is_blank, is_keyword};
use crate::number::{canonical_double, is_js_double, jcs, js_parse_float, js_to_fixed0};
use crate::rdf::{
    Dataset, Quad, RDF_FIRST, RDF_JSON, RDF_LANGSTRING, RDF_NIL, RDF_REST, RDF_TYPE, Term,
    XSD_BOOLEAN, XSD_DOUBLE, XSD_INTEGER, XSD_STRING,
};
use crate::{Error, Processor};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap, HashSet};

type Node = Map<String, Value>;

pub(crate) struct RdfBuilder<'p> {
    processor: &'p Processor,
    issued: HashMap<String, String>,
    counter: usize,
    graphs: BTreeMap<String, BTreeMap<String, Node>>,
    /// Hash sets for large properties, keyed by graph, node and property.
    seen: HashMap<String, HashSet<String>>,
    values: usize,
    quads: Vec<Quad>,
}

/// jsonld.js `graphTypes.isBlankNode`.
fn is_blank_node(map: &Map<String, Value>) -> bool {
    match map.get("@id") {
        Some(Value::String(id)) => is_blank(id),
        Some(_) => true,
        None => {
            map.is_empty()
                || !(map.contains_key("@value")
                    || map.contains_key("@set")
                    || map.contains_key("@list"))
        }
    }
}

fn js_primitive_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::String(x), Value::String(y)) => x == y,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Null, Value::Null) => true,
        _ => false,
    }
}

/// jsonld.js `util.compareValues` (objects compare by identity, i.e. never here).
fn compare_values(a: &Value, b: &Value) -> bool {
    if js_primitive_eq(a, b) {
        return true;
    }
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            if x.contains_key("@value") && y.contains_key("@value") {
                let same = |k: &str| match (x.get(k), y.get(k)) {
                    (None, None) => true,
                    (Some(p), Some(q)) => js_primitive_eq(p, q),
                    _ => false,
                };
                if same("@value") && same("@type") && same("@language") && same("@index") {
                    return true;
                }
            }
            match (x.get("@id"), y.get("@id")) {
                (Some(p), Some(q)) => js_primitive_eq(p, q),
                _ => false,
            }
        }
        _ => false,
    }
}

/// The equivalence class of `compare_values`, for large properties; `None`: never equal.
fn dedup_key(value: &Value) -> Option<String> {
    fn primitive(v: Option<&Value>) -> Option<String> {
        Some(match v {
            None => "u".into(),
            Some(Value::Number(n)) => {
                format!("n{:?}", n.as_f64().map(|x| if x == 0.0 { 0.0 } else { x }))
            }
            Some(Value::String(s)) => format!("s{s}"),
            Some(Value::Bool(b)) => format!("b{b}"),
            Some(Value::Null) => "z".into(),
            Some(_) => return None,
        })
    }
    match value {
        Value::Object(m) if m.contains_key("@value") => {
            let parts = ["@value", "@type", "@language", "@index"].map(|k| primitive(m.get(k)));
            let mut key = String::from("v");
            for part in parts {
                key.push('\u{0}');
                key.push_str(&part?);
            }
            Some(key)
        }
        Value::Object(m) => m
            .get("@id")
            .and_then(|id| primitive(Some(id)))
            .map(|id| format!("i{id}")),
        other => primitive(Some(other)).map(|p| format!("p{p}")),
    }
}

/// Above this many values, de-duplication goes through a hash set instead of a scan.
const LINEAR_DEDUP_MAX: usize = 16;

/// `addValue(subject, property, value, {propertyIsArray: true, allowDuplicate: false})`.
fn add_unique(
    subject: &mut Node,
    property: &str,
    value: Value,
    seen: &mut HashMap<String, HashSet<String>>,
    graph: &str,
    node: &str,
) {
    let slot = subject
        .entry(property.to_string())
        .or_insert_with(|| Value::Array(Vec::new()));
    let Value::Array(items) = slot else { return };
    if items.len() < LINEAR_DEDUP_MAX {
        if !items.iter().any(|v| compare_values(v, &value)) {
            items.push(value);
        }
        return;
    }
    // jsonld.js scans linearly (quadratic on hostile input); the hash set keeps its semantics.
    let set = seen
        .entry(format!("{graph}\u{0}{node}\u{0}{property}"))
        .or_insert_with(|| items.iter().filter_map(dedup_key).collect());
    match dedup_key(&value) {
        Some(key) => {
            if set.insert(key) {
                items.push(value);
            }
        }
        None => items.push(value),
    }
}

fn id_object(id: &str) -> Value {
    let mut m = Map::new();
    m.insert("@id".into(), Value::String(id.into()));
    Value::Object(m)
}

impl<'p> RdfBuilder<'p> {
    pub(crate) fn new(processor: &'p Processor) -> Self {
        let mut graphs = BTreeMap::new();
        graphs.insert("@default".to_string(), BTreeMap::new());
        RdfBuilder {
            processor,
            issued: HashMap::new(),
            counter: 0,
            graphs,
            seen: HashMap::new(),
            values: 0,
            quads: Vec::new(),
        }
    }

    /// IdentifierIssuer('_:b').getId(old).
    fn issue(&mut self, old: Option<&str>) -> String {
        if let Some(old) = old
            && let Some(existing) = self.issued.get(old)
        {
            return existing.clone();
        }
        let id = format!("_:b{}", self.counter);
        self.counter += 1;
        if let Some(old) = old {
            self.issued.insert(old.to_string(), id.clone());
        }
        id
    }

    fn relabel(&mut self, value: &str) -> String {
        if is_blank(value) {
            self.issue(Some(value))
        } else {
            value.to_string()
        }
    }

    fn subject(&mut self, graph: &str, name: &str) -> &mut Node {
        // Look up before inserting so the common (existing) case allocates nothing.
        if !self.graphs.contains_key(graph) {
            self.graphs.insert(graph.to_string(), BTreeMap::new());
        }
        let nodes = self.graphs.get_mut(graph).expect("graph inserted above");
        if !nodes.contains_key(name) {
            let mut m = Map::new();
            m.insert("@id".into(), Value::String(name.into()));
            nodes.insert(name.to_string(), m);
        }
        nodes.get_mut(name).expect("node inserted above")
    }

    /// Adds a node-map value; every value becomes at least one statement, so `max_quads` bounds them.
    fn add(&mut self, graph: &str, name: &str, property: &str, value: Value) -> Result<(), Error> {
        self.values += 1;
        if self.values > self.processor.options.max_quads {
            return Err(Error::LimitExceeded(format!(
                "more than {} statements",
                self.processor.options.max_quads
            )));
        }
        let mut seen = std::mem::take(&mut self.seen);
        add_unique(
            self.subject(graph, name),
            property,
            value,
            &mut seen,
            graph,
            name,
        );
        self.seen = seen;
        Ok(())
    }

    fn check_depth(&self, depth: usize) -> Result<(), Error> {
        if depth > self.processor.options.max_depth * 2 + 8 {
            return Err(Error::LimitExceeded("node map nesting".into()));
        }
        Ok(())
    }

    pub(crate) fn node_map(
        &mut self,
        input: &Value,
        graph: &str,
        name: Option<String>,
        mut list: Option<&mut Vec<Value>>,
        depth: usize,
    ) -> Result<(), Error> {
        self.check_depth(depth)?;
        let map = match input {
            Value::Array(items) => {
                for item in items {
                    self.node_map(item, graph, None, list.as_deref_mut(), depth + 1)?;
                }
                return Ok(());
            }
            Value::Object(map) => map,
            other => {
                if let Some(list) = list {
                    list.push(other.clone());
                }
                return Ok(());
            }
        };
        if map.contains_key("@value") {
            let mut value = map.clone();
            if let Some(Value::String(t)) = value.get("@type")
                && is_blank(t)
            {
                let t = t.clone();
                value.insert("@type".into(), Value::String(self.issue(Some(&t))));
            }
            if let Some(list) = list {
                list.push(Value::Object(value));
            }
            return Ok(());
        }
        if let Some(list) = list.as_deref_mut()
            && let Some(items) = map.get("@list")
        {
            let mut inner = Vec::new();
            self.node_map(items, graph, name, Some(&mut inner), depth + 1)?;
            let mut m = Map::new();
            m.insert("@list".into(), Value::Array(inner));
            list.push(Value::Object(m));
            return Ok(());
        }
        if let Some(Value::Array(types)) = map.get("@type") {
            for t in types
                .iter()
                .filter_map(Value::as_str)
                .filter(|t| is_blank(t))
            {
                self.issue(Some(t));
            }
        }
        let name = match name {
            Some(name) => name,
            None if is_blank_node(map) => {
                let old = map.get("@id").and_then(Value::as_str);
                self.issue(old)
            }
            None => map
                .get("@id")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
        };
        if let Some(list) = list {
            list.push(id_object(&name));
        }
        self.subject(graph, &name);
        for (property, objects) in map {
            match property.as_str() {
                "@id" => continue,
                "@reverse" => {
                    let Value::Object(reverse) = objects else {
                        continue;
                    };
                    for (reverse_property, items) in reverse {
                        for item in crate_items(items) {
                            let item_name = match item {
                                Value::Object(m) if is_blank_node(m) => {
                                    let old = m.get("@id").and_then(Value::as_str);
                                    self.issue(old)
                                }
                                Value::Object(m) => m
                                    .get("@id")
                                    .and_then(Value::as_str)
                                    .unwrap_or_default()
                                    .to_string(),
                                _ => continue,
                            };
                            self.node_map(item, graph, Some(item_name.clone()), None, depth + 1)?;
                            self.add(graph, &item_name, reverse_property, id_object(&name))?;
                        }
                    }
                    continue;
                }
                "@graph" => {
                    self.graphs.entry(name.clone()).or_default();
                    self.node_map(objects, &name, None, None, depth + 1)?;
                    continue;
                }
                "@included" => {
                    self.node_map(objects, graph, None, None, depth + 1)?;
                    continue;
                }
                p if p != "@type" && is_keyword(p) => {
                    let subject = self.subject(graph, &name);
                    if p == "@index"
                        && let Some(existing) = subject.get("@index")
                        && existing != objects
                    {
                        return Err(Error::syntax("conflicting indexes", format!("node {name}")));
                    }
                    subject.insert(p.to_string(), objects.clone());
                    continue;
                }
                _ => {}
            }
            let property = self.relabel(property);
            let objects = crate_items(objects);
            if objects.is_empty() {
                self.subject(graph, &name)
                    .entry(property.clone())
                    .or_insert_with(|| Value::Array(Vec::new()));
                continue;
            }
            for object in objects {
                if property == "@type" {
                    let t = match object {
                        Value::String(t) => Value::String(self.relabel(t)),
                        other => other.clone(),
                    };
                    self.add(graph, &name, &property, t)?;
                    continue;
                }
                match object {
                    Value::Object(o)
                        if is_subject(object) || (o.len() == 1 && o.contains_key("@id")) =>
                    {
                        if let Some(id) = o.get("@id")
                            && (id.is_null() || id.as_str() == Some(""))
                        {
                            continue;
                        }
                        let id = if is_blank_node(o) {
                            let old = o.get("@id").and_then(Value::as_str);
                            self.issue(old)
                        } else {
                            o.get("@id")
                                .and_then(Value::as_str)
                                .unwrap_or_default()
                                .to_string()
                        };
                        self.add(graph, &name, &property, id_object(&id))?;
                        self.node_map(object, graph, Some(id), None, depth + 1)?;
                    }
                    _ if is_value(object) => self.add(graph, &name, &property, object.clone())?,
                    Value::Object(o) if is_list(object) => {
                        let mut inner = Vec::new();
                        if let Some(items) = o.get("@list") {
                            self.node_map(
                                items,
                                graph,
                                Some(name.clone()),
                                Some(&mut inner),
                                depth + 1,
                            )?;
                        }
                        let mut m = Map::new();
                        m.insert("@list".into(), Value::Array(inner));
                        self.add(graph, &name, &property, Value::Object(m))?;
                    }
                    other => {
                        self.node_map(other, graph, Some(name.clone()), None, depth + 1)?;
                        self.add(graph, &name, &property, other.clone())?;
                    }
                }
            }
        }
        Ok(())
    }

    fn event(&self, what: &'static str, term: &str, path: &str) -> Result<(), Error> {
        self.processor.event(what, term, path)
    }

    fn push(&mut self, quad: Quad) -> Result<(), Error> {
        if self.quads.len() >= self.processor.options.max_quads {
            return Err(Error::LimitExceeded(format!(
                "more than {} quads",
                self.processor.options.max_quads
            )));
        }
        self.quads.push(quad);
        Ok(())
    }

    pub(crate) fn into_dataset(mut self) -> Result<Dataset, Error> {
        let graphs = std::mem::take(&mut self.graphs);
        for (graph_name, nodes) in &graphs {
            let graph = if graph_name == "@default" {
                None
            } else if is_absolute(graph_name) {
                Some(Term::from_id(graph_name))
            } else {
                self.event("relative graph reference", graph_name, "@graph")?;
                continue;
            };
            for (id, node) in nodes {
                for (property, items) in node {
                    let predicate = if property == "@type" {
                        RDF_TYPE
                    } else if is_keyword(property) {
                        continue;
                    } else {
                        property.as_str()
                    };
                    for item in crate_items(items) {
                        if !is_absolute(id) {
                            self.event("relative subject reference", id, "subject")?;
                            continue;
                        }
                        if !is_absolute(predicate) {
                            self.event("relative predicate reference", predicate, id)?;
                            continue;
                        }
                        if is_blank(predicate) {
                            self.event("blank node predicate", predicate, id)?;
                            continue;
                        }
                        if let Some(object) = self.object_to_rdf(item, &graph, 0)? {
                            self.push(Quad {
                                subject: Term::from_id(id),
                                predicate: Term::Iri(predicate.to_string()),
                                object,
                                graph: graph.clone(),
                            })?;
                        }
                    }
                }
            }
        }
        Ok(Dataset { quads: self.quads })
    }

    fn object_to_rdf(
        &mut self,
        item: &Value,
        graph: &Option<Term>,
        depth: usize,
    ) -> Result<Option<Term>, Error> {
        self.check_depth(depth)?;
        if let Value::Object(m) = item
            && let Some(value) = m.get("@value")
        {
            return Ok(Some(self.literal(m, value)?));
        }
        if let Value::Object(m) = item
            && let Some(list) = m.get("@list")
        {
            return self
                .list_to_rdf(crate_items(list), graph, depth + 1)
                .map(Some);
        }
        let id = match item {
            Value::Object(m) => m.get("@id").and_then(Value::as_str),
            Value::String(s) => Some(s.as_str()),
            _ => None,
        };
        let Some(id) = id else { return Ok(None) };
        let term = Term::from_id(id);
        if matches!(term, Term::Iri(_)) && !is_absolute(id) {
            self.event("relative object reference", id, "object")?;
            return Ok(None);
        }
        Ok(Some(term))
    }

    fn literal(&self, m: &Map<String, Value>, value: &Value) -> Result<Term, Error> {
        let datatype = m.get("@type").and_then(Value::as_str);
        let has_direction = m.contains_key("@direction");
        let (lexical, default_datatype) = if datatype == Some("@json") {
            let mut json = String::new();
            jcs(value, &mut json, self.processor.options.max_depth)?;
            return Ok(Term::Literal {
                value: json,
                datatype: RDF_JSON.into(),
                language: None,
            });
        } else if let Value::Bool(b) = value {
            (b.to_string(), XSD_BOOLEAN)
        } else if let Value::Number(n) = value
            && let Some(x) = n.as_f64()
        {
            if is_js_double(x) || datatype == Some(XSD_DOUBLE) {
                (canonical_double(x), XSD_DOUBLE)
            } else {
                (js_to_fixed0(x), XSD_INTEGER)
            }
        } else if datatype == Some(XSD_DOUBLE) {
            let text = value.as_str().unwrap_or_default();
            (canonical_double(js_parse_float(text)), XSD_DOUBLE)
        } else {
            let text = match value {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            if has_direction {
                self.event("rdfDirection not set", &text, "@direction")?;
            }
            if let Some(language) = m.get("@language").and_then(Value::as_str) {
                return Ok(Term::Literal {
                    value: text,
                    datatype: datatype.unwrap_or(RDF_LANGSTRING).into(),
                    language: Some(language.to_string()),
                });
            }
            (text, XSD_STRING)
        };
        Ok(Term::Literal {
            value: lexical,
            datatype: datatype.unwrap_or(default_datatype).into(),
            language: None,
        })
    }

    fn list_to_rdf(
        &mut self,
        items: &[Value],
        graph: &Option<Term>,
        depth: usize,
    ) -> Result<Term, Error> {
        if items.is_empty() {
            return Ok(Term::Iri(RDF_NIL.into()));
        }
        let head = Term::from_id(&self.issue(None));
        let mut subject = head.clone();
        for (i, item) in items.iter().enumerate() {
            let object = self.object_to_rdf(item, graph, depth + 1)?;
            let next = if i + 1 == items.len() {
                Term::Iri(RDF_NIL.into())
            } else {
                Term::from_id(&self.issue(None))
            };
            if let Some(object) = object {
                self.push(Quad {
                    subject: subject.clone(),
                    predicate: Term::Iri(RDF_FIRST.into()),
                    object,
                    graph: graph.clone(),
                })?;
            }
            self.push(Quad {
                subject: subject.clone(),
                predicate: Term::Iri(RDF_REST.into()),
                object: next.clone(),
                graph: graph.clone(),
            })?;
            subject = next;
        }
        Ok(head)
    }
}

fn crate_items(v: &Value) -> &[Value] {
    match v {
        Value::Array(items) => items,
        single => std::slice::from_ref(single),
    }
}
