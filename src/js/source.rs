//! A JS value as the engine's `Source`: each read is one boundary call, and
//! none can throw into the wasm (see `boundary`).

use crate::prelude::*;

use super::boundary::{
    self, class_of, get_index, get_key, get_value, json_stringify, object_keys, Keys, Loose,
    CLASS_ARRAY, CLASS_BIGINT, CLASS_BYTES, CLASS_FALSE, CLASS_FUNCTION, CLASS_NULL, CLASS_NUMBER,
    CLASS_OBJECT, CLASS_STRING, CLASS_SYMBOL, CLASS_TRUE, CLASS_UNDEFINED,
};
use crate::engine::input::{read, Budget, Class, Shape, Source, Value};
use core::cell::{Cell, RefCell};
use wasm_bindgen::{JsCast, JsValue};

pub struct JsSource<'k> {
    value: JsValue,
    /// Functions met while reading (an `options.fetch`), kept so that the
    /// caller's value is never read a second time to fetch them again.
    kept: &'k RefCell<Vec<JsValue>>,
    /// The keys `keys` last found, as JS strings: a field is read with its
    /// key as it is, not copied back out of the wasm.
    keys: RefCell<Vec<JsValue>>,
    /// A string's length in UTF-16 units, which `class` learns with it.
    units: Cell<usize>,
}

impl<'k> JsSource<'k> {
    pub fn new(value: JsValue, kept: &'k RefCell<Vec<JsValue>>) -> Self {
        JsSource {
            value,
            kept,
            keys: RefCell::new(Vec::new()),
            units: Cell::new(0),
        }
    }

    fn with(&self, value: JsValue) -> Self {
        JsSource::new(value, self.kept)
    }
}

/// Reads `value` with `shape` (a JS value the wasm checks), keeping any
/// function in it.
pub fn read_js(value: &JsValue, shape: &Shape, kept: &RefCell<Vec<JsValue>>) -> Value {
    read(
        &JsSource::new(value.clone(), kept),
        shape,
        &mut Budget::per_call(),
    )
}

impl Source for JsSource<'_> {
    fn class(&self) -> Class {
        // One call out of the wasm says what a value is (`result.js`,
        // `classOf`); only a number's value takes a second.
        let v = &self.value;
        match class_of(v) {
            Ok(n) if n >= CLASS_STRING => {
                self.units.set((n - CLASS_STRING) as usize);
                Class::String
            }
            Ok(CLASS_UNDEFINED) => Class::Undefined,
            Ok(CLASS_OBJECT) => Class::Object,
            Ok(CLASS_ARRAY) => Class::Array,
            Ok(CLASS_BYTES) => Class::Bytes,
            Ok(CLASS_NULL) => Class::Null,
            Ok(CLASS_FUNCTION) => Class::Function,
            Ok(CLASS_TRUE) => Class::Bool(true),
            Ok(CLASS_FALSE) => Class::Bool(false),
            Ok(CLASS_SYMBOL) => Class::Symbol,
            Ok(CLASS_BIGINT) => Class::BigInt,
            // A number's value is the one thing left to ask.
            Ok(CLASS_NUMBER) => v.as_f64().map_or(Class::Unreadable, Class::Number),
            // Array.isArray of a revoked Proxy; no other number is given.
            _ => Class::Unreadable,
        }
    }

    fn text_len(&self) -> usize {
        // Asked only of a value `class` found a string.
        self.units.get()
    }

    fn text(&self) -> Value {
        match boundary::string_of(&self.value) {
            Some((text, true)) => Value::String(text),
            Some((lossy, false)) => {
                match json_stringify(&self.value).ok().and_then(|j| j.as_string()) {
                    Some(json) => Value::IllFormedString { lossy, json },
                    None => Value::Other("a string that cannot be read"),
                }
            }
            None => Value::Other("a string that cannot be read"),
        }
    }

    fn keys(&self, max: usize) -> Result<Vec<String>, usize> {
        // A fresh array the engine made, whatever the value is: safe to
        // read, but still read through `catch` bindings.
        let keys: Keys = object_keys(&self.value)
            .map_err(|_| 0usize)?
            .unchecked_into();
        let count = keys.count() as usize;
        if count > max {
            return Err(count);
        }
        let mut js_keys = Vec::with_capacity(count);
        let mut names = Vec::with_capacity(count);
        for index in 0..count as u32 {
            let key = get_index(&keys, index).map_err(|_| 0usize)?;
            names.push(key.as_string().ok_or(0usize)?);
            js_keys.push(key);
        }
        if let Ok(mut kept) = self.keys.try_borrow_mut() {
            *kept = js_keys;
        }
        Ok(names)
    }

    fn field(&self, key: &str) -> Option<Self> {
        get_key(&self.value, key).ok().map(|value| self.with(value))
    }

    fn named_field(&self, key: &'static str) -> Option<Self> {
        // The fields every success is read by, through getters whose name
        // is in the glue: a key passed as text is decoded out of the wasm
        // on each read.
        let getter = match key {
            "object" => Loose::object,
            "data" => Loose::data,
            _ => return self.field(key),
        };
        getter(self.value.unchecked_ref())
            .ok()
            .map(|value| self.with(value))
    }

    fn key_field(&self, index: usize, key: &str) -> Option<Self> {
        let js_key = self
            .keys
            .try_borrow()
            .ok()
            .and_then(|keys| keys.get(index).cloned());
        match js_key {
            Some(js_key) => get_value(&self.value, &js_key)
                .ok()
                .map(|value| self.with(value)),
            None => self.field(key),
        }
    }

    fn list_len(&self) -> Option<usize> {
        let n = get_key(&self.value, "length").ok()?.as_f64()?;
        (n >= 0.0 && n <= f64::from(u32::MAX) && n == (n as u32) as f64).then_some(n as usize)
    }

    fn item(&self, index: usize) -> Option<Self> {
        let index = u32::try_from(index).ok()?;
        get_index(&self.value, index)
            .ok()
            .map(|value| self.with(value))
    }

    fn keep_function(&self) -> usize {
        match self.kept.try_borrow_mut() {
            Ok(mut kept) => {
                kept.push(self.value.clone());
                kept.len().saturating_sub(1)
            }
            // Never borrowed elsewhere while reading; an index past the end
            // would find no function, and the option would be refused.
            Err(_) => usize::MAX,
        }
    }
}
