//! Untrusted input, read only as far as the checks need it.
//!
//! Everything a caller or the service hands over enters the engine as a
//! [`Value`], made by [`read`] from a [`Source`] (in the wasm build, a JS
//! value; natively, a `Value` parsed from JSON) under a [`Shape`] that says
//! which parts matter. A shape has a fixed depth, so a cyclic or absurdly
//! deep value is never walked; arrays longer than the shape allows and
//! objects with too many keys are measured, not read; the values of keys a
//! shape does not know are never read at all; and a [`Budget`] caps the
//! text copied in. Reading any input therefore takes time linear in the
//! part the shape looks at, never in the whole graph.

use crate::prelude::*;

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// JavaScript's `undefined`: a missing argument, or a field set to it.
    Undefined,
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    /// A JavaScript string holding a lone surrogate (text cut inside a
    /// character), which no Rust string can hold. `lossy` has U+FFFD in its
    /// place, for messages; `json` is the string as `JSON.stringify` writes
    /// it (quotes included), which is what a request body must carry.
    IllFormedString {
        lossy: String,
        json: String,
    },
    Array(Vec<Value>),
    /// Key order is kept: unknown keys are reported in the caller's order.
    Object(Vec<(String, Value)>),
    /// A function, kept by the reader: its index among the kept functions.
    Function(usize),
    /// Present, but not read: the value of a key the shape does not know,
    /// or a value whose kind is all the shape asks for.
    Unread(Kind),
    /// Measured and found too big to read: an array longer than its shape
    /// allows, an object with more keys than any input may have, or text
    /// past the budget. `size` is the items, keys or UTF-16 units counted.
    TooLarge {
        kind: Kind,
        size: usize,
    },
    /// A value that has no JSON meaning, or that threw when read.
    Other(&'static str),
}

/// What a value is, as a message names it ("received number").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Undefined,
    Null,
    Boolean,
    Number,
    String,
    Array,
    Object,
    Function,
    Other(&'static str),
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Undefined => "undefined",
            Kind::Null => "null",
            Kind::Boolean => "boolean",
            Kind::Number => "number",
            Kind::String => "string",
            Kind::Array => "array",
            Kind::Object => "object",
            Kind::Function => "function",
            Kind::Other(name) => name,
        }
    }
}

impl Value {
    pub fn kind(&self) -> Kind {
        match self {
            Value::Undefined => Kind::Undefined,
            Value::Null => Kind::Null,
            Value::Bool(_) => Kind::Boolean,
            Value::Number(_) => Kind::Number,
            Value::String(_) | Value::IllFormedString { .. } => Kind::String,
            Value::Array(_) => Kind::Array,
            Value::Object(_) => Kind::Object,
            Value::Function(_) => Kind::Function,
            Value::Unread(kind) | Value::TooLarge { kind, .. } => *kind,
            Value::Other(name) => Kind::Other(name),
        }
    }

    /// The type name used in error messages ("received NaN").
    pub fn kind_name(&self) -> &'static str {
        match self {
            Value::Number(n) if n.is_nan() => "NaN",
            Value::Number(n) if n.is_infinite() => "Infinity",
            other => other.kind().name(),
        }
    }

    /// `undefined` or `null`: an optional field that was not given (the
    /// service marks its optional fields nullable).
    pub fn is_absent(&self) -> bool {
        matches!(self, Value::Undefined | Value::Null)
    }

    pub fn get(&self, key: &str) -> Option<&Value> {
        self.as_object().and_then(|entries| field(entries, key))
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_object(&self) -> Option<&[(String, Value)]> {
        match self {
            Value::Object(entries) => Some(entries),
            _ => None,
        }
    }

    /// Parses JSON text (natively: tests and fuzzing). Any failure is a
    /// message, never a panic.
    #[cfg(not(target_arch = "wasm32"))]
    pub fn from_json(text: &str) -> Result<Value, String> {
        let parsed: serde_json::Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
        Ok(Value::from(parsed))
    }
}

/// The value of `key` among an object's entries.
pub fn field<'v>(entries: &'v [(String, Value)], key: &str) -> Option<&'v Value> {
    entries.iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

#[cfg(not(target_arch = "wasm32"))]
impl From<serde_json::Value> for Value {
    fn from(json: serde_json::Value) -> Value {
        use serde_json::Value as Json;
        match json {
            Json::Null => Value::Null,
            Json::Bool(b) => Value::Bool(b),
            Json::Number(n) => Value::Number(n.as_f64().unwrap_or(f64::NAN)),
            Json::String(s) => Value::String(s),
            Json::Array(items) => Value::Array(items.into_iter().map(Value::from).collect()),
            // serde_json's map keeps insertion order (the preserve_order
            // feature); a repeated key keeps its last value, as JSON.parse.
            Json::Object(map) => {
                Value::Object(map.into_iter().map(|(k, v)| (k, v.into())).collect())
            }
        }
    }
}

/// Which parts of a value a check needs.
#[derive(Debug)]
pub enum Shape {
    /// A scalar, read in full (strings, numbers, booleans); an object or
    /// an array here is read as an empty one, its kind being all a check
    /// can say of it.
    Scalar,
    /// The kind only: a string is not even copied.
    Kind,
    /// An object whose keys are all checked: the listed ones are read with
    /// their shapes, any other is reported by name, its value never read.
    Strict(&'static [(&'static str, Shape)]),
    /// An object of which only the listed fields are read, by name.
    Open(&'static [(&'static str, Shape)]),
    /// An array of at most `max` items, each read with `item`; a longer one
    /// is only measured.
    List { max: usize, item: &'static Shape },
}

impl Shape {
    /// The keys a `Strict` or `Open` shape lists.
    pub fn keys(&self) -> impl Iterator<Item = &'static str> + '_ {
        let fields: &[(&str, Shape)] = match self {
            Shape::Strict(fields) | Shape::Open(fields) => fields,
            _ => &[],
        };
        fields.iter().map(|(key, _)| *key)
    }

    fn field(&self, key: &str) -> Option<&Shape> {
        match self {
            Shape::Strict(fields) | Shape::Open(fields) => fields
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, shape)| shape),
            _ => None,
        }
    }
}

/// How much of one input may be read.
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    /// Values read in all: objects, arrays, scalars.
    pub values: usize,
    /// UTF-16 units of text copied in.
    pub text_units: usize,
}

impl Budget {
    /// For one call's arguments. Far above any real call (the largest
    /// params read a few dozen values), and low enough that reading the
    /// most it allows stays quick (BENCHMARKS.md, "Hostile input").
    pub const fn per_call() -> Budget {
        Budget {
            values: 4_096,
            text_units: 8 << 20,
        }
    }
}

/// More own keys than any params object or event can have: such an object
/// is measured and refused, never enumerated.
pub const MAX_KEYS: usize = 256;

/// What a `Source` is, found without reading inside it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Class {
    Undefined,
    Null,
    Bool(bool),
    Number(f64),
    String,
    Array,
    Object,
    Function,
    Symbol,
    BigInt,
    /// A typed array, a `DataView` or a Node.js `Buffer`: bytes, which are
    /// never enumerated (each byte is a key of its own).
    Bytes,
    /// Reading it threw (a revoked Proxy, a throwing trap).
    Unreadable,
}

/// A value to read: a JS value in the wasm build, a `Value` natively. Each
/// method reads one thing; none may throw or trap, whatever the value does.
pub trait Source: Sized {
    fn class(&self) -> Class;
    /// A string's length in UTF-16 units, before it is copied.
    fn text_len(&self) -> usize;
    /// A string's text (`String` or `IllFormedString`), or `Other` when it
    /// cannot be read.
    fn text(&self) -> Value;
    /// The object's own enumerable string keys, if there are at most `max`;
    /// `Err(count)` when there are more; `Err(0)` when they cannot be read.
    fn keys(&self, max: usize) -> Result<Vec<String>, usize>;
    /// `object[key]`; `None` when reading it threw.
    fn field(&self, key: &str) -> Option<Self>;
    /// `object[key]` for a key a shape names: a source may read the keys it
    /// knows in advance in a cheaper way.
    fn named_field(&self, key: &'static str) -> Option<Self> {
        self.field(key)
    }
    /// `object[key]` for the key at `index` of what `keys` last returned:
    /// a source may read it with the key as it has it (a JS value need not
    /// cross the boundary again as text).
    fn key_field(&self, _index: usize, key: &str) -> Option<Self> {
        self.field(key)
    }
    /// An array's length; `None` when it cannot be read.
    fn list_len(&self) -> Option<usize>;
    /// `array[index]`; `None` when reading it threw.
    fn item(&self, index: usize) -> Option<Self>;
    /// Keeps a function for the caller (an `options.fetch`): its index.
    fn keep_function(&self) -> usize;
}

const UNREADABLE: Value = Value::Other("a value that throws when read");

/// Reads `source` as far as `shape` needs, within `budget`.
pub fn read<S: Source>(source: &S, shape: &Shape, budget: &mut Budget) -> Value {
    if budget.values == 0 {
        return Value::TooLarge {
            kind: Kind::Other("input"),
            size: 0,
        };
    }
    budget.values -= 1;
    match source.class() {
        Class::Undefined => Value::Undefined,
        Class::Null => Value::Null,
        Class::Bool(b) => Value::Bool(b),
        Class::Number(n) => Value::Number(n),
        Class::String if matches!(shape, Shape::Kind) => Value::Unread(Kind::String),
        Class::String => {
            let units = source.text_len();
            // Measured, not copied: the rest of the budget stays for the
            // other strings of the call, which are then checked as usual.
            if units > budget.text_units {
                return Value::TooLarge {
                    kind: Kind::String,
                    size: units,
                };
            }
            budget.text_units -= units;
            source.text()
        }
        Class::Function => Value::Function(source.keep_function()),
        Class::Symbol => Value::Other("symbol"),
        Class::BigInt => Value::Other("bigint"),
        Class::Bytes => Value::Other("binary data"),
        Class::Unreadable => UNREADABLE,
        Class::Array => match shape {
            Shape::List { max, item } => read_list(source, *max, item, budget),
            Shape::Kind => Value::Unread(Kind::Array),
            _ => Value::Array(Vec::new()),
        },
        Class::Object => match shape {
            Shape::Strict(_) => read_strict(source, shape, budget),
            Shape::Open(fields) => read_open(source, fields, budget),
            Shape::Kind => Value::Unread(Kind::Object),
            _ => Value::Object(Vec::new()),
        },
    }
}

fn read_list<S: Source>(source: &S, max: usize, item: &Shape, budget: &mut Budget) -> Value {
    let Some(len) = source.list_len() else {
        return UNREADABLE;
    };
    if len > max {
        return Value::TooLarge {
            kind: Kind::Array,
            size: len,
        };
    }
    Value::Array(
        (0..len)
            .map(|index| match source.item(index) {
                Some(value) => read(&value, item, budget),
                None => UNREADABLE,
            })
            .collect(),
    )
}

fn read_strict<S: Source>(source: &S, shape: &Shape, budget: &mut Budget) -> Value {
    let keys = match source.keys(MAX_KEYS) {
        Ok(keys) => keys,
        Err(0) => return UNREADABLE,
        Err(count) => {
            return Value::TooLarge {
                kind: Kind::Object,
                size: count,
            }
        }
    };
    let entries = keys
        .into_iter()
        .enumerate()
        .map(|(index, key)| {
            let value = match shape.field(&key) {
                None => Value::Unread(Kind::Other("unknown")),
                Some(sub) => match source.key_field(index, &key) {
                    Some(value) => read(&value, sub, budget),
                    None => UNREADABLE,
                },
            };
            (key, value)
        })
        .collect();
    Value::Object(entries)
}

fn read_open<S: Source>(
    source: &S,
    fields: &[(&'static str, Shape)],
    budget: &mut Budget,
) -> Value {
    let mut entries = Vec::new();
    for (key, sub) in fields {
        let value = match source.named_field(key) {
            Some(value) => read(&value, sub, budget),
            None => UNREADABLE,
        };
        if !matches!(value, Value::Undefined) {
            entries.push(((*key).to_owned(), value));
        }
    }
    Value::Object(entries)
}

/// A `Value` read as a source: what native tests and fuzzing feed the
/// engine, through the same `read` as the wasm's JS values.
impl Source for Value {
    fn class(&self) -> Class {
        match self {
            Value::Undefined | Value::Unread(_) => Class::Undefined,
            Value::Null => Class::Null,
            Value::Bool(b) => Class::Bool(*b),
            Value::Number(n) => Class::Number(*n),
            Value::String(_) | Value::IllFormedString { .. } => Class::String,
            Value::Array(_) => Class::Array,
            Value::Object(_) => Class::Object,
            Value::Function(_) => Class::Function,
            Value::TooLarge { .. } | Value::Other(_) => Class::Unreadable,
        }
    }

    fn text_len(&self) -> usize {
        match self {
            Value::String(s) | Value::IllFormedString { lossy: s, .. } => s.encode_utf16().count(),
            _ => 0,
        }
    }

    fn text(&self) -> Value {
        self.clone()
    }

    fn keys(&self, max: usize) -> Result<Vec<String>, usize> {
        let entries = self.as_object().ok_or(0usize)?;
        if entries.len() > max {
            return Err(entries.len());
        }
        Ok(entries.iter().map(|(k, _)| k.clone()).collect())
    }

    fn field(&self, key: &str) -> Option<Value> {
        Some(self.get(key).cloned().unwrap_or(Value::Undefined))
    }

    fn list_len(&self) -> Option<usize> {
        match self {
            Value::Array(items) => Some(items.len()),
            _ => None,
        }
    }

    fn item(&self, index: usize) -> Option<Value> {
        match self {
            Value::Array(items) => items.get(index).cloned(),
            _ => None,
        }
    }

    fn keep_function(&self) -> usize {
        match self {
            Value::Function(index) => *index,
            _ => 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(text: &str) -> Value {
        Value::from_json(text).unwrap()
    }

    const ITEM: Shape = Shape::Scalar;
    const PARAMS: Shape = Shape::Strict(&[
        ("to", Shape::Scalar),
        (
            "list",
            Shape::List {
                max: 3,
                item: &ITEM,
            },
        ),
        (
            "nested",
            Shape::Open(&[("a", Shape::Scalar), ("b", Shape::Kind)]),
        ),
    ]);

    fn read_all(value: &Value, shape: &Shape) -> Value {
        read(value, shape, &mut Budget::per_call())
    }

    #[test]
    fn keeps_key_order_and_numbers() {
        let v = json(r#"{"z":1,"a":{"t":1785698220563,"f":1.5},"m":[true,null,"x"]}"#);
        assert_eq!(
            v.as_object()
                .unwrap()
                .iter()
                .map(|(k, _)| k.as_str())
                .collect::<Vec<_>>(),
            ["z", "a", "m"]
        );
        assert_eq!(
            v.get("a").unwrap().get("t"),
            Some(&Value::Number(1_785_698_220_563.0))
        );
        assert_eq!(
            json(r#"{"a":1,"a":2}"#),
            Value::Object(vec![("a".into(), Value::Number(2.0))])
        );
    }

    #[test]
    fn unknown_keys_are_named_but_not_read() {
        let got = read_all(&json(r#"{"zz":{"deep":[1,2,3]},"to":"x"}"#), &PARAMS);
        assert_eq!(
            got,
            Value::Object(vec![
                ("zz".into(), Value::Unread(Kind::Other("unknown"))),
                ("to".into(), Value::String("x".into())),
            ])
        );
    }

    #[test]
    fn a_list_longer_than_its_shape_is_measured_not_read() {
        let got = read_all(&json(r#"{"list":[1,2,3,4,5]}"#), &PARAMS);
        assert_eq!(
            got.get("list"),
            Some(&Value::TooLarge {
                kind: Kind::Array,
                size: 5
            })
        );
        let got = read_all(&json(r#"{"list":[1,2,3]}"#), &PARAMS);
        assert_eq!(got.get("list").and_then(Source::list_len), Some(3));
    }

    #[test]
    fn open_objects_read_only_their_fields_and_kind_shapes_copy_nothing() {
        let got = read_all(
            &json(r#"{"nested":{"a":"x","b":"long text","c":1}}"#),
            &PARAMS,
        );
        assert_eq!(
            got.get("nested"),
            Some(&Value::Object(vec![
                ("a".into(), Value::String("x".into())),
                ("b".into(), Value::Unread(Kind::String)),
            ]))
        );
    }

    #[test]
    fn a_container_where_a_scalar_belongs_is_read_as_an_empty_one() {
        let got = read_all(&json(r#"{"to":{"a":1},"nested":[1]}"#), &PARAMS);
        assert_eq!(got.get("to"), Some(&Value::Object(vec![])));
        assert_eq!(got.get("nested"), Some(&Value::Array(vec![])));
    }

    #[test]
    fn too_many_keys_are_counted_not_enumerated() {
        let many = Value::Object((0..300).map(|i| (format!("k{i}"), Value::Null)).collect());
        assert_eq!(
            read_all(&many, &PARAMS),
            Value::TooLarge {
                kind: Kind::Object,
                size: 300
            }
        );
    }

    #[test]
    fn the_budget_caps_text_and_values() {
        let mut budget = Budget {
            values: 10,
            text_units: 4,
        };
        let got = read(
            &json(r#"{"to":"12345","list":["abc","d"]}"#),
            &PARAMS,
            &mut budget,
        );
        assert_eq!(
            got.get("to"),
            Some(&Value::TooLarge {
                kind: Kind::String,
                size: 5
            })
        );
        // What was too long is only measured: the strings after it are read
        // with what is left of the budget.
        assert_eq!(
            got.get("list"),
            Some(&Value::Array(vec![
                Value::String("abc".into()),
                Value::String("d".into())
            ]))
        );
        assert_eq!(budget.text_units, 0);
        let mut budget = Budget {
            values: 2,
            text_units: 100,
        };
        let got = read(&json(r#"{"list":[1,2,3]}"#), &PARAMS, &mut budget);
        let Some(Value::Array(items)) = got.get("list") else {
            panic!("{got:?}")
        };
        assert!(matches!(items[1], Value::TooLarge { .. }), "{items:?}");
    }

    #[test]
    fn the_text_budget_is_shared_by_every_string_and_may_be_used_up_exactly() {
        const TWO: Shape = Shape::Strict(&[("a", Shape::Scalar), ("b", Shape::Scalar)]);
        let mut budget = Budget {
            values: 10,
            text_units: 6,
        };
        let got = read(&json(r#"{"a":"abc","b":"def"}"#), &TWO, &mut budget);
        assert_eq!(got.get("b"), Some(&Value::String("def".into())));
        assert_eq!(budget.text_units, 0);
        let mut budget = Budget {
            values: 10,
            text_units: 5,
        };
        let got = read(&json(r#"{"a":"abc","b":"def"}"#), &TWO, &mut budget);
        assert_eq!(got.get("a"), Some(&Value::String("abc".into())));
        assert_eq!(
            got.get("b"),
            Some(&Value::TooLarge {
                kind: Kind::String,
                size: 3
            })
        );
        // Counted in UTF-16 units, as JS measures a string: 😀 is two.
        let mut budget = Budget {
            values: 10,
            text_units: 2,
        };
        assert_eq!(
            read(&json(r#""😀""#), &Shape::Scalar, &mut budget),
            Value::String("😀".into())
        );
    }

    #[test]
    fn a_kind_shape_reads_no_container() {
        for (text, kind) in [
            (r#"[1,2]"#, Kind::Array),
            (r#"{"a":1}"#, Kind::Object),
            (r#""text""#, Kind::String),
        ] {
            assert_eq!(read_all(&json(text), &Shape::Kind), Value::Unread(kind));
        }
        assert_eq!(
            read_all(&json("1.5"), &Shape::Kind),
            Value::Number(1.5),
            "scalars other than text cost nothing to copy"
        );
    }

    #[test]
    fn an_object_of_max_keys_is_read_and_one_more_is_not() {
        let keys =
            |n: usize| Value::Object((0..n).map(|i| (format!("k{i}"), Value::Null)).collect());
        let Value::Object(entries) = read_all(&keys(MAX_KEYS), &PARAMS) else {
            panic!("an object of {MAX_KEYS} keys is read");
        };
        assert_eq!(entries.len(), MAX_KEYS);
        assert_eq!(
            read_all(&keys(MAX_KEYS + 1), &PARAMS),
            Value::TooLarge {
                kind: Kind::Object,
                size: MAX_KEYS + 1
            }
        );
    }

    #[test]
    fn a_function_is_kept_by_its_index() {
        for index in [0, 2, 7] {
            assert_eq!(
                read_all(&Value::Function(index), &Shape::Scalar),
                Value::Function(index)
            );
        }
    }

    #[test]
    fn kinds_name_special_numbers() {
        assert_eq!(Value::Number(f64::NAN).kind_name(), "NaN");
        assert_eq!(Value::Number(f64::INFINITY).kind_name(), "Infinity");
        assert_eq!(Value::Number(2.0).kind_name(), "number");
        assert_eq!(Value::Other("symbol").kind_name(), "symbol");
    }
}

/// A body (of a response or a webhook delivery) decoded as JSON, or why not.
#[derive(Debug, Clone, PartialEq)]
pub enum Body {
    /// Nothing but whitespace.
    Empty,
    /// Not JSON: an HTML error page, truncated text, garbage.
    NotJson,
    /// JSON, read as far as the check's shape needs.
    Json(Value),
}

impl Body {
    /// Decodes text with serde_json and reads it with `shape` (natively;
    /// the wasm decodes with the engine's `JSON.parse` and reads the JS
    /// value through the same `read`).
    #[cfg(not(target_arch = "wasm32"))]
    pub fn from_text(text: &str, shape: &Shape) -> Body {
        if text.trim().is_empty() {
            return Body::Empty;
        }
        match Value::from_json(text) {
            Ok(value) => Body::Json(read(&value, shape, &mut Budget::per_call())),
            Err(_) => Body::NotJson,
        }
    }

    pub fn json(&self) -> Option<&Value> {
        match self {
            Body::Json(value) => Some(value),
            _ => None,
        }
    }
}
